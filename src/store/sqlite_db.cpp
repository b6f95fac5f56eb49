#include "store/sqlite_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

namespace eseal::store::sql {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// kInvalidInput for constraint violations (the caller's duplicate or dangling reference), kIo for
// a busy or unwritable database, kInternal otherwise.
Error error_of(sqlite3* db, int code, std::string_view what) {
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return Error::invalid_input(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return Error::io(message);
    default:
      return Error::internal(message);
  }
}

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  std::string text(int column) const override {
    auto* p = sqlite3_column_text(stmt_, column);
    if (!p) return {};
    return {reinterpret_cast<const char*>(p),
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
  }
  std::int64_t integer(int column) const override { return sqlite3_column_int64(stmt_, column); }
  Bytes bytes(int column) const override {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
    if (!p) return {};
    return Bytes(p, p + sqlite3_column_bytes(stmt_, column));
  }
  int columns() const override { return sqlite3_column_count(stmt_); }
  std::string name(int column) const override { return sqlite3_column_name(stmt_, column); }
  Value value(int column) const override {
    switch (sqlite3_column_type(stmt_, column)) {
      case SQLITE_INTEGER:
        return std::int64_t{sqlite3_column_int64(stmt_, column)};
      case SQLITE_TEXT:
        return std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column)),
                                static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
      case SQLITE_BLOB:
        return Blob{ByteView(static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column)),
                             static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))};
      default:
        return nullptr;
    }
  }

 private:
  sqlite3_stmt* stmt_;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Result<std::int64_t> execute(std::string_view sql, std::span<const Value> params,
                               const std::function<Status(const Row&)>& on_row) override {
    auto stmt = prepared(sql);
    if (!stmt) return stmt.error();
    sqlite3_stmt* s = *stmt;
    // Reset and cleared whatever happens, so the cached statement holds no lock or value.
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{s};
    int index = 1;
    for (const Value& v : params) {
      if (const auto* i = std::get_if<std::int64_t>(&v)) {
        sqlite3_bind_int64(s, index, *i);
      } else if (const auto* t = std::get_if<std::string_view>(&v)) {
        sqlite3_bind_text(s, index, t->data(), static_cast<int>(t->size()), SQLITE_STATIC);
      } else if (const auto* b = std::get_if<Blob>(&v)) {
        sqlite3_bind_blob64(s, index, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
      } else {
        sqlite3_bind_null(s, index);
      }
      ++index;
    }
    SqliteRow row(s);
    while (true) {
      int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return error_of(db_, rc, "database statement failed");
      if (on_row) {
        Status taken = on_row(row);
        if (!taken) return taken.error();
      }
    }
    return std::int64_t{sqlite3_changes(db_)};
  }

  Status script(std::string_view sql) override {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return error_of(db_, rc, "database statement failed");
    return ok_status();
  }

  Status begin_write() override { return script("BEGIN IMMEDIATE"); }
  Status commit() override { return script("COMMIT"); }
  Status rollback() override { return script("ROLLBACK"); }

 private:
  // Statements are prepared once per connection and kept: the repositories' SQL is a fixed set.
  Result<sqlite3_stmt*> prepared(std::string_view sql) {
    for (auto& [text, stmt] : statements_) {
      if (text == sql) return stmt;
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return error_of(db_, rc, "cannot prepare a database statement");
    if (statements_.size() >= kCachedStatements) {
      sqlite3_finalize(statements_.front().second);
      statements_.erase(statements_.begin());
    }
    statements_.emplace_back(std::string(sql), stmt);
    return stmt;
  }

  static constexpr std::size_t kCachedStatements = 256;
  sqlite3* db_;
  std::vector<std::pair<std::string, sqlite3_stmt*>> statements_;
};

Result<std::unique_ptr<Connection>> connect(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  auto connection = std::make_unique<SqliteConnection>(db);
  if (rc != SQLITE_OK) return error_of(db, rc, "cannot open database " + file.string());
  sqlite3_extended_result_codes(db, 1);
  for (const std::string& pragma :
       {"PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs),
        std::string("PRAGMA journal_mode = WAL"), std::string("PRAGMA foreign_keys = ON"),
        // What is deleted or overwritten (a destroyed key share) is zeroed on disk too.
        std::string("PRAGMA secure_delete = ON")}) {
    Status set = connection->script(pragma);
    if (!set) return set.error().with_context(file.string());
  }
  return std::unique_ptr<Connection>(std::move(connection));
}

// SQLite creates new files with the process umask; the database holds credentials.
Status create_private_file(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error::io("cannot create database " + file.string());
  ::close(fd);
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const std::filesystem::path& file,
                                              std::size_t pool_size) {
  Status created = create_private_file(file);
  if (!created) return created.error();
  return Database::open(
      file.string(), [file] { return connect(file); }, pool_size);
}

}  // namespace eseal::store::sql
