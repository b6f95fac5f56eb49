// Verification of every signature in an OFD package (GB/T 33190-2016 §18, GB/T 38540-2020 §8,
// GB/T 35275; the checklist of docs/ENCODINGS.md §4.10, extended): for each Signature of
// Signatures.xml, in order, the reference digests over the raw entries, the signature value in
// each SignedValue.dat format (SES v1/v4/v5, GB/T 35275 SignedData in both forms, a legacy bare
// SM2 signature), the signer's certificate and the seal at the signing time, the seal file
// against the signed seal, where the seal is shown, whether the signature locks the package,
// and which files of the package no signature covers or were removed. Shaped like
// pdf/verify.h, so one caller can report both.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "doc/placement.h"
#include "doc/value_report.h"
#include "ofd/package.h"
#include "pki/certificate.h"
#include "ses/verify.h"

namespace eseal::ofd {

// A StampAnnot of a signature, placed on its page.
struct Appearance {
  int document = 0;      // 0-based DocBody
  int page = -1;         // 0-based page index in that document; -1 when PageRef names no page
  std::string page_id;   // the PageRef as written
  doc::RectMm boundary;  // mm from the page's top-left corner, y down
  std::optional<doc::RectMm> clip;  // relative to the boundary's top-left corner
};

enum class ReferenceStatus {
  kMatches,     // the CheckValue is the digest of the entry's raw bytes
  kChanged,     // the entry's digest differs: the file was modified
  kMissing,     // FileRef names no file in the package: the file was removed
  kUnreadable,  // FileRef cannot be resolved, the entry cannot be read, or CheckValue is not
                // base64 of a digest of the method's size
};
std::string_view reference_status_name(ReferenceStatus s);  // "matches", "changed", ...

struct ReferenceResult {
  std::string file_ref;  // as written
  std::string path;      // the entry name it resolves to
  ReferenceStatus status = ReferenceStatus::kUnreadable;
};

// One signature: the value's part (doc/value_report.h: format, signing time, signer, seal,
// verdict) and what Signatures.xml and Signature.xml say about it. `format` may also be "sm2"
// (a bare DER SM2 signature over the raw Signature.xml, as OFDRW's deprecated
// DigitalSignContainer wrote it) or "unknown"; the signing time falls back to
// SignatureDateTime.
struct SignatureReport : doc::ValueReport {
  int document = 0;                 // 0-based DocBody
  std::string id;                   // Signatures.xml Signature/@ID
  std::string type;                 // "Seal" (the default) or "Sign"
  std::string relative;             // GM/T 0099 Relative, when present
  std::string signature_path;       // Signature.xml's entry name
  std::string signed_value_path;    // SignedValue.dat's entry name
  std::string seal_path;            // Seal/BaseLoc's entry name, when present
  std::string provider;             // Provider/@ProviderName
  std::string signature_method;     // as written
  std::string signature_date_time;  // as written
  std::string check_method;         // as written; "" means the XSD default, MD5
  // The References include this document's Signatures.xml: a lock (OFDRW WholeProtected, the
  // licence lock signature, docs/ENCODINGS.md §4.6 and §5). No signature may follow it.
  bool locked = false;
  std::vector<ReferenceResult> references;
  // Files of the package this signature does not cover, other than Signatures.xml and the
  // signatures' own files (Signature.xml, SignedValue.dat, Seal.esl): content added or left
  // out after or at signing.
  std::vector<std::string> uncovered_files;
  // Where the document differs from what this signature covers, for a reader to see: a page
  // whose Content.xml changed, was removed or is not covered, as a whole ("content"); each
  // annotation of a page annotation file that changed or is not covered ("annotation"); and
  // the stamps of the signatures that follow it ("signature").
  std::vector<doc::ChangedRegion> changed_regions;
  std::vector<Appearance> appearances;
  // verdict: every check in order:
  //   signature-xml       (only when Signature.xml is missing or malformed: failed)
  //   references          every CheckValue matches its entry; names the files that do not
  //   signed-value        (only when SignedValue.dat is missing or of no known format: failed)
  //   the value's checks (doc/value_report.h), data-hash being over the raw Signature.xml:
  //     ses:    structure, signer-signature, signer-in-seal, signer-certificate,
  //             signer-chain, time-stamp, data-hash, seal.*
  //     gmcms/pkcs7: data-hash, signer-signature, signer-certificate, signer-chain,
  //             time-stamp, seal
  //     sm2:    signer-signature (skipped, "signer-cert-missing", when no certificate is
  //             available: the value carries none; see VerifyOptions), signer-certificate,
  //             signer-chain
  //   seal-match          Seal/BaseLoc's bytes are the seal inside the signature value
  //   stamp-annots        every StampAnnot names a page of the document
  //   stamp-geometry      every stamp at least half on its page (when there are stamps)
  //   cross-page          the clipped StampAnnots (cross-page slices), page by page, make
  //                       whole seals: no slice missing (skipped when there are none)
  //   package-changes     no uncovered file, no referenced file removed
  // A skipped signer-signature leaves the signature indeterminate: nothing then binds the
  // references to a signer.
};

struct VerifyReport;

// A certified copy (加注件, ofd/copy.h): its metadata as written in DocInfo/CustomDatas and the
// original attached to it, verified in its turn.
struct CertifiedCopy {
  std::string created, creator, cause, expires;
  std::string original_path;               // the attachment's entry name; "" when absent
  std::shared_ptr<VerifyReport> original;  // when the attachment could be read as an OFD
  // copy.metadata (all four fields), copy.validity (not expired at VerifyOptions::at),
  // copy.original (attached, and its outcome: valid passes, indeterminate is indeterminate
  // "copy-original-indeterminate", failed fails)
  ses::Verdict verdict;
};

struct VerifyReport {
  std::vector<SignatureReport> signatures;  // all DocBodies, each in Signatures.xml order
  // Files no signature covers (Signatures.xml and the signatures' own files aside), and files
  // some signature references that are not in the package.
  std::vector<std::string> uncovered_files;
  std::vector<std::string> removed_files;
  // Structure that could not be followed (a DocRoot or Signatures naming no file) and lenient
  // readings (a SignedValue.dat in base64).
  std::vector<std::string> warnings;
  std::optional<CertifiedCopy> certified_copy;
  bool locked() const;  // some signature locks the package
  // The worst of the signatures' outcomes and, for a certified copy, the copy checks'; failed
  // with no signature ("no-signature") or with files uncovered ("uncovered-files") or removed
  // ("removed-files").
  ses::Outcome outcome() const;
  bool valid() const;  // the outcome is valid
};

struct VerifyOptions {
  // Certificates to check signatures that carry none against (the "sm2" format); the first
  // whose key verifies is taken as the signer. Trust in it still comes from `trust`.
  std::span<const pki::Certificate> signer_certificates;
  PackageLimits limits;
  // When a certified copy's expiry is judged (callers pass the verification time: the engine
  // reads no clock); without it copy.validity is skipped and the copy is indeterminate.
  std::optional<Time> at;
  // A seal vendor's module (an OES library, oes/loader.h) for signature values in a format
  // eseal does not read itself: given the raw Signature.xml, its CheckMethod, the seal file's
  // bytes (empty when none), the document property (Signature.xml's path) and the value, ok when
  // the module verifies them. Such a signature's report has format "oes".
  std::function<Status(ByteView signature_xml, std::string_view check_method, ByteView seal,
                       std::string_view property, ByteView value)>
      foreign;
  std::string foreign_name;  // who that module is, for the report
};

// Errors (kInvalidInput) are for packages that cannot be read at all: not a ZIP, a limit of
// PackageLimits broken, no OFD.xml, malformed XML or a DOCTYPE in OFD.xml, Document.xml or
// Signatures.xml. Everything about the signatures themselves is reported, not returned.
Result<VerifyReport> verify_ofd(ByteView ofd, const ses::TrustPolicy& trust,
                                const VerifyOptions& options = {});

}  // namespace eseal::ofd
