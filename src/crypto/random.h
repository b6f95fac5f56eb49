// Cryptographically secure random bytes from OpenSSL's DRBG (seeded by the operating system).
#pragma once

#include <span>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"

namespace eseal::crypto {

Status fill_random(std::span<std::uint8_t> out);
Result<Bytes> random_bytes(std::size_t count);
Result<SecureBytes> random_secret(std::size_t count);

}  // namespace eseal::crypto
