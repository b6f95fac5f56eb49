#include "store/blob_store.h"

#include <sys/stat.h>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace eseal::store {
namespace {

bool is_sm3_hex(const std::string& name) {
  if (name.size() != 64) return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<BlobStore> BlobStore::open(const std::filesystem::path& folder) {
  std::error_code ec;
  if (std::filesystem::create_directories(folder, ec)) ::chmod(folder.c_str(), 0700);
  if (ec) return Error::io("cannot create blob folder " + folder.string() + ": " + ec.message());
  return BlobStore(folder);
}

Result<std::filesystem::path> BlobStore::path_of(const std::string& sm3) const {
  if (!is_sm3_hex(sm3)) return Error::invalid_input("not a blob name (64 hex digits): " + sm3);
  return folder_ / sm3.substr(0, 2) / sm3.substr(2);
}

Result<std::string> BlobStore::put(ByteView content) const {
  std::string name = crypto::to_hex(crypto::sm3(content));
  auto path = path_of(name);
  if (!path) return path.error();
  // Content addressing makes an existing file of the right size the same blob; anything else
  // (a crash cannot leave one, but a damaged disk can) is replaced.
  std::error_code ec;
  auto size = std::filesystem::file_size(*path, ec);
  if (!ec && size == content.size()) return name;
  Status written = write_file_atomic(*path, content, 0600);
  if (!written) return written.error();
  return name;
}

Result<Bytes> BlobStore::get(const std::string& sm3) const {
  auto path = path_of(sm3);
  if (!path) return path.error();
  auto content = read_file(*path);
  if (!content) {
    if (content.error().kind == ErrorKind::kNotFound) return Error::not_found("no blob " + sm3);
    return content.error();
  }
  if (crypto::to_hex(crypto::sm3(*content)) != sm3) {
    return Error::internal("blob " + sm3 + " is damaged: its content no longer matches its SM3");
  }
  return content;
}

Result<bool> BlobStore::contains(const std::string& sm3) const {
  auto path = path_of(sm3);
  if (!path) return path.error();
  std::error_code ec;
  bool exists = std::filesystem::is_regular_file(*path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Error::io("cannot look up blob " + sm3 + ": " + ec.message());
  }
  return exists;
}

}  // namespace eseal::store
