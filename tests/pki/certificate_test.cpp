#include "pki/certificate.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include "asn1/der.h"
#include "crypto/encoding.h"
#include "pki/test_ca.h"

namespace eseal::pki {
namespace {

using test::issue;
using test::kNow;

TEST(Certificate, IssuedFieldsReadBack) {
  test::Hierarchy h;
  const Certificate& c = h.seal.cert;
  EXPECT_EQ(c.subject().to_string(), "C=CN,O=某某市人力资源和社会保障局,CN=公章");
  EXPECT_EQ(c.issuer(), h.sub.cert.subject());
  EXPECT_EQ(c.not_before(), kNow - std::chrono::hours(24));
  EXPECT_EQ(c.not_after(), kNow + std::chrono::days(365));
  EXPECT_EQ(c.serial().size(), 16u);
  EXPECT_EQ(c.serial()[0] & 0x80, 0) << "serial must be positive";
  EXPECT_EQ(c.serial_hex().size(), 32u);
  EXPECT_EQ(c.signature_algorithm(), "SM2-with-SM3");
  EXPECT_FALSE(c.is_ca());
  EXPECT_TRUE(h.root.cert.is_ca());
  EXPECT_TRUE(h.root.cert.is_self_signed());
  EXPECT_FALSE(c.is_self_signed());
  EXPECT_EQ(c.public_key()->point(), h.seal.key.public_key().point());
  EXPECT_EQ(c.sm3_fingerprint().size(), 32u);
}

TEST(Certificate, ProfilesCarryTheirKeyUsages) {
  test::Hierarchy h;
  struct Case {
    CertificateProfile profile;
    std::uint32_t usage;
    std::vector<std::string> eku;
  };
  const Case cases[] = {
      {CertificateProfile::kSealMaker, kDigitalSignature | kNonRepudiation, {}},
      {CertificateProfile::kSeal, kDigitalSignature | kNonRepudiation, {}},
      {CertificateProfile::kSealEncryption,
       kKeyEncipherment | kDataEncipherment | kKeyAgreement,
       {}},
      {CertificateProfile::kUser,
       kDigitalSignature | kNonRepudiation,
       {"clientAuth", "emailProtection"}},
      {CertificateProfile::kTsa, kDigitalSignature | kNonRepudiation, {"timeStamping"}},
  };
  for (const auto& c : cases) {
    auto issued = issue(c.profile, "C=CN,CN=x", &h.root);
    EXPECT_EQ(issued.cert.key_usage(), c.usage) << profile_name(c.profile);
    EXPECT_EQ(issued.cert.extended_key_usage(), c.eku) << profile_name(c.profile);
  }
  EXPECT_EQ(h.root.cert.key_usage(), kKeyCertSign | kCrlSign);
  EXPECT_EQ(key_usage_names(kDigitalSignature | kCrlSign),
            (std::vector<std::string>{"digitalSignature", "cRLSign"}));
}

// GM/T 0015 certificates are signed over Z computed with the standard user ID; checking the
// signature with our own SM2 code pins that (OpenSSL 3.0 would default to an empty ID).
TEST(Certificate, SignatureUsesTheStandardSm2UserId) {
  test::Hierarchy h;
  const ASN1_BIT_STRING* signature = nullptr;
  const X509_ALGOR* algorithm = nullptr;
  X509_get0_signature(&signature, &algorithm, h.seal.cert.native());
  unsigned char* tbs = nullptr;
  int len = i2d_re_X509_tbs(h.seal.cert.native(), &tbs);
  ASSERT_GT(len, 0);
  Bytes tbs_bytes(tbs, tbs + len);
  OPENSSL_free(tbs);
  Bytes sig(ASN1_STRING_get0_data(signature),
            ASN1_STRING_get0_data(signature) + ASN1_STRING_length(signature));
  auto issuer_key = h.sub.key.public_key();
  EXPECT_TRUE(crypto::sm2_verify(issuer_key, tbs_bytes, sig).ok());
  EXPECT_FALSE(crypto::sm2_verify(issuer_key, tbs_bytes, sig, "").ok());
}

TEST(Certificate, ParsesPemDerBase64AndBundles) {
  test::Hierarchy h;
  Bytes der = h.seal.cert.der();
  EXPECT_EQ(Certificate::parse(der)->der(), der);
  EXPECT_EQ(Certificate::from_pem(h.seal.cert.pem())->der(), der);
  EXPECT_EQ(Certificate::parse(as_bytes(crypto::to_base64(der)))->der(), der);
  std::string bundle = h.sub.cert.pem() + h.root.cert.pem();
  auto all = parse_certificates(as_bytes(bundle));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].der(), h.root.cert.der());
}

