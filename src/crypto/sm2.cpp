#include "crypto/sm2.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <array>
#include <mutex>
#include <optional>
#include <string>

#include "crypto/digest.h"
#include "crypto/openssl.h"
#include "crypto/sm2_curve.h"

namespace eseal::crypto {
namespace {

constexpr std::size_t kMaxUserIdSize = 0xFFFF / 8;

std::shared_ptr<EVP_PKEY> share(EVP_PKEY* key) {
  return {key, EVP_PKEY_free};
}

bool is_sm2(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "SM2")) return true;
  if (!EVP_PKEY_is_a(key, "EC")) return false;
  char group[64] = {};
  std::size_t len = 0;
  return EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        &len) == 1 &&
         std::string_view(group, len) == "SM2";
}

// Builds an OpenSSL SM2 key from the encoded point and, for a key pair, the scalar.
Result<std::shared_ptr<EVP_PKEY>> build_key(ByteView point, const BIGNUM* scalar) {
  std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD_free>> bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size()) ||
      (scalar && !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar))) {
    return ossl::failure("cannot build SM2 key parameters");
  }
  std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM_free>> params(
      OSSL_PARAM_BLD_to_param(bld.get()));
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, scalar ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    return ossl::failure("cannot create SM2 key");
  }
  return share(key);
}

// Decodes and validates an encoded point; returns it in uncompressed form.
Result<Bytes> canonical_point(ByteView point) {
  Bytes encoded;
  if (point.size() == kSm2PointSize - 1) {
    encoded.push_back(0x04);
  } else if (point.size() != kSm2PointSize || point[0] != 0x04) {
    return Error::invalid_input(
        "SM2 public key must be 04||x||y (65 bytes) or x||y (64 bytes), got " +
        std::to_string(point.size()) + " bytes");
  }
  append(encoded, point);
  auto group = ossl::sm2_group();
  ossl::EcPointPtr p(EC_POINT_new(group.get()));
  if (!p ||
      EC_POINT_oct2point(group.get(), p.get(), encoded.data(), encoded.size(), nullptr) != 1 ||
      EC_POINT_is_at_infinity(group.get(), p.get())) {
    ossl::drain_errors();
    return Error::invalid_input("SM2 public key is not a point on the curve");
  }
  return encoded;
}

Status check_user_id(std::string_view user_id) {
  if (user_id.size() > kMaxUserIdSize) {
    return Error::invalid_input("SM2 user ID is longer than 8191 bytes");
  }
  return ok_status();
}

// A key in eseal's own arithmetic (crypto/sm2_curve.h), for signing and for verifying.
struct OwnArithmetic {
  std::optional<sm2_curve::SigningKey> signing;
  std::optional<sm2_curve::VerifyingKey> verifying;
};

// What eseal works out once for an OpenSSL key and keeps with it (OpenSSL's ex_data), so that
// it lives and dies with the key: its own arithmetic, made on first use, and Z for the standard
// user ID.
struct KeyCache {
  OwnArithmetic own;
  Bytes standard_z;
};

void free_key_cache(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<KeyCache*>(ptr);
}

std::mutex key_cache_mutex;

// The key's cache, made if it has none; nullptr if OpenSSL cannot keep one. The caller holds
// key_cache_mutex.
KeyCache* key_cache(EVP_PKEY* key) {
  static const int index = EVP_PKEY_get_ex_new_index(0, nullptr, nullptr, nullptr, free_key_cache);
  auto* cache = static_cast<KeyCache*>(EVP_PKEY_get_ex_data(key, index));
  if (!cache) {
    cache = new KeyCache;
    if (EVP_PKEY_set_ex_data(key, index, cache) != 1) {
      delete cache;
      ossl::drain_errors();
      return nullptr;
    }
  }
  return cache;
}

