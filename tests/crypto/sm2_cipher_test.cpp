#include "crypto/sm2_cipher.h"

#include <gtest/gtest.h>

#include "asn1/der.h"
#include "crypto/encoding.h"

namespace eseal::crypto {
namespace {

Bytes bytes_of(const SecureBytes& s) {
  return {s.begin(), s.end()};
}

class Sm2CipherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto generated = Sm2PrivateKey::generate();
    ASSERT_TRUE(generated.ok());
    key_ = std::make_unique<Sm2PrivateKey>(*generated);
  }
  std::unique_ptr<Sm2PrivateKey> key_;
  const Bytes message_ = to_bytes("a 16-byte SM4 session key, or any message");
};

TEST_F(Sm2CipherTest, EveryFormatRoundTrips) {
  for (auto format : {Sm2CipherFormat::kDer, Sm2CipherFormat::kC1C3C2, Sm2CipherFormat::kC1C2C3,
                      Sm2CipherFormat::kEccCipher}) {
    auto ct = sm2_encrypt(key_->public_key(), message_, format);
    ASSERT_TRUE(ct.ok());
    auto pt = sm2_decrypt(*key_, *ct, format);
    ASSERT_TRUE(pt.ok()) << static_cast<int>(format) << ": " << pt.error().message;
    EXPECT_EQ(bytes_of(*pt), message_);
  }
}

TEST_F(Sm2CipherTest, LayoutsFollowGmT0009AndGmT0018) {
  auto der = sm2_encrypt(key_->public_key(), message_, Sm2CipherFormat::kDer);
  ASSERT_TRUE(der.ok());
  auto parts = sm2_ciphertext_decode(*der, Sm2CipherFormat::kDer);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->c2.size(), message_.size());

  Bytes raw = sm2_ciphertext_encode(*parts, Sm2CipherFormat::kC1C3C2);
  ASSERT_EQ(raw.size(), 65 + 32 + message_.size());
  EXPECT_EQ(raw[0], 0x04);
  EXPECT_EQ(Bytes(raw.begin() + 65, raw.begin() + 97), parts->c3);

  Bytes legacy = sm2_ciphertext_encode(*parts, Sm2CipherFormat::kC1C2C3);
  EXPECT_EQ(Bytes(legacy.end() - 32, legacy.end()), parts->c3);

  Bytes ecc = sm2_ciphertext_encode(*parts, Sm2CipherFormat::kEccCipher);
  ASSERT_EQ(ecc.size(), 164 + message_.size());
  EXPECT_EQ(Bytes(ecc.begin(), ecc.begin() + 32), Bytes(32, 0)) << "x is right-aligned";
  EXPECT_EQ(Bytes(ecc.begin() + 32, ecc.begin() + 64), parts->x);
  EXPECT_EQ(Bytes(ecc.begin() + 96, ecc.begin() + 128), parts->y);
  EXPECT_EQ(Bytes(ecc.begin() + 128, ecc.begin() + 160), parts->c3);
  EXPECT_EQ(ecc[160], message_.size()) << "L is little-endian";
  EXPECT_EQ(ecc[163], 0);

  for (auto format : {Sm2CipherFormat::kC1C3C2, Sm2CipherFormat::kEccCipher}) {
    Bytes encoded = sm2_ciphertext_encode(*parts, format);
    auto back = sm2_ciphertext_decode(encoded, format);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(sm2_ciphertext_encode(*back, Sm2CipherFormat::kDer), *der);
  }
}

TEST_F(Sm2CipherTest, DetectsTheFormatForDecryption) {
  for (auto format :
       {Sm2CipherFormat::kDer, Sm2CipherFormat::kC1C3C2, Sm2CipherFormat::kEccCipher}) {
    auto ct = sm2_encrypt(key_->public_key(), message_, format);
    ASSERT_TRUE(ct.ok());
    EXPECT_EQ(*sm2_ciphertext_detect(*ct), format);
    auto pt = sm2_decrypt(*key_, *ct);
    ASSERT_TRUE(pt.ok());
    EXPECT_EQ(bytes_of(*pt), message_);
  }
}

TEST_F(Sm2CipherTest, VendorPaddedEccCipherIsAccepted) {
  auto ct = sm2_encrypt(key_->public_key(), message_, Sm2CipherFormat::kEccCipher);
  ASSERT_TRUE(ct.ok());
  ct->resize(164 + 136, 0);  // headers that declare C[136]
  auto pt = sm2_decrypt(*key_, *ct, Sm2CipherFormat::kEccCipher);
  ASSERT_TRUE(pt.ok());
  EXPECT_EQ(bytes_of(*pt), message_);
}

TEST_F(Sm2CipherTest, TamperedOrForeignCiphertextFails) {
  auto ct = sm2_encrypt(key_->public_key(), message_, Sm2CipherFormat::kC1C3C2);
  ASSERT_TRUE(ct.ok());
  (*ct)[100] ^= 1;
  EXPECT_EQ(sm2_decrypt(*key_, *ct, Sm2CipherFormat::kC1C3C2).error().kind,
            ErrorKind::kInvalidInput);
  auto other = Sm2PrivateKey::generate();
  ASSERT_TRUE(other.ok());
  auto good = sm2_encrypt(key_->public_key(), message_);
  ASSERT_TRUE(good.ok());
  EXPECT_FALSE(sm2_decrypt(*other, *good).ok());
}

TEST_F(Sm2CipherTest, RejectsMalformedEncodings) {
  EXPECT_FALSE(sm2_encrypt(key_->public_key(), Bytes{}).ok());
  EXPECT_FALSE(sm2_decrypt(*key_, Bytes{}).ok());
  EXPECT_FALSE(sm2_decrypt(*key_, Bytes(50, 0x04), Sm2CipherFormat::kC1C3C2).ok());
  Bytes ecc(200, 0);
  ecc[160] = 0xff;  // L larger than the buffer
  EXPECT_FALSE(sm2_ciphertext_decode(ecc, Sm2CipherFormat::kEccCipher).ok());
  ecc[160] = 10;
  ecc[0] = 1;  // coordinate not right-aligned
  EXPECT_FALSE(sm2_ciphertext_decode(ecc, Sm2CipherFormat::kEccCipher).ok());
  Bytes short_hash = asn1::encode_sequence({asn1::encode_unsigned_integer(Bytes{1}),
                                            asn1::encode_unsigned_integer(Bytes{2}),
                                            asn1::encode(asn1::tag::kOctetString, Bytes(31, 0)),
                                            asn1::encode(asn1::tag::kOctetString, Bytes(4, 0))});
  EXPECT_FALSE(sm2_ciphertext_decode(short_hash, Sm2CipherFormat::kDer).ok());
}

}  // namespace
}  // namespace eseal::crypto
