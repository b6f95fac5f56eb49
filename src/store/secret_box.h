// Symmetric secrets the server must read back in the clear (an app's HMAC key) kept encrypted
// under the KEK: SM4-CBC then HMAC-SM3 (encrypt-then-MAC), with keys derived from the KEK by
// HMAC-SM3 over fixed labels, and the MAC bound to a context (the row's id) so a sealed value
// copied to another row does not open.
//
// Sealed format: 0x01 || IV (16) || SM4-CBC ciphertext (PKCS#7) || HMAC-SM3 tag (32), where the
// tag covers 0x01 || IV || ciphertext || context.
#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"
#include "keys/kek.h"

namespace eseal::store {

// The data folder's KEK check value: HMAC-SM3 keyed with the KEK over a fixed label. It tells
// whether a KEK is the one the folder's secrets were sealed under, and reveals nothing else.
Bytes kek_check_value(const keys::Kek& kek);

class SecretBox {
 public:
  explicit SecretBox(const keys::Kek& kek);

  Result<Bytes> seal(std::string_view context, ByteView secret) const;
  // kInvalidInput when the KEK is not the one that sealed it, or the value was altered.
  Result<crypto::SecureBytes> open(std::string_view context, ByteView sealed) const;

  // A keyed fingerprint of `value` to look a sealed value up by (HMAC-SM3 under a key of its
  // own derived from the KEK, over context ‖ 0x00 ‖ value): equal values give equal indexes,
  // and nothing about the value can be learnt without the KEK.
  Bytes index(std::string_view context, ByteView value) const;

 private:
  crypto::SecureBytes encryption_key_;  // 16 bytes
  crypto::SecureBytes mac_key_;         // 32 bytes
  crypto::SecureBytes index_key_;       // 32 bytes
};

}  // namespace eseal::store
