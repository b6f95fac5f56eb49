// The state of eseal's software SDF device (keys/soft_sdf/soft_sdf.h) and its file,
// DIR/device.json: device information, key indexes (an SM2 signing and an SM2 encryption key
// pair with the password that unlocks their private keys), key-encryption keys and files.
//
// A development and test device, NOT a production HSM: private keys and KEKs are written in
// the clear, protected only by the file's permissions (0600, in a 0700 folder). Passwords are
// kept as salted PBKDF2-HMAC-SM3 hashes. Every change is written (atomically) before it counts.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"
#include "crypto/sm2.h"
#include "keys/soft_common.h"

namespace eseal::keys::soft_sdf {

inline constexpr unsigned kMaxIndex = 1024;               // key and KEK indexes are 1..1024
inline constexpr std::size_t kMaxFileSize = 1024 * 1024;  // one file
inline constexpr std::size_t kMaxFileName = 128;          // bytes, UTF-8
inline constexpr std::size_t kMaxPassword = 1024;         // bytes

// A key index.
struct KeySlot {
  crypto::Sm2PrivateKey sign;
  crypto::Sm2PrivateKey enc;
  soft::PasswordHash password;  // of the private keys' access password
};

// A new slot with fresh key pairs and `password`.
Result<KeySlot> make_slot(std::string_view password);

struct Store {
  std::string issuer, name, serial;
  std::map<unsigned, KeySlot> keys;
  std::map<unsigned, crypto::SecureBytes> keks;  // SM4 keys, 16 bytes
  std::map<std::string, Bytes> files;
};

using soft::FileIdentity;

std::filesystem::path store_file(const std::filesystem::path& dir);
// The identity of DIR/device.json now; kNotFound when it does not exist.
Result<FileIdentity> identity_of(const std::filesystem::path& dir);

// Reads DIR/device.json; kNotFound when it does not exist, kInvalidInput when it is damaged.
Result<Store> load_store(const std::filesystem::path& dir);
// A new, empty device (information only).
Store new_store();
// Writes DIR/device.json (creating DIR with mode 0700 if needed) and returns its identity.
Result<FileIdentity> save_store(const std::filesystem::path& dir, const Store& store);

}  // namespace eseal::keys::soft_sdf
