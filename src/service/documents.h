// Format-neutral document operations: the one place that tells PDF from OFD and calls the right
// engine, for every door (the LD/T adapter, the CLI later). A seal placement becomes stamps by
// the rules of doc/placement.h; one call is one signature made by prepare, sign, complete with a
// server-held key (the same two halves remote signers use). Time is a parameter.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/sm2.h"
#include "doc/placement.h"
#include "doc/signature_value.h"
#include "pki/certificate.h"
#include "ses/seal.h"
#include "ses/verify.h"

namespace eseal::service {

enum class DocumentFormat { kPdf, kOfd };
std::string_view format_name(DocumentFormat f);  // "PDF", "OFD"

// By content: "%PDF-" near the start, or a ZIP archive with OFD.xml at its root. kInvalidInput
// for anything else: kNotPdfOrOfd, or for a ZIP archive the package rules refuse (ofd/package.h:
// too large when inflated, a name that escapes the package, …) "OFD package refused: " and the
// rule it breaks.
inline constexpr std::string_view kNotPdfOrOfd = "not a PDF or OFD document";
Result<DocumentFormat> detect_format(ByteView document);

// A signer with a server-held key: the seal shown, the certificate listed in it, its key.
struct SealSigner {
  ses::SesSeal seal;
  pki::Certificate cert;
  crypto::Sm2PrivateKey key;
};

using doc::Placement;

// What one signature may make the engines do, so that a small request cannot ask for unbounded
// work or output. Every door takes these from the configuration ([limits]).
struct Limits {
  std::size_t max_stamps = 500;              // pictures one signature places (hits, slices)
  std::size_t max_output_bytes = 64u << 20;  // a signed document
};

struct StampOptions {
  doc::SignatureFormat pdf_format = doc::SignatureFormat::kSes;  // /Contents of a PDF signature
  Limits limits;
};

// Stamps `signer`'s seal where `placement` says, as one signature. kInvalidInput for a document
// of neither format, or a placement the document cannot meet (no such page, keyword not found,
// a cross-page seal on one page), with the rule's message; or when the signature would place
// more than max_stamps pictures ("the placement makes N stamps, more than the limit of M") or the
// signed document would exceed max_output_bytes ("the signed document would be N bytes, more
// than the limit of M").
Result<Bytes> stamp(ByteView document, const Placement& placement, const SealSigner& signer,
                    Time at, const StampOptions& options = {});

// OFD only (kInvalidInput for PDF): the licence lock signature, its removal, and a certified
// copy (ofd/sign.h, ofd/copy.h).
Result<Bytes> add_lock(ByteView ofd, const pki::Certificate& cert, const crypto::Sm2PrivateKey& key,
                       Time at);
Result<Bytes> remove_lock(ByteView ofd);
Result<Bytes> certified_copy(ByteView ofd, const std::string& creator, const std::string& cause,
                             int years, const pki::Certificate& cert,
                             const crypto::Sm2PrivateKey& key, Time at);

// One signature of a verified document, in the terms the interfaces report.
struct SignatureSummary {
  ses::Outcome outcome;  // valid, indeterminate or failed, with the findings (ses/verify.h)
  std::string kind;      // "seal" or "lock" (an OFD Type="Sign" lock signature) or "signature"
  std::string signer;    // the signer certificate's subject DN
  std::string seal_id, seal_name;
  // "验证通过"; "验证结果不确定：" and the findings; or the failed checks with their details
  std::string info;
  bool valid() const { return outcome.indication == ses::Indication::kValid; }
};

struct VerifySummary {
  DocumentFormat format = DocumentFormat::kPdf;
  ses::Outcome outcome;  // the worst of the signatures', failed when something changed after
  bool locked = false;
  std::vector<SignatureSummary> signatures;
  bool valid() const { return outcome.indication == ses::Indication::kValid; }
};

// kInvalidInput only for a document that cannot be read at all; everything about its
// signatures is in the summary.
Result<VerifySummary> verify(ByteView document, const ses::TrustPolicy& trust);

}  // namespace eseal::service
