// Verification of a PDF or OFD document over the right engine, summarized in format-neutral
// terms every door reports from: one signature report (doc/value_report.h) with what kind of
// signature it is. Wording is each door's own (the LD/T door's is api/ldt/wording.h).
#pragma once

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "doc/document_format.h"
#include "doc/placement.h"
#include "doc/value_report.h"
#include "ses/verify.h"

namespace eseal::service {

// One signature of a verified document: the value's report (format, signer, seal, verdict) and
// its kind: "seal", "lock" (an OFD Type="Sign" signature over Signatures.xml), "time-stamp" (a
// PDF document time stamp) or "signature".
struct SignatureSummary : doc::ValueReport {
  std::string kind;
  std::string name;             // the PDF field's name; the OFD signature's Signature.xml entry
  int page = 0;                 // 1-based page of its first appearance; 0 when it shows nowhere
  std::vector<int> pages = {};  // the 1-based pages it shows on, in order
  // A cross-page seal (骑缝章): on two pages or more, each showing a slice of the picture only.
  bool cross_page = false;
  std::string reason;  // a PDF signature's /Reason
  // Where the document changed after it, page by page (the engines' changed_regions).
  std::vector<doc::ChangedRegion> changed_regions = {};
};

struct VerifySummary {
  doc::DocumentFormat format = doc::DocumentFormat::kPdf;
  // The worst of the signatures' outcomes; failed with no signature or when something changed
  // after signing (the engines' document outcomes).
  ses::Outcome outcome;
  bool locked = false;
  std::vector<SignatureSummary> signatures;
  bool valid() const { return outcome.indication == ses::Indication::kValid; }
};

// The document judged at `at` (a certified copy's expiry). kInvalidInput only for a document
// that cannot be read at all; everything about its signatures is in the summary.
Result<VerifySummary> verify(ByteView document, const ses::TrustPolicy& trust, Time at);

// A signed document's verification code (核验码) and what its printed QR code holds: 16 letters
// and digits of Crockford's base32 (80 random bits; no I, L, O or U to misread), and the address
// of the public verification page for it, `public_url` + "/console/#/verify/" + code. The code
// is stored with the document's record (DocumentArchive::record), by which the page finds it.
struct NewVerificationCode {
  std::string code, url;
};
Result<NewVerificationCode> new_verification_code(const std::string& public_url);
// Whether `text` has the form of a verification code (so that a malformed one is refused early).
bool is_verification_code(std::string_view text);

}  // namespace eseal::service
