#include "pki/crl.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <array>

#include "pki/x509_support.h"

namespace eseal::pki {
namespace {

using crypto::ossl::failure;

constexpr std::array<std::pair<RevocationReason, std::string_view>, 10> kReasons{{
    {RevocationReason::kUnspecified, "unspecified"},
    {RevocationReason::kKeyCompromise, "keyCompromise"},
    {RevocationReason::kCaCompromise, "cACompromise"},
    {RevocationReason::kAffiliationChanged, "affiliationChanged"},
    {RevocationReason::kSuperseded, "superseded"},
    {RevocationReason::kCessationOfOperation, "cessationOfOperation"},
    {RevocationReason::kCertificateHold, "certificateHold"},
    {RevocationReason::kRemoveFromCrl, "removeFromCRL"},
    {RevocationReason::kPrivilegeWithdrawn, "privilegeWithdrawn"},
    {RevocationReason::kAaCompromise, "aACompromise"},
}};

RevokedCertificate from_entry(X509_REVOKED* entry) {
  RevokedCertificate out{detail::integer_magnitude(X509_REVOKED_get0_serialNumber(entry)),
                         detail::from_asn1_time(X509_REVOKED_get0_revocationDate(entry)),
                         RevocationReason::kUnspecified};
  auto* reason = static_cast<ASN1_ENUMERATED*>(
      X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr));
  if (reason) {
    out.reason = static_cast<RevocationReason>(ASN1_ENUMERATED_get(reason));
    ASN1_ENUMERATED_free(reason);
  }
  return out;
}

}  // namespace

Result<RevocationReason> parse_revocation_reason(std::string_view name) {
  for (auto [reason, text] : kReasons) {
    if (text == name) return reason;
  }
  return Error::invalid_input("unknown revocation reason \"" + std::string(name) +
                              "\" (e.g. keyCompromise, superseded, cessationOfOperation)");
}

std::string_view revocation_reason_name(RevocationReason reason) {
  for (auto [r, text] : kReasons) {
    if (r == reason) return text;
  }
  return "unknown";
}

Result<Crl> Crl::from_der(ByteView der) {
  const unsigned char* p = der.data();
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
  if (!crl || p != der.data() + der.size()) {
    X509_CRL_free(crl);
    crypto::ossl::drain_errors();
    return Error::invalid_input("not a DER X.509 CRL");
  }
  return Crl(std::shared_ptr<X509_CRL>(crl, X509_CRL_free));
}

Result<Crl> Crl::parse(ByteView data) {
  auto der = detail::der_from_text_or_binary(data, "X509 CRL");
  if (!der) return der.error().with_context("CRL");
  return from_der(*der);
}

Crl Crl::from_native(X509_CRL* crl) {
  X509_CRL_up_ref(crl);
  return Crl(std::shared_ptr<X509_CRL>(crl, X509_CRL_free));
}

Bytes Crl::der() const {
  return crypto::ossl::to_der(i2d_X509_CRL, crl_.get());
}

std::string Crl::pem() const {
  crypto::ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_CRL(bio.get(), crl_.get());
  return crypto::ossl::bio_contents(bio.get());
}

DistinguishedName Crl::issuer() const {
  return detail::from_x509_name(X509_CRL_get_issuer(crl_.get()));
}

Time Crl::this_update() const {
  return detail::from_asn1_time(X509_CRL_get0_lastUpdate(crl_.get()));
}

std::optional<Time> Crl::next_update() const {
  const ASN1_TIME* t = X509_CRL_get0_nextUpdate(crl_.get());
  if (!t) return std::nullopt;
  return detail::from_asn1_time(t);
}

std::uint64_t Crl::number() const {
  auto* number = static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl_.get(), NID_crl_number, nullptr, nullptr));
  if (!number) return 0;
  std::uint64_t value = 0;
  ASN1_INTEGER_get_uint64(&value, number);
  ASN1_INTEGER_free(number);
  return value;
}

std::vector<RevokedCertificate> Crl::revoked() const {
  std::vector<RevokedCertificate> out;
  STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl_.get());
  for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
    out.push_back(from_entry(sk_X509_REVOKED_value(entries, i)));
  }
  return out;
}

std::optional<RevokedCertificate> Crl::find(ByteView serial) const {
  for (auto& entry : revoked()) {
    if (std::equal(entry.serial.begin(), entry.serial.end(), serial.begin(), serial.end())) {
      return entry;
    }
  }
  return std::nullopt;
}

Status Crl::verify_signature(const Certificate& issuer) const {
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl_.get()), X509_get_subject_name(issuer.native())) != 0) {
    return Error::verification_failed("the CRL was issued by " + this->issuer().to_string() +
                                      ", not by " + issuer.subject().to_string());
  }
  if (!(issuer.key_usage() & kCrlSign)) {
    return Error::verification_failed("the CRL issuer's certificate lacks the cRLSign key usage");
  }
  auto key = issuer.public_key();
  if (!key) return key.error();
  if (!detail::verify_signed_structure(der(), *key, true)) {
    return Error::verification_failed("the CRL signature does not verify");
  }
  return ok_status();
}

