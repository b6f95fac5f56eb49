// Moving a deployment from one database and blob store to another (`eseal store migrate`, for
// instance from the embedded SQLite to a PostgreSQL that several nodes share): every row copied
// as it is (ids, sealed secrets and audit hashes unchanged, so the KEK is not needed), every blob
// copied and read back against its SM3, the soft keystore's key files (encrypted under the KEK)
// copied, and the target checked before anything is reported done.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/store.h"

namespace eseal::store {

struct TransferReport {
  std::vector<std::pair<std::string, std::int64_t>> tables;  // rows per table, copied and checked
  std::int64_t blobs = 0;                                    // blobs on the target, checked
  std::int64_t blob_bytes = 0;
  bool blobs_shared = false;      // the target keeps its blobs where the source does: none copied
  std::int64_t key_files = 0;     // the soft keystore's (encrypted) key files, checked
  bool key_files_shared = false;  // as blobs_shared, for them
  AuditCheck audit;               // recomputed on the target
};

// Called as the work goes: what ("table audit", "blobs"), how much of it is done, of how many.
using TransferProgress = std::function<void(const std::string&, std::int64_t, std::int64_t)>;

// Copies `from` into `to`, both opened at this eseal's schema; `to` must hold no rows
// (kInvalidInput naming the first table that has some). Then checks the target: the same rows
// per table, an intact audit chain of the same length, every blob read back against its name.
// A failure part-way leaves `from` untouched and says where it stopped; the target is then to be
// emptied (dropped and created again) before another try.
Result<TransferReport> transfer(Store& from, Store& to, const TransferProgress& progress);

}  // namespace eseal::store
