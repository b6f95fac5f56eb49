#include "ses/verify.h"

#include <algorithm>
#include <map>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "crypto/digest.h"
#include "pki/verify.h"

namespace eseal::ses {
namespace {

constexpr auto passed = &Check::passed;
constexpr auto failed = &Check::failed;
constexpr auto skipped = &Check::skipped;
constexpr auto indeterminate = &Check::indeterminate;

bool may_sign(const pki::Certificate& cert) {
  std::uint32_t usage = cert.key_usage();
  return usage == 0 || (usage & (pki::kDigitalSignature | pki::kNonRepudiation)) != 0;
}

// `signature` by the holder of `cert_der` over `signed_bytes`.
Check signature_check(std::string name, ByteView cert_der, ByteView signed_bytes,
                      ByteView signature) {
  auto cert = pki::Certificate::from_der(cert_der);
  if (!cert) return failed(std::move(name), "certificate unreadable: " + cert.error().message);
  auto key = cert->public_key();
  if (!key) return failed(std::move(name), "no SM2 key in the certificate: " + key.error().message);
  auto status = crypto::sm2_verify(*key, signed_bytes, signature);
  if (!status) return failed(std::move(name), status.error().message);
  return passed(std::move(name), "SM3withSM2 over " + std::to_string(signed_bytes.size()) +
                                     " bytes, key of " + cert->subject().to_string());
}

// A certificate or seal ("cert-", "chain-cert-", "seal-") whose period does not cover `at`,
// judged by where `at` comes from (TimeBasis).
Check out_of_period(std::string name, std::string_view whose, bool not_yet_valid, TimeBasis basis,
                    std::string detail) {
  std::string what = std::string(whose) + (not_yet_valid ? "not-yet-valid" : "expired");
  switch (basis) {
    case TimeBasis::kChosen:
      break;
    case TimeBasis::kClaimed:
      return indeterminate(std::move(name), what + "-no-timestamp", detail);
    case TimeBasis::kProven:
      if (not_yet_valid) return failed(std::move(name), detail).with_finding(what);
      return indeterminate(std::move(name), what + "-before-time-stamp", detail);
  }
  return failed(std::move(name), detail);
}

// The certificate in `cert_der`, checked as certificate_check and chain_check do.
Check certificate_der_check(std::string name, ByteView cert_der, Time at, std::string_view when,
                            TimeBasis basis) {
  auto cert = pki::Certificate::from_der(cert_der);
  if (!cert) return failed(std::move(name), "certificate unreadable: " + cert.error().message);
  return certificate_check(std::move(name), *cert, at, when, basis);
}

Check chain_der_check(std::string name, ByteView cert_der, Time at, const TrustPolicy& trust,
                      TimeBasis basis = TimeBasis::kClaimed) {
  if (trust.trusted.empty()) {
    return skipped(std::move(name), "no trust anchor given").with_finding("no-chain-checked");
  }
  auto cert = pki::Certificate::from_der(cert_der);
  if (!cert) return failed(std::move(name), "certificate unreadable: " + cert.error().message);
  return chain_check(std::move(name), *cert, at, trust, {}, basis);
}

Check seal_structure(const SesSeal& seal) {
  const SealInfo& info = seal.info;
  std::string name = "structure";
  if (info.header_id != kHeaderId) {
    return failed(name, "header id is \"" + info.header_id + "\", not \"ES\"");
  }
  bool version_fits = seal.version == SesVersion::kV1   ? info.header_version < kHeaderVersion4
                      : seal.version == SesVersion::kV4 ? info.header_version == kHeaderVersion4
                                                        : info.header_version == 5;
  if (!version_fits) {
    return failed(name, "header version " + std::to_string(info.header_version) +
                            " does not match the " + std::string(version_name(seal.version)) +
                            " structure");
  }
  if (seal.signature_algorithm != asn1::oid::kSm3WithSm2) {
    return failed(name, "signature algorithm " + seal.signature_algorithm + " is not SM3withSM2");
  }
  return passed(name, std::string(version_name(seal.version)) + " seal, header version " +
                          std::to_string(info.header_version) + ", SM3withSM2");
}

Check signer_list(const SealInfo& info) {
  std::string name = "signer-list";
  if (info.cert_list_type == 2) {
    if (info.signer_cert_digests.empty()) return failed(name, "no signer certificate digests");
    return passed(
        name, std::to_string(info.signer_cert_digests.size()) + " signer certificate digest(s)");
  }
  if (info.signer_certs.empty()) return failed(name, "no signer certificates");
  for (std::size_t i = 0; i < info.signer_certs.size(); ++i) {
    if (auto c = pki::Certificate::from_der(info.signer_certs[i]); !c) {
      return failed(name, "signer certificate " + std::to_string(i + 1) +
                              " unreadable: " + c.error().message);
    }
  }
  return passed(name, std::to_string(info.signer_certs.size()) + " signer certificate(s)");
}

Check signer_in_seal(const SesSignature& s) {
  std::string name = "signer-in-seal";
  const SealInfo& info = s.seal.info;
  if (auto how = signer_listing(info, s.signer_cert)) {
    return passed(name, "listed in the seal (" + *how + ")");
  }
  if (info.cert_list_type != 2) {
    return failed(name, "the signer's certificate is not among the seal's " +
                            std::to_string(info.signer_certs.size()) + " certificate(s)");
  }
  return failed(name, "no certificate digest in the seal matches the signer's certificate");
}

Check signature_structure(const SesSignature& s) {
  std::string name = "structure";
  if (s.version == SesVersion::kV1 ? s.seal.version != SesVersion::kV1
                                   : s.tbs_version != s.seal.info.header_version) {
    return failed(name, "TBS_Sign version " + std::to_string(s.tbs_version) +
                            " does not match the seal's header version " +
                            std::to_string(s.seal.info.header_version));
  }
  if (s.signature_algorithm != asn1::oid::kSm3WithSm2) {
    return failed(name, "signature algorithm " + s.signature_algorithm + " is not SM3withSM2");
  }
  if (!s.time_info) return failed(name, "no signing time (timeInfo \"" + s.time_info_text + "\")");
  return passed(name, std::string(version_name(s.version)) + " signature, signed at " +
                          format_utc(*s.time_info));
}

// The maker claims createDate; nothing proves it, so a maker's certificate not valid then leaves
// the seal indeterminate rather than failed (real tax e-invoices carry such seals). The
// certificate and chain checks name that finding for the end certificate; for the maker it is
// named after the seal.
Check maker_time_finding(Check c) {
  if (c.finding == "cert-not-yet-valid-no-timestamp") {
    c.finding = "seal-maker-cert-not-yet-valid-at-seal-making";
  } else if (c.finding == "cert-expired-no-timestamp") {
    c.finding = "seal-maker-cert-expired-at-seal-making";
  }
  return c;
}

Check maker_certificate_check(const SesSeal& seal) {
  std::string name = "maker-certificate";
  auto cert = pki::Certificate::from_der(seal.maker_cert);
  if (!cert) return failed(name, "certificate unreadable: " + cert.error().message);
  return maker_time_finding(certificate_check(name, *cert, seal.info.create_date, "seal creation"));
}

// validStart <= at <= validEnd, judged by where `at` comes from.
Check validity_check(const SealInfo& info, Time at, TimeBasis basis) {
  std::string name = "validity";
  std::string window = format_utc(info.valid_start) + " .. " + format_utc(info.valid_end);
  if (at >= info.valid_start && at <= info.valid_end) return passed(name, "valid " + window);
  static const std::map<TimeBasis, std::string> kWhen{
      {TimeBasis::kChosen, ""},
      {TimeBasis::kClaimed, ", the signing time the signer claims"},
      {TimeBasis::kProven, ", the time stamp's genTime"}};
  return out_of_period(
      name, "seal-", at < info.valid_start, basis,
      "not valid at " + format_utc(at) + kWhen.at(basis) + " (valid " + window + ")");
}

Verdict seal_checks(const SesSeal& seal, Time at, TimeBasis basis, const TrustPolicy& trust) {
  const SealInfo& info = seal.info;
  Verdict v;
  v.checks.push_back(seal_structure(seal));
  v.checks.push_back(
      signature_check("maker-signature", seal.maker_cert, seal.maker_signed, seal.maker_signature));
  v.checks.push_back(maker_certificate_check(seal));
  v.checks.push_back(
      maker_time_finding(chain_der_check("maker-chain", seal.maker_cert, info.create_date, trust)));
  v.checks.push_back(validity_check(info, at, basis));
  if (info.picture.data.empty() || info.picture.width_mm <= 0 || info.picture.height_mm <= 0) {
    v.checks.push_back(failed("picture", "missing picture data or display size"));
  } else {
    v.checks.push_back(passed("picture", info.picture.type + ", " +
                                             std::to_string(info.picture.data.size()) + " bytes, " +
                                             std::to_string(info.picture.width_mm) + " x " +
                                             std::to_string(info.picture.height_mm) + " mm"));
  }
  v.checks.push_back(signer_list(info));
  return v;
}

Check time_stamp_check(const std::optional<Bytes>& token) {
  std::string name = "time-stamp";
  if (!token) return skipped(name, "none: the signing time is the signer's claim, not proven");
  if (!asn1::parse_single(*token, asn1::tag::kSequence)) {
    return failed(name, "the time-stamp token is not a DER SEQUENCE");
  }
  return skipped(name, "a token of " + std::to_string(token->size()) +
                           " bytes is present; its TSA signature is not checked by this release");
}

}  // namespace

Check certificate_check(std::string name, const pki::Certificate& cert, Time at,
                        std::string_view when, TimeBasis basis) {
  std::string period = format_utc(cert.not_before()) + " .. " + format_utc(cert.not_after());
  if (at < cert.not_before() || at > cert.not_after()) {
    return out_of_period(
        std::move(name), "cert-", at < cert.not_before(), basis,
        "not valid at " + std::string(when) + " " + format_utc(at) + " (valid " + period + ")");
  }
  if (!may_sign(cert)) {
    return indeterminate(std::move(name), "cert-key-usage", "key usage does not allow signing");
  }
  return passed(std::move(name), cert.subject().to_string() + ", valid " + period);
}

Check chain_check(std::string name, const pki::Certificate& cert, Time at, const TrustPolicy& trust,
                  std::span<const pki::Certificate> carried, TimeBasis basis) {
  if (trust.trusted.empty()) {
    return skipped(std::move(name), "no trust anchor given").with_finding("no-chain-checked");
  }
  std::vector<pki::Certificate> chain(trust.intermediates.begin(), trust.intermediates.end());
  chain.insert(chain.end(), carried.begin(), carried.end());
  pki::ChainProblem problem = pki::ChainProblem::kInvalid;
  auto status = pki::verify_chain(cert, chain, trust.trusted,
                                  {at, trust.crls, trust.end_crl_required}, &problem);
  if (status) return passed(std::move(name), "chains to a trust anchor at " + format_utc(at));
  std::string detail = status.error().message;
  // The end certificate's own period is certificate_check's finding; name it the same here.
  std::string whose = at < cert.not_before() || at > cert.not_after() ? "cert-" : "chain-cert-";
  switch (problem) {
    case pki::ChainProblem::kRevoked:
      return failed(std::move(name), detail).with_finding("cert-revoked");
    case pki::ChainProblem::kBadSignature:
      return failed(std::move(name), detail).with_finding("chain-signature-invalid");
    case pki::ChainProblem::kUntrusted:
      return indeterminate(std::move(name), "unknown-root", detail);
    case pki::ChainProblem::kExpired:
    case pki::ChainProblem::kNotYetValid:
      return out_of_period(std::move(name), whose, problem == pki::ChainProblem::kNotYetValid,
                           basis, detail);
    case pki::ChainProblem::kRevocationUnknown:
      return indeterminate(std::move(name), "revocation-unknown", detail);
    case pki::ChainProblem::kInvalid:
      break;
  }
  return indeterminate(std::move(name), "chain-invalid", detail);
}

std::string_view indication_name(Indication i) {
  switch (i) {
    case Indication::kValid:
      return "valid";
    case Indication::kIndeterminate:
      return "indeterminate";
    case Indication::kFailed:
      return "failed";
  }
  return "?";
}

std::string_view result_name(CheckResult r) {
  switch (r) {
    case CheckResult::kPassed:
      return "passed";
    case CheckResult::kFailed:
      return "failed";
    case CheckResult::kSkipped:
      return "skipped";
    case CheckResult::kIndeterminate:
      return "indeterminate";
  }
  return "?";
}

Indication Check::indication() const {
  if (result == CheckResult::kFailed) return Indication::kFailed;
  if (result == CheckResult::kIndeterminate) return Indication::kIndeterminate;
  if (result == CheckResult::kSkipped && !finding.empty()) return Indication::kIndeterminate;
  return Indication::kValid;
}

std::string Check::finding_name() const {
  if (indication() == Indication::kValid) return {};
  return finding.empty() ? name : finding;
}

void Outcome::add(Indication i, const std::string& finding) {
  indication = std::max(indication, i);
  if (!finding.empty() && std::find(findings.begin(), findings.end(), finding) == findings.end()) {
    findings.push_back(finding);
  }
}

void Outcome::add(const Outcome& other) {
  indication = std::max(indication, other.indication);
  for (const std::string& f : other.findings) add(other.indication, f);
}

Outcome Verdict::outcome() const {
  Outcome o;
  for (const Check& c : checks) o.add(c.indication(), c.finding_name());
  return o;
}

bool Verdict::valid() const {
  return outcome().indication == Indication::kValid;
}

const Check* Verdict::find(std::string_view name) const {
  for (const Check& c : checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Verdict verify_seal(const SesSeal& seal, Time at, const TrustPolicy& trust) {
  return seal_checks(seal, at, TimeBasis::kChosen, trust);
}

Verdict verify_signature(const SesSignature& s, const TrustPolicy& trust,
                         std::optional<ByteView> data_hash,
                         const std::optional<ProvenTime>& stamp) {
  Verdict v;
  v.checks.push_back(signature_structure(s));
  v.checks.push_back(
      signature_check("signer-signature", s.signer_cert, s.signer_signed, s.signature));
  v.checks.push_back(signer_in_seal(s));
  // A time a time stamp proves, else the time the signer claims.
  bool proven = stamp && stamp->at;
  std::optional<Time> at = proven ? stamp->at : s.time_info;
  std::string when = proven ? "the time stamp's genTime" : "signing time";
  TimeBasis basis = proven ? TimeBasis::kProven : TimeBasis::kClaimed;
  if (at) {
    v.checks.push_back(
        certificate_der_check("signer-certificate", s.signer_cert, *at, when, basis));
    v.checks.push_back(chain_der_check("signer-chain", s.signer_cert, *at, trust, basis));
  } else {
    v.checks.push_back(skipped("signer-certificate", "no signing time to judge it at")
                           .with_finding("no-signing-time"));
    v.checks.push_back(skipped("signer-chain", "no signing time to judge it at"));
  }
  v.checks.push_back(stamp ? stamp->check : time_stamp_check(s.time_stamp));
  if (!data_hash) {
    v.checks.push_back(
        skipped("data-hash", "no protected data given").with_finding("signed-data-not-given"));
  } else if (crypto::equal_constant_time(*data_hash, s.data_hash)) {
    v.checks.push_back(passed("data-hash", "SM3 of the protected data matches"));
  } else {
    v.checks.push_back(failed("data-hash", "the protected data does not match dataHash"));
  }
  // The seal is judged at that time; without one (a failed structure), at the epoch.
  Verdict seal = seal_checks(s.seal, at.value_or(Time{}), basis, trust);
  for (Check& c : seal.checks) {
    c.name = "seal." + c.name;
    v.checks.push_back(std::move(c));
  }
  return v;
}

}  // namespace eseal::ses
