#include "service/callbacks.h"

#include <algorithm>

#include "service/payload.h"

namespace eseal::service {
namespace {

constexpr const char* kActor = "system:callbacks";

struct Payload {
  std::string url, body;
};

std::string payload_json(const Payload& p) {
  return write_fields({{"url", p.url}, {"body", p.body}});
}

Result<Payload> read_payload(const TaskRecord& t) {
  auto fields = read_fields(t.payload);
  if (!fields) return fields.error().with_context("callback " + t.id);
  return Payload{(*fields)["url"], (*fields)["body"]};
}

}  // namespace

const TaskKind& callback_kind() {
  static const TaskKind kind{
      "callback",
      "PENDING",
      {{"PENDING", "PENDING"}, {"PENDING", "DELIVERED"}, {"PENDING", "FAILED"}},
      {"DELIVERED", "FAILED"},
      ""};
  return kind;
}

Result<TaskRecord> Callbacks::add(const std::string& app_id, const std::string& url,
                                  const std::string& reference, Time now,
                                  const std::string& actor) {
  return tasks_.create(callback_kind(),
                       {app_id, "", payload_json({url, ""}), std::nullopt, std::nullopt, reference},
                       now, actor);
}

Status Callbacks::make_due(const std::string& reference, const std::string& body, Time now) {
  store::TaskQuery query;
  query.reference = reference;
  query.states = {"PENDING"};
  auto waiting = tasks_.list(callback_kind(), query, now);
  if (!waiting) return waiting.error();
  for (const TaskRecord& t : *waiting) {
    if (t.next_attempt || t.attempts > 0) continue;
    auto p = read_payload(t);
    if (!p) return p.error();
    p->body = body;
    auto due = tasks_.move(callback_kind(), t.id,
                           {.to = "PENDING",
                            .detail = "due: " + p->url,
                            .payload = payload_json(*p),
                            .next_attempt = std::optional<Time>(now)},
                           now, kActor);
    if (!due && due.error().code != store::kTaskStateChanged) return due.error();
  }
  return ok_status();
}

Result<int> Callbacks::deliver_due(Time now, const CallbackPoster& post) {
  store::TaskQuery query;
  query.states = {"PENDING"};
  query.due_by = now;
  auto due = tasks_.list(callback_kind(), query, now);
  if (!due) return due.error();
  int delivered = 0;
  for (const TaskRecord& t : *due) {
    auto p = read_payload(t);
    if (!p) return p.error();
    auto answer = post(p->url, p->body);
    bool ok = answer && *answer >= 200 && *answer < 300;
    std::string what = answer ? "HTTP " + std::to_string(*answer) : answer.error().message;
    Tasks::Move move{.to = "DELIVERED",
                     .detail = "attempt " + std::to_string(t.attempts + 1) + ": " + what};
    move.count_attempt = true;
    if (ok) {
      move.next_attempt = std::optional<Time>();
    } else if (t.attempts + 1 >= policy_.max_attempts) {
      move.to = "FAILED";
      move.next_attempt = std::optional<Time>();
    } else {
      auto delay =
          policy_.first_retry * (std::int64_t{1} << std::min<std::int64_t>(t.attempts, 20));
      move.to = "PENDING";
      move.next_attempt =
          std::optional<Time>(now + std::min<std::chrono::seconds>(delay, std::chrono::hours(1)));
    }
    auto moved = tasks_.move(callback_kind(), t.id, move, now, kActor);
    if (!moved && moved.error().code != store::kTaskStateChanged) return moved.error();
    if (ok && moved) ++delivered;
  }
  return delivered;
}

}  // namespace eseal::service
