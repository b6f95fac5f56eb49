#include "pki/certificate.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "asn1/der.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "pki/x509_support.h"

namespace eseal::pki {

namespace detail {

DistinguishedName from_x509_name(const X509_NAME* name) {
  std::vector<NameAttribute> attributes;
  int count = X509_NAME_entry_count(name);
  for (int i = 0; i < count; ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* object = X509_NAME_ENTRY_get_object(entry);
    int nid = OBJ_obj2nid(object);
    std::string type;
    if (nid != NID_undef) {
      type = OBJ_nid2sn(nid);
    } else {
      char oid[128];
      OBJ_obj2txt(oid, sizeof oid, object, 1);
      type = oid;
    }
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    std::string value = len >= 0 ? std::string(reinterpret_cast<char*>(utf8), len) : std::string();
    OPENSSL_free(utf8);
    attributes.push_back({std::move(type), std::move(value)});
  }
  return DistinguishedName(std::move(attributes));
}

Result<crypto::ossl::X509NamePtr> to_x509_name(const DistinguishedName& name) {
  crypto::ossl::X509NamePtr out(X509_NAME_new());
  for (const auto& a : name.attributes()) {
    if (X509_NAME_add_entry_by_txt(out.get(), a.type.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(a.value.data()),
                                   static_cast<int>(a.value.size()), -1, 0) != 1) {
      crypto::ossl::drain_errors();
      return Error::invalid_input("cannot use " + a.type + "=" + a.value +
                                  " in a certificate name (C must be a 2-letter country code)");
    }
  }
  return out;
}

Time from_asn1_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return Time{};
  return Time(std::chrono::seconds(timegm(&tm)));
}

Result<crypto::ossl::Asn1TimePtr> to_asn1_time(Time t) {
  static const Time kFirst = *parse_utc("1950-01-01");
  static const Time kLast = *parse_utc("9999-12-31T23:59:59Z");
  if (t < kFirst || t > kLast) {
    return Error::invalid_input("the time " + std::to_string(t.time_since_epoch().count()) +
                                " s after 1970 cannot be encoded (years 1950 to 9999 only)");
  }
  crypto::ossl::Asn1TimePtr out(
      ASN1_TIME_set(nullptr, static_cast<time_t>(t.time_since_epoch().count())));
  if (!out) return crypto::ossl::failure("cannot encode a time");
  return out;
}

Bytes integer_magnitude(const ASN1_INTEGER* i) {
  const unsigned char* data = ASN1_STRING_get0_data(i);
  return Bytes(data, data + ASN1_STRING_length(i));
}

Status verify_signed_structure(ByteView der, const crypto::Sm2PublicKey& key,
                               bool accept_empty_id) {
  auto outer = asn1::parse_single(der, asn1::tag::kSequence);
  if (!outer) return outer.error();
  asn1::Reader reader(outer->content);
  auto tbs = reader.expect(asn1::tag::kSequence);
  if (!tbs) return tbs.error();
  auto algorithm = reader.expect(asn1::tag::kSequence);
  if (!algorithm) return algorithm.error();
  auto signature = reader.expect(asn1::tag::kBitString);
  if (!signature) return signature.error();
  if (signature->content.empty() || signature->content[0] != 0) {
    return Error::invalid_input("the signature BIT STRING has unused bits");
  }
  ByteView sig = signature->content.subspan(1);
  // X.509 carries the DER SM2Signature only; a raw r||s here would give the same certificate a
  // second encoding.
  if (auto strict = crypto::sm2_signature_der_to_raw(sig); !strict) return strict.error();
  if (crypto::sm2_verify(key, tbs->encoded, sig).ok() ||
      (accept_empty_id && crypto::sm2_verify(key, tbs->encoded, sig, "").ok())) {
    return ok_status();
  }
  return Error::verification_failed("the SM3withSM2 signature does not verify");
}

Result<Bytes> der_from_text_or_binary(ByteView data, std::string_view pem_label) {
  // Binary DER is taken as it is: PEM-looking bytes inside it (in a name, say) must not be read
  // as another object.
  if (!data.empty() && data[0] == 0x30) return Bytes(data.begin(), data.end());
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  std::string begin = "-----BEGIN " + std::string(pem_label) + "-----";
  if (auto at = text.find(begin); at != std::string_view::npos) {
    auto body = text.substr(at + begin.size());
    auto end = body.find("-----END");
    if (end == std::string_view::npos) {
      return Error::invalid_input("PEM " + std::string(pem_label) + " has no END line");
    }
    return crypto::from_base64(body.substr(0, end));
  }
  if (text.find("-----BEGIN") != std::string_view::npos) {
    return Error::invalid_input("PEM data holds no " + std::string(pem_label));
  }
  auto decoded = crypto::from_base64(text);
  if (!decoded) return Error::invalid_input("neither PEM, DER nor base64 DER");
  return decoded;
}

}  // namespace detail

