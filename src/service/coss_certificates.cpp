#include "service/coss_certificates.h"

#include <chrono>

#include "pki/verify.h"
#include "service/refusal.h"

namespace eseal::service {
namespace {

const char* code_of(pki::ChainProblem problem) {
  switch (problem) {
    case pki::ChainProblem::kUntrusted:
      return cert_code::kUntrusted;
    case pki::ChainProblem::kExpired:
      return cert_code::kExpired;
    case pki::ChainProblem::kNotYetValid:
      return cert_code::kNotYetValid;
    case pki::ChainProblem::kRevoked:
      return cert_code::kRevoked;
    case pki::ChainProblem::kRevocationUnknown:
      return cert_code::kRevocationUnknown;
    case pki::ChainProblem::kBadSignature:
    case pki::ChainProblem::kInvalid:
      break;
  }
  return cert_code::kChain;
}

}  // namespace

Result<pki::Crl> CossCertificates::revocation_list(Time now) {
  store::CossKeyQuery query;
  query.states = {key_state::kRevoked};
  auto ended = store_.coss_keys().query(query);
  if (!ended) return ended.error();
  pki::CrlRequest request;
  for (const CossKey& k : *ended) {
    if (k.certificate.empty()) continue;
    auto cert = pki::Certificate::from_der(k.certificate);
    if (!cert) return cert.error().with_context("the certificate of key " + k.id);
    request.revoked.push_back(
        {cert->serial(), k.updated, pki::RevocationReason::kCessationOfOperation});
  }
  request.this_update = now;
  request.next_update = now + std::chrono::days(1);
  request.number = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  return ca_.issue_user_crl(request);
}

Result<TrustMaterial> CossCertificates::trust(Time now) {
  TrustMaterial m;
  ses::TrustPolicy platform = trust_.trust();
  m.trusted.assign(platform.trusted.begin(), platform.trusted.end());
  m.intermediates.assign(platform.intermediates.begin(), platform.intermediates.end());
  m.crls.assign(platform.crls.begin(), platform.crls.end());
  auto chain = ca_.user_ca_chain();
  if (!chain) {
    if (chain.error().kind == ErrorKind::kNotFound) return m;
    return chain.error();
  }
  for (const pki::Certificate& c : *chain) {
    (c.is_self_signed() ? m.trusted : m.intermediates).push_back(c);
  }
  auto crl = revocation_list(now);
  if (!crl) return crl.error();
  m.crls.push_back(std::move(*crl));
  return m;
}

Status CossCertificates::check(const pki::Certificate& cert, Time now) {
  if (now < cert.not_before()) {
    return refused(cert_code::kNotYetValid,
                   "the certificate is valid from " + format_utc(cert.not_before()));
  }
  if (now > cert.not_after()) {
    return refused(cert_code::kExpired,
                   "the certificate expired at " + format_utc(cert.not_after()));
  }
  auto material = trust(now);
  if (!material) return material.error();
  // Revocation is known for the user CA's certificates (its CRL) and for those whose issuers'
  // CRLs the platform holds; for others it is not asked.
  pki::ChainProblem problem = pki::ChainProblem::kInvalid;
  Status chained = pki::verify_chain(cert, material->intermediates, material->trusted,
                                     {now, material->crls, false}, &problem);
  if (!chained) {
    return refused(code_of(problem), chained.error().message, chained.error().kind);
  }
  return ok_status();
}

Result<CossKey> CossCertificates::device(const Caller& app, const std::string& user_id,
                                         const std::string& device_id) {
  auto devices = keys_.devices(app, user_id);
  if (!devices) return devices.error();
  for (const CossKey& k : *devices) {
    if (k.device_id == device_id && !k.certificate.empty()) return k;
  }
  return Error::not_found("user " + user_id + " has no device " + device_id + " with a certificate")
      .with_code(cert_code::kNoDevice);
}

}  // namespace eseal::service
