// The state of one of eseal's software USB keys (keys/soft_skf/soft_skf.h) and its file,
// DIR/NAME.json: the key's information and device authentication key, and its applications,
// each with an administrator and a user PIN, files and containers (an SM2 signing and an SM2
// encryption key pair, each with its certificate).
//
// A development and test key, NOT a USB key: private keys and the authentication key are
// written in the clear, protected only by the file's permissions (0600, in a 0700 folder). PINs
// are kept as salted PBKDF2-HMAC-SM3 hashes with their retry counters. Every change is written
// (atomically) before it counts.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"
#include "crypto/sm2.h"
#include "keys/soft_common.h"

namespace eseal::keys::soft_skf {

inline constexpr std::size_t kMaxName = 31;              // device, application, file, container
inline constexpr std::size_t kMinPin = 6, kMaxPin = 64;  // bytes
inline constexpr unsigned kMaxRetries = 15;
inline constexpr std::size_t kMaxApplications = 8;
inline constexpr std::size_t kMaxContainers = 16;
inline constexpr std::size_t kTotalSpace = 1024 * 1024;  // what all files and certificates hold
inline constexpr std::string_view kFactoryAuthKey = "1234567812345678";

struct Pin {
  soft::PasswordHash hash;
  unsigned max_retries = 0, retries_left = 0;
  bool is_default = true;  // never changed since the application was made
};

struct File {
  Bytes data;
  unsigned read_rights = 0, write_rights = 0;
};

// One of a container's two key pairs.
struct KeyPair {
  std::optional<crypto::Sm2PrivateKey> key;
  Bytes certificate;  // DER, empty when none was imported
};

struct Container {
  KeyPair sign, enc;
};

struct Application {
  Pin admin, user;
  unsigned create_file_rights = 0;
  std::map<std::string, File> files;
  std::map<std::string, Container> containers;
};

struct Device {
  std::string label, serial;
  crypto::SecureBytes auth_key;  // SM4, 16 bytes
  std::map<std::string, Application> applications;
};

// Bytes the files and certificates of `device` take.
std::size_t used_space(const Device& device);

// Whether `name` may name a key (it names its file): 1..31 of A-Z a-z 0-9 . _ -, not starting
// with a dot.
bool valid_device_name(std::string_view name);
std::filesystem::path device_file(const std::filesystem::path& dir, std::string_view name);

// A new key with the factory authentication key and no application.
Device new_device(std::string label);
// Reads DIR/NAME.json; kNotFound when it does not exist, kInvalidInput when it is damaged.
Result<Device> load_device(const std::filesystem::path& file);
// Writes the key's file and returns its identity.
Result<soft::FileIdentity> save_device(const std::filesystem::path& file, const Device& device);

}  // namespace eseal::keys::soft_skf
