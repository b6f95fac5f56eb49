#include "crypto/random.h"

#include <openssl/rand.h>

#include "crypto/openssl.h"

namespace eseal::crypto {

Status fill_random(std::span<std::uint8_t> out) {
  if (out.empty()) return ok_status();
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    return ossl::failure("the random generator failed");
  }
  return ok_status();
}

Result<Bytes> random_bytes(std::size_t count) {
  Bytes out(count);
  if (auto s = fill_random(out); !s) return s.error();
  return out;
}

Result<SecureBytes> random_secret(std::size_t count) {
  SecureBytes out(count);
  if (auto s = fill_random(out); !s) return s.error();
  return out;
}

}  // namespace eseal::crypto
