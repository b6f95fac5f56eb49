// The database-neutral layer under the repositories (repositories.h): a connection that runs one
// statement with '?' parameters and hands back its rows, a pool of such connections, and a
// session with the query helpers every repository uses. A database is a driver of this
// interface (sqlite_db.h, pg_db.h); the queries above it are written once, in the SQL both
// databases accept (see migrations.h for the schema's rules).
//
//   auto db = sql::open_sqlite(file, pool_size);          // or sql::open_postgresql(url, …)
//   auto found = db->read([&](sql::Session& s) {
//     return s.one<Seal>("SELECT … FROM seals WHERE id = ?", read_seal, "no seal " + id, id);
//   });
//   Status done = db->write([&](sql::Session& s) { return s.run("UPDATE …", a, b); });
//
// write() holds the database's write lock for the whole transaction (SQLite: BEGIN IMMEDIATE;
// PostgreSQL: a transaction-scoped advisory lock), so that a read-then-write inside it (the
// audit chain's last hash, a status compared and set) sees every other writer's work, whichever
// process or node that writer is.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::store::sql {

// Binary content bound as a blob (SQLite) or bytea (PostgreSQL).
struct Blob {
  ByteView bytes;
};

// One bound parameter: NULL, an integer, text or binary content (the text and the content must
// outlive the statement's run).
using Value = std::variant<std::nullptr_t, std::int64_t, std::string_view, Blob>;

// A text parameter bound as NULL when empty: optional references.
struct OrNull {
  std::string_view text;
};

// The current row of a statement.
class Row {
 public:
  virtual ~Row() = default;
  virtual std::string text(int column) const = 0;  // "" for NULL
  virtual std::int64_t integer(int column) const = 0;
  virtual Bytes bytes(int column) const = 0;  // a blob or bytea column
  // For copying rows whatever their table (store_transfer.h): the columns, their names, and each
  // value as it would be bound again (text and content valid while the row is).
  virtual int columns() const = 0;
  virtual std::string name(int column) const = 0;
  virtual Value value(int column) const = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one statement with '?' parameters, calls `on_row` for each row it returns (stopping at
  // the first failure), and returns how many rows it inserted, updated or deleted. Errors:
  // kInvalidInput for a constraint the statement broke, kIo for an unreachable, busy or full
  // database, kInternal otherwise.
  virtual Result<std::int64_t> execute(std::string_view sql, std::span<const Value> params,
                                       const std::function<Status(const Row&)>& on_row) = 0;
  // Runs statements separated by ';' without parameters (migrations).
  virtual Status script(std::string_view sql) = 0;
  // A transaction holding the database's write lock (see the file comment).
  virtual Status begin_write() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;
  // Whether the connection is lost (the pool then closes it rather than lending it again).
  virtual bool broken() const { return false; }
};

// Connections with the query helpers; parameters are bound in order, one per '?'.
class Session {
 public:
  explicit Session(Connection& connection) : c_(connection) {}

  Connection& connection() { return c_; }

  template <typename... Args>
  Status run(std::string_view sql, const Args&... args) {
    auto changed = run_counting(sql, args...);
    if (!changed) return changed.error();
    return ok_status();
  }

  // Runs and returns how many rows changed.
  template <typename... Args>
  Result<std::int64_t> run_counting(std::string_view sql, const Args&... args) {
    std::vector<Value> params;
    (add(params, args), ...);
    return c_.execute(sql, params, {});
  }

  template <typename... Args>
  Result<bool> exists(std::string_view sql, const Args&... args) {
    bool found = false;
    auto done = each(
        sql,
        [&](const Row&) -> Status {
          found = true;
          return ok_status();
        },
        args...);
    if (!done) return done.error();
    return found;
  }

  // The first row read by `read` (Result<T>(const Row&)); kNotFound with `missing` when none.
  template <typename T, typename Read, typename... Args>
  Result<T> one(std::string_view sql, Read read, const std::string& missing, const Args&... args) {
    std::optional<Result<T>> out;
    auto done = each(
        sql,
        [&](const Row& row) -> Status {
          if (!out) out.emplace(read(row));
          return ok_status();
        },
        args...);
    if (!done) return done.error();
    if (!out) return Error::not_found(missing);
    return std::move(*out);
  }

  template <typename T, typename Read, typename... Args>
  Result<std::vector<T>> all(std::string_view sql, Read read, const Args&... args) {
    std::vector<T> out;
    auto done = each(
        sql,
        [&](const Row& row) -> Status {
          auto value = read(row);
          if (!value) return value.error();
          out.push_back(std::move(*value));
          return ok_status();
        },
        args...);
    if (!done) return done.error();
    return out;
  }

  // Calls `on_row` for each row. A std::vector<std::string> argument binds one parameter per
  // element (for "IN (" + placeholders(n) + ")").
  template <typename... Args>
  Status each(std::string_view sql, const std::function<Status(const Row&)>& on_row,
              const Args&... args) {
    std::vector<Value> params;
    (add(params, args), ...);
    auto done = c_.execute(sql, params, on_row);
    if (!done) return done.error();
    return ok_status();
  }

