// Callbacks: POSTs to a business system's URL when something it asked for ends, kept in the
// database as tasks of kind "callback" so that a restart loses none. A callback is added with
// what it reports on (waiting, not yet due), made due with its body when that thing ends, and
// delivered by a worker: a 2xx answer delivers it; anything else is tried again after a delay
// that doubles (from `first_retry`, at most an hour), and after `max_attempts` it has FAILED.
// Every attempt is an audited state change with the answer in its detail.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "base/result.h"
#include "base/time.h"
#include "service/tasks.h"

namespace eseal::service {

// PENDING → PENDING (made due, or an attempt that failed), DELIVERED or FAILED.
const TaskKind& callback_kind();

struct CallbackPolicy {
  std::chrono::seconds first_retry{10};
  int max_attempts = 10;
};

// Sends one body to one URL; the HTTP status, or an error when none came back.
using CallbackPoster = std::function<Result<int>(const std::string& url, const std::string& body)>;

class Callbacks {
 public:
  explicit Callbacks(store::Store& store, CallbackPolicy policy = {})
      : tasks_(store), policy_(policy) {}

  // A callback to `url` about `reference` (e.g. a sign job's task id), waiting.
  Result<TaskRecord> add(const std::string& app_id, const std::string& url,
                         const std::string& reference, Time now, const std::string& actor);
  // The waiting callbacks about `reference` become due now with `body`; one already due or
  // done is left as it is.
  Status make_due(const std::string& reference, const std::string& body, Time now);

  // Tries every due callback once; returns how many were delivered.
  Result<int> deliver_due(Time now, const CallbackPoster& post);

 private:
  Tasks tasks_;
  CallbackPolicy policy_;
};

}  // namespace eseal::service
