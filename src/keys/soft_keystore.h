// The soft keystore: SM2 private keys kept in a folder, each encrypted under the KEK (see
// keys/key_file.h) and addressed by an opaque reference ("soft:" + 32 hex digits) that the
// database stores in place of the key. Safe for concurrent use: files are written atomically
// and never changed after.
#pragma once

#include <filesystem>
#include <string>

#include "base/result.h"
#include "crypto/sm2.h"
#include "keys/kek.h"

namespace eseal::keys {

class SoftKeystore {
 public:
  // Opens (creating, mode 0700) the keystore folder.
  static Result<SoftKeystore> open(const std::filesystem::path& folder, Kek kek);

  // Generates a new SM2 key pair and stores it.
  Result<std::string> generate();
  // Stores an existing key; returns its new reference.
  Result<std::string> put(const crypto::Sm2PrivateKey& key);
  // kNotFound for an unknown reference, kInvalidInput for a malformed one.
  Result<crypto::Sm2PrivateKey> get(const std::string& reference) const;
  Result<crypto::Sm2PublicKey> public_key(const std::string& reference) const;
  // Deletes the key file; removing an unknown reference is kNotFound.
  Status remove(const std::string& reference);

 private:
  SoftKeystore(std::filesystem::path folder, Kek kek)
      : folder_(std::move(folder)), kek_(std::move(kek)) {}
  Result<std::filesystem::path> path_of(const std::string& reference) const;

  std::filesystem::path folder_;
  Kek kek_;
};

}  // namespace eseal::keys
