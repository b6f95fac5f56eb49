// Two-party SM2 (协同签名): the private key d never exists in one place. The client (a phone)
// holds d1, the server d2, and (1 + d)^-1 = d1·d2, i.e. P = [(d1·d2)^-1]G − G (the
// "inverse-multiplicative" family A of docs COSIGN_TSA_NOTES §1.2). Together they produce an
// ordinary SM2 signature under P (three nonces, §1.3.1) and decrypt an ordinary SM2 ciphertext
// to P (blinded, §1.4). An engine: scalars and points in, scalars and points out; every point
// from the other party is validated and every degenerate value refused (§1.7).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/sm2_arith.h"
#include "crypto/sm2_cipher.h"

namespace eseal::cosign {

using crypto::sm2::Point;
using crypto::sm2::Scalar;

// The scheme's name in getServiceInfo's list: family A, three-nonce signing, blinded
// decryption, Schnorr proofs of knowledge of each share's inverse at key generation.
inline constexpr std::string_view kSchemeInverse3n = "sm2-2p-inv-3n";

// Where secret scalars come from: the CSPRNG, except in known-answer tests.
using ScalarSource = std::function<Result<Scalar>()>;
const ScalarSource& csprng();

// A Schnorr proof of knowledge of x with X = [x]G, bound to `context` (who asks, for what):
// T = [t]G, c = SM3("eseal-cosign-pok" ‖ context ‖ X ‖ T) mod n, z = t + c·x; encoded T ‖ z
// (97 bytes).
Result<Bytes> prove_knowledge(const Scalar& x, const Point& big_x, ByteView context,
                              const ScalarSource& source = csprng());
// [z]G = T + [c]X; kInvalidInput otherwise.
Status check_knowledge(const Point& big_x, ByteView proof, ByteView context);

// --- Key generation (§1.2) ------------------------------------------------------------------

// The client's share d1 and P1 = [d1^-1]G with its proof.
struct ClientKeyShare {
  Scalar d1;
  Point p1;
  Bytes proof;
};
Result<ClientKeyShare> client_key_share(ByteView context, const ScalarSource& source = csprng());

// The server's answer to P1 (validated, its proof checked): d2, P2 = [d2^-1]G with its proof,
// and the joint key P = [d2^-1]P1 − G.
struct ServerKeyShare {
  Scalar d2;
  Point p2;
  Bytes proof;
  Point p;
};
Result<ServerKeyShare> server_key_share(ByteView p1, ByteView p1_proof, ByteView context,
                                        const ScalarSource& source = csprng());

// The client's key confirmation: P2's proof holds and P = [d1^-1]P2 − G. Returns P.
Result<Point> client_confirm_key(const Scalar& d1, ByteView p2, ByteView p2_proof, ByteView p,
                                 ByteView context);

// --- Signing, three nonces (§1.3.1) ---------------------------------------------------------

// The client's nonce k1 and Q1 = [k1]G; used once, then dropped (wiped).
struct ClientNonce {
  Scalar k1;
  Point q1;
};
Result<ClientNonce> client_sign_start(const ScalarSource& source = csprng());

// The server's half: r, s2 = d2·k3 and s3 = d2·(r + k2), 32 bytes each.
struct PartialSignature {
  Bytes r, s2, s3;
};
// Over `e` (the 32-byte SM3(Z_P ‖ M) of a job the server owns, never a digest the client
// chose): Q1 validated, fresh k2, k3 (wiped on return), (x1, y1) = [k3]Q1 + [k2]G,
// r = (e + x1) mod n, drawn again while r = 0 (r + k = n, which the server cannot see, the
// client refuses as r + s = 0).
Result<PartialSignature> server_sign(const Scalar& d2, ByteView e, ByteView q1,
                                     const ScalarSource& source = csprng());

// The client's half: r, s2, s3 in [1, n−1] (s2 = 0 would give d1 away), s = d1·k1·s2 + d1·s3 − r,
// s ≠ 0 and r + s ≠ 0, and (r, s) verified on e under P before it is returned (r ‖ s, 64
// bytes).
Result<Bytes> client_sign_finish(const Scalar& d1, const ClientNonce& nonce, ByteView e,
                                 const PartialSignature& partial, const Point& p);

// Standard SM2 verification of r ‖ s (or DER) over the digest e under P: what the server checks
// before it accepts a final signature.
Status verify_joint(const Point& p, ByteView e, ByteView signature);

// --- Decryption, blinded (§1.4) -------------------------------------------------------------

// The client blinds C1 (validated) with a fresh w: T1 = [w]C1.
struct DecryptBlinding {
  Scalar w;
  Point t1;
};
Result<DecryptBlinding> client_decrypt_start(const crypto::Sm2Ciphertext& ciphertext,
                                             const ScalarSource& source = csprng());
// The server's half: T2 = [d2^-1]T1, T1 validated. It never sees C1.
Result<Point> server_decrypt(const Scalar& d2, ByteView t1);
// The client's half: (x2, y2) = [w^-1·d1^-1]T2 − C1, M = C2 ⊕ KDF(x2 ‖ y2), checked against C3.
Result<crypto::SecureBytes> client_decrypt_finish(const Scalar& d1, const DecryptBlinding& blinding,
                                                  ByteView t2,
                                                  const crypto::Sm2Ciphertext& ciphertext);

// --- What both parties bind to (the COSS mobile protocol) ----------------------------------

// Key generation's context, which both proofs of knowledge are bound to: the app, the
// activation code and the device's own public key.
Bytes enrolment_context(std::string_view app_id, std::string_view code, ByteView device_key);

// What a phone's login signs with its device key: "eseal-coss-login|keyId|time|nonce".
std::string login_statement(std::string_view key_id, std::string_view time, std::string_view nonce);

}  // namespace eseal::cosign
