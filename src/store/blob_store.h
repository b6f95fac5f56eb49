// Content-addressed blobs (uploaded and signed documents, seals) in a folder on disk: each blob
// is the file D/ab/cdef… named by the lower-case hex SM3 of its content, written atomically
// (temporary file + rename) and checked against its name when read. Database rows refer to
// blobs by that SM3. Safe for concurrent use by threads and processes: a blob never changes
// once written, and writing the same content twice writes the same file.
#pragma once

#include <filesystem>
#include <string>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::store {

class BlobStore {
 public:
  // Creates the folder (mode 0700) when missing.
  static Result<BlobStore> open(const std::filesystem::path& folder);

  // Stores `content` (mode 0600) and returns its SM3 in hex.
  Result<std::string> put(ByteView content) const;
  // kNotFound for an unknown blob, kInvalidInput for a name that is not 64 hex digits, kInternal
  // when the file's content no longer hashes to its name.
  Result<Bytes> get(const std::string& sm3) const;
  Result<bool> contains(const std::string& sm3) const;
  // Where the blob lives (whether or not it exists); kInvalidInput for a malformed name.
  Result<std::filesystem::path> path_of(const std::string& sm3) const;

 private:
  explicit BlobStore(std::filesystem::path folder) : folder_(std::move(folder)) {}
  std::filesystem::path folder_;
};

}  // namespace eseal::store
