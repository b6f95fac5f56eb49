// Verification of every signature in a PDF, in file order: which revision it covers and
// whether its byte ranges cover exactly that revision, the digest, the signature value in each
// /Contents format (ses, gmcms, pkcs7; GM/T 0031 SES structures too), the signer's certificate
// and the seal at the signing time, what changed after it, and where its seal is shown.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "doc/placement.h"
#include "doc/value_report.h"
#include "pdf/contents.h"

namespace eseal::pdf {

// What changed after a signature's revision.
enum class ChangesAfter {
  kNone,                     // the signature covers the whole file
  kSignaturesOrAnnotations,  // later revisions only add signatures, form fields or annotations
  kModified,  // a later revision changed something the signature covers (page content, another
              // signature's appearance, a widget's place): the document was modified
};
// "none", "signatures-or-annotations", "modified"
std::string_view changes_name(ChangesAfter c);

struct Appearance {
  int page = 0;  // 0-based
  doc::RectMm rect;
};

// One signature: the value's part (doc/value_report.h: format, signing time, signer, seal,
// verdict) and where it sits in the file.
struct SignatureReport : doc::ValueReport {
  std::string field_name;
  std::string reason;  // the signature dictionary's /Reason, when it has one
  int revision = 0;    // 1-based revision the signature covers; 0 when none matches
  ByteRange byte_range{};
  ChangesAfter changes_after = ChangesAfter::kNone;
  // Where the final document differs from the signed revision, page by page (none when the
  // signature covers the whole file).
  std::vector<doc::ChangedRegion> changed_regions;
  std::vector<Appearance> appearances;
  // verdict: every check in order: byte-range, then the value's checks (digest over the byte
  // ranges, signer-signature, signer-in-seal, signer-certificate, signer-chain, time-stamp,
  // seal.*), stamp-geometry, then changes-after. A document time stamp (format
  // "doc-time-stamp", its TSA the signer and its genTime the signing and proven time) has the
  // token's checks instead of the value's: structure, imprint over the byte ranges, nonce,
  // tsa-signature, ess-cert-id, tsa-certificate, tsa-chain.
};

struct VerifyReport {
  std::vector<SignatureReport> signatures;
  std::vector<std::string> warnings;  // QPDF's repair warnings
  int revisions = 0;
  // Bytes after the last signature's revision: a change no signature covers...
  bool unsigned_changes = false;
  // ...unless they only add validation data to the /DSS, as PAdES B-LT does after signing.
  bool validation_data_after = false;
  // Certificates and CRLs the document security store (/DSS) gave the checks.
  int dss_certificates = 0, dss_crls = 0;
  // The worst of the signatures' outcomes; failed for a document with no signature
  // ("no-signature") or with bytes after the last one ("unsigned-changes").
  ses::Outcome outcome() const;
  // Every signature valid and nothing changed after signing.
  bool valid() const;
};

// Encrypted or unreadable input is kInvalidInput; everything about the signatures themselves
// is reported, not returned as an error. Certificates and CRLs of the document's /DSS are used
// besides `trust`'s (pdf/long_term.h); trust anchors only come from `trust`.
Result<VerifyReport> verify_pdf(ByteView pdf, const ses::TrustPolicy& trust);

}  // namespace eseal::pdf