std::vector<std::string> key_usage_names(std::uint32_t usage) {
  static const char* const kNames[] = {"digitalSignature", "nonRepudiation", "keyEncipherment",
                                       "dataEncipherment", "keyAgreement",   "keyCertSign",
                                       "cRLSign"};
  std::vector<std::string> out;
  for (std::size_t bit = 0; bit < std::size(kNames); ++bit) {
    if (usage & (1u << bit)) out.emplace_back(kNames[bit]);
  }
  return out;
}

Result<Certificate> Certificate::from_der(ByteView der) {
  const unsigned char* p = der.data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (!cert || p != der.data() + der.size()) {
    X509_free(cert);
    crypto::ossl::drain_errors();
    return Error::invalid_input("not a DER X.509 certificate");
  }
  return Certificate(cert);
}

Result<Certificate> Certificate::from_pem(std::string_view pem) {
  return parse(as_bytes(pem));
}

Result<Certificate> Certificate::parse(ByteView data) {
  auto der = detail::der_from_text_or_binary(data, "CERTIFICATE");
  if (!der) return der.error().with_context("certificate");
  return from_der(*der);
}

Certificate::Certificate(X509* cert) : cert_(cert, X509_free) {
  // Set once, before the certificate is shared; a certificate that already carries an ID keeps it.
  if (X509_get_signature_nid(cert_.get()) == NID_SM2_with_SM3 &&
      X509_get0_distinguishing_id(cert_.get()) == nullptr) {
    ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
    if (id && ASN1_OCTET_STRING_set(
                  id, reinterpret_cast<const unsigned char*>(crypto::kSm2DefaultUserId.data()),
                  static_cast<int>(crypto::kSm2DefaultUserId.size())) == 1) {
      X509_set0_distinguishing_id(cert_.get(), id);
    } else {
      ASN1_OCTET_STRING_free(id);
    }
  }
}

Certificate Certificate::from_native(X509* cert) {
  X509_up_ref(cert);
  return Certificate(cert);
}

bool Certificate::signed_by(const crypto::Sm2PublicKey& issuer_key, bool accept_empty_id) const {
  return detail::verify_signed_structure(der(), issuer_key, accept_empty_id).ok();
}

Bytes Certificate::der() const {
  return crypto::ossl::to_der(i2d_X509, cert_.get());
}

std::string Certificate::pem() const {
  crypto::ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert_.get());
  return crypto::ossl::bio_contents(bio.get());
}

DistinguishedName Certificate::subject() const {
  return detail::from_x509_name(X509_get_subject_name(cert_.get()));
}

DistinguishedName Certificate::issuer() const {
  return detail::from_x509_name(X509_get_issuer_name(cert_.get()));
}

Bytes Certificate::serial() const {
  return detail::integer_magnitude(X509_get0_serialNumber(cert_.get()));
}

std::string Certificate::serial_hex() const {
  return crypto::to_hex_upper(serial());
}

Time Certificate::not_before() const {
  return detail::from_asn1_time(X509_get0_notBefore(cert_.get()));
}

