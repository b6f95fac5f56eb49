// Signing elsewhere, the same way for PDF and OFD, over service/signing.h: `prepare` writes the
// prepared document and hands the signer what it signs; `complete` puts the signer's signature
// in place.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/cli_support.h"
#include "pki/certificate.h"
#include "service/signing.h"

namespace eseal::cli {

// The CLI signs what the operator gives it: no server limits on stamps or output size, and the
// engines' own ceilings on what a document holds.
inline constexpr service::Limits kNoLimits{SIZE_MAX, SIZE_MAX, {}, {}};

// A format-specific command's input document; exits with bad input when it is not of `format`.
Bytes read_document(const std::string& path, service::DocumentFormat format);

// The files `prepare` writes besides the document: --digest-out and --tbs-out.
struct PrepareOutputs {
  std::string digest_out, tbs_out;
};
void add_prepare_outputs(CLI::App* cmd, PrepareOutputs& outputs, const std::string& digest_what);

// Writes the prepared document to `out` and the digest and to-be-signed bytes where asked
// (refusing existing files without `force`), and prints the digest and e = SM3(Z || to-be-signed),
// the value a signer that takes a digest signs.
void write_prepared(const std::string& out, const PrepareOutputs& outputs, bool force,
                    const service::PendingSignature& prepared, const pki::Certificate& signer);

// `PARENT complete --in P --signature SIG --out C [--tsa URL|builtin] [--force]` for documents
// of `format`.
void add_complete_command(CLI::App* parent, const std::string& format, const GlobalOptions& global);

}  // namespace eseal::cli
