// What eseal's two software crypto devices (keys/soft_sdf, keys/soft_skf) share: their folder,
// password hashes, their JSON files written atomically and privately, handles that are numbers
// from a registry, and C entry points that never let an exception out.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"
#include "crypto/sm2.h"
#include "crypto/sm2_cipher.h"

namespace eseal::keys::soft {

inline constexpr int kPasswordIterations = 10000;  // PBKDF2-HMAC-SM3 for new passwords

// A salted PBKDF2-HMAC-SM3 hash of a password or PIN.
struct PasswordHash {
  Bytes salt;
  Bytes verifier;  // 32 bytes
  int iterations = kPasswordIterations;
  friend bool operator==(const PasswordHash&, const PasswordHash&) = default;
};

Result<PasswordHash> hash_password(std::string_view password);
// Whether `password` is the hashed one (constant-time comparison).
bool password_matches(const PasswordHash& hash, std::string_view password);

// The device folder: the environment variable `variable`, else $HOME/.local/share/eseal/`leaf`;
// empty when neither is set.
std::filesystem::path device_dir(const char* variable, const char* leaf);

// Which version of a file a device state was read from or written as (to notice another
// process's change: every write replaces the file, so its inode and time change).
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

// The identity of `file` now; kNotFound when it does not exist.
Result<FileIdentity> identity_of(const std::filesystem::path& file);

// A new serial number as the standards shape it: today's date (8), a batch (3), a number (5).
std::string new_serial();

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

// Replaces `file` (mode 0600; its folder is made with mode 0700 when missing) with the JSON in
// `buffer`, which is wiped afterwards (it held keys), and returns the file's new identity.
Result<FileIdentity> write_private(const std::filesystem::path& file,
                                   rapidjson::StringBuffer& buffer);
// Parses `file`: kNotFound when it does not exist, kInvalidInput when it is not a JSON object
// of format `format`.
Result<rapidjson::Document> read_json(const std::filesystem::path& file, unsigned format);

// The string member `name` of `object`, or null.
const rapidjson::Value* string_member(const rapidjson::Value& object, const char* name);
// The unsigned member `name` of `object`, or `fallback`.
unsigned uint_member(const rapidjson::Value& object, const char* name, unsigned fallback);
std::string_view view(const rapidjson::Value& string);
void write_string(JsonWriter& writer, std::string_view text);
void write_member(JsonWriter& writer, const char* name, std::string_view text);

void write_password(JsonWriter& writer, const char* name, const PasswordHash& hash);
// The password hash member `name` of `object`.
Result<PasswordHash> read_password(const rapidjson::Value& object, const char* name);

// SM2 values in the devices' structures: big-endian and right-aligned in 64-byte fields.
inline constexpr std::size_t kField = 64, kScalar = 32;

// The public key in the fields x and y; nullopt unless `bits` is 256, the padding is zero and
// the point is on the curve.
std::optional<crypto::Sm2PublicKey> public_key_from(unsigned bits, const std::uint8_t* x,
                                                    const std::uint8_t* y);
void public_key_to(const crypto::Sm2PublicKey& key, std::uint8_t* x, std::uint8_t* y);
std::optional<crypto::Sm2PrivateKey> private_key_from(unsigned bits, const std::uint8_t* k);
void private_key_to(const crypto::Sm2PrivateKey& key, std::uint8_t* k);
// A DER SM2Signature into the fields r and s; false when it is not one.
bool signature_to(ByteView der, std::uint8_t* r, std::uint8_t* s);
// The DER SM2Signature of the fields r and s.
std::optional<Bytes> signature_from(const std::uint8_t* r, const std::uint8_t* s);
// SM2 encryption as its parts (x and y 32 bytes, C3 32 bytes, C2 as long as `plain`).
Result<crypto::Sm2Ciphertext> sm2_encrypt_parts(const crypto::Sm2PublicKey& key, ByteView plain);
// The ciphertext whose C1 is in the fields x and y, with C3 `hash` (32 bytes) and C2 `c2`.
Result<crypto::SecureBytes> sm2_decrypt_fields(const crypto::Sm2PrivateKey& key,
                                               const std::uint8_t* x, const std::uint8_t* y,
                                               const std::uint8_t* hash, ByteView c2);

// Handles given to callers are registry numbers, never addresses.
inline void* as_handle(std::uintptr_t id) {
  return reinterpret_cast<void*>(id);
}
inline std::uintptr_t id_of(const void* handle) {
  return reinterpret_cast<std::uintptr_t>(handle);
}

// Runs `body` (returning a device code), turning an allocation failure into `no_memory` and any
// other exception into `unknown`: nothing is thrown across the C ABI.
template <typename Code, typename F>
Code guarded(Code no_memory, Code unknown, F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return no_memory;
  } catch (...) {
    return unknown;
  }
}

}  // namespace eseal::keys::soft
