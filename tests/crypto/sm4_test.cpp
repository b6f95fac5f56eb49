#include "crypto/sm4.h"

#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "support/vectors.h"

namespace eseal::crypto {
namespace {

Bytes bytes_of(const SecureBytes& s) {
  return {s.begin(), s.end()};
}

TEST(Sm4, MatchesGbT32907ExamplesIncludingOneMillionIterations) {
  for (const auto& v : test::load_vectors("sm4.vec")) {
    Bytes iterations_be = v.bytes("iterations");
    std::size_t iterations = 0;
    for (std::uint8_t b : iterations_be) iterations = iterations << 8 | b;
    auto cipher = Sm4BlockEncryptor::create(v.bytes("key"));
    ASSERT_TRUE(cipher.ok());
    Bytes block = v.bytes("plaintext");
    for (std::size_t i = 0; i < iterations; ++i) cipher->encrypt_block(block.data(), block.data());
    EXPECT_EQ(to_hex(block), to_hex(v.bytes("ciphertext"))) << iterations << " iterations";
  }
}

TEST(Sm4, EcbWithoutPaddingIsTheBareBlockCipher) {
  auto v = test::load_vectors("sm4.vec").front();
  auto ct = sm4_ecb_encrypt(v.bytes("key"), v.bytes("plaintext"), Padding::kNone);
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(*ct, v.bytes("ciphertext"));
  auto pt = sm4_ecb_decrypt(v.bytes("key"), *ct, Padding::kNone);
  ASSERT_TRUE(pt.ok());
  EXPECT_EQ(bytes_of(*pt), v.bytes("plaintext"));
}

TEST(Sm4, EcbPkcs7MatchesReferenceAndRoundTrips) {
  for (const auto& v : test::load_vectors("sm4_pkcs7.vec")) {
    auto ct = sm4_ecb_encrypt(v.bytes("key"), v.bytes("plaintext"));
    ASSERT_TRUE(ct.ok());
    EXPECT_EQ(to_hex(*ct), to_hex(v.bytes("ciphertext")));
    auto pt = sm4_ecb_decrypt(v.bytes("key"), *ct);
    ASSERT_TRUE(pt.ok());
    EXPECT_EQ(bytes_of(*pt), v.bytes("plaintext"));
  }
}

TEST(Sm4, CbcRoundTripsEveryLengthAndDependsOnTheIv) {
  Bytes key(16, 0x11), iv(16, 0x22), other_iv(16, 0x23);
  for (std::size_t n = 0; n <= 48; ++n) {
    Bytes plain(n, static_cast<std::uint8_t>(n));
    auto ct = sm4_cbc_encrypt(key, iv, plain);
    ASSERT_TRUE(ct.ok());
    EXPECT_EQ(ct->size(), (n / 16 + 1) * 16);
    auto pt = sm4_cbc_decrypt(key, iv, *ct);
    ASSERT_TRUE(pt.ok()) << n;
    EXPECT_EQ(bytes_of(*pt), plain);
    if (n == 16) {
      EXPECT_NE(*ct, *sm4_cbc_encrypt(key, other_iv, plain));
    }
  }
}

TEST(Sm4, CbcFirstBlockEqualsEcbOfPlaintextXorIv) {
  auto v = test::load_vectors("sm4.vec").front();
  Bytes iv(16, 0);
  auto ct = sm4_cbc_encrypt(v.bytes("key"), iv, v.bytes("plaintext"), Padding::kNone);
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(*ct, v.bytes("ciphertext"));
}

TEST(Sm4, RejectsBadKeysIvsLengthsAndPadding) {
  Bytes key(16, 1), iv(16, 2);
  EXPECT_EQ(sm4_ecb_encrypt(Bytes(15, 0), as_bytes("x")).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(sm4_cbc_encrypt(key, Bytes(8, 0), as_bytes("x")).error().kind,
            ErrorKind::kInvalidInput);
  EXPECT_FALSE(sm4_ecb_encrypt(key, as_bytes("abc"), Padding::kNone).ok());
  EXPECT_FALSE(sm4_ecb_decrypt(key, Bytes(15, 0)).ok());
  EXPECT_FALSE(sm4_ecb_decrypt(key, Bytes{}).ok());
  // A valid block whose last byte is not a consistent pad.
  auto ct = sm4_ecb_encrypt(key, Bytes(16, 0x00), Padding::kNone);
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(sm4_ecb_decrypt(key, *ct).error().kind, ErrorKind::kInvalidInput);
  auto good = sm4_cbc_encrypt(key, iv, as_bytes("hello"));
  ASSERT_TRUE(good.ok());
  EXPECT_FALSE(sm4_cbc_decrypt(Bytes(16, 9), iv, *good).ok()) << "wrong key";
}

TEST(Sm4, CbcDecryptsInPlaceAsItDecryptsIntoANewBuffer) {
  Bytes key(16, 0x11), iv(16, 0x22);
  for (std::size_t size : {0u, 1u, 15u, 16u, 17u, 1000u}) {
    Bytes plain(size);
    for (std::size_t i = 0; i < size; ++i) plain[i] = static_cast<std::uint8_t>(i * 7);
    Bytes sealed = *sm4_cbc_encrypt(key, iv, plain);
    auto n = sm4_cbc_decrypt_in_place(key, iv, sealed);
    ASSERT_TRUE(n.ok()) << size;
    EXPECT_EQ(Bytes(sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(*n)), plain);
  }
  Bytes sealed = *sm4_cbc_encrypt(key, iv, as_bytes("secret"));
  Bytes wrong(16, 0x12);
  EXPECT_FALSE(sm4_cbc_decrypt_in_place(wrong, iv, sealed).ok());
  Bytes odd(15);
  EXPECT_FALSE(sm4_cbc_decrypt_in_place(key, iv, odd).ok());
}

}  // namespace
}  // namespace eseal::crypto
