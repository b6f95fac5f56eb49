// Run under valgrind's memcheck (ctest: crypto.sm2_constant_time): sm2_curve marks the private
// scalar and every nonce as undefined memory, so that memcheck reports any branch or memory
// address that depends on them — the constant-time technique of ctgrind. This signs enough
// digests to use several batches of nonces, with a fresh key and a key made from given bytes,
// and checks every signature; valgrind's exit code carries any report.
#include <cstdio>

#include "crypto/random.h"
#include "crypto/sm2_curve.h"

using namespace eseal;
using namespace eseal::crypto::sm2_curve;

int main() {
  Bytes d(32, 0);
  if (!crypto::fill_random(d)) return 1;
  d[0] &= 0x7F;  // below n - 1
  auto key = SigningKey::from_scalar(d);
  auto point = mul_base(d);
  if (!key || !point) return 1;
  auto verifying = VerifyingKey::from_point(*point);
  if (!verifying) return 1;
  constexpr int kSignatures = 100;
  for (int i = 0; i < kSignatures; ++i) {
    Bytes e(32, 0);
    if (!crypto::fill_random(e)) return 1;
    auto signature = key->sign(e);
    if (!signature) return 1;
    const ByteView rs(*signature);
    if (!verifying->verify(e, rs.first(32), rs.subspan(32))) {
      std::fprintf(stderr, "signature %d does not verify\n", i);
      return 1;
    }
  }
  std::printf("%d signatures made with secrets marked undefined\n", kSignatures);
  return 0;
}
