// Real-world SM2 data from other implementations (../shared/fixtures, see its README): the
// certificates in a GB/T 38540 seal and signature parse, and their SM2 signatures verify under
// the standard user ID, which pins that choice against files we did not make.
#include <gtest/gtest.h>

#include <filesystem>

#include "asn1/der.h"
#include "base/file.h"
#include "pki/certificate.h"

namespace eseal::pki {
namespace {

const std::filesystem::path kFixtures = ESEAL_FIXTURE_DIR;

struct SignedDer {
  Bytes file;
  ByteView signed_part;  // DER of the first field: what the signature covers
  ByteView certificate;  // the OCTET STRING after it
  ByteView signature;    // BIT STRING content without the unused-bits byte
};

// SES_Seal and SES_Signature (v4) share this outline: SEQUENCE { signed part, cert OCTET STRING,
// algorithm OID, signature BIT STRING, ... }.
SignedDer read_signed(const std::string& name) {
  SignedDer out;
  auto file = read_file(kFixtures / "ofd-interop" / name);
  EXPECT_TRUE(file.ok()) << name;
  if (!file) return out;
  out.file = std::move(*file);
  asn1::Reader outer_reader(out.file);
  auto outer = outer_reader.expect(asn1::tag::kSequence);
  EXPECT_TRUE(outer.ok()) << name;
  if (!outer) return out;
  asn1::Reader r(outer->content);
  auto tbs = r.expect(asn1::tag::kSequence);
  auto cert = r.expect(asn1::tag::kOctetString);
  auto oid = r.expect(asn1::tag::kObjectIdentifier);
  auto sig = r.expect(asn1::tag::kBitString);
  EXPECT_TRUE(tbs.ok() && cert.ok() && oid.ok() && sig.ok()) << name;
  if (!tbs || !cert || !sig) return out;
  out.signed_part = tbs->encoded;
  out.certificate = cert->content;
  out.signature = sig->content.subspan(1);
  return out;
}

class Fixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kFixtures / "ofd-interop")) {
      GTEST_SKIP() << "../shared/fixtures is not beside the checkout";
    }
  }
};

TEST_F(Fixtures, SealMakerSignatureOfAV4SealVerifiesUnderTheStandardId) {
  SignedDer seal = read_signed("UserV4.esl");
  auto maker = Certificate::from_der(seal.certificate);
  ASSERT_TRUE(maker.ok()) << maker.error().message;
  EXPECT_EQ(maker->subject().get("CN"), "Test Certificate");
  EXPECT_EQ(maker->signature_algorithm(), "SM2-with-SM3");
  auto key = maker->public_key();
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(crypto::sm2_verify(*key, seal.signed_part, seal.signature).ok());
  EXPECT_FALSE(crypto::sm2_verify(*key, seal.signed_part, seal.signature, "").ok());
}

TEST_F(Fixtures, SignerSignatureOfAV4SesSignatureVerifiesUnderTheStandardId) {
  SignedDer signature = read_signed("SignedValueV4.dat");
  auto signer = Certificate::from_der(signature.certificate);
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  auto key = signer->public_key();
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(crypto::sm2_verify(*key, signature.signed_part, signature.signature).ok());
  auto tampered = Bytes(signature.signed_part.begin(), signature.signed_part.end());
  tampered[tampered.size() / 2] ^= 1;
  EXPECT_FALSE(crypto::sm2_verify(*key, tampered, signature.signature).ok());
}

}  // namespace
}  // namespace eseal::pki