// The key's own arithmetic for signing (`signing`) or verifying; empty where the key cannot have
// it (a private key OpenSSL does not show, as a device's), and then OpenSSL does the work.
OwnArithmetic own_arithmetic(EVP_PKEY* key, bool signing) {
  std::lock_guard lock(key_cache_mutex);
  KeyCache* cache = key_cache(key);
  if (!cache) return {};
  OwnArithmetic& own = cache->own;
  if (!own.verifying) {
    std::uint8_t point[kSm2PointSize];
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                        sizeof point, &len) == 1) {
      own.verifying = sm2_curve::VerifyingKey::from_point(ByteView(point, len));
    }
    ossl::drain_errors();
  }
  if (signing && !own.signing) {
    BIGNUM* d = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1) {
      SecureBytes scalar(kSm2ScalarSize);
      BN_bn2binpad(d, scalar.data(), static_cast<int>(scalar.size()));
      own.signing = sm2_curve::SigningKey::from_scalar(ByteView(scalar.data(), scalar.size()));
    }
    BN_clear_free(d);
    ossl::drain_errors();
  }
  return own;
}

// OpenSSL or eseal's own arithmetic: the build decides (ESEAL_OPENSSL_SM2).
constexpr bool kOwnArithmetic =
#ifdef ESEAL_OPENSSL_SM2
    false;
#else
    true;
#endif

}  // namespace

namespace ossl {

// OpenSSL 3.0 only accepts the ID after initialisation (parameters passed to the init call are
// applied before the provider is ready for them) and before the first update.
Result<MdCtxPtr> sm3_with_sm2_context(EVP_PKEY* key, std::string_view user_id, bool sign) {
  if (auto s = check_user_id(user_id); !s) return s.error();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return failure("out of memory");
  EVP_PKEY_CTX* pctx = nullptr;
  int rc = sign ? EVP_DigestSignInit_ex(ctx.get(), &pctx, "SM3", nullptr, nullptr, key, nullptr)
                : EVP_DigestVerifyInit_ex(ctx.get(), &pctx, "SM3", nullptr, nullptr, key, nullptr);
  // OpenSSL refuses a null octet-string pointer, even for the (legal) empty ID.
  static char kEmpty = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(
          OSSL_PKEY_PARAM_DIST_ID, user_id.empty() ? &kEmpty : const_cast<char*>(user_id.data()),
          user_id.size()),
      OSSL_PARAM_construct_end()};
  if (rc != 1 || EVP_PKEY_CTX_set_params(pctx, params) != 1) {
    return failure("cannot set up SM3withSM2");
  }
  return ctx;
}

}  // namespace ossl

Result<Sm2PublicKey> Sm2PublicKey::from_point(ByteView point) {
  auto encoded = canonical_point(point);
  if (!encoded) return encoded.error();
  auto key = build_key(*encoded, nullptr);
  if (!key) return key.error();
  return Sm2PublicKey(std::move(*key));
}

Result<Sm2PublicKey> Sm2PublicKey::from_spki_der(ByteView der) {
  const unsigned char* p = der.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (!key || p != der.data() + der.size()) {
    EVP_PKEY_free(key);
    ossl::drain_errors();
    return Error::invalid_input("not a DER SubjectPublicKeyInfo");
  }
  auto shared = share(key);
  return from_native(key);
}

Result<Sm2PublicKey> Sm2PublicKey::from_pem(std::string_view pem) {
  auto bio = ossl::memory_bio(pem.data(), pem.size());
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (!key) {
    ossl::drain_errors();
    return Error::invalid_input("not a PEM public key");
  }
  auto shared = share(key);
  return from_native(key);
}

Result<Sm2PublicKey> Sm2PublicKey::from_native(EVP_PKEY* key) {
  if (!key || !is_sm2(key)) return Error::invalid_input("the key is not an SM2 key");
  if (!EVP_PKEY_is_a(key, "SM2")) {
    // An "EC" key on the SM2 curve would sign and verify as ECDSA; rebuild it as an SM2 key.
    Bytes point(kSm2PointSize);
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                        point.size(), &len) != 1) {
      return ossl::failure("cannot read the EC public key");
    }
    point.resize(len);
    return from_point(point);
  }
  EVP_PKEY_up_ref(key);
  return Sm2PublicKey(share(key));
}

Bytes Sm2PublicKey::point() const {
  Bytes out(kSm2PointSize);
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out.data(),
                                      out.size(), &len) != 1) {
    ossl::drain_errors();
    return {};
  }
  out.resize(len);
  return out;
}

Bytes Sm2PublicKey::spki_der() const {
  return ossl::to_der(i2d_PUBKEY, key_.get());
}

