// The key-encryption key (KEK) that protects every private key at rest. It comes from the
// environment (ESEAL_KEK, read by the caller) or from a file created with mode 0600 on first use.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "base/result.h"
#include "crypto/secure_buffer.h"

namespace eseal::keys {

// A KEK is a passphrase for PKCS#5 PBES2; the generated ones are 64 hex digits (256 bits).
class Kek {
 public:
  explicit Kek(crypto::SecureBytes secret) : secret_(std::move(secret)) { secret_.push_back(0); }
  // NUL-terminated, as OpenSSL's PEM functions want it.
  const char* c_str() const { return reinterpret_cast<const char*>(secret_.data()); }
  std::size_t size() const { return secret_.size() - 1; }

 private:
  crypto::SecureBytes secret_;  // followed by a terminating NUL
};

inline constexpr std::size_t kMinKekLength = 16;

enum class KekFile {
  kMustExist,        // commands that only use existing keys
  kCreateIfMissing,  // commands that start a new key hierarchy (ca init, demo)
};

// Uses `env_value` when given (at least 16 characters); otherwise reads `file`. A missing file
// is kNotFound, or, with kCreateIfMissing, is created with a fresh random 256-bit KEK (mode
// 0600; folders it creates 0700) without ever replacing one a concurrent process just made.
// A file readable by group or others is refused.
Result<Kek> load_or_create_kek(std::optional<std::string_view> env_value,
                               const std::filesystem::path& file,
                               KekFile mode = KekFile::kCreateIfMissing);

}  // namespace eseal::keys
