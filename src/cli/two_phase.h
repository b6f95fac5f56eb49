// Signing elsewhere, the same way for PDF and OFD: `prepare` writes the prepared document and
// hands the signer what it signs; `complete` puts the signer's signature in place.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "pki/certificate.h"

namespace eseal::cli {

// The files `prepare` writes besides the document: --digest-out and --tbs-out.
struct PrepareOutputs {
  std::string digest_out, tbs_out;
};
void add_prepare_outputs(CLI::App* cmd, PrepareOutputs& outputs, const std::string& digest_what);

// What one `prepare` produced, for the signer.
struct Prepared {
  ByteView document;        // the prepared PDF or OFD, written to --out
  std::string name;         // how the new signature is known: "field Signature1", "signature s001"
  std::string digest_what;  // what `digest` is a digest of, for the printout
  ByteView digest;
  ByteView to_be_signed;
};

// Writes the prepared document to `out` and the digest and to-be-signed bytes where asked
// (refusing existing files without `force`), and prints the digest and e = SM3(Z || to-be-signed),
// the value a signer that takes a digest signs.
void write_prepared(const std::string& out, const PrepareOutputs& outputs, bool force,
                    const Prepared& prepared, const pki::Certificate& signer);

// `PARENT complete --in P --signature SIG --out C [--force]` for a format whose engine completes
// a prepared document with `complete`.
void add_complete_command(CLI::App* parent, const std::string& format,
                          std::function<Result<Bytes>(ByteView, ByteView)> complete);

}  // namespace eseal::cli