std::string Sm2PublicKey::pem() const {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key_.get());
  return ossl::bio_contents(bio.get());
}

Result<Sm2PrivateKey> Sm2PrivateKey::generate() {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_generate(ctx.get(), &key) != 1) {
    return ossl::failure("SM2 key generation failed");
  }
  return Sm2PrivateKey(share(key));
}

Result<Sm2PrivateKey> Sm2PrivateKey::from_scalar(ByteView d) {
  if (d.size() != kSm2ScalarSize) {
    return Error::invalid_input("SM2 private key must be 32 bytes, got " +
                                std::to_string(d.size()));
  }
  auto group = ossl::sm2_group();
  ossl::BnPtr scalar(BN_bin2bn(d.data(), static_cast<int>(d.size()), nullptr));
  ossl::BnPtr limit(BN_dup(EC_GROUP_get0_order(group.get())));
  if (!scalar || !limit || !BN_sub_word(limit.get(), 1)) return ossl::failure("bignum failure");
  // GB/T 32918.1 §6.1: d in [1, n-2], so that 1 + d is invertible.
  if (BN_is_zero(scalar.get()) || BN_cmp(scalar.get(), limit.get()) >= 0) {
    return Error::invalid_input("SM2 private key is out of range [1, n-2]");
  }
  ossl::EcPointPtr point(EC_POINT_new(group.get()));
  Bytes encoded(kSm2PointSize);
  if (!point ||
      EC_POINT_mul(group.get(), point.get(), scalar.get(), nullptr, nullptr, nullptr) != 1 ||
      EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, encoded.data(),
                         encoded.size(), nullptr) != kSm2PointSize) {
    return ossl::failure("cannot derive the SM2 public key");
  }
  auto key = build_key(encoded, scalar.get());
  if (!key) return key.error();
  return Sm2PrivateKey(std::move(*key));
}

Result<Sm2PrivateKey> Sm2PrivateKey::from_pem(std::string_view pem) {
  auto bio = ossl::memory_bio(pem.data(), pem.size());
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!key) {
    ossl::drain_errors();
    return Error::invalid_input("not an unencrypted PEM private key");
  }
  auto shared = share(key);
  return from_native(key);
}

Result<Sm2PrivateKey> Sm2PrivateKey::from_native(EVP_PKEY* key) {
  if (!key || !is_sm2(key)) return Error::invalid_input("the key is not an SM2 key");
  BIGNUM* d = nullptr;
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1) {
    ossl::drain_errors();
    return Error::invalid_input("the SM2 key has no private part");
  }
  if (!EVP_PKEY_is_a(key, "SM2")) {
    // An "EC" key on the SM2 curve would sign as ECDSA; rebuild it as an SM2 key.
    SecureBytes scalar(kSm2ScalarSize);
    BN_bn2binpad(d, scalar.data(), static_cast<int>(scalar.size()));
    BN_clear_free(d);
    return from_scalar(ByteView(scalar.data(), scalar.size()));
  }
  BN_clear_free(d);
  EVP_PKEY_up_ref(key);
  return Sm2PrivateKey(share(key));
}

SecureBytes Sm2PrivateKey::scalar() const {
  BIGNUM* d = nullptr;
  SecureBytes out(kSm2ScalarSize);
  if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1) {
    BN_bn2binpad(d, out.data(), static_cast<int>(out.size()));
  }
  BN_clear_free(d);
  return out;
}

namespace {

// a, b, xG and yG of sm2p256v1, as Z hashes them: read once from OpenSSL's curve.
const std::array<std::uint8_t, 128>& curve_for_z() {
  static const std::array<std::uint8_t, 128> fields = [] {
    std::array<std::uint8_t, 128> out{};
    auto group = ossl::sm2_group();
    ossl::BnPtr a(BN_new()), b(BN_new()), xg(BN_new()), yg(BN_new());
    if (a && b && xg && yg && EC_GROUP_get_curve(group.get(), nullptr, a.get(), b.get(), nullptr) &&
        EC_POINT_get_affine_coordinates(group.get(), EC_GROUP_get0_generator(group.get()), xg.get(),
                                        yg.get(), nullptr)) {
      int at = 0;
      for (const BIGNUM* v : {a.get(), b.get(), xg.get(), yg.get()}) {
        BN_bn2binpad(v, out.data() + at, 32);
        at += 32;
      }
    }
    return out;
  }();
  return fields;
}

Result<Bytes> compute_z(const Sm2PublicKey& key, std::string_view user_id) {
  Bytes point = key.point();
  if (point.size() != kSm2PointSize) return Error::internal("cannot encode the SM2 public key");
  Hasher h(HashAlgorithm::kSm3);
  std::size_t bits = user_id.size() * 8;
  const std::uint8_t entl[2] = {static_cast<std::uint8_t>(bits >> 8),
                                static_cast<std::uint8_t>(bits)};
  h.update(entl);
  h.update(as_bytes(user_id));
  h.update(curve_for_z());
  h.update(ByteView(point).subspan(1));
  return h.finish();
}

}  // namespace

