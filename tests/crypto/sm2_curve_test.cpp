// eseal's own SM2 arithmetic against the GB/T 32918.2 example and against OpenSSL, in both
// directions: OpenSSL verifies what eseal signs and eseal verifies what OpenSSL signs, for random
// keys and digests, edge scalars and damaged signatures. ESEAL_SM2_ROUNDS sets the number of
// random rounds (scripts/sm2-differential runs millions).
#include "crypto/sm2_curve.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "crypto/encoding.h"
#include "crypto/openssl.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "support/vectors.h"

namespace eseal::crypto::sm2_curve {
namespace {

const char kOrder[] = "fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123";

int rounds(int fallback) {
  const char* set = std::getenv("ESEAL_SM2_ROUNDS");
  return set ? std::atoi(set) : fallback;
}

Bytes hex(const std::string& text) {
  auto bytes = from_hex(text);
  EXPECT_TRUE(bytes.ok()) << text;
  return bytes ? *bytes : Bytes{};
}

Bytes random32() {
  auto bytes = random_bytes(32);
  EXPECT_TRUE(bytes.ok());
  return *bytes;
}

// n + delta as 32 bytes (delta may be negative; the result must fit).
Bytes order_plus(long delta) {
  ossl::BnPtr n(BN_new());
  BIGNUM* raw = n.get();
  BN_hex2bn(&raw, kOrder);
  if (delta >= 0) {
    BN_add_word(n.get(), static_cast<BN_ULONG>(delta));
  } else {
    BN_sub_word(n.get(), static_cast<BN_ULONG>(-delta));
  }
  Bytes out(32);
  BN_bn2binpad(n.get(), out.data(), 32);
  return out;
}

// OpenSSL's [k]G as x || y.
Bytes openssl_mul_base(const Bytes& k) {
  auto group = ossl::sm2_group();
  ossl::BnPtr scalar(BN_bin2bn(k.data(), static_cast<int>(k.size()), nullptr));
  ossl::EcPointPtr point(EC_POINT_new(group.get()));
  EXPECT_EQ(EC_POINT_mul(group.get(), point.get(), scalar.get(), nullptr, nullptr, nullptr), 1);
  Bytes out(65);
  EXPECT_EQ(EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, out.data(),
                               out.size(), nullptr),
            65u);
  return Bytes(out.begin() + 1, out.end());
}

// OpenSSL's own SM2 over a digest, whatever the build routes crypto/sm2.h through.
Bytes openssl_sign(const Sm2PrivateKey& key, const Bytes& e) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.native(), nullptr));
  std::size_t len = 0;
  EXPECT_EQ(EVP_PKEY_sign_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_sign(ctx.get(), nullptr, &len, e.data(), e.size()), 1);
  Bytes der(len);
  EXPECT_EQ(EVP_PKEY_sign(ctx.get(), der.data(), &len, e.data(), e.size()), 1);
  der.resize(len);
  auto raw = sm2_signature_der_to_raw(der);
  EXPECT_TRUE(raw.ok());
  return *raw;
}

bool openssl_verifies(const Sm2PublicKey& key, const Bytes& e, ByteView raw) {
  auto der = sm2_signature_raw_to_der(raw);
  if (!der) return false;
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.native(), nullptr));
  EXPECT_EQ(EVP_PKEY_verify_init(ctx.get()), 1);
  int rc = EVP_PKEY_verify(ctx.get(), der->data(), der->size(), e.data(), e.size());
  ossl::drain_errors();
  return rc == 1;
}

struct Pair {
  Sm2PrivateKey openssl;
  SigningKey own;
  VerifyingKey own_public;
};

Pair key_pair(const Bytes& d) {
  auto key = Sm2PrivateKey::from_scalar(d);
  EXPECT_TRUE(key.ok()) << to_hex(d);
  auto own = SigningKey::from_scalar(d);
  EXPECT_TRUE(own.has_value());
  auto own_public = VerifyingKey::from_point(key->public_key().point());
  EXPECT_TRUE(own_public.has_value());
  return {*key, *own, *own_public};
}

