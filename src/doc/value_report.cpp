#include "doc/value_report.h"

#include <algorithm>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "tsa/verify.h"

namespace eseal::doc {
namespace {

using ses::Check;

constexpr auto passed = &Check::passed;
constexpr auto failed = &Check::failed;
constexpr auto skipped = &Check::skipped;

std::string in(const Protected& protects) {
  return std::string(protects.what);
}

// The value commits to `digest`: through messageDigest, or without signed attributes through
// its content, which may be the digest, its base64 text or the protected data itself.
Check digest_check(const pki::SignedData& sd, ByteView digest, const Protected& protects) {
  std::string name(protects.check_name);
  if (sd.has_signed_attributes) {
    bool match =
        sd.message_digest && std::equal(sd.message_digest->begin(), sd.message_digest->end(),
                                        digest.begin(), digest.end());
    return match ? passed(name, "messageDigest is SM3 of " + in(protects))
                 : failed(name, "messageDigest is not SM3 of " + in(protects));
  }
  if (!sd.content) return failed(name, "neither signed attributes nor content");
  const Bytes& content = *sd.content;
  if (std::equal(content.begin(), content.end(), digest.begin(), digest.end())) {
    return passed(name, "the signed content is SM3 of " + in(protects));
  }
  if (to_string(content) == crypto::to_base64(digest)) {
    return passed(name, "the signed content is SM3 of " + in(protects) + ", in base64");
  }
  Bytes content_digest = crypto::sm3(content);
  if (std::equal(content_digest.begin(), content_digest.end(), digest.begin(), digest.end())) {
    return passed(name, "the signed content is " + in(protects));
  }
  return failed(name, "the signed content is not SM3 of " + in(protects));
}

}  // namespace

std::optional<Bytes> time_stamp_token(const pki::SignedData& sd) {
  for (const auto& [type, values] : sd.unsigned_attributes) {
    if (type != asn1::oid::kTimeStampToken) continue;
    auto set = asn1::parse_single(values, asn1::tag::kSet);
    if (!set || set->content.empty()) return Bytes{};
    return Bytes(set->content.begin(), set->content.end());
  }
  return std::nullopt;
}

ses::ProvenTime check_time_stamp(ByteView token, ByteView signature_value,
                                 const ses::TrustPolicy& trust) {
  const std::string name = "time-stamp";
  tsa::TokenExpectation expect;
  expect.hashed_message = crypto::sm3(signature_value);
  tsa::TokenReport r = tsa::verify_token(token, trust, expect);
  ses::Outcome outcome = r.verdict.outcome();
  std::string what =
      r.info ? "genTime " + format_utc(r.info->gen_time) + (r.tsa.empty() ? "" : " by " + r.tsa)
             : "a token";
  if (outcome.indication == ses::Indication::kValid) {
    return {passed(name, what + " (" + r.profile + ", " + r.signature_form + ")"), r.info->gen_time,
            r.tsa};
  }
  std::string why;
  for (const auto& c : r.verdict.checks) {
    if (c.result == ses::CheckResult::kPassed) continue;
    if (c.result == ses::CheckResult::kSkipped && c.finding.empty()) continue;
    why += (why.empty() ? "" : "; ") + c.name + ": " + c.detail;
  }
  if (outcome.indication == ses::Indication::kIndeterminate) {
    return {ses::Check::indeterminate(name, "time-stamp-indeterminate",
                                      what + " that cannot be established: " + why),
            std::nullopt, r.tsa};
  }
  return {failed(name, what + " that does not hold: " + why), std::nullopt, r.tsa};
}

void check_ses(const ses::SesSignature& value, ByteView digest, const ses::TrustPolicy& trust,
               const Protected& protects, ValueReport& report) {
  report.format = value.version == ses::SesVersion::kV4
                      ? "ses"
                      : "ses-" + std::string(ses::version_name(value.version));
  report.signing_time = value.time_info;
  if (auto cert = pki::Certificate::from_der(value.signer_cert)) {
    report.signer = cert->subject().to_string();
    report.signer_certificate = value.signer_cert;
  }
  report.signature_value = value.signature;
  report.picture_type = value.seal.info.picture.type;
  report.picture = value.seal.info.picture.data;
  report.seal_id = value.seal.info.es_id;
  report.seal_name = value.seal.info.name;
  report.seal_type = value.seal.info.type;
  report.seal_width_mm = static_cast<double>(value.seal.info.picture.width_mm);
  report.seal_version = std::string(ses::version_name(value.seal.version));
  report.seal_maker_certificate = value.seal.maker_cert;
  report.seal_valid_start = value.seal.info.valid_start;
  report.seal_valid_end = value.seal.info.valid_end;
  std::optional<ses::ProvenTime> stamp;
  if (value.time_stamp) {
    stamp = check_time_stamp(*value.time_stamp, value.signature, trust);
    report.time_stamp = stamp->at;
    if (stamp->at) report.time_stamp_authority = stamp->tsa;
  }
  ses::Verdict v = ses::verify_signature(value, trust, Bytes(digest.begin(), digest.end()), stamp);
  for (Check& c : v.checks) {
    if (c.name == "data-hash") c.name = protects.check_name;
    report.verdict.checks.push_back(std::move(c));
  }
}

void check_cms(const pki::SignedData& value, ByteView digest, std::optional<Time> claimed_time,
               const ses::TrustPolicy& trust, const Protected& protects, ValueReport& report) {
  report.format = value.profile == pki::CmsProfile::kPkcs7 ? "pkcs7" : "gmcms";
  report.signing_time = value.signing_time ? value.signing_time : claimed_time;
  report.signature_value = value.signature;
  auto& checks = report.verdict.checks;
  checks.push_back(digest_check(value, digest, protects));
  std::optional<ses::ProvenTime> stamp;
  if (auto token = time_stamp_token(value)) {
    stamp = check_time_stamp(*token, value.signature, trust);
    report.time_stamp = stamp->at;
    if (stamp->at) report.time_stamp_authority = stamp->tsa;
  }
  std::optional<Time> judged_at = report.time_stamp ? report.time_stamp : report.signing_time;
  if (!value.signer) {
    no_signer_certificate(
        "the signer's certificate is not in the SignedData: nothing to check the signature against",
        checks);
  } else {
    auto status = pki::verify_signed_data(value, std::nullopt);
    checks.push_back(
        status ? passed("signer-signature", value.has_signed_attributes
                                                ? "SM3withSM2 over the signed attributes"
                                                : "SM3withSM2 over the " +
                                                      std::to_string(value.signed_bytes.size()) +
                                                      " bytes of content")
               : failed("signer-signature", status.error().message));
    report.signer = value.signer->subject().to_string();
    report.signer_certificate = value.signer->der();
    certificate_checks(*value.signer, judged_at, value.certificates, trust, checks,
                       report.time_stamp ? ses::TimeBasis::kProven : ses::TimeBasis::kClaimed);
  }
  checks.push_back(
      stamp ? stamp->check
            : skipped("time-stamp", "none: the signing time is the signer's claim, not proven"));
  checks.push_back(skipped("seal", "a " + report.format + " signature carries no seal"));
}

void certificate_checks(const pki::Certificate& signer, std::optional<Time> at,
                        std::span<const pki::Certificate> carried, const ses::TrustPolicy& trust,
                        std::vector<Check>& checks, ses::TimeBasis basis) {
  if (!at) {
    checks.push_back(skipped("signer-certificate", "no signing time to judge it at")
                         .with_finding("no-signing-time"));
    checks.push_back(skipped("signer-chain", "no signing time to judge it at"));
    return;
  }
  std::string_view when =
      basis == ses::TimeBasis::kProven ? "the time stamp's genTime" : "signing time";
  checks.push_back(ses::certificate_check("signer-certificate", signer, *at, when, basis));
  checks.push_back(ses::chain_check("signer-chain", signer, *at, trust, carried, basis));
}

void no_signer_certificate(const std::string& why, std::vector<Check>& checks) {
  checks.push_back(skipped("signer-signature", why).with_finding("signer-cert-missing"));
  checks.push_back(skipped("signer-certificate", "no signer certificate"));
  checks.push_back(skipped("signer-chain", "no signer certificate"));
}

}  // namespace eseal::doc
