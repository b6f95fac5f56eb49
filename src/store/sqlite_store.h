// The embedded backend of store.h: SQLite 3 in WAL mode with foreign keys on and a busy
// timeout, one connection serialized by a mutex (the server's worker threads share it), and
// write transactions that take the write lock up front (BEGIN IMMEDIATE) so that other processes
// on the same file (the CLI beside a running server) never fork the audit chain.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "base/result.h"
#include "keys/kek.h"
#include "store/store.h"

namespace eseal::store {

// Opens `file` (creating it, mode 0600) and applies pending migrations. A database migrated by
// a newer eseal (an unknown version) is refused.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& file, BlobStore blobs,
                                                 std::optional<keys::Kek> kek);

}  // namespace eseal::store
