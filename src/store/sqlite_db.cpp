#include "store/sqlite_db.h"

namespace eseal::store::sqlite {

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

Statement& Statement::bind(std::string_view text) {
  sqlite3_bind_text(stmt_, next_++, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(std::int64_t value) {
  sqlite3_bind_int64(stmt_, next_++, value);
  return *this;
}

Statement& Statement::bind_or_null(std::string_view text) {
  if (text.empty()) {
    sqlite3_bind_null(stmt_, next_++);
    return *this;
  }
  return bind(text);
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error_of(db_, rc, "database statement failed");
}

Status Statement::run() {
  auto row = step();
  if (!row) return row.error();
  return ok_status();
}

std::string Statement::text(int column) const {
  auto* p = sqlite3_column_text(stmt_, column);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

Result<Connection> Connection::open(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Connection connection(db);
  if (rc != SQLITE_OK) return error_of(db, rc, "cannot open database " + file.string());
  sqlite3_extended_result_codes(db, 1);
  return connection;
}

Result<Statement> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return error_of(db_, rc, "cannot prepare a database statement");
  return Statement(db_, stmt);
}

Status Connection::exec(const std::string& sql) {
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error_of(db_, rc, "database statement failed");
  return ok_status();
}

Result<Transaction> Transaction::begin(Connection& db) {
  Status begun = db.exec("BEGIN IMMEDIATE");
  if (!begun) return begun.error();
  return Transaction(db);
}

Transaction::~Transaction() {
  if (open_) (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
  Status done = db_->exec("COMMIT");
  if (done) open_ = false;
  return done;
}

}  // namespace eseal::store::sqlite