// A DER certificate whose name carries PEM text is still that certificate, not the embedded one.
TEST(Certificate, DerIsNeverReadAsEmbeddedPem) {
  test::Hierarchy h;
  auto key = crypto::Sm2PrivateKey::generate();
  ASSERT_TRUE(key.ok());
  std::string pem = h.root.cert.pem();
  std::erase(pem, '\n');
  DistinguishedName name({{"CN", "carrier"}, {"description", pem}});
  CertificateRequest request{CertificateProfile::kUser,   name, key->public_key(), kNow,
                             kNow + std::chrono::days(1), {}};
  auto carrier = issue_certificate(request, h.sub.cert, h.sub.key);
  ASSERT_TRUE(carrier.ok()) << carrier.error().message;
  auto parsed = Certificate::parse(carrier->der());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->subject().get("CN"), "carrier");
  auto all = parse_certificates(carrier->der());
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].subject().get("CN"), "carrier");
}

// X.509 carries the DER SM2Signature; the same signature as raw r||s is a different, invalid
// encoding of the certificate.
TEST(Certificate, ASignatureInRawFormIsRejected) {
  test::Hierarchy h;
  Bytes der = h.seal.cert.der();
  auto outer = asn1::parse_single(der, asn1::tag::kSequence);
  ASSERT_TRUE(outer.ok());
  asn1::Reader r(outer->content);
  auto tbs = r.next();
  auto algorithm = r.next();
  auto signature = r.next();
  ASSERT_TRUE(tbs.ok() && algorithm.ok() && signature.ok());
  auto raw = crypto::sm2_signature_der_to_raw(signature->content.subspan(1));
  ASSERT_TRUE(raw.ok());
  Bytes bits{0};
  append(bits, *raw);
  Bytes reencoded = asn1::encode_sequence(
      {tbs->encoded, algorithm->encoded, asn1::encode(asn1::tag::kBitString, bits)});
  auto variant = Certificate::from_der(reencoded);
  ASSERT_TRUE(variant.ok());
  auto issuer_key = h.sub.cert.public_key();
  EXPECT_TRUE(h.seal.cert.signed_by(*issuer_key));
  EXPECT_FALSE(variant->signed_by(*issuer_key, true));
}

TEST(Certificate, RejectsGarbage) {
  EXPECT_EQ(Certificate::parse(as_bytes("hello")).error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(Certificate::from_der(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}).ok());
  EXPECT_FALSE(Certificate::from_pem("-----BEGIN CERTIFICATE-----\nAAAA").ok());
  EXPECT_FALSE(parse_certificates(as_bytes("-----BEGIN X509 CRL-----\n")).ok());
}

TEST(Issue, RejectsInconsistentRequests) {
  test::Hierarchy h;
  auto key = crypto::Sm2PrivateKey::generate();
  ASSERT_TRUE(key.ok());
  CertificateRequest request{CertificateProfile::kSeal,   *DistinguishedName::parse("CN=x"),
                             key->public_key(),           kNow,
                             kNow + std::chrono::days(1), {}};
  EXPECT_FALSE(issue_certificate(request, h.seal.cert, h.seal.key).ok()) << "issuer is no CA";
  EXPECT_FALSE(issue_certificate(request, h.root.cert, h.sub.key).ok()) << "key mismatch";
  EXPECT_FALSE(issue_certificate(request, std::nullopt, h.root.key).ok())
      << "self-signed, other key";
  auto backwards = request;
  backwards.not_after = backwards.not_before;
  EXPECT_FALSE(issue_certificate(backwards, h.root.cert, h.root.key).ok());
  auto far_future = request;
  far_future.not_after = *parse_utc("9999-12-31") + std::chrono::days(400);
  EXPECT_EQ(issue_certificate(far_future, std::nullopt, *key).error().kind,
            ErrorKind::kInvalidInput);
  auto too_long = request;
  too_long.not_after = kNow + std::chrono::days(5000);
  EXPECT_FALSE(issue_certificate(too_long, h.sub.cert, h.sub.key).ok()) << "outlives its issuer";
  auto bad_country = request;
  bad_country.subject = *DistinguishedName::parse("C=China,CN=x");
  EXPECT_EQ(issue_certificate(bad_country, h.root.cert, h.root.key).error().kind,
            ErrorKind::kInvalidInput);
  EXPECT_FALSE(parse_profile("notary").ok());
  EXPECT_EQ(*parse_profile("seal-maker"), CertificateProfile::kSealMaker);
}

}  // namespace
}  // namespace eseal::pki
