#include "service/sms.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "service/payload.h"

namespace eseal::service {
namespace {

// `value` escaped for the inside of a JSON string (RapidJSON's writer, quotes taken off).
std::string json_escaped(const std::string& value) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  std::string quoted(out.GetString(), out.GetSize());
  return quoted.substr(1, quoted.size() - 2);
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

Result<SmsMessage> message_of(const TaskRecord& t) {
  auto p = read_fields(t.payload);
  if (!p) return p.error();
  auto r = read_fields(t.result);
  if (!r) return r.error();
  return SmsMessage{t.id,    t.app_id,       (*p)["mobile"], (*p)["text"],
                    t.state, (*r)["answer"], t.created};
}

}  // namespace

const TaskKind& sms_kind() {
  static const TaskKind kind{
      "sms", "OUTBOX", {{"OUTBOX", "SENT"}, {"OUTBOX", "FAILED"}}, {"SENT", "FAILED"}, ""};
  return kind;
}

std::string sms_body(const std::string& body_template, const std::string& mobile,
                     const std::string& text) {
  std::string body = body_template;
  replace_all(body, "{mobile}", json_escaped(mobile));
  replace_all(body, "{text}", json_escaped(text));
  return body;
}

Result<SmsMessage> Sms::send(const Caller& app, const std::string& mobile, const std::string& text,
                             Time now) {
  auto task = tasks_.create(sms_kind(),
                            {app.app_id, mobile, write_fields({{"mobile", mobile}, {"text", text}}),
                             std::nullopt, std::nullopt, ""},
                            now, app.actor());
  if (!task) return task.error();
  if (!gateway_ || !post_) return message_of(*task);
  auto answer = post_(gateway_->url, sms_body(gateway_->body_template, mobile, text));
  bool sent = answer && *answer >= 200 && *answer < 300;
  std::string what = answer ? "HTTP " + std::to_string(*answer) : answer.error().message;
  auto moved = tasks_.move(
      sms_kind(), task->id,
      {.to = sent ? "SENT" : "FAILED", .detail = what, .result = write_fields({{"answer", what}})},
      now, "system:sms");
  if (!moved) return moved.error();
  if (!sent) {
    return Error::io("the SMS gateway did not take the message: " + what).with_code(kSmsNotSent);
  }
  return message_of(*moved);
}

Result<std::vector<SmsMessage>> Sms::list(const std::vector<std::string>& states, Time now) {
  store::TaskQuery query;
  query.states = states;
  query.limit = 1000;
  auto tasks = tasks_.list(sms_kind(), query, now);
  if (!tasks) return tasks.error();
  std::vector<SmsMessage> out;
  for (const auto& t : *tasks) {
    auto m = message_of(t);
    if (!m) return m.error();
    out.push_back(std::move(*m));
  }
  return out;
}

}  // namespace eseal::service
