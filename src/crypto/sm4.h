// SM4 block cipher (GB/T 32907-2016) over OpenSSL EVP: ECB (filing packages, LD/T 01.4) and
// CBC (DB4403/T 383.4 payloads), with PKCS#7 padding unless asked for none.
#pragma once

#include <memory>
#include <span>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"

namespace eseal::crypto {

inline constexpr std::size_t kSm4KeySize = 16;
inline constexpr std::size_t kSm4BlockSize = 16;

enum class Padding {
  kPkcs7,  // 1..16 bytes of value n; a full extra block when the input is block-aligned
  kNone,   // the input must be a whole number of blocks
};

// Key must be 16 bytes. Decryption checks every padding byte and reports a bad key or corrupted
// data as kInvalidInput.
Result<Bytes> sm4_ecb_encrypt(ByteView key, ByteView plaintext, Padding padding = Padding::kPkcs7);
Result<SecureBytes> sm4_ecb_decrypt(ByteView key, ByteView ciphertext,
                                    Padding padding = Padding::kPkcs7);
// IV must be 16 bytes.
Result<Bytes> sm4_cbc_encrypt(ByteView key, ByteView iv, ByteView plaintext,
                              Padding padding = Padding::kPkcs7);
Result<SecureBytes> sm4_cbc_decrypt(ByteView key, ByteView iv, ByteView ciphertext,
                                    Padding padding = Padding::kPkcs7);
// SM4-CBC-PKCS#7 decryption of `data` over itself (a large message needs no second buffer); the
// plaintext's length. Refuses what sm4_cbc_decrypt refuses; `data` is then unspecified.
Result<std::size_t> sm4_cbc_decrypt_in_place(ByteView key, ByteView iv,
                                             std::span<std::uint8_t> data);

// Single-block encryption with a key schedule kept between calls, for iterated known-answer
// tests and block-level protocols. Not thread-safe.
class Sm4BlockEncryptor {
 public:
  static Result<Sm4BlockEncryptor> create(ByteView key);
  ~Sm4BlockEncryptor();
  Sm4BlockEncryptor(Sm4BlockEncryptor&&) noexcept;
  Sm4BlockEncryptor& operator=(Sm4BlockEncryptor&&) noexcept;

  // Encrypts one 16-byte block; `in` and `out` may be the same buffer.
  void encrypt_block(const std::uint8_t* in, std::uint8_t* out);

 private:
  struct State;
  explicit Sm4BlockEncryptor(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace eseal::crypto
