// The one task model: everything that waits on someone else — a COSS sign job waiting on a
// phone, a DB4403 QR task, a filing task waiting on the national platform, a callback waiting to
// be delivered — is a task of some kind. A kind names its states, the changes allowed between
// them, which are terminal and where expiry leads; the store keeps the state (store.h
// TaskRecord) and every change lands with its audit row. Expiry is enforced when a task is read
// and by a sweeper, always against the server's clock.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "store/store.h"

namespace eseal::service {

using store::TaskRecord;

struct TaskKind {
  std::string name;     // "coss.sign"
  std::string initial;  // the state a new task starts in
  // The changes allowed, from → to.
  std::vector<std::pair<std::string, std::string>> changes;
  std::set<std::string> terminal;  // states nothing leaves
  std::string expired;  // where a non-terminal task past its expiry goes; "" when it cannot expire

  bool allows(const std::string& from, const std::string& to) const;
  bool is_terminal(const std::string& state) const { return terminal.count(state) > 0; }
  // Every state a change may leave for `to`.
  std::vector<std::string> sources_of(const std::string& to) const;
};

struct NewTask {
  std::string app_id, subject, payload;
  std::optional<Time> expires;
  std::optional<Time> next_attempt;
  std::string reference = {};
};

// Tasks over the store. `actor` in each call is who acts, for the audit row ("app:<id>",
// "mobile:<user>", "system:sweeper", …); every change is audited as operation
// "<kind>.<to state>" on the task id, with the change in the detail.
class Tasks {
 public:
  explicit Tasks(store::Store& store) : store_(store) {}

  Result<TaskRecord> create(const TaskKind& kind, const NewTask& task, Time now,
                            const std::string& actor);

  // The task as of `now`: one of another kind is kNotFound; one past its expiry that is not
  // terminal is first moved to the kind's expired state.
  Result<TaskRecord> get(const TaskKind& kind, const std::string& id, Time now,
                         const std::string& actor = "system:expiry");

  struct Move {
    std::string to;
    std::string detail = {};                               // for the audit row
    std::optional<std::string> payload = {}, result = {};  // replaced when given
    std::optional<std::optional<Time>> expires = {}, next_attempt = {};
    bool count_attempt = false;
    // The subject from .first (compared and set) to .second.
    std::optional<std::pair<std::string, std::string>> subject = {};
  };
  // Moves the task (read as get() does) to `move.to`. A change the kind does not allow from the
  // task's state, or a task another request changed first, is kInvalidInput with code
  // store::kTaskStateChanged and the state the task is in.
  Result<TaskRecord> move(const TaskKind& kind, const std::string& id, const Move& move, Time now,
                          const std::string& actor);

  // The tasks the query matches, each read as get() does.
  Result<std::vector<TaskRecord>> list(const TaskKind& kind, store::TaskQuery query, Time now);
  Result<std::int64_t> count(const TaskKind& kind, store::TaskQuery query);

  // Moves every task of `kind` past its expiry to the expired state; returns how many.
  Result<int> sweep(const TaskKind& kind, Time now);

 private:
  Result<TaskRecord> expire_if_due(const TaskKind& kind, TaskRecord task, Time now,
                                   const std::string& actor);
  store::Store& store_;
};

// Runs `work` (e.g. sweeps) every `period` on a thread of its own until stopped or destroyed;
// `work` gets the time to act at.
class Sweeper {
 public:
  Sweeper(std::chrono::milliseconds period, std::function<void(Time)> work);
  ~Sweeper();
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;
  void stop();

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace eseal::service