Time Certificate::not_after() const {
  return detail::from_asn1_time(X509_get0_notAfter(cert_.get()));
}

std::uint32_t Certificate::key_usage() const {
  std::uint32_t bits = X509_get_key_usage(cert_.get());
  if (bits == UINT32_MAX) return 0;  // extension absent
  std::uint32_t out = 0;
  const std::pair<std::uint32_t, std::uint32_t> map[] = {{KU_DIGITAL_SIGNATURE, kDigitalSignature},
                                                         {KU_NON_REPUDIATION, kNonRepudiation},
                                                         {KU_KEY_ENCIPHERMENT, kKeyEncipherment},
                                                         {KU_DATA_ENCIPHERMENT, kDataEncipherment},
                                                         {KU_KEY_AGREEMENT, kKeyAgreement},
                                                         {KU_KEY_CERT_SIGN, kKeyCertSign},
                                                         {KU_CRL_SIGN, kCrlSign}};
  for (auto [openssl_bit, ours] : map) {
    if (bits & openssl_bit) out |= ours;
  }
  return out;
}

std::vector<std::string> Certificate::extended_key_usage() const {
  std::vector<std::string> out;
  auto* eku = static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert_.get(), NID_ext_key_usage, nullptr, nullptr));
  if (!eku) return out;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
    int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i));
    out.emplace_back(nid == NID_undef ? "unknown" : OBJ_nid2sn(nid));
  }
  EXTENDED_KEY_USAGE_free(eku);
  return out;
}

namespace {

Bytes name_der(const X509_NAME* name) {
  unsigned char* out = nullptr;
  int n = i2d_X509_NAME(name, &out);
  if (n <= 0) return {};
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

}  // namespace

Bytes Certificate::subject_der() const {
  return name_der(X509_get_subject_name(cert_.get()));
}

Bytes Certificate::issuer_der() const {
  return name_der(X509_get_issuer_name(cert_.get()));
}

bool Certificate::extended_key_usage_critical() const {
  int at = X509_get_ext_by_NID(cert_.get(), NID_ext_key_usage, -1);
  return at >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert_.get(), at)) == 1;
}

bool Certificate::is_ca() const {
  return X509_check_ca(cert_.get()) != 0;
}

bool Certificate::is_self_signed() const {
  return X509_NAME_cmp(X509_get_subject_name(cert_.get()), X509_get_issuer_name(cert_.get())) == 0;
}

Result<crypto::Sm2PublicKey> Certificate::public_key() const {
  EVP_PKEY* key = X509_get0_pubkey(cert_.get());
  if (!key) {
    crypto::ossl::drain_errors();
    return Error::invalid_input("the certificate's public key cannot be read");
  }
  return crypto::Sm2PublicKey::from_native(key);
}

std::string Certificate::signature_algorithm() const {
  int nid = X509_get_signature_nid(cert_.get());
  return nid == NID_undef ? "unknown" : OBJ_nid2ln(nid);
}

Bytes Certificate::sm3_fingerprint() const {
  return crypto::sm3(der());
}

Result<std::vector<Certificate>> parse_certificates(ByteView data) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  std::vector<Certificate> out;
  if ((!data.empty() && data[0] == 0x30) || text.find("-----BEGIN") == std::string_view::npos) {
    auto one = Certificate::parse(data);
    if (!one) return one.error();
    out.push_back(*one);
    return out;
  }
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::size_t pos = 0;
  while ((pos = text.find("-----BEGIN CERTIFICATE-----", pos)) != std::string_view::npos) {
    auto end = text.find(kEnd, pos);
    if (end == std::string_view::npos)
      return Error::invalid_input("PEM certificate has no END line");
    auto cert = Certificate::from_pem(text.substr(pos, end + kEnd.size() - pos));
    if (!cert) return cert.error().with_context("certificate " + std::to_string(out.size() + 1));
    out.push_back(*cert);
    pos = end + kEnd.size();
  }
  if (out.empty()) return Error::invalid_input("the PEM data holds no certificate");
  return out;
}

}  // namespace eseal::pki
