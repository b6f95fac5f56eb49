// Thin RAII wrappers over the sqlite3 C API for the SQLite backend: a connection, prepared
// statements with positional parameters, and a write transaction that rolls back unless
// committed. Not thread-safe; SqliteStore serializes access.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"

namespace eseal::store::sqlite {

// A failed call's error: kInvalidInput for constraint violations (the caller's duplicate or
// dangling reference), kIo for a busy or unwritable database, kInternal otherwise.
Error error_of(sqlite3* db, int code, std::string_view what);

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // Parameters are numbered from 1 in order of binding; each bind takes the next.
  Statement& bind(std::string_view text);
  Statement& bind(std::int64_t value);
  // NULL for "", for optional references.
  Statement& bind_or_null(std::string_view text);

  // true: a row is ready; false: done.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Status run();
  int changes() const { return sqlite3_changes(db_); }

  std::string text(int column) const;  // "" for NULL
  std::int64_t integer(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int next_ = 1;
};

class Connection {
 public:
  static Result<Connection> open(const std::filesystem::path& file);
  ~Connection() { sqlite3_close_v2(db_); }
  Connection(Connection&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection& operator=(Connection&&) = delete;

  Result<Statement> prepare(std::string_view sql);
  // Runs one or more statements without parameters.
  Status exec(const std::string& sql);

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// BEGIN IMMEDIATE: takes the write lock at once, so a read-then-write inside (the audit chain's
// last hash, a status check) cannot race another process.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& db);
  ~Transaction();
  Transaction(Transaction&& other) noexcept : db_(other.db_), open_(other.open_) {
    other.open_ = false;
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;

  Status commit();

 private:
  explicit Transaction(Connection& db) : db_(&db) {}
  Connection* db_;
  bool open_ = true;
};

}  // namespace eseal::store::sqlite
