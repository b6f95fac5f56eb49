// The state of eseal's software SDF device (keys/soft_sdf/soft_sdf.h) and its file,
// DIR/device.json: device information, key indexes (an SM2 signing and an SM2 encryption key
// pair with the password that unlocks their private keys), key-encryption keys and files.
//
// A development and test device, NOT a production HSM: private keys and KEKs are written in
// the clear, protected only by the file's permissions (0600, in a 0700 folder). Passwords are
// kept as salted PBKDF2-HMAC-SM3 hashes. Every change is written (atomically) before it counts.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"
#include "crypto/sm2.h"

namespace eseal::keys::soft_sdf {

inline constexpr unsigned kMaxIndex = 1024;               // key and KEK indexes are 1..1024
inline constexpr std::size_t kMaxFileSize = 1024 * 1024;  // one file
inline constexpr std::size_t kMaxFileName = 128;          // bytes, UTF-8
inline constexpr std::size_t kMaxPassword = 1024;         // bytes
inline constexpr int kPasswordIterations = 10000;         // PBKDF2 for new passwords

// A key index.
struct KeySlot {
  crypto::Sm2PrivateKey sign;
  crypto::Sm2PrivateKey enc;
  Bytes salt;      // PBKDF2 salt of the access password
  Bytes verifier;  // PBKDF2-HMAC-SM3(password, salt, iterations), 32 bytes
  int iterations = kPasswordIterations;
};

// A new slot with fresh key pairs and `password`.
Result<KeySlot> make_slot(std::string_view password);
// Whether `password` is the slot's (constant-time comparison).
bool password_matches(const KeySlot& slot, std::string_view password);

struct Store {
  std::string issuer, name, serial;
  std::map<unsigned, KeySlot> keys;
  std::map<unsigned, crypto::SecureBytes> keks;  // SM4 keys, 16 bytes
  std::map<std::string, Bytes> files;
};

// Which version of the file a Store was read from or written as (to notice another process's
// change: every write replaces the file, so its inode and time change).
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  std::timespec modified{};
  off_t size = -1;
  friend bool operator==(const FileIdentity& a, const FileIdentity& b) {
    return a.device == b.device && a.inode == b.inode && a.modified.tv_sec == b.modified.tv_sec &&
           a.modified.tv_nsec == b.modified.tv_nsec && a.size == b.size;
  }
};

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
