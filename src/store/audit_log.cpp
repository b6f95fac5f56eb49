// The hash-chained audit log (audit_chain.h): appended only inside write transactions, which hold
// the database's write lock, so ids stay gapless and in order whichever process or node appends.
#include "store/audit_chain.h"
#include "store/repositories.h"
#include "store/repository_support.h"

namespace eseal::store {
namespace {

using sql::Row;
using sql::Session;

constexpr std::string_view kAuditColumns =
    "id, logged_at, actor, operation, object, detail, biznum, hash";

Result<AuditRow> read_audit(const Row& s) {
  AuditRow row;
  row.id = s.integer(0);
  row.entry = {from_epoch(s.integer(1)), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)};
  row.hash = s.text(7);
  return row;
}

// `text` (ending in the '%' the caller added) for LIKE, a backslash escaping its own % and _.
std::string escape_like_prefix(const std::string& text, bool prefix) {
  if (!prefix) return text;
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '%' || text[i] == '_' || text[i] == '\\') out += '\\';
    out += text[i];
  }
  return out + "%";
}

}  // namespace

Result<std::int64_t> append_audit_row(Session& s, const AuditEntry& entry) {
  struct Last {
    std::int64_t id;
    std::string hash;
  };
  auto last = s.one<Last>(
      "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
      [](const Row& r) -> Result<Last> {
        return Last{r.integer(0), r.text(1)};
      },
      "");
  if (!last && last.error().kind != ErrorKind::kNotFound) return last.error();
  std::int64_t id = last ? last->id + 1 : 1;
  std::string hash = chain_audit_hash(last ? last->hash : "", id, entry);
  Status inserted = s.run(
      "INSERT INTO audit (" + std::string(kAuditColumns) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id,
      epoch(entry.time), entry.actor, entry.operation, entry.object, entry.detail, entry.biznum,
      hash);
  if (!inserted) return inserted.error();
  return id;
}

Result<std::int64_t> AuditLog::append(const AuditEntry& entry) {
  return c_.db.write([&](Session& s) { return append_audit_row(s, entry); });
}

Result<std::vector<AuditRow>> AuditLog::list(std::int64_t after_id, std::size_t limit) {
  return c_.db.read([&](Session& s) {
    return s.all<AuditRow>(
        "SELECT " + std::string(kAuditColumns) + " FROM audit WHERE id > ? ORDER BY id LIMIT ?",
        read_audit, after_id, static_cast<std::int64_t>(limit));
  });
}

Result<std::vector<AuditRow>> AuditLog::query(const AuditQuery& q) {
  std::string operation = q.operation;
  bool prefix = !operation.empty() && operation.back() == '.';
  if (prefix) operation = operation + "%";
  std::string sql = "SELECT " + std::string(kAuditColumns) +
                    " FROM audit WHERE id > ? AND (? <= 0 OR id < ?) AND (? = '' OR actor = ?)"
                    " AND (? = '' OR object = ?) AND (? = '' OR operation " +
                    (prefix ? "LIKE ? ESCAPE '\\')" : "= ?)") + " ORDER BY id " +
                    (q.newest_first ? "DESC" : "ASC") + " LIMIT ?";
  return c_.db.read([&](Session& s) {
    return s.all<AuditRow>(sql, read_audit, q.after_id, q.before_id, q.before_id, q.actor, q.actor,
                           q.object, q.object, operation, escape_like_prefix(operation, prefix),
                           static_cast<std::int64_t>(q.limit));
  });
}

Result<AuditCheck> AuditLog::verify() {
  return c_.db.read([&](Session& s) -> Result<AuditCheck> {
    AuditCheck check;
    std::string previous;
    Status read = s.each("SELECT " + std::string(kAuditColumns) + " FROM audit ORDER BY id",
                         [&](const Row& r) -> Status {
                           ++check.rows;
                           if (check.first_broken) return ok_status();
                           auto row = read_audit(r);
                           if (!row) return row.error();
                           if (row->id != check.rows ||
                               chain_audit_hash(previous, row->id, row->entry) != row->hash) {
                             check.first_broken = row->id;
                           }
                           previous = row->hash;
                           return ok_status();
                         });
    if (!read) return read.error();
    return check;
  });
}

}  // namespace eseal::store
