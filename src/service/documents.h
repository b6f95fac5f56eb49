// Format-neutral documents: the one place that tells PDF from OFD by content, for every door and
// the CLI, and verification over the right engine. Signing is service/signing.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "doc/document_format.h"
#include "doc/placement.h"
#include "doc/signature_value.h"
#include "pki/certificate.h"
#include "ses/seal.h"
#include "ses/verify.h"

namespace eseal::service {

using doc::DocumentFormat;
using doc::format_name;

// By content: "%PDF-" near the start, or a ZIP archive with OFD.xml at its root. kInvalidInput
// for anything else: kNotPdfOrOfd, or for a ZIP archive the package rules refuse (ofd/package.h:
// too large when inflated, a name that escapes the package, …) "OFD package refused: " and the
// rule it breaks.
inline constexpr std::string_view kNotPdfOrOfd = "not a PDF or OFD document";
Result<DocumentFormat> detect_format(ByteView document);

using doc::Placement;

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
