#include "crypto/sm2.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "asn1/der.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "support/vectors.h"

namespace eseal::crypto {
namespace {

struct Example {
  Sm2PrivateKey key;
  std::string id;
  std::string message;
  Bytes z, raw_signature;
};

Example standard_example() {
  auto v = test::load_vectors("sm2.vec").front();
  auto key = Sm2PrivateKey::from_scalar(v.bytes("d"));
  EXPECT_TRUE(key.ok());
  Bytes raw = v.bytes("r");
  append(raw, v.bytes("s"));
  EXPECT_EQ(key->public_key().point(), v.bytes("public"));
  return {*key, v.text("id"), v.text("message"), v.bytes("z"), raw};
}

TEST(Sm2, ZValueMatchesGbT32918Example) {
  auto ex = standard_example();
  auto z = sm2_z_value(ex.key.public_key(), ex.id);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(to_hex(*z), to_hex(ex.z));
}

TEST(Sm2, PublishedSignatureVerifiesWithTheStandardIdOnly) {
  auto ex = standard_example();
  auto pub = ex.key.public_key();
  EXPECT_TRUE(sm2_verify(pub, as_bytes(ex.message), ex.raw_signature, ex.id).ok());
  EXPECT_TRUE(sm2_verify(pub, as_bytes(ex.message), ex.raw_signature).ok()) << "default ID";
  auto der = sm2_signature_raw_to_der(ex.raw_signature);
  ASSERT_TRUE(der.ok());
  EXPECT_TRUE(sm2_verify(pub, as_bytes(ex.message), *der).ok());
  EXPECT_EQ(sm2_verify(pub, as_bytes(ex.message), *der, "").error().kind,
            ErrorKind::kVerificationFailed)
      << "OpenSSL's empty default ID must never be used silently";
  EXPECT_EQ(sm2_verify(pub, as_bytes("message digesT"), *der).error().kind,
            ErrorKind::kVerificationFailed);
}

TEST(Sm2, PublishedSignatureVerifiesAgainstTheDigest) {
  auto ex = standard_example();
  auto e = sm2_signing_digest(ex.key.public_key(), as_bytes(ex.message), ex.id);
  ASSERT_TRUE(e.ok());
  Bytes expected_input = ex.z;
  append(expected_input, as_bytes(ex.message));
  EXPECT_EQ(*e, sm3(expected_input));
  EXPECT_TRUE(sm2_verify_digest(ex.key.public_key(), *e, ex.raw_signature).ok());
}

TEST(Sm2, SignVerifyRoundTripAndBothSigningPathsAgree) {
  auto key = Sm2PrivateKey::generate();
  ASSERT_TRUE(key.ok());
  auto pub = key->public_key();
  const auto message = as_bytes("electronic seal");
  auto sig = sm2_sign(*key, message);
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(sm2_verify(pub, message, *sig).ok());
  auto e = sm2_signing_digest(pub, message);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(sm2_verify_digest(pub, *e, *sig).ok()) << "sign(M) verifies as a digest signature";
  auto digest_sig = sm2_sign_digest(*key, *e);
  ASSERT_TRUE(digest_sig.ok());
  EXPECT_TRUE(sm2_verify(pub, message, *digest_sig).ok()) << "sign(e) verifies over M";

  auto custom = sm2_sign(*key, message, "alice@example.cn");
  ASSERT_TRUE(custom.ok());
  EXPECT_TRUE(sm2_verify(pub, message, *custom, "alice@example.cn").ok());
  EXPECT_FALSE(sm2_verify(pub, message, *custom).ok());

  auto other = Sm2PrivateKey::generate();
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(sm2_verify(other->public_key(), message, *sig).error().kind,
            ErrorKind::kVerificationFailed);
}

TEST(Sm2, KeysRoundTripThroughEveryEncoding) {
  auto key = Sm2PrivateKey::generate();
  ASSERT_TRUE(key.ok());
  auto scalar = key->scalar();
  auto again = Sm2PrivateKey::from_scalar(ByteView(scalar.data(), scalar.size()));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key(), key->public_key());
  auto pub = key->public_key();
  Bytes point = pub.point();
  ASSERT_EQ(point.size(), 65u);
  EXPECT_EQ(point[0], 0x04);
  EXPECT_EQ(Sm2PublicKey::from_point(ByteView(point).subspan(1))->point(), point);
  EXPECT_EQ(Sm2PublicKey::from_spki_der(pub.spki_der())->point(), point);
  EXPECT_EQ(Sm2PublicKey::from_pem(pub.pem())->point(), point);
}

// OpenSSL can hold a key on the SM2 curve as a plain "EC" key, which would sign as ECDSA.
TEST(Sm2, EcKeysOnTheSm2CurveBecomeSm2Keys) {
  EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "SM2");
  ASSERT_NE(ec, nullptr);
  ASSERT_FALSE(EVP_PKEY_is_a(ec, "SM2"));
  auto key = Sm2PrivateKey::from_native(ec);
  auto pub = Sm2PublicKey::from_native(ec);
  EVP_PKEY_free(ec);
  ASSERT_TRUE(key.ok() && pub.ok());
  EXPECT_TRUE(EVP_PKEY_is_a(key->native(), "SM2"));
  EXPECT_EQ(key->public_key(), *pub);
  auto sig = sm2_sign(*key, as_bytes("m"));
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(sm2_verify(*pub, as_bytes("m"), *sig).ok());
  EXPECT_TRUE(EVP_PKEY_is_a(pub->native(), "SM2"));
}

