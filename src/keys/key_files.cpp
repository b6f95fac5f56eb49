#include "keys/key_files.h"

#include <unistd.h>

#include "base/file.h"

namespace eseal::keys {
namespace {

class FolderKeyFiles final : public KeyFiles {
 public:
  explicit FolderKeyFiles(std::filesystem::path folder) : folder_(std::move(folder)) {}

  Status put(const std::string& name, std::string_view pem) override {
    std::filesystem::path path = path_of(name);
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      return Error::invalid_input("key file " + name + " exists");
    }
    return write_file_atomic(path, as_bytes(pem), 0600);
  }

  Result<std::string> get(const std::string& name) const override {
    auto pem = read_file(path_of(name));
    if (!pem) {
      if (pem.error().kind == ErrorKind::kNotFound) return Error::not_found("no key file " + name);
      return pem.error();
    }
    return to_string(*pem);
  }

  Status remove(const std::string& name) override {
    std::error_code ec;
    std::filesystem::path path = path_of(name);
    if (!std::filesystem::remove(path, ec)) {
      if (ec) return Error::io("cannot delete " + path.string() + ": " + ec.message());
      return Error::not_found("no key file " + name);
    }
    return ok_status();
  }

  Result<std::vector<std::string>> names() const override {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(folder_, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      if (it->path().extension() == ".key") out.push_back(it->path().stem().string());
    }
    if (ec) return Error::io("cannot list " + folder_.string() + ": " + ec.message());
    return out;
  }

  Status ready() const override {
    if (::access(folder_.c_str(), R_OK | W_OK | X_OK) != 0) {
      return Error::io("keystore folder " + folder_.string() + " is not writable");
    }
    return ok_status();
  }

  std::string description() const override { return "folder " + folder_.string(); }

 private:
  std::filesystem::path path_of(const std::string& name) const { return folder_ / (name + ".key"); }

  std::filesystem::path folder_;
};

}  // namespace

Result<std::shared_ptr<KeyFiles>> open_key_folder(const std::filesystem::path& folder) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    return Error::io("cannot create keystore folder " + folder.string() + ": " + ec.message());
  }
  std::filesystem::permissions(folder, std::filesystem::perms::owner_all, ec);
  if (ec) {
    return Error::io("cannot restrict keystore folder " + folder.string() + ": " + ec.message());
  }
  return std::shared_ptr<KeyFiles>(std::make_shared<FolderKeyFiles>(folder));
}

}  // namespace eseal::keys
