#include "store/blob_store.h"

#include <sys/stat.h>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "store/sql.h"

namespace eseal::store {
namespace {

Result<Bytes> checked(const std::string& sm3, Bytes content) {
  if (crypto::to_hex(crypto::sm3(content)) != sm3) {
    return Error::internal("blob " + sm3 + " is damaged: its content no longer matches its SM3");
  }
  return content;
}

class FolderBlobs final : public BlobStore {
 public:
  explicit FolderBlobs(std::filesystem::path folder) : folder_(std::move(folder)) {}

  Result<std::string> store(ByteView content, std::string name) const override {
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

  Result<Bytes> get(const std::string& sm3) const override {
    auto path = path_of(sm3);
    if (!path) return path.error();
    auto content = read_file(*path);
    if (!content) {
      if (content.error().kind == ErrorKind::kNotFound) return Error::not_found("no blob " + sm3);
      return content.error();
    }
    return checked(sm3, std::move(*content));
  }

  Result<bool> contains(const std::string& sm3) const override {
    auto path = path_of(sm3);
    if (!path) return path.error();
    std::error_code ec;
    bool exists = std::filesystem::is_regular_file(*path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return Error::io("cannot look up blob " + sm3 + ": " + ec.message());
    }
    return exists;
  }

  Result<std::vector<std::string>> names() const override {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(folder_, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::string name =
          it->path().parent_path().filename().string() + it->path().filename().string();
      if (check_blob_name(name)) out.push_back(std::move(name));
    }
    if (ec) return Error::io("cannot list blob folder " + folder_.string() + ": " + ec.message());
    return out;
  }

  std::string description() const override { return "folder " + folder_.string(); }

 private:
  Result<std::filesystem::path> path_of(const std::string& sm3) const {
    Status valid = check_blob_name(sm3);
    if (!valid) return valid.error();
    return folder_ / sm3.substr(0, 2) / sm3.substr(2);
  }

  std::filesystem::path folder_;
};

class DatabaseBlobs final : public BlobStore {
 public:
  explicit DatabaseBlobs(sql::Database& db) : db_(db) {}

  Result<std::string> store(ByteView content, std::string name) const override {
    Status stored = db_.autocommit([&](sql::Session& s) {
      return s.run(
          "INSERT INTO blobs (sm3, size, content) VALUES (?, ?, ?) ON CONFLICT (sm3) DO NOTHING",
          name, static_cast<std::int64_t>(content.size()), sql::Blob{content});
    });
    if (!stored) return stored.error().with_context("storing blob " + name);
    return name;
  }

  Result<Bytes> get(const std::string& sm3) const override {
    Status valid = check_blob_name(sm3);
    if (!valid) return valid.error();
    auto content = db_.read([&](sql::Session& s) {
      return s.one<Bytes>(
          "SELECT content FROM blobs WHERE sm3 = ?",
          [](const sql::Row& r) -> Result<Bytes> { return r.bytes(0); }, "no blob " + sm3, sm3);
    });
    if (!content) return content.error();
    return checked(sm3, std::move(*content));
  }

  Result<bool> contains(const std::string& sm3) const override {
    Status valid = check_blob_name(sm3);
    if (!valid) return valid.error();
    return db_.read(
        [&](sql::Session& s) { return s.exists("SELECT 1 FROM blobs WHERE sm3 = ?", sm3); });
  }

  Result<std::vector<std::string>> names() const override {
    return db_.read([&](sql::Session& s) {
      return s.all<std::string>("SELECT sm3 FROM blobs",
                                [](const sql::Row& r) -> Result<std::string> { return r.text(0); });
    });
  }

  std::string description() const override { return "the blobs table of " + db_.description(); }

 private:
  sql::Database& db_;
};

}  // namespace

Result<std::string> BlobStore::put(ByteView content, const crypto::HashedPrefix& sm3_prefix) const {
  return store(content, crypto::to_hex(
                            crypto::finish_hash(crypto::HashAlgorithm::kSm3, sm3_prefix, content)));
}

Status check_blob_name(const std::string& name) {
  bool hex = name.size() == 64;
  for (char c : name) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex) return Error::invalid_input("not a blob name (64 hex digits): " + name);
  return ok_status();
}

Result<std::unique_ptr<BlobStore>> open_folder_blobs(const std::filesystem::path& folder) {
  std::error_code ec;
  if (std::filesystem::create_directories(folder, ec)) ::chmod(folder.c_str(), 0700);
  if (ec) return Error::io("cannot create blob folder " + folder.string() + ": " + ec.message());
  return std::unique_ptr<BlobStore>(std::make_unique<FolderBlobs>(folder));
}

std::unique_ptr<BlobStore> open_database_blobs(sql::Database& db) {
  return std::make_unique<DatabaseBlobs>(db);
}

}  // namespace eseal::store
