// Files a business system leaves with the platform for a while — DB4403 centralized signing
// uploads a document (genFileUplode), signs it where it lies (genCentralizedSignature) and
// downloads the result (genFileDownload). Each is a task of kind "stored.file" (KEPT; EXPIRED at
// its time, after which it cannot be read) owned by the app that stored it; the bytes are a blob.
// Another app's file is not found, exactly as a file that never existed.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "doc/document_format.h"
#include "service/platform.h"
#include "service/tasks.h"

namespace eseal::service {

const TaskKind& stored_file_kind();

struct StoredFile {
  std::string id;  // the task id, 32 hex digits
  doc::DocumentFormat format = doc::DocumentFormat::kPdf;
  std::string title, owner;  // as the app named them (DB4403 title, userId)
  std::string blob;          // SM3 of the bytes
  std::int64_t size = 0;
  Time created{}, expires{};
};

class StoredFiles {
 public:
  explicit StoredFiles(store::Store& store) : store_(store), tasks_(store) {}

  Result<StoredFile> put(const Caller& app, ByteView bytes, doc::DocumentFormat format,
                         const std::string& title, const std::string& owner, Time expires,
                         Time now);
  // The app's file as of `now`: kNotFound when it does not exist, is another app's, or has
  // expired.
  Result<StoredFile> find(const Caller& app, const std::string& id, Time now);
  Result<Bytes> bytes(const StoredFile& file);

 private:
  store::Store& store_;
  Tasks tasks_;
};

}  // namespace eseal::service