bool own_verifies(const VerifyingKey& key, const Bytes& e, ByteView raw) {
  return key.verify(e, raw.first(32), raw.subspan(32));
}

TEST(Sm2Curve, SignsTheGbT32918ExampleAsPublished) {
  auto v = test::load_vectors("sm2.vec").front();
  auto pair = key_pair(v.bytes("d"));
  auto e = sm2_signing_digest(pair.openssl.public_key(), as_bytes(v.text("message")), v.text("id"));
  ASSERT_TRUE(e.ok());
  auto signature = pair.own.sign_with(*e, v.bytes("k"));
  ASSERT_TRUE(signature.has_value());
  Bytes expected = v.bytes("r");
  append(expected, v.bytes("s"));
  EXPECT_EQ(to_hex(*signature), to_hex(expected));
  EXPECT_TRUE(own_verifies(pair.own_public, *e, expected));
  auto public_point = mul_base(v.bytes("d"));
  ASSERT_TRUE(public_point.has_value());
  const Bytes published = v.bytes("public");
  EXPECT_EQ(to_hex(*public_point), to_hex(ByteView(published).subspan(1)));
}

TEST(Sm2Curve, MultiplesOfGAgreeWithOpenSslAtTheEdges) {
  std::vector<Bytes> scalars = {order_plus(-1), order_plus(-2), order_plus(-3),
                                order_plus(-(1L << 40))};
  for (unsigned small : {1u, 2u, 3u, 31u, 32u, 33u, 63u, 64u, 65u, 0xFFFFu}) {
    Bytes k(32, 0);
    for (int i = 0; i < 4; ++i) k[31 - i] = static_cast<std::uint8_t>(small >> (8 * i));
    scalars.push_back(k);
  }
  // Every window's digit at its extremes: bit patterns 0b100000 and 0b011111 repeated, a lone
  // top bit, and all ones below the order's top word.
  for (const char* pattern : {"8208208208208208208208208208208208208208208208208208208208208208",
                              "7df7df7df7df7df7df7df7df7df7df7df7df7df7df7df7df7df7df7df7df7df7",
                              "8000000000000000000000000000000000000000000000000000000000000000",
                              "fffffffe00000000000000000000000000000000000000000000000000000000",
                              "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}) {
    scalars.push_back(hex(pattern));
  }
  for (const auto& k : scalars) {
    auto own = mul_base(k);
    ASSERT_TRUE(own.has_value()) << to_hex(k);
    EXPECT_EQ(to_hex(*own), to_hex(openssl_mul_base(k))) << to_hex(k);
  }
  EXPECT_FALSE(mul_base(Bytes(32, 0)).has_value()) << "zero";
  EXPECT_FALSE(mul_base(order_plus(0)).has_value()) << "n";
  EXPECT_FALSE(mul_base(order_plus(1)).has_value()) << "n + 1";
  EXPECT_FALSE(mul_base(Bytes(32, 0xFF)).has_value()) << "2^256 - 1";
  EXPECT_FALSE(mul_base(Bytes(31, 1)).has_value()) << "31 bytes";
}

TEST(Sm2Curve, PrivateScalarsOutsideOneToNMinusTwoAreRefused) {
  EXPECT_FALSE(SigningKey::from_scalar(Bytes(32, 0)).has_value());
  EXPECT_FALSE(SigningKey::from_scalar(order_plus(-1)).has_value()) << "n - 1: 1 + d = n";
  EXPECT_FALSE(SigningKey::from_scalar(order_plus(0)).has_value());
  EXPECT_FALSE(SigningKey::from_scalar(Bytes(33, 1)).has_value());
  EXPECT_TRUE(SigningKey::from_scalar(order_plus(-2)).has_value());
  Bytes one(32, 0);
  one[31] = 1;
  EXPECT_TRUE(SigningKey::from_scalar(one).has_value());
}

TEST(Sm2Curve, PublicKeysOffTheCurveAreRefused) {
  auto pair = key_pair(random32());
  Bytes point = pair.openssl.public_key().point();
  EXPECT_TRUE(VerifyingKey::from_point(point).has_value());
  EXPECT_TRUE(VerifyingKey::from_point(ByteView(point).subspan(1)).has_value());
  Bytes moved = point;
  moved[64] ^= 1;
  EXPECT_FALSE(VerifyingKey::from_point(moved).has_value());
  // x = p: not a field element, whatever y is.
  Bytes beyond = hex("04fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff");
  append(beyond, ByteView(point).subspan(33));
  EXPECT_FALSE(VerifyingKey::from_point(beyond).has_value());
  EXPECT_FALSE(VerifyingKey::from_point(Bytes(65, 0)).has_value());
  EXPECT_FALSE(VerifyingKey::from_point(ByteView(point).first(64)).has_value()) << "04 || x";
}

TEST(Sm2Curve, KEqualToNMinusRIsRefused) {
  // r + k = n would give s = k. Find e for which this k gives r = n - k: r = e + x1 mod n.
  auto pair = key_pair(random32());
  Bytes k = random32();
  k[0] &= 0x7F;
  auto point = mul_base(k);
  ASSERT_TRUE(point.has_value());
  ossl::BnPtr n(BN_new()), e(BN_new()), x1(BN_bin2bn(point->data(), 32, nullptr)),
      kk(BN_bin2bn(k.data(), 32, nullptr));
  BIGNUM* raw = n.get();
  BN_hex2bn(&raw, kOrder);
  ossl::BnCtxPtr ctx(BN_CTX_new());
  // e = (n - k) - x1 mod n
  ossl::BnPtr target(BN_new());
  BN_mod_sub(target.get(), n.get(), kk.get(), n.get(), ctx.get());
  BN_mod_sub(e.get(), target.get(), x1.get(), n.get(), ctx.get());
  Bytes digest(32);
  BN_bn2binpad(e.get(), digest.data(), 32);
  EXPECT_FALSE(pair.own.sign_with(digest, k).has_value());
  EXPECT_FALSE(pair.own.sign_with(digest, Bytes(32, 0)).has_value()) << "k = 0";
  EXPECT_FALSE(pair.own.sign_with(digest, order_plus(0)).has_value()) << "k = n";
}

TEST(Sm2Curve, OpenSslVerifiesWhatItSignsAndItVerifiesWhatOpenSslSigns) {
  const int n = rounds(300);
  for (int round = 0; round < n; ++round) {
    auto pair = key_pair(random32());
    const Bytes e = random32();
    auto own = pair.own.sign(e);
    ASSERT_TRUE(own.ok());
    ASSERT_TRUE(openssl_verifies(pair.openssl.public_key(), e, *own)) << round;
    ASSERT_TRUE(own_verifies(pair.own_public, e, *own)) << round;
    const Bytes theirs = openssl_sign(pair.openssl, e);
    ASSERT_TRUE(own_verifies(pair.own_public, e, theirs)) << round;
    // Damaged: another digest, a flipped bit in r or s, r and s swapped.
    Bytes other = e;
    other[round % 32] ^= static_cast<std::uint8_t>(1 << (round % 8));
    EXPECT_FALSE(own_verifies(pair.own_public, other, theirs)) << round;
    Bytes flipped = theirs;
    flipped[round % 64] ^= 0x10;
    EXPECT_EQ(own_verifies(pair.own_public, e, flipped),
              openssl_verifies(pair.openssl.public_key(), e, flipped))
        << round;
    Bytes swapped(theirs.begin() + 32, theirs.end());
    append(swapped, ByteView(theirs).first(32));
    EXPECT_FALSE(own_verifies(pair.own_public, e, swapped)) << round;
  }
}

TEST(Sm2Curve, AKeyWithItsOwnTableVerifiesAsOneWithout) {
  // The first verification under a key runs without a table, the second makes one, the rest use
  // it: every one must give OpenSSL's answer.
  auto pair = key_pair(random32());
  for (int round = 0; round < 40; ++round) {
    const Bytes e = random32();
    Bytes signature = openssl_sign(pair.openssl, e);
    if (round % 2) signature[round % 64] ^= 0x01;
    EXPECT_EQ(own_verifies(pair.own_public, e, signature),
              openssl_verifies(pair.openssl.public_key(), e, signature))
        << round;
  }
}

TEST(Sm2Curve, OutOfRangeSignaturesAreRefused) {
  auto pair = key_pair(random32());
  const Bytes e = random32();
  const Bytes good = openssl_sign(pair.openssl, e);
  const ByteView r = ByteView(good).first(32), s = ByteView(good).subspan(32);
  const Bytes zero(32, 0), n = order_plus(0);
  EXPECT_FALSE(pair.own_public.verify(e, zero, s));
  EXPECT_FALSE(pair.own_public.verify(e, r, zero));
  EXPECT_FALSE(pair.own_public.verify(e, n, s));
  EXPECT_FALSE(pair.own_public.verify(e, r, n));
  EXPECT_FALSE(pair.own_public.verify(e, r, ByteView(good).subspan(31))) << "33 bytes";
  // r + s = n: t = 0.
  ossl::BnPtr nn(BN_bin2bn(n.data(), 32, nullptr)), rr(BN_bin2bn(r.data(), 32, nullptr));
  BN_sub(nn.get(), nn.get(), rr.get());
  Bytes complement(32);
  BN_bn2binpad(nn.get(), complement.data(), 32);
  EXPECT_FALSE(pair.own_public.verify(e, r, complement));
}

TEST(Sm2Curve, AForkedChildNeverSignsWithItsParentsNonces) {
  // Nonces are made ahead; a child holding a copy of them must not use one its parent will.
  auto pair = key_pair(random32());
  const Bytes e = random32();
  ASSERT_TRUE(pair.own.sign(e).ok());
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto signature = pair.own.sign(e);
    const bool sent = signature && ::write(fds[1], signature->data(), 64) == 64;
    ::_exit(sent ? 0 : 1);
  }
  ::close(fds[1]);
  auto parent = pair.own.sign(e);
  ASSERT_TRUE(parent.ok());
  Signature from_child{};
  EXPECT_EQ(::read(fds[0], from_child.data(), 64), 64);
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(to_hex(ByteView(*parent).first(32)), to_hex(ByteView(from_child).first(32)))
      << "the same r for the same digest: the same k";
  EXPECT_TRUE(own_verifies(pair.own_public, e, from_child));
}

TEST(Sm2Curve, TheSm2ApiSignsWithItAndOpenSslAgrees) {
  // crypto/sm2.h over whichever arithmetic the build chose, checked by OpenSSL directly.
  auto key = Sm2PrivateKey::generate();
  ASSERT_TRUE(key.ok());
  for (int round = 0; round < 20; ++round) {
    const Bytes e = random32();
    auto der = sm2_sign_digest(*key, e);
    ASSERT_TRUE(der.ok());
    auto raw = sm2_signature_der_to_raw(*der);
    ASSERT_TRUE(raw.ok());
    EXPECT_TRUE(openssl_verifies(key->public_key(), e, *raw));
    EXPECT_TRUE(sm2_verify_digest(key->public_key(), e, openssl_sign(*key, e)).ok());
    auto message = sm2_sign(*key, e, "alice@example");
    ASSERT_TRUE(message.ok());
    EXPECT_TRUE(sm2_verify(key->public_key(), e, *message, "alice@example").ok());
    EXPECT_FALSE(sm2_verify(key->public_key(), e, *message).ok()) << "another ID";
  }
}

}  // namespace
}  // namespace eseal::crypto::sm2_curve
