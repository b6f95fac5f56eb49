// eseal's own SM2 signature arithmetic (GB/T 32918.2 over the sm2p256v1 curve of GB/T 32918.5):
// 64-bit limbs with Montgomery multiplication, signed-window tables of multiples of G (and of
// often-used public keys) so that a scalar multiple costs additions only, and constant-time code
// wherever a secret takes part (the private key, the nonce k). crypto/sm2.h signs and verifies
// through this unless the build chooses OpenSSL (ESEAL_OPENSSL_SM2); the tests hold it to
// OpenSSL's results.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::crypto::sm2_curve {

using Signature = std::array<std::uint8_t, 64>;    // r || s, big-endian
using Coordinates = std::array<std::uint8_t, 64>;  // x || y, big-endian

namespace detail {
struct Nonce;
}

// A private key ready to sign: d and (1 + d)^-1 mod n, kept in memory that is wiped when the
// key goes away.
class SigningKey {
 public:
  // d as 32 big-endian bytes, in [1, n-2] (GB/T 32918.1 §6.1); nullopt otherwise.
  static std::optional<SigningKey> from_scalar(ByteView d);

  // Signs e = SM3(Z || M) (32 bytes) with a fresh k from the CSPRNG. The k are made ahead in
  // batches (one inversion serves a batch) and each is used once.
  Result<Signature> sign(ByteView e) const;
  // Signs e with the given k (32 bytes): the published examples fix k. nullopt when this k gives
  // no signature (r = 0, r + k = n or s = 0), which a caller meets with another k.
  std::optional<Signature> sign_with(ByteView e, ByteView k) const;

 private:
  // Signs e with a nonce made beforehand: k and x(kG) mod n.
  std::optional<Signature> sign(ByteView e, const detail::Nonce& nonce) const;

  struct Secret;
  explicit SigningKey(std::shared_ptr<const Secret> secret) : secret_(std::move(secret)) {}
  std::shared_ptr<const Secret> secret_;
};

// A public key ready to verify with. A key that verifies again and again (an application's,
// a seal maker's) gets its own table of multiples, kept in a bounded cache shared by all
// VerifyingKeys of that point.
class VerifyingKey {
 public:
  // x || y (64 bytes) or 04 || x || y (65); nullopt unless it is a point on the curve.
  static std::optional<VerifyingKey> from_point(ByteView point);

  // Whether (r, s) (32 bytes each, big-endian) is a signature of e under this key.
  bool verify(ByteView e, ByteView r, ByteView s) const;

 private:
  VerifyingKey() = default;
  std::array<std::uint64_t, 8> point_{};  // x, y in Montgomery form, little-endian limbs
  std::array<std::uint8_t, 64> encoded_{};
};

// [k]G for a 32-byte big-endian k in [1, n-1], as x || y; nullopt for any other k.
std::optional<Coordinates> mul_base(ByteView k);

}  // namespace eseal::crypto::sm2_curve
