// Arithmetic on the SM2 curve (GB/T 32918.5 sm2p256v1) for protocols that split a key between
// parties (cosign/): scalars modulo the group order n and points, over OpenSSL's EC_POINT and
// BIGNUM with secret values in wiped memory. Points from outside are validated (encoding, on
// the curve, not infinity — the cofactor is 1, so that is all) before any use.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"

namespace eseal::crypto::sm2 {

// A scalar modulo n: 32 bytes, big-endian.
using Scalar = SecureBytes;
// A point: 65 bytes, 04 || x || y.
using Point = Bytes;

// A CSPRNG scalar in [1, n-1].
Result<Scalar> random_scalar();

// `bytes` (32, big-endian) as a scalar in [1, n-1]; 0, n or more, or another length is
// kInvalidInput naming `what`.
Result<Scalar> scalar(ByteView bytes, std::string_view what);

// `bytes` (any length, big-endian, e.g. a digest) reduced modulo n; may be zero.
Scalar reduce(ByteView bytes);

bool is_zero(const Scalar& a);
Scalar add(const Scalar& a, const Scalar& b);
Scalar sub(const Scalar& a, const Scalar& b);
Scalar mul(const Scalar& a, const Scalar& b);
// a^-1 mod n; a must not be zero.
Scalar inverse(const Scalar& a);

// `bytes` (04||x||y, or x||y) as a validated point; kInvalidInput naming `what` otherwise.
Result<Point> point(ByteView bytes, std::string_view what);

// [k]G.
Point mul_base(const Scalar& k);
// [k]P, [a]P + [b]Q, P + Q, P - Q. A result at infinity is kInvalidInput (a degenerate
// combination the protocol must refuse).
Result<Point> mul(const Point& p, const Scalar& k);
Result<Point> mul_add(const Point& p, const Scalar& a, const Point& q, const Scalar& b);
Result<Point> add(const Point& p, const Point& q);
Result<Point> sub(const Point& p, const Point& q);

// The base point G.
Point generator();
// The x and y coordinates of a point, 32 bytes each.
Bytes x_of(const Point& p);
Bytes y_of(const Point& p);

// The SM2 key derivation function (GB/T 32918.4 §5.4.3): SM3(z ‖ ct) for ct = 1, 2, …
// (32-bit big-endian), the first `length` bytes.
SecureBytes kdf(ByteView z, std::size_t length);

}  // namespace eseal::crypto::sm2
