// The SQLite driver of sql.h: WAL mode, foreign keys on, a busy timeout, secure delete, and
// write transactions that take the write lock up front (BEGIN IMMEDIATE), so that other
// processes on the same file (the CLI beside a running server) never fork the audit chain.
#pragma once

#include <filesystem>
#include <memory>

#include "base/result.h"
#include "store/sql.h"

namespace eseal::store::sql {

// Opens `file` (creating it, mode 0600) with up to `pool_size` connections; readers run at once,
// writers one at a time.
Result<std::unique_ptr<Database>> open_sqlite(const std::filesystem::path& file,
                                              std::size_t pool_size);

}  // namespace eseal::store::sql