Result<Bytes> sm2_z_value(const Sm2PublicKey& key, std::string_view user_id) {
  if (auto s = check_user_id(user_id); !s) return s.error();
  if (user_id != kSm2DefaultUserId) return compute_z(key, user_id);
  std::lock_guard lock(key_cache_mutex);
  KeyCache* cache = key_cache(key.native());
  if (cache && !cache->standard_z.empty()) return cache->standard_z;
  auto z = compute_z(key, user_id);
  if (z && cache) cache->standard_z = *z;
  return z;
}

Result<Bytes> sm2_signing_digest(const Sm2PublicKey& key, ByteView message,
                                 std::string_view user_id) {
  auto z = sm2_z_value(key, user_id);
  if (!z) return z;
  Hasher h(HashAlgorithm::kSm3);
  h.update(*z);
  h.update(message);
  return h.finish();
}

Result<Bytes> sm2_sign(const Sm2PrivateKey& key, ByteView message, std::string_view user_id) {
  auto e = sm2_signing_digest(key.public_key(), message, user_id);
  if (!e) return e;
  return sm2_sign_digest(key, *e);
}

Result<Bytes> sm2_sign_digest(const Sm2PrivateKey& key, ByteView digest) {
  if (digest.size() != 32) {
    return Error::invalid_input("SM2 digest must be 32 bytes (SM3(Z||M)), got " +
                                std::to_string(digest.size()));
  }
  if (kOwnArithmetic) {
    if (auto own = own_arithmetic(key.native(), true); own.signing) {
      auto raw = own.signing->sign(digest);
      if (!raw) return raw.error();
      return sm2_signature_raw_to_der(*raw);
    }
  }
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.native(), nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &len, digest.data(), digest.size()) != 1) {
    return ossl::failure("SM2 signing failed");
  }
  Bytes sig(len);
  if (EVP_PKEY_sign(ctx.get(), sig.data(), &len, digest.data(), digest.size()) != 1) {
    return ossl::failure("SM2 signing failed");
  }
  sig.resize(len);
  return sig;
}

Status sm2_verify(const Sm2PublicKey& key, ByteView message, ByteView signature,
                  std::string_view user_id) {
  auto e = sm2_signing_digest(key, message, user_id);
  if (!e) return e.error();
  return sm2_verify_digest(key, *e, signature);
}

Status sm2_verify_digest(const Sm2PublicKey& key, ByteView digest, ByteView signature) {
  if (digest.size() != 32) {
    return Error::invalid_input("SM2 digest must be 32 bytes (SM3(Z||M)), got " +
                                std::to_string(digest.size()));
  }
  auto der = sm2_signature_to_der(signature);
  if (!der) return der.error();
  bool valid;
  if (auto own = kOwnArithmetic ? own_arithmetic(key.native(), false) : OwnArithmetic{};
      own.verifying) {
    auto raw = sm2_signature_der_to_raw(*der);
    if (!raw) return raw.error();
    valid = own.verifying->verify(digest, ByteView(*raw).first(32), ByteView(*raw).subspan(32));
  } else {
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.native(), nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) {
      return ossl::failure("SM2 verify init failed");
    }
    valid = EVP_PKEY_verify(ctx.get(), der->data(), der->size(), digest.data(), digest.size()) == 1;
    ossl::drain_errors();
  }
  if (!valid) return Error::verification_failed("SM2 signature does not verify");
  return ok_status();
}

}  // namespace eseal::crypto