Result<Crl> issue_crl(const CrlRequest& request, const Certificate& issuer,
                      const crypto::Sm2PrivateKey& issuer_key) {
  if (!(issuer.key_usage() & kCrlSign)) {
    return Error::invalid_input("the issuer certificate lacks the cRLSign key usage");
  }
  auto issuer_pub = issuer.public_key();
  if (!issuer_pub || !(*issuer_pub == issuer_key.public_key())) {
    return Error::invalid_input("the issuer key does not belong to the issuer certificate");
  }
  if (request.next_update <= request.this_update) {
    return Error::invalid_input("the CRL's nextUpdate must be later than its thisUpdate");
  }
  crypto::ossl::X509CrlPtr crl(X509_CRL_new());
  auto this_update = detail::to_asn1_time(request.this_update);
  if (!this_update) return this_update.error().with_context("thisUpdate");
  auto next_update = detail::to_asn1_time(request.next_update);
  if (!next_update) return next_update.error().with_context("nextUpdate");
  if (!crl || X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.native())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), this_update->get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_update->get()) != 1) {
    return failure("cannot fill in the CRL");
  }
  for (const auto& r : request.revoked) {
    if (r.serial.empty()) return Error::invalid_input("a revoked entry has an empty serial number");
    X509_REVOKED* entry = X509_REVOKED_new();
    crypto::ossl::BnPtr bn(BN_bin2bn(r.serial.data(), static_cast<int>(r.serial.size()), nullptr));
    crypto::ossl::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    auto date = detail::to_asn1_time(r.revoked_at);
    if (!date) {
      X509_REVOKED_free(entry);
      return date.error().with_context("revocationDate");
    }
    std::unique_ptr<ASN1_ENUMERATED, crypto::ossl::Deleter<ASN1_ENUMERATED_free>> reason(
        ASN1_ENUMERATED_new());
    bool ok = entry && serial && reason &&
              X509_REVOKED_set_serialNumber(entry, serial.get()) == 1 &&
              X509_REVOKED_set_revocationDate(entry, date->get()) == 1 &&
              ASN1_ENUMERATED_set(reason.get(), static_cast<long>(r.reason)) == 1 &&
              (r.reason == RevocationReason::kUnspecified ||
               X509_REVOKED_add1_ext_i2d(entry, NID_crl_reason, reason.get(), 0, 0) == 1) &&
              X509_CRL_add0_revoked(crl.get(), entry) == 1;
    if (!ok) {
      X509_REVOKED_free(entry);
      return failure("cannot add a revoked entry to the CRL");
    }
  }
  X509_CRL_sort(crl.get());

  crypto::ossl::BnPtr number_bn(BN_new());
  if (!number_bn || !BN_set_word(number_bn.get(), request.number)) return failure("bignum failure");
  crypto::ossl::Asn1IntegerPtr number(BN_to_ASN1_INTEGER(number_bn.get(), nullptr));
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer.native(), nullptr, nullptr, crl.get(), 0);
  X509_EXTENSION* aki =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always");
  bool ok = number && aki &&
            X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) == 1 &&
            X509_CRL_add_ext(crl.get(), aki, -1) == 1;
  X509_EXTENSION_free(aki);
  if (!ok) return failure("cannot add the CRL extensions");

  auto signer =
      crypto::ossl::sm3_with_sm2_context(issuer_key.native(), crypto::kSm2DefaultUserId, true);
  if (!signer) return signer.error();
  if (X509_CRL_sign_ctx(crl.get(), signer->get()) <= 0) return failure("cannot sign the CRL");
  Bytes encoded = crypto::ossl::to_der(i2d_X509_CRL, crl.get());
  if (encoded.empty()) return failure("cannot encode the CRL");
  return Crl::from_der(encoded);
}

Status check_crl_applies(const Certificate& cert, const Crl& crl, const Certificate& issuer,
                         Time at) {
  if (auto s = crl.verify_signature(issuer); !s) return s;
  if (X509_NAME_cmp(X509_get_issuer_name(cert.native()), X509_get_subject_name(issuer.native())) !=
      0) {
    return Error::invalid_input("the certificate was not issued by the CRL's issuer");
  }
  if (auto next = crl.next_update(); next && at > *next) {
    return Error::verification_failed("the CRL is out of date for " + format_utc(at) +
                                      " (nextUpdate " + format_utc(*next) +
                                      "); a newer CRL is needed");
  }
  return ok_status();
}

Status check_not_listed(const Certificate& cert, const Crl& crl, Time at) {
  auto entry = crl.find(cert.serial());
  // removeFromCRL only appears in delta CRLs, to lift a hold: the certificate is not revoked.
  if (entry && entry->reason != RevocationReason::kRemoveFromCrl && entry->revoked_at <= at) {
    return Error::verification_failed("certificate " + cert.serial_hex() + " was revoked on " +
                                      format_utc(entry->revoked_at) + " (" +
                                      std::string(revocation_reason_name(entry->reason)) + ")");
  }
  return ok_status();
}

Status check_revocation(const Certificate& cert, const Crl& crl, const Certificate& issuer,
                        Time at) {
  if (auto s = check_crl_applies(cert, crl, issuer, at); !s) return s;
  return check_not_listed(cert, crl, at);
}

}  // namespace eseal::pki
