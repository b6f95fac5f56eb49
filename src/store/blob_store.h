// Content-addressed blobs (uploaded and signed documents, seals), each named by the lower-case
// hex SM3 of its content and checked against its name when read. Database rows refer to blobs by
// that SM3. Two homes: a folder (the default; D/ab/cdef…, written atomically by temporary file
// and rename), or the database's blobs table, for nodes without a shared file system. Safe for
// concurrent use by threads, processes and nodes: a blob never changes once written, and writing
// the same content twice stores it once.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/digest.h"

namespace eseal::store {

namespace sql {
class Database;
}

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores `content` and returns its SM3 in hex. `sm3_prefix`, when the caller has one, is SM3
  // over the content's first bytes (a signing engine's, crypto/digest.h): only the rest is hashed.
  Result<std::string> put(ByteView content, const crypto::HashedPrefix& sm3_prefix = {}) const;
  // kNotFound for an unknown blob, kInvalidInput for a name that is not 64 hex digits, kInternal
  // when the content no longer hashes to its name.
  virtual Result<Bytes> get(const std::string& sm3) const = 0;
  virtual Result<bool> contains(const std::string& sm3) const = 0;
  // Every blob's name, in no particular order (for moving a deployment and checking it).
  virtual Result<std::vector<std::string>> names() const = 0;
  // Where the blobs are, for messages.
  virtual std::string description() const = 0;

 protected:
  // Stores `content` under `name`, its SM3 in hex; returns the name.
  virtual Result<std::string> store(ByteView content, std::string name) const = 0;
};

// The folder (created, mode 0700, when missing); blob files are mode 0600.
Result<std::unique_ptr<BlobStore>> open_folder_blobs(const std::filesystem::path& folder);
// The database's blobs table (migration 14); `db` must outlive the store.
std::unique_ptr<BlobStore> open_database_blobs(sql::Database& db);

// kInvalidInput unless `name` is 64 lower-case hex digits.
Status check_blob_name(const std::string& name);

}  // namespace eseal::store
