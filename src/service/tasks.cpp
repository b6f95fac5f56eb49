#include "service/tasks.h"

#include <algorithm>

namespace eseal::service {
namespace {

store::AuditEntry audit_of(const std::string& actor, const std::string& operation,
                           const std::string& task_id, std::string detail, Time now) {
  return {now, actor, operation, task_id, std::move(detail), ""};
}

Error state_changed(const TaskRecord& task, const std::string& to) {
  return Error::invalid_input("task " + task.id + " is " + task.state + " and cannot become " + to)
      .with_code(store::kTaskStateChanged);
}

}  // namespace

bool TaskKind::allows(const std::string& from, const std::string& to) const {
  return std::find(changes.begin(), changes.end(), std::make_pair(from, to)) != changes.end();
}

std::vector<std::string> TaskKind::sources_of(const std::string& to) const {
  std::vector<std::string> out;
  for (const auto& [from, target] : changes) {
    if (target == to) out.push_back(from);
  }
  return out;
}

Result<TaskRecord> Tasks::create(const TaskKind& kind, const NewTask& task, Time now,
                                 const std::string& actor) {
  auto id = store::new_id();
  if (!id) return id.error();
  TaskRecord record{*id,
                    kind.name,
                    task.app_id,
                    task.subject,
                    task.reference,
                    kind.initial,
                    task.payload,
                    "",
                    now,
                    now,
                    task.expires,
                    0,
                    task.next_attempt};
  std::string detail = "created " + kind.initial;
  if (task.expires) detail += ", expires " + format_utc(*task.expires);
  auto added = store_.tasks().add(record, audit_of(actor, kind.name + ".create", *id, detail, now));
  if (!added) return added.error();
  return record;
}

Result<TaskRecord> Tasks::expire_if_due(const TaskKind& kind, TaskRecord task, Time now,
                                        const std::string& actor) {
  if (kind.expired.empty() || kind.is_terminal(task.state) || !task.expires ||
      *task.expires >= now || task.state == kind.expired) {
    return task;
  }
  store::TaskChange change{{task.state}, kind.expired, {}, {}, {}, {}, {}, false};
  auto changed = store_.tasks().change(
      task.id, change, now,
      audit_of(actor, kind.name + "." + kind.expired, task.id,
               task.state + " -> " + kind.expired + ": expired " + format_utc(*task.expires), now));
  if (changed) return changed;
  if (changed.error().code != store::kTaskStateChanged) return changed.error();
  // Another request changed it meanwhile: what it is now is the answer.
  auto again = store_.tasks().find(task.id);
  if (!again) return again.error();
  return expire_if_due(kind, std::move(*again), now, actor);
}

Result<TaskRecord> Tasks::get(const TaskKind& kind, const std::string& id, Time now,
                              const std::string& actor) {
  auto task = store_.tasks().find(id);
  if (!task) return task.error();
  if (task->kind != kind.name) return Error::not_found("no " + kind.name + " task " + id);
  return expire_if_due(kind, std::move(*task), now, actor);
}

Result<TaskRecord> Tasks::move(const TaskKind& kind, const std::string& id, const Move& move,
                               Time now, const std::string& actor) {
  auto task = get(kind, id, now);
  if (!task) return task.error();
  if (!kind.allows(task->state, move.to)) return state_changed(*task, move.to);
  store::TaskChange change{{task->state}, move.to,      move.subject,      move.payload,
                           move.result,   move.expires, move.next_attempt, move.count_attempt};
  std::string detail = task->state + " -> " + move.to;
  if (!move.detail.empty()) detail += ": " + move.detail;
  return store_.tasks().change(id, change, now,
                               audit_of(actor, kind.name + "." + move.to, id, detail, now));
}

Result<std::vector<TaskRecord>> Tasks::list(const TaskKind& kind, store::TaskQuery query,
                                            Time now) {
  query.kind = kind.name;
  auto found = store_.tasks().query(query);
  if (!found) return found.error();
  std::vector<TaskRecord> out;
  for (TaskRecord& t : *found) {
    auto current = expire_if_due(kind, std::move(t), now, "system:expiry");
    if (!current) return current.error();
    out.push_back(std::move(*current));
  }
  return out;
}

Result<std::int64_t> Tasks::count(const TaskKind& kind, store::TaskQuery query) {
  query.kind = kind.name;
  return store_.tasks().count(query);
}

Result<int> Tasks::sweep(const TaskKind& kind, Time now) {
  if (kind.expired.empty()) return 0;
  std::vector<std::string> open;
  for (const auto& [from, to] : kind.changes) {
    for (const std::string& s : {from, to}) {
      if (!kind.is_terminal(s) && s != kind.expired &&
          std::find(open.begin(), open.end(), s) == open.end()) {
        open.push_back(s);
      }
    }
  }
  if (std::find(open.begin(), open.end(), kind.initial) == open.end()) open.push_back(kind.initial);
  int expired = 0;
  for (;;) {
    store::TaskQuery query;
    query.kind = kind.name;
    query.states = open;
    query.expired_by = now;
    auto due = store_.tasks().query(query);
    if (!due) return due.error();
    if (due->empty()) return expired;
    for (TaskRecord& t : *due) {
      auto done = expire_if_due(kind, std::move(t), now, "system:sweeper");
      if (!done) return done.error();
      ++expired;
    }
  }
}

Sweeper::Sweeper(std::chrono::milliseconds period, std::function<void(Time)> work) {
  thread_ = std::thread([this, period, work = std::move(work)] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      work(now_utc());
      lock.lock();
      wake_.wait_for(lock, period, [this] { return stopping_; });
    }
  });
}

Sweeper::~Sweeper() {
  stop();
}

void Sweeper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace eseal::service
