#include "store/pg_db.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>
#include <utility>
#include <vector>

namespace eseal::store::sql {
namespace {

// The advisory lock every writer takes ("eseal" in ASCII): one writer at a time per database.
constexpr std::int64_t kWriteLock = 0x657365616c;
constexpr Oid kInt8 = 20;
constexpr Oid kText = 25;
constexpr Oid kBytea = 17;
constexpr Oid kInt4 = 23;
constexpr Oid kInt2 = 21;
constexpr std::size_t kPreparedStatements = 256;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// kInvalidInput for a broken constraint (class 23), kIo for a lost connection, an overloaded or
// stopping server, or a transaction the server chose to abort; kInternal otherwise.
Error error_of(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = std::string(what) + ": ";
  const char* text = result ? PQresultErrorMessage(result) : nullptr;
  message += text && *text ? text : PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::string_view code = state ? state : "";
  if (code.starts_with("23")) return Error::invalid_input(message);
  if (code.empty() || code.starts_with("08") || code.starts_with("53") || code.starts_with("57") ||
      code == "40001" || code == "40P01") {
    return Error::io(message);
  }
  return Error::internal(message);
}

// Rows come in binary: text and bytea as their bytes, integers big-endian in 2, 4 or 8 bytes.
class PgRow final : public Row {
 public:
  PgRow(const PGresult* result, int row) : result_(result), row_(row) {}
  std::string text(int column) const override {
    if (PQgetisnull(result_, row_, column)) return {};
    return {PQgetvalue(result_, row_, column),
            static_cast<std::size_t>(PQgetlength(result_, row_, column))};
  }
  std::int64_t integer(int column) const override {
    if (PQgetisnull(result_, row_, column)) return 0;
    const auto* p = reinterpret_cast<const std::uint8_t*>(PQgetvalue(result_, row_, column));
    int size = PQgetlength(result_, row_, column);
    if (size != 2 && size != 4 && size != 8) return 0;
    std::uint64_t u = p[0] & 0x80 ? ~std::uint64_t{0} : 0;  // sign-extended
    for (int i = 0; i < size; ++i) u = (u << 8) | p[i];
    return static_cast<std::int64_t>(u);
  }
  Bytes bytes(int column) const override {
    if (PQgetisnull(result_, row_, column)) return {};
    const auto* p = reinterpret_cast<const std::uint8_t*>(PQgetvalue(result_, row_, column));
    return Bytes(p, p + PQgetlength(result_, row_, column));
  }
  int columns() const override { return PQnfields(result_); }
  std::string name(int column) const override { return PQfname(result_, column); }
  Value value(int column) const override {
    if (PQgetisnull(result_, row_, column)) return nullptr;
    Oid type = PQftype(result_, column);
    if (type == kInt8 || type == kInt4 || type == kInt2) return integer(column);
    const char* p = PQgetvalue(result_, row_, column);
    auto size = static_cast<std::size_t>(PQgetlength(result_, row_, column));
    if (type == kBytea) return Blob{ByteView(reinterpret_cast<const std::uint8_t*>(p), size)};
    return std::string_view(p, size);
  }

 private:
  const PGresult* result_;
  int row_;
};

class PgConnection final : public Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  bool broken() const override { return PQstatus(conn_) != CONNECTION_OK; }

