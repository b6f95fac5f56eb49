// Hash functions and HMAC over OpenSSL EVP: SM3 (GB/T 32905-2016), SHA-1 and SHA-256
// (FIPS 180-4, for the COSS helpers), HMAC (RFC 2104) with SM3 or SHA-256.
#pragma once

#include <initializer_list>
#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"

namespace eseal::crypto {

enum class HashAlgorithm { kSm3, kSha1, kSha256 };

// Output size in bytes: 32 for SM3 and SHA-256, 20 for SHA-1.
std::size_t digest_size(HashAlgorithm algorithm);

// A streaming hash: feed a document in pieces, read the digest once. Not thread-safe.
class Hasher {
 public:
  explicit Hasher(HashAlgorithm algorithm);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(ByteView data);
  // Returns the digest; the hasher then starts over, empty.
  Bytes finish();
  // A hasher in this one's state: it goes on from what this one has been fed.
  Hasher copy() const;
  HashAlgorithm algorithm() const;

 private:
  struct State;
  explicit Hasher(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// A hash of a document's first `length` bytes, kept to finish the hash of a document that begins
// with the same bytes without a second pass over them: a signed PDF begins with the bytes of the
// prepared one before its signature's place, which the signing engine hashed already.
struct HashedPrefix {
  std::shared_ptr<const Hasher> state;  // null: nothing hashed
  std::size_t length = 0;
};

// The digest of `whole`, whose first prefix.length bytes prefix.state was fed; a plain hash with
// `algorithm` when the prefix is empty, of another algorithm or longer than `whole`.
Bytes finish_hash(HashAlgorithm algorithm, const HashedPrefix& prefix, ByteView whole);

Bytes hash(HashAlgorithm algorithm, ByteView data);
inline Bytes sm3(ByteView data) {
  return hash(HashAlgorithm::kSm3, data);
}
inline Bytes sha1(ByteView data) {
  return hash(HashAlgorithm::kSha1, data);
}
inline Bytes sha256(ByteView data) {
  return hash(HashAlgorithm::kSha256, data);
}

Bytes hmac(HashAlgorithm algorithm, ByteView key, ByteView data);
// The HMAC of the parts' concatenation, without making it (a large value is not copied).
Bytes hmac(HashAlgorithm algorithm, ByteView key, std::initializer_list<ByteView> parts);
inline Bytes hmac_sm3(ByteView key, ByteView data) {
  return hmac(HashAlgorithm::kSm3, key, data);
}
inline Bytes hmac_sha256(ByteView key, ByteView data) {
  return hmac(HashAlgorithm::kSha256, key, data);
}

// Compares in time independent of where the inputs differ (for MACs and tokens).
bool equal_constant_time(ByteView a, ByteView b);

// PBKDF2 (RFC 8018) with HMAC over `algorithm`: `length` bytes from a password.
SecureBytes pbkdf2(HashAlgorithm algorithm, std::string_view password, ByteView salt,
                   int iterations, std::size_t length);

}  // namespace eseal::crypto
