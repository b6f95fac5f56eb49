#include "pki/issue.h"

#include <openssl/x509v3.h>

#include <array>

#include "crypto/random.h"
#include "pki/x509_support.h"

namespace eseal::pki {
namespace {

using crypto::ossl::failure;

struct ProfileSpec {
  CertificateProfile profile;
  std::string_view name;
  const char* basic_constraints;
  const char* key_usage;
  const char* extended_key_usage;  // nullptr: none
};

constexpr std::array<ProfileSpec, 7> kProfiles{{
    {CertificateProfile::kRootCa, "root-ca", "critical,CA:TRUE", "critical,keyCertSign,cRLSign",
     nullptr},
    {CertificateProfile::kSubCa, "sub-ca", "critical,CA:TRUE,pathlen:0",
     "critical,keyCertSign,cRLSign", nullptr},
    {CertificateProfile::kSealMaker, "seal-maker", "critical,CA:FALSE",
     "critical,digitalSignature,nonRepudiation", nullptr},
    {CertificateProfile::kSeal, "seal", "critical,CA:FALSE",
     "critical,digitalSignature,nonRepudiation", nullptr},
    {CertificateProfile::kSealEncryption, "seal-enc", "critical,CA:FALSE",
     "critical,keyEncipherment,dataEncipherment,keyAgreement", nullptr},
    {CertificateProfile::kUser, "user", "critical,CA:FALSE",
     "critical,digitalSignature,nonRepudiation", "clientAuth,emailProtection"},
    {CertificateProfile::kTsa, "tsa", "critical,CA:FALSE",
     "critical,digitalSignature,nonRepudiation", "critical,timeStamping"},
}};

const ProfileSpec& spec(CertificateProfile profile) {
  for (const auto& s : kProfiles) {
    if (s.profile == profile) return s;
  }
  return kProfiles[0];
}

Status add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  if (!ext) return failure(std::string("cannot build extension ") + OBJ_nid2sn(nid));
  int rc = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (rc != 1) return failure(std::string("cannot add extension ") + OBJ_nid2sn(nid));
  return ok_status();
}

Result<Bytes> serial_for(const CertificateRequest& request) {
  if (!request.serial.empty()) return request.serial;
  auto serial = crypto::random_bytes(16);
  if (!serial) return serial;
  (*serial)[0] &= 0x7F;
  (*serial)[0] |= 0x01;  // never zero, never a leading zero byte
  return serial;
}

}  // namespace

Result<CertificateProfile> parse_profile(std::string_view name) {
  for (const auto& s : kProfiles) {
    if (s.name == name) return s.profile;
  }
  return Error::invalid_input("unknown certificate profile \"" + std::string(name) +
                              "\" (want root-ca, sub-ca, seal-maker, seal, seal-enc, user or tsa)");
}

std::string_view profile_name(CertificateProfile profile) {
  return spec(profile).name;
}

Result<Certificate> issue_certificate(const CertificateRequest& request,
                                      const std::optional<Certificate>& issuer,
                                      const crypto::Sm2PrivateKey& issuer_key) {
  const ProfileSpec& profile = spec(request.profile);
  if (request.subject.empty()) return Error::invalid_input("the certificate subject is empty");
  if (request.not_after <= request.not_before) {
    return Error::invalid_input("the certificate's notAfter must be later than its notBefore");
  }
  if (issuer) {
    if (!issuer->is_ca() || !(issuer->key_usage() & kKeyCertSign)) {
      return Error::invalid_input("the issuer certificate (" + issuer->subject().to_string() +
                                  ") is not a CA allowed to sign certificates");
    }
    auto issuer_pub = issuer->public_key();
    if (!issuer_pub || !(*issuer_pub == issuer_key.public_key())) {
      return Error::invalid_input("the issuer key does not belong to the issuer certificate");
    }
    if (request.not_before < issuer->not_before() || request.not_after > issuer->not_after()) {
      return Error::invalid_input("the validity must lie within the issuer's (" +
                                  format_utc(issuer->not_before()) + " to " +
                                  format_utc(issuer->not_after()) + ")");
    }
  } else if (!(request.subject_key == issuer_key.public_key())) {
    return Error::invalid_input("a self-signed certificate must be signed with its own key");
  }

  auto serial = serial_for(request);
  if (!serial) return serial.error();
  auto subject = detail::to_x509_name(request.subject);
  if (!subject) return subject.error();

  crypto::ossl::X509Ptr cert(X509_new());
  crypto::ossl::BnPtr serial_bn(
      BN_bin2bn(serial->data(), static_cast<int>(serial->size()), nullptr));
  crypto::ossl::Asn1IntegerPtr serial_int(BN_to_ASN1_INTEGER(serial_bn.get(), nullptr));
  auto not_before = detail::to_asn1_time(request.not_before);
  if (!not_before) return not_before.error().with_context("notBefore");
  auto not_after = detail::to_asn1_time(request.not_after);
  if (!not_after) return not_after.error().with_context("notAfter");
  X509* issuer_cert = issuer ? issuer->native() : cert.get();
  if (!cert || !serial_int || X509_set_version(cert.get(), 2) != 1 ||
      X509_set_serialNumber(cert.get(), serial_int.get()) != 1 ||
      X509_set_subject_name(cert.get(), subject->get()) != 1 ||
      X509_set_issuer_name(
          cert.get(), issuer ? X509_get_subject_name(issuer->native()) : subject->get()) != 1 ||
      X509_set1_notBefore(cert.get(), not_before->get()) != 1 ||
      X509_set1_notAfter(cert.get(), not_after->get()) != 1 ||
      X509_set_pubkey(cert.get(), request.subject_key.native()) != 1) {
    return failure("cannot fill in the certificate");
  }

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_cert, cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] :
       {std::pair<int, const char*>{NID_basic_constraints, profile.basic_constraints},
        {NID_key_usage, profile.key_usage},
        {NID_ext_key_usage, profile.extended_key_usage},
        {NID_subject_key_identifier, "hash"},
        {NID_authority_key_identifier, "keyid:always"}}) {
    if (!value) continue;
    if (auto s = add_extension(cert.get(), &ctx, nid, value); !s) return s.error();
  }

  auto signer =
      crypto::ossl::sm3_with_sm2_context(issuer_key.native(), crypto::kSm2DefaultUserId, true);
  if (!signer) return signer.error();
  if (X509_sign_ctx(cert.get(), signer->get()) <= 0) return failure("cannot sign the certificate");
  return Certificate::from_native(cert.get());
}

}  // namespace eseal::pki
