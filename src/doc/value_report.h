// Verification of a finished signature value, shared by the PDF and OFD engines: what an
// SES_Signature or a SignedData says about its signer and seal, and the checks on it, in one
// report part that both engines' signature reports are built on. The counterpart of
// signature_value.h, which builds the values.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "pki/signed_data.h"
#include "ses/signature.h"
#include "ses/verify.h"

namespace eseal::doc {

// What one signature value tells, whatever document holds it.
struct ValueReport {
  // "ses" (v4), "ses-v1", "ses-v5", "gmcms", "pkcs7"; an engine adds its own ("sm2", "unknown").
  std::string format;
  // The time the certificate and seal are judged at: TBS_Sign.timeInfo for SES, the signingTime
  // attribute for SignedData, else the time the document claims.
  std::optional<Time> signing_time;
  std::string signer;        // the signer certificate's subject, when known
  Bytes signer_certificate;  // and the certificate itself (DER)
  Bytes signature_value;     // the signature as the value holds it (SES: DER SM2Signature)
  std::string picture_type;  // the seal's picture, when the value carries a seal
  Bytes picture;
  std::string seal_id, seal_name;  // the seal's esID and name, when the value carries a seal
  // and its type code, version ("v4"), maker's certificate (DER) and validity
  std::int64_t seal_type = 0;
  double seal_width_mm = 0;  // the seal picture's display width
  std::string seal_version;
  Bytes seal_maker_certificate;
  std::optional<Time> seal_valid_start, seal_valid_end;
  // The time a valid time stamp over the signature value proves, and the TSA that vouches for
  // it; the certificate and the seal are then judged at it. Absent: no time stamp, or one that
  // does not hold (the "time-stamp" check says which).
  std::optional<Time> time_stamp;
  std::string time_stamp_authority;
  ses::Verdict verdict;  // every check, in order
  ses::Outcome outcome() const { return verdict.outcome(); }
  bool valid() const { return verdict.valid(); }
};

// What the value protects, in the words of the checks: the name of the check that the value
// commits to it ("digest" for PDF byte ranges, "data-hash" for an OFD Signature.xml) and how a
// detail line names it ("the byte ranges", "Signature.xml").
struct Protected {
  std::string_view check_name;
  std::string_view what;
};

// The token of a SignedData's id-aa-timeStampToken unsigned attribute (the one value of its
// SET; empty when the SET is), if it has one.
std::optional<Bytes> time_stamp_token(const pki::SignedData& value);

// The time-stamp token over `signature_value` (SES timeStamp, CMS id-aa-timeStampToken) checked
// with tsa::verify_token against `trust`: the "time-stamp" check (passed with genTime and TSA;
// indeterminate "time-stamp-indeterminate" when the TSA's chain cannot be established; failed
// when the token is not over this signature or does not verify) and the time it proves.
ses::ProvenTime check_time_stamp(ByteView token, ByteView signature_value,
                                 const ses::TrustPolicy& trust);

// An SES_Signature (any version) over `digest`, the SM3 of the protected bytes: the format, the
// signer, the seal and ses::verify_signature's checks (structure, signer-signature,
// signer-in-seal, signer-certificate, signer-chain, time-stamp, the digest check, seal.*), the
// certificate and the seal judged at a time stamp's genTime when one holds.
void check_ses(const ses::SesSignature& value, ByteView digest, const ses::TrustPolicy& trust,
               const Protected& protects, ValueReport& report);

// A GM/T 0010 or PKCS#7 SignedData over `digest`: the digest check (messageDigest, or without
// signed attributes the content as the digest, its base64 text or the data itself),
// signer-signature, signer-certificate and signer-chain at the signing time (a time stamp's
// genTime when one holds; `claimed_time` when the value has no signingTime), time-stamp, and seal
// (skipped: such a value carries none).
void check_cms(const pki::SignedData& value, ByteView digest, std::optional<Time> claimed_time,
               const ses::TrustPolicy& trust, const Protected& protects, ValueReport& report);

// signer-certificate and signer-chain for a known signer: judged at `at` (a claimed signing
// time, or a time stamp's genTime: `basis`), or skipped with the finding "no-signing-time" when
// there is no time to judge them at.
void certificate_checks(const pki::Certificate& signer, std::optional<Time> at,
                        std::span<const pki::Certificate> carried, const ses::TrustPolicy& trust,
                        std::vector<ses::Check>& checks,
                        ses::TimeBasis basis = ses::TimeBasis::kClaimed);

// A value with no certificate to check it against: signer-signature skipped with the finding
// "signer-cert-missing" (sound or not, it cannot be established), and the certificate checks
// skipped.
void no_signer_certificate(const std::string& why, std::vector<ses::Check>& checks);

}  // namespace eseal::doc
