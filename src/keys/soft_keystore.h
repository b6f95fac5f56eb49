// The soft keystore: SM2 private keys, each encrypted under the KEK (see keys/key_file.h) and
// kept as a key file (a folder's, or the store's database: keys/key_files.h), addressed by an
// opaque reference ("soft:" + 32 hex digits) that the database stores in place of the key. Safe
// for concurrent use: files are written once and never changed after.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "base/result.h"
#include "crypto/sm2.h"
#include "keys/kek.h"
#include "keys/key_files.h"

namespace eseal::keys {

class SoftKeystore {
 public:
  SoftKeystore(std::shared_ptr<KeyFiles> files, Kek kek)
      : files_(std::move(files)), kek_(std::move(kek)) {}
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
  // The key file's name; kInvalidInput for a malformed reference.
  static Result<std::string> name_of(const std::string& reference);

  std::shared_ptr<KeyFiles> files_;
  Kek kek_;
};

}  // namespace eseal::keys