TEST(Sm2, RejectsBadKeys) {
  EXPECT_FALSE(Sm2PrivateKey::from_scalar(Bytes(32, 0)).ok());
  EXPECT_FALSE(Sm2PrivateKey::from_scalar(Bytes(32, 0xff)).ok()) << "above the order";
  EXPECT_FALSE(Sm2PrivateKey::from_scalar(Bytes(31, 1)).ok());
  Bytes off_curve(65, 0x01);
  off_curve[0] = 0x04;
  EXPECT_EQ(Sm2PublicKey::from_point(off_curve).error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(Sm2PublicKey::from_point(Bytes(33, 2)).ok());
  EXPECT_FALSE(Sm2PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n").ok());
  EXPECT_FALSE(Sm2PrivateKey::from_pem("not a key").ok());
  EXPECT_FALSE(sm2_sign_digest(standard_example().key, Bytes(31, 0)).ok());
}

TEST(Sm2Signature, DerAndRawConvertBothWays) {
  auto ex = standard_example();
  auto der = sm2_signature_raw_to_der(ex.raw_signature);
  ASSERT_TRUE(der.ok());
  // Both r and s have the top bit set, so each INTEGER carries a 0x00 pad: 2 + 2 * (2 + 33).
  EXPECT_EQ(der->size(), 72u);
  EXPECT_EQ(*sm2_signature_der_to_raw(*der), ex.raw_signature);
  EXPECT_EQ(*sm2_signature_to_der(ex.raw_signature), *der);
  EXPECT_EQ(*sm2_signature_to_der(*der), *der);
}

TEST(Sm2Signature, ShortValuesArePaddedToThirtyTwoBytes) {
  Bytes raw(64, 0);
  raw[31] = 0x01;
  raw[63] = 0x7f;
  auto der = sm2_signature_raw_to_der(raw);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(to_hex(*der), "300602010102017f");
  EXPECT_EQ(*sm2_signature_der_to_raw(*der), raw);
}

TEST(Sm2Signature, RejectsOutOfRangeAndNonCanonicalEncodings) {
  EXPECT_FALSE(sm2_signature_raw_to_der(Bytes(64, 0)).ok()) << "r = s = 0";
  EXPECT_FALSE(sm2_signature_raw_to_der(Bytes(64, 0xff)).ok()) << "r, s >= n";
  EXPECT_FALSE(sm2_signature_raw_to_der(Bytes(63, 1)).ok());
  EXPECT_FALSE(sm2_signature_der_to_raw(*from_hex("300702020001020101")).ok()) << "non-minimal";
  EXPECT_FALSE(sm2_signature_der_to_raw(*from_hex("3006020181020101")).ok()) << "negative";
  EXPECT_FALSE(sm2_signature_der_to_raw(*from_hex("300602010102010100")).ok()) << "trailing";
  EXPECT_FALSE(sm2_signature_der_to_raw(*from_hex("3009020101020101020101")).ok()) << "3 ints";
  Bytes too_long = asn1::encode_sequence(
      {asn1::encode_unsigned_integer(Bytes(33, 1)), asn1::encode_unsigned_integer(Bytes{1})});
  EXPECT_FALSE(sm2_signature_der_to_raw(too_long).ok());
  EXPECT_EQ(
      sm2_verify(standard_example().key.public_key(), as_bytes("m"), Bytes(10, 0x30)).error().kind,
      ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace eseal::crypto
