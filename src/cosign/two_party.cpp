#include "cosign/two_party.h"

#include <algorithm>

#include "crypto/digest.h"
#include "crypto/sm2.h"

namespace eseal::cosign {
namespace sm2 = crypto::sm2;
namespace {

constexpr std::string_view kProofLabel = "eseal-cosign-pok";
constexpr std::size_t kProofSize = crypto::kSm2PointSize + crypto::kSm2ScalarSize;
constexpr std::size_t kScalar = crypto::kSm2ScalarSize;

// The proof's challenge c = SM3(label ‖ context ‖ X ‖ T) mod n.
Scalar challenge(const Point& big_x, const Point& t, ByteView context) {
  crypto::Hasher h(crypto::HashAlgorithm::kSm3);
  h.update(as_bytes(kProofLabel));
  h.update(context);
  h.update(big_x);
  h.update(t);
  return sm2::reduce(h.finish());
}

// A fresh scalar from `source`, refusing one outside [1, n-1].
Result<Scalar> draw(const ScalarSource& source) {
  auto k = source();
  if (!k) return k.error();
  return sm2::scalar(*k, "a drawn scalar");
}

Bytes plain(const Scalar& s) {
  return Bytes(s.begin(), s.end());
}

Status check_digest(ByteView e) {
  if (e.size() != kScalar) {
    return Error::invalid_input("the digest e is " + std::to_string(e.size()) + " bytes, not 32");
  }
  return ok_status();
}

}  // namespace

const ScalarSource& csprng() {
  static const ScalarSource source = [] { return sm2::random_scalar(); };
  return source;
}

Result<Bytes> prove_knowledge(const Scalar& x, const Point& big_x, ByteView context,
                              const ScalarSource& source) {
  auto t = draw(source);
  if (!t) return t.error();
  Point big_t = sm2::mul_base(*t);
  Scalar z = sm2::add(*t, sm2::mul(challenge(big_x, big_t, context), x));
  Bytes proof = big_t;
  append(proof, z);
  return proof;
}

Status check_knowledge(const Point& big_x, ByteView proof, ByteView context) {
  if (proof.size() != kProofSize) {
    return Error::invalid_input("the proof of knowledge is " + std::to_string(proof.size()) +
                                " bytes, not " + std::to_string(kProofSize));
  }
  auto big_t = sm2::point(proof.first(crypto::kSm2PointSize), "the proof's commitment");
  if (!big_t) return big_t.error();
  auto z = sm2::scalar(proof.subspan(crypto::kSm2PointSize), "the proof's response");
  if (!z) return z.error();
  Scalar c = challenge(big_x, *big_t, context);
  auto cx = sm2::mul(big_x, c);
  if (!cx) return Error::invalid_input("the proof of knowledge does not hold");
  auto rhs = sm2::add(*big_t, *cx);
  if (!rhs || sm2::mul_base(*z) != *rhs) {
    return Error::invalid_input("the proof of knowledge does not hold");
  }
  return ok_status();
}

Result<ClientKeyShare> client_key_share(ByteView context, const ScalarSource& source) {
  auto d1 = draw(source);
  if (!d1) return d1.error();
  Scalar inverse = sm2::inverse(*d1);
  ClientKeyShare out{std::move(*d1), sm2::mul_base(inverse), {}};
  auto proof = prove_knowledge(inverse, out.p1, context, source);
  if (!proof) return proof.error();
  out.proof = std::move(*proof);
  return out;
}

Result<ServerKeyShare> server_key_share(ByteView p1_bytes, ByteView p1_proof, ByteView context,
                                        const ScalarSource& source) {
  auto p1 = sm2::point(p1_bytes, "P1");
  if (!p1) return p1.error();
  if (auto s = check_knowledge(*p1, p1_proof, context); !s) return s.error().with_context("P1");
  auto d2 = draw(source);
  if (!d2) return d2.error();
  Scalar inverse = sm2::inverse(*d2);
  ServerKeyShare out{std::move(*d2), sm2::mul_base(inverse), {}, {}};
  auto proof = prove_knowledge(inverse, out.p2, context, source);
  if (!proof) return proof.error();
  out.proof = std::move(*proof);
  auto shared = sm2::mul(*p1, inverse);
  if (!shared) return shared.error();
  auto p = sm2::sub(*shared, sm2::generator());
  if (!p) return Error::invalid_input("P1 gives a degenerate joint key");
  out.p = std::move(*p);
  return out;
}

Result<Point> client_confirm_key(const Scalar& d1, ByteView p2_bytes, ByteView p2_proof,
                                 ByteView p_bytes, ByteView context) {
  auto p2 = sm2::point(p2_bytes, "P2");
  if (!p2) return p2.error();
  if (auto s = check_knowledge(*p2, p2_proof, context); !s) return s.error().with_context("P2");
  auto p = sm2::point(p_bytes, "P");
  if (!p) return p.error();
  auto shared = sm2::mul(*p2, sm2::inverse(d1));
  if (!shared) return shared.error();
  auto expected = sm2::sub(*shared, sm2::generator());
  if (!expected || *expected != *p) {
    return Error::verification_failed("the server's joint key P is not [d1^-1]P2 - G");
  }
  return *p;
}

Result<ClientNonce> client_sign_start(const ScalarSource& source) {
  auto k1 = draw(source);
  if (!k1) return k1.error();
  Point q1 = sm2::mul_base(*k1);
  return ClientNonce{std::move(*k1), std::move(q1)};
}

Result<PartialSignature> server_sign(const Scalar& d2, ByteView e, ByteView q1_bytes,
                                     const ScalarSource& source) {
  if (auto s = check_digest(e); !s) return s.error();
  auto q1 = sm2::point(q1_bytes, "Q1");
  if (!q1) return q1.error();
  Scalar e_mod = sm2::reduce(e);
  for (;;) {
    auto k2 = draw(source);
    if (!k2) return k2.error();
    auto k3 = draw(source);
    if (!k3) return k3.error();
    auto k3_q1 = sm2::mul(*q1, *k3);
    if (!k3_q1) return k3_q1.error();
    auto big_r = sm2::add(*k3_q1, sm2::mul_base(*k2));
    if (!big_r) continue;  // [k3]Q1 = -[k2]G: draw again
    Scalar r = sm2::add(e_mod, sm2::reduce(sm2::x_of(*big_r)));
    if (sm2::is_zero(r)) continue;
    return PartialSignature{plain(r), plain(sm2::mul(d2, *k3)),
                            plain(sm2::mul(d2, sm2::add(r, *k2)))};
  }
}

Result<Bytes> client_sign_finish(const Scalar& d1, const ClientNonce& nonce, ByteView e,
                                 const PartialSignature& partial, const Point& p) {
  if (auto s = check_digest(e); !s) return s.error();
  auto r = sm2::scalar(partial.r, "r");
  if (!r) return r.error();
  // s2 = 0 (k3 = 0) would make s = d1·s3 − r and hand d1 to the server (§1.7.1).
  auto s2 = sm2::scalar(partial.s2, "s2");
  if (!s2) return s2.error();
  auto s3 = sm2::scalar(partial.s3, "s3");
  if (!s3) return s3.error();
  Scalar s = sm2::sub(sm2::add(sm2::mul(sm2::mul(d1, nonce.k1), *s2), sm2::mul(d1, *s3)), *r);
  if (sm2::is_zero(s) || sm2::is_zero(sm2::add(*r, s))) {
    return Error::verification_failed("the joint signature is degenerate (s = 0 or r + s = n)");
  }
  Bytes rs = plain(*r);
  append(rs, s);
  if (auto v = verify_joint(p, e, rs); !v) {
    return Error::verification_failed(
        "the joint signature does not verify under P: the server's "
        "half does not belong to this key or digest");
  }
  return rs;
}

Status verify_joint(const Point& p, ByteView e, ByteView signature) {
  if (auto s = check_digest(e); !s) return s.error();
  auto key = crypto::Sm2PublicKey::from_point(p);
  if (!key) return key.error();
  return crypto::sm2_verify_digest(*key, e, signature);
}

Result<DecryptBlinding> client_decrypt_start(const crypto::Sm2Ciphertext& ciphertext,
                                             const ScalarSource& source) {
  Bytes c1{0x04};
  append(c1, ciphertext.x);
  append(c1, ciphertext.y);
  auto point = sm2::point(c1, "C1");
  if (!point) return point.error();
  auto w = draw(source);
  if (!w) return w.error();
  auto t1 = sm2::mul(*point, *w);
  if (!t1) return t1.error();
  return DecryptBlinding{std::move(*w), std::move(*t1)};
}

Result<Point> server_decrypt(const Scalar& d2, ByteView t1_bytes) {
  auto t1 = sm2::point(t1_bytes, "T1");
  if (!t1) return t1.error();
  return sm2::mul(*t1, sm2::inverse(d2));
}

Result<crypto::SecureBytes> client_decrypt_finish(const Scalar& d1, const DecryptBlinding& blinding,
                                                  ByteView t2_bytes,
                                                  const crypto::Sm2Ciphertext& ciphertext) {
  auto t2 = sm2::point(t2_bytes, "T2");
  if (!t2) return t2.error();
  Bytes c1{0x04};
  append(c1, ciphertext.x);
  append(c1, ciphertext.y);
  auto unblinded = sm2::mul(*t2, sm2::inverse(sm2::mul(blinding.w, d1)));
  if (!unblinded) return unblinded.error();
  auto shared = sm2::sub(*unblinded, c1);  // [d]C1 = (x2, y2)
  if (!shared) return Error::invalid_input("the server's T2 gives a degenerate point");
  crypto::SecureBytes z(shared->begin() + 1, shared->end());
  crypto::SecureBytes t = sm2::kdf(z, ciphertext.c2.size());
  if (std::all_of(t.begin(), t.end(), [](std::uint8_t b) { return b == 0; })) {
    return Error::invalid_input("the key stream is all zero");
  }
  crypto::SecureBytes message(ciphertext.c2.size());
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = ciphertext.c2[i] ^ t[i];
  crypto::Hasher h(crypto::HashAlgorithm::kSm3);
  h.update(sm2::x_of(*shared));
  h.update(message);
  h.update(sm2::y_of(*shared));
  if (h.finish() != ciphertext.c3) {
    return Error::invalid_input("the ciphertext's C3 does not match: not for this key");
  }
  return message;
}

Bytes enrolment_context(std::string_view app_id, std::string_view code, ByteView device_key) {
  Bytes out = to_bytes("eseal-coss-enrol|");
  append(out, as_bytes(app_id));
  append(out, as_bytes("|"));
  append(out, as_bytes(code));
  append(out, as_bytes("|"));
  append(out, device_key);
  return out;
}

std::string login_statement(std::string_view key_id, std::string_view time,
                            std::string_view nonce) {
  return "eseal-coss-login|" + std::string(key_id) + "|" + std::string(time) + "|" +
         std::string(nonce);
}

}  // namespace eseal::cosign