  Result<std::int64_t> execute(std::string_view sql, std::span<const Value> params,
                               const std::function<Status(const Row&)>& on_row) override {
    auto name = prepared(sql, params);
    if (!name) return name.error();
    const int n = static_cast<int>(params.size());
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size()), formats(params.size(), 1);
    std::vector<char> integers(params.size() * 8);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* v = std::get_if<std::int64_t>(&params[i])) {
        auto u = static_cast<std::uint64_t>(*v);
        char* out = &integers[i * 8];
        for (int b = 0; b < 8; ++b) out[b] = static_cast<char>(u >> (56 - 8 * b));
        values[i] = out;
        lengths[i] = 8;
      } else if (const auto* t = std::get_if<std::string_view>(&params[i])) {
        // Binary text is the bytes themselves; an empty value still needs a non-null pointer.
        values[i] = t->empty() ? "" : t->data();
        lengths[i] = static_cast<int>(t->size());
      } else if (const auto* b = std::get_if<Blob>(&params[i])) {
        values[i] = b->bytes.empty() ? "" : reinterpret_cast<const char*>(b->bytes.data());
        lengths[i] = static_cast<int>(b->bytes.size());
      }
    }
    PgResult result(
        PQexecPrepared(conn_, name->c_str(), n, values.data(), lengths.data(), formats.data(), 1));
    auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return error_of(conn_, result.get(), "database statement failed");
    }
    if (on_row) {
      for (int row = 0, rows = PQntuples(result.get()); row < rows; ++row) {
        Status taken = on_row(PgRow(result.get(), row));
        if (!taken) return taken.error();
      }
    }
    std::int64_t changed = 0;
    const char* tuples = PQcmdTuples(result.get());
    std::from_chars(tuples, tuples + std::strlen(tuples), changed);
    return changed;
  }

  Status script(std::string_view sql) override {
    std::string text(sql);
    PgResult result(PQexec(conn_, text.c_str()));
    auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return error_of(conn_, result.get(), "database statement failed");
    }
    return ok_status();
  }

  Status begin_write() override {
    return script("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ")");
  }

  Status commit() override {
    PgResult result(PQexec(conn_, "COMMIT"));
    if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return error_of(conn_, result.get(), "cannot commit");
    }
    // A transaction that failed inside answers COMMIT with ROLLBACK.
    if (std::strcmp(PQcmdStatus(result.get()), "COMMIT") != 0) {
      return Error::io("the database rolled the transaction back");
    }
    return ok_status();
  }

  Status rollback() override { return script("ROLLBACK"); }

 private:
  // The statement's name on this connection, prepared with the parameters' types at first use.
  Result<std::string> prepared(std::string_view sql, std::span<const Value> params) {
    for (const auto& [text, name] : statements_) {
      if (text == sql) return name;
    }
    // A NULL's type is left to the server, which takes its column's (bytea for a blob column).
    std::vector<Oid> types(params.size(), kText);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (std::holds_alternative<std::int64_t>(params[i])) types[i] = kInt8;
      if (std::holds_alternative<Blob>(params[i])) types[i] = kBytea;
      if (std::holds_alternative<std::nullptr_t>(params[i])) types[i] = 0;
    }
    std::string name = "s" + std::to_string(next_++);
    std::string numbered = numbered_placeholders(sql);
    PgResult result(PQprepare(conn_, name.c_str(), numbered.c_str(), static_cast<int>(types.size()),
                              types.data()));
    if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return error_of(conn_, result.get(), "cannot prepare a database statement");
    }
    if (statements_.size() >= kPreparedStatements) {
      PgResult dropped(PQexec(conn_, ("DEALLOCATE " + statements_.front().second).c_str()));
      statements_.erase(statements_.begin());
    }
    statements_.emplace_back(std::string(sql), name);
    return name;
  }

  PGconn* conn_;
  std::vector<std::pair<std::string, std::string>> statements_;
  std::uint64_t next_ = 1;
};

Result<std::unique_ptr<Connection>> connect(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  auto connection = std::make_unique<PgConnection>(conn);
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    std::string message = conn ? PQerrorMessage(conn) : "out of memory";
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Error::io("cannot connect to PostgreSQL at " + redacted_url(url) + ": " + message);
  }
  // Notices ("already exists, skipping") are not the caller's business; errors come as results.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  if (PQsetClientEncoding(conn, "UTF8") != 0) {
    return Error::io("PostgreSQL at " + redacted_url(url) + " does not take UTF-8");
  }
  Status set = connection->script("SET TIME ZONE 'UTC'");
  if (!set) return set.error();
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace

std::string redacted_url(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (!options) {
    PQfreemem(error);
    return "(an unreadable PostgreSQL address)";
  }
  std::string user, host, port, db;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    std::string_view key = o->keyword;
    std::string value = o->val ? o->val : "";
    if (key == "user") user = value;
    if (key == "host") host = value;
    if (key == "port") port = value;
    if (key == "dbname") db = value;
  }
  PQconninfoFree(options);
  return "postgresql://" + (user.empty() ? "" : user + "@") + host + (port.empty() ? "" : ":") +
         port + "/" + db;
}

Result<std::unique_ptr<Database>> open_postgresql(const std::string& url, std::size_t pool_size) {
  return Database::open(
      redacted_url(url), [url] { return connect(url); }, pool_size);
}

}  // namespace eseal::store::sql
