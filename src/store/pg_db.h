// The PostgreSQL driver of sql.h, on libpq: statements prepared once per connection with typed
// binary parameters (no copies of large values), rows read as text, and write transactions that
// take a transaction-scoped advisory lock, so that writers on every node queue for it as
// SQLite's writers queue for the file's lock (the audit chain's order depends on it).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "base/result.h"
#include "store/sql.h"

namespace eseal::store::sql {

// Connects to `url` (a libpq connection URI, "postgresql://user:password@host:port/db?…") with
// up to `pool_size` connections. kIo when the server cannot be reached or refuses the login.
Result<std::unique_ptr<Database>> open_postgresql(const std::string& url, std::size_t pool_size);

// The URL without its password, for messages and logs.
std::string redacted_url(const std::string& url);

}  // namespace eseal::store::sql
