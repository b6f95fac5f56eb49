// The one task model's rows (records.h TaskRecord): 0 in expires_at and next_attempt_at means
// none.
#include <algorithm>

#include "store/repositories.h"
#include "store/repository_support.h"

namespace eseal::store {
namespace {

using sql::Row;
using sql::Session;

constexpr std::string_view kTaskColumns =
    "id, kind, app_id, subject, reference, state, payload, result, created_at, updated_at, "
    "expires_at, attempts, next_attempt_at";

Result<TaskRecord> read_task(const Row& s) {
  return TaskRecord{s.text(0),
                    s.text(1),
                    s.text(2),
                    s.text(3),
                    s.text(4),
                    s.text(5),
                    s.text(6),
                    s.text(7),
                    from_epoch(s.integer(8)),
                    from_epoch(s.integer(9)),
                    time_or_none(s.integer(10)),
                    s.integer(11),
                    time_or_none(s.integer(12))};
}

// The WHERE clause of a task query; its parameters are where_args's, in the same order.
std::string where(const TaskQuery& q) {
  std::string sql =
      " WHERE kind = ? AND (? = '' OR app_id = ?) AND (? = '' OR subject = ?)"
      " AND (? = '' OR reference = ?)"
      " AND (? = 0 OR (expires_at > 0 AND expires_at < ?))"
      " AND (? = 0 OR (next_attempt_at > 0 AND next_attempt_at <= ?))"
      " AND (? = 0 OR updated_at >= ?) AND (? = 0 OR updated_at < ?)";
  if (!q.states.empty()) sql += " AND state IN (" + sql::placeholders(q.states.size()) + ")";
  return sql;
}

template <typename T, typename Run>
Result<T> with_where_args(const TaskQuery& q, Run run) {
  std::int64_t expired = epoch_or_zero(q.expired_by), due = epoch_or_zero(q.due_by),
               from = epoch_or_zero(q.updated_from), to = epoch_or_zero(q.updated_to);
  return run(q.kind, q.app_id, q.app_id, q.subject, q.subject, q.reference, q.reference, expired,
             expired, due, due, from, from, to, to, q.states);
}

Result<TaskRecord> find_in(Session& s, const std::string& id) {
  return s.one<TaskRecord>("SELECT " + std::string(kTaskColumns) + " FROM tasks WHERE id = ?",
                           read_task, "no task " + id, id);
}

}  // namespace

std::string listed(const std::vector<std::string>& states) {
  std::string out;
  for (const auto& s : states) out += (out.empty() ? "" : ", ") + s;
  return out;
}

Status Tasks::add(const TaskRecord& t, const AuditEntry& audit) {
  if (t.id.empty() || t.kind.empty() || t.state.empty()) {
    return Error::invalid_input("a task needs an id, a kind and a state");
  }
  return c_.write(audit, [&](Session& s) {
    return s.run("INSERT INTO tasks (" + std::string(kTaskColumns) +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 t.id, t.kind, t.app_id, t.subject, t.reference, t.state, t.payload, t.result,
                 epoch(t.created), epoch(t.updated), epoch_or_zero(t.expires), t.attempts,
                 epoch_or_zero(t.next_attempt));
  });
}

Result<TaskRecord> Tasks::find(const std::string& id) {
  return c_.db.read([&](Session& s) { return find_in(s, id); });
}

Result<TaskRecord> Tasks::change(const std::string& id, const TaskChange& change, Time now,
                                 const AuditEntry& audit) {
  TaskRecord changed;
  Status done = c_.write(audit, [&](Session& s) -> Status {
    auto current = find_in(s, id);
    if (!current) return current.error();
    if (std::find(change.from.begin(), change.from.end(), current->state) == change.from.end()) {
      return Error::invalid_input("task " + id + " is " + current->state + ", not " +
                                  listed(change.from))
          .with_code(kTaskStateChanged);
    }
    if (change.subject && current->subject != change.subject->first) {
      return Error::invalid_input("task " + id + " is another's").with_code(kTaskStateChanged);
    }
    changed = *current;
    changed.state = change.to;
    if (change.subject) changed.subject = change.subject->second;
    changed.updated = now;
    if (change.payload) changed.payload = *change.payload;
    if (change.result) changed.result = *change.result;
    if (change.expires) changed.expires = *change.expires;
    if (change.next_attempt) changed.next_attempt = *change.next_attempt;
    if (change.count_attempt) ++changed.attempts;
    return s.run(
        "UPDATE tasks SET state = ?, subject = ?, payload = ?, result = ?, updated_at = ?, "
        "expires_at = ?, attempts = ?, next_attempt_at = ? WHERE id = ? AND state = ?",
        changed.state, changed.subject, changed.payload, changed.result, epoch(changed.updated),
        epoch_or_zero(changed.expires), changed.attempts, epoch_or_zero(changed.next_attempt), id,
        current->state);
  });
  if (!done) return done.error();
  return changed;
}

Result<std::vector<TaskRecord>> Tasks::query(const TaskQuery& q) {
  std::string sql =
      "SELECT " + std::string(kTaskColumns) + " FROM tasks" + where(q) +
      (q.newest_first ? " ORDER BY created_at DESC, id DESC" : " ORDER BY created_at, id") +
      " LIMIT ? OFFSET ?";
  return c_.db.read([&](Session& s) {
    return with_where_args<std::vector<TaskRecord>>(q, [&](const auto&... args) {
      return s.all<TaskRecord>(sql, read_task, args..., q.limit, q.offset);
    });
  });
}

Result<std::int64_t> Tasks::count(const TaskQuery& q) {
  std::string sql = "SELECT count(*) FROM tasks" + where(q);
  return c_.db.read([&](Session& s) {
    return with_where_args<std::int64_t>(q, [&](const auto&... args) {
      return s.one<std::int64_t>(sql, first_integer, "", args...);
    });
  });
}

}  // namespace eseal::store