 private:
  static void add(std::vector<Value>& p, std::int64_t v) { p.emplace_back(v); }
  static void add(std::vector<Value>& p, int v) { p.emplace_back(std::int64_t{v}); }
  static void add(std::vector<Value>& p, std::string_view v) { p.emplace_back(v); }
  static void add(std::vector<Value>& p, const std::string& v) {
    p.emplace_back(std::string_view(v));
  }
  static void add(std::vector<Value>& p, const char* v) { p.emplace_back(std::string_view(v)); }
  static void add(std::vector<Value>& p, Blob v) { p.emplace_back(v); }
  static void add(std::vector<Value>& p, const Value& v) { p.push_back(v); }
  static void add(std::vector<Value>& p, OrNull v) {
    p.push_back(v.text.empty() ? Value{nullptr} : Value{v.text});
  }
  static void add(std::vector<Value>& p, const std::vector<std::string>& list) {
    for (const auto& v : list) p.emplace_back(std::string_view(v));
  }

  Connection& c_;
};

// A pool of connections to one database. Thread-safe.
class Database {
 public:
  using Connect = std::function<Result<std::unique_ptr<Connection>>()>;

  // Opens one connection at once (so that a wrong address fails here) and up to `size` in all
  // as readers need them.
  static Result<std::unique_ptr<Database>> open(std::string description, Connect connect,
                                                std::size_t size);

  // Where it is, for messages: a file, or a PostgreSQL address without its password.
  const std::string& description() const { return description_; }

  // Runs `body` on a pooled connection.
  template <typename Body>
  auto read(Body body) -> decltype(body(std::declval<Session&>())) {
    auto lease = acquire();
    if (!lease) return lease.error();
    Session session(lease->connection());
    return body(session);
  }

  // Runs `body` on a pooled connection outside any transaction, each statement committed by
  // itself: for writes that need neither the write lock nor an audit row (a content-addressed
  // blob).
  template <typename Body>
  auto autocommit(Body body) -> decltype(body(std::declval<Session&>())) {
    return read(body);
  }

  // Write transactions committed so far by this process, and the write() bodies in them: how
  // much group commit saves.
  struct WriteCounts {
    std::uint64_t transactions = 0, bodies = 0;
  };
  WriteCounts write_counts();

  // Runs `body` in a write transaction committed when it succeeds, rolled back otherwise, and
  // returns once that is durable. Group commit: writers that arrive while a transaction is being
  // committed are run together in the next one, each inside its own savepoint (a failed body is
  // rolled back alone), and committed at once, so concurrent requests share one sync to disk.
  // Nothing is returned before its commit; a failed commit fails every body of the batch.
  template <typename Body>
  auto write(Body body) -> decltype(body(std::declval<Session&>())) {
    using Out = decltype(body(std::declval<Session&>()));
    std::optional<Out> out;
    Status done = write_batched([&](Session& s) -> Status {
      out.emplace(body(s));
      if (*out) return ok_status();
      return out->error();
    });
    if (!out || (*out && !done)) return done.error();
    return std::move(*out);
  }

 private:
  // A connection borrowed from the pool, given back when the lease ends.
  class Lease {
   public:
    Lease(Database& db, std::unique_ptr<Connection> c) : db_(&db), c_(std::move(c)) {}
    Lease(Lease&& other) noexcept : db_(other.db_), c_(std::move(other.c_)) { other.db_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& connection() { return *c_; }
    // Closes the connection instead of returning it (its state is unknown after a failure).
    void discard() { c_.reset(); }

   private:
    Database* db_;
    std::unique_ptr<Connection> c_;
  };

  Database(std::string description, Connect connect, std::size_t size)
      : description_(std::move(description)), connect_(std::move(connect)), size_(size) {}

  Result<Lease> acquire();
  void give_back(std::unique_ptr<Connection> c);

  std::string description_;
  Connect connect_;
  std::size_t size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle and leased
  // Group commit (write): bodies waiting for the next transaction, and whether a thread is
  // running one. Writers of this process queue here rather than on the database's lock.
  using WriteBody = std::function<Status(Session&)>;
  struct PendingWrite {
    const WriteBody* body;
    Status outcome = ok_status();
    bool done = false;
  };
  Status write_batched(const WriteBody& body);
  // Runs the bodies in one transaction; true when it committed.
  bool run_batch(const std::vector<PendingWrite*>& batch);
  std::mutex queue_mutex_;
  std::condition_variable written_;
  std::vector<PendingWrite*> queue_;
  bool leading_ = false;
  WriteCounts counts_;
};

// "?, ?, ?" for `n` parameters.
std::string placeholders(std::size_t n);

// Replaces each '?' outside quoted text with $1, $2, … (PostgreSQL's placeholders).
std::string numbered_placeholders(std::string_view sql);

}  // namespace eseal::store::sql
