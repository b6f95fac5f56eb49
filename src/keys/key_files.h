// Where the soft keystore keeps its key files, each a private key encrypted under the KEK
// (keys/key_file.h) and named by 32 hex digits: a folder (the data folder's keys/), or the
// store's database when nodes share no folder (store/store.h, [store] blobs = "database").
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace eseal::keys {

class KeyFiles {
 public:
  virtual ~KeyFiles() = default;
  // Stores a new file; a taken name is kInvalidInput.
  virtual Status put(const std::string& name, std::string_view pem) = 0;
  // kNotFound for an unknown name.
  virtual Result<std::string> get(const std::string& name) const = 0;
  // kNotFound for an unknown name.
  virtual Status remove(const std::string& name) = 0;
  virtual Result<std::vector<std::string>> names() const = 0;
  // Whether the files can be read and written now (a readiness check: quick, no scan).
  virtual Status ready() const = 0;
  // Where they are, for messages.
  virtual std::string description() const = 0;
};

// The folder (created mode 0700 when missing); files NAME.key, mode 0600, written atomically.
Result<std::shared_ptr<KeyFiles>> open_key_folder(const std::filesystem::path& folder);

}  // namespace eseal::keys
