// The database schema as numbered migrations, applied in order at open, each in its own
// transaction together with its row in schema_migrations(version). Never edit a published
// migration; add the next number.
//
// The SQL runs unchanged on SQLite and PostgreSQL: TEXT, INTEGER and BIGINT columns (binary
// values are blobs referenced by SM3, PEM or base64 text; the one BYTEA column is the blobs
// table's content), explicit ids, times as BIGINT seconds
// since the Unix epoch (UTC), CHECK constraints for enumerations, no AUTOINCREMENT, no
// SQLite-only statements.
#pragma once

#include <span>
#include <string_view>

namespace eseal::store {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;  // one or more statements separated by ';'
};

// In ascending version order, starting at 1.
std::span<const Migration> migrations();

// Every table of the latest schema but schema_migrations, each after the tables it refers to
// (the order rows are copied in, store_transfer.h).
std::span<const std::string_view> tables();

// Creates the bookkeeping table; safe to run every time.
inline constexpr std::string_view kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " applied_at BIGINT NOT NULL)";

}  // namespace eseal::store
