#include "crypto/sm2_arith.h"

#include <algorithm>
#include <new>

#include "crypto/digest.h"
#include "crypto/openssl.h"
#include "crypto/random.h"
#include "crypto/sm2.h"

namespace eseal::crypto::sm2 {
namespace {

// OpenSSL fails these only when memory runs out.
void require(bool ok) {
  if (!ok) {
    ossl::drain_errors();
    throw std::bad_alloc();
  }
}

const EC_GROUP* group() {
  static const ossl::EcGroupPtr g = ossl::sm2_group();
  return g.get();
}

const BIGNUM* order() {
  return EC_GROUP_get0_order(group());
}

struct Context {
  ossl::BnCtxPtr ctx{BN_CTX_secure_new()};
  Context() { require(ctx != nullptr); }
  BN_CTX* get() const { return ctx.get(); }
};

ossl::BnPtr to_bn(ByteView bytes) {
  ossl::BnPtr bn(BN_secure_new());
  require(bn && BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), bn.get()));
  BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
  return bn;
}

Scalar to_scalar(const BIGNUM* bn) {
  Scalar out(kSm2ScalarSize);
  require(BN_bn2binpad(bn, out.data(), static_cast<int>(out.size())) ==
          static_cast<int>(out.size()));
  return out;
}

ossl::EcPointPtr to_ec_point(const Point& p) {
  ossl::EcPointPtr out(EC_POINT_new(group()));
  require(out != nullptr);
  require(EC_POINT_oct2point(group(), out.get(), p.data(), p.size(), nullptr) == 1);
  return out;
}

Result<Point> from_ec_point(const EC_POINT* p) {
  if (EC_POINT_is_at_infinity(group(), p)) {
    return Error::invalid_input("the point is at infinity");
  }
  Point out(kSm2PointSize);
  require(EC_POINT_point2oct(group(), p, POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(),
                             nullptr) == out.size());
  return out;
}

template <typename Op>
Scalar modular(const Scalar& a, const Scalar& b, Op op) {
  Context ctx;
  ossl::BnPtr x = to_bn(a), y = to_bn(b), r(BN_secure_new());
  require(r && op(r.get(), x.get(), y.get(), order(), ctx.get()) == 1);
  return to_scalar(r.get());
}

}  // namespace

Result<Scalar> random_scalar() {
  ossl::BnPtr k(BN_secure_new());
  require(k != nullptr);
  // BN_priv_rand_range draws uniformly in [0, n) from the CSPRNG; zero is drawn again.
  do {
    if (BN_priv_rand_range(k.get(), order()) != 1) return ossl::failure("no random scalar");
  } while (BN_is_zero(k.get()));
  return to_scalar(k.get());
}

Result<Scalar> scalar(ByteView bytes, std::string_view what) {
  if (bytes.size() != kSm2ScalarSize) {
    return Error::invalid_input(std::string(what) + " is " + std::to_string(bytes.size()) +
                                " bytes, not 32");
  }
  ossl::BnPtr bn = to_bn(bytes);
  if (BN_is_zero(bn.get()) || BN_cmp(bn.get(), order()) >= 0) {
    return Error::invalid_input(std::string(what) + " is not in [1, n-1]");
  }
  return to_secure(bytes);
}

Scalar reduce(ByteView bytes) {
  Context ctx;
  ossl::BnPtr bn = to_bn(bytes), r(BN_secure_new());
  require(r && BN_nnmod(r.get(), bn.get(), order(), ctx.get()) == 1);
  return to_scalar(r.get());
}

bool is_zero(const Scalar& a) {
  return std::all_of(a.begin(), a.end(), [](std::uint8_t b) { return b == 0; });
}

Scalar add(const Scalar& a, const Scalar& b) {
  return modular(a, b, BN_mod_add);
}

Scalar sub(const Scalar& a, const Scalar& b) {
  return modular(a, b, BN_mod_sub);
}

Scalar mul(const Scalar& a, const Scalar& b) {
  return modular(a, b, BN_mod_mul);
}

Scalar inverse(const Scalar& a) {
  Context ctx;
  ossl::BnPtr x = to_bn(a), r(BN_secure_new());
  require(r && BN_mod_inverse(r.get(), x.get(), order(), ctx.get()) != nullptr);
  return to_scalar(r.get());
}

Result<Point> point(ByteView bytes, std::string_view what) {
  auto key = Sm2PublicKey::from_point(bytes);
  if (!key) return Error::invalid_input(std::string(what) + " is not a point on the SM2 curve");
  return key->point();
}

Point mul_base(const Scalar& k) {
  ossl::EcPointPtr r(EC_POINT_new(group()));
  ossl::BnPtr kb = to_bn(k);
  Context ctx;
  require(r && EC_POINT_mul(group(), r.get(), kb.get(), nullptr, nullptr, ctx.get()) == 1);
  auto out = from_ec_point(r.get());
  require(out.ok());  // k is in [1, n-1], so [k]G is never infinity
  return *out;
}

Result<Point> mul(const Point& p, const Scalar& k) {
  ossl::EcPointPtr pp = to_ec_point(p), r(EC_POINT_new(group()));
  ossl::BnPtr kb = to_bn(k);
  Context ctx;
  require(r && EC_POINT_mul(group(), r.get(), nullptr, pp.get(), kb.get(), ctx.get()) == 1);
  return from_ec_point(r.get());
}

Result<Point> mul_add(const Point& p, const Scalar& a, const Point& q, const Scalar& b) {
  auto ap = mul(p, a);
  if (!ap) return ap.error();
  auto bq = mul(q, b);
  if (!bq) return bq.error();
  return add(*ap, *bq);
}

Result<Point> add(const Point& p, const Point& q) {
  ossl::EcPointPtr a = to_ec_point(p), b = to_ec_point(q), r(EC_POINT_new(group()));
  Context ctx;
  require(r && EC_POINT_add(group(), r.get(), a.get(), b.get(), ctx.get()) == 1);
  return from_ec_point(r.get());
}

Result<Point> sub(const Point& p, const Point& q) {
  ossl::EcPointPtr a = to_ec_point(p), b = to_ec_point(q), r(EC_POINT_new(group()));
  Context ctx;
  require(r && EC_POINT_invert(group(), b.get(), ctx.get()) == 1 &&
          EC_POINT_add(group(), r.get(), a.get(), b.get(), ctx.get()) == 1);
  return from_ec_point(r.get());
}

Point generator() {
  auto g = from_ec_point(EC_GROUP_get0_generator(group()));
  require(g.ok());
  return *g;
}

Bytes x_of(const Point& p) {
  return Bytes(p.begin() + 1, p.begin() + 1 + kSm2ScalarSize);
}

Bytes y_of(const Point& p) {
  return Bytes(p.begin() + 1 + kSm2ScalarSize, p.end());
}

SecureBytes kdf(ByteView z, std::size_t length) {
  SecureBytes out;
  out.reserve(length + 32);
  Hasher hasher(HashAlgorithm::kSm3);
  for (std::uint32_t counter = 1; out.size() < length; ++counter) {
    std::uint8_t ct[4] = {
        static_cast<std::uint8_t>(counter >> 24), static_cast<std::uint8_t>(counter >> 16),
        static_cast<std::uint8_t>(counter >> 8), static_cast<std::uint8_t>(counter)};
    hasher.update(z);
    hasher.update(ct);
    Bytes block = hasher.finish();
    out.insert(out.end(), block.begin(), block.end());
    OPENSSL_cleanse(block.data(), block.size());
  }
  out.resize(length);
  return out;
}

}  // namespace eseal::crypto::sm2
