// Text messages to users' phones (getAuthCodeAndSendSMS), each a task of kind "sms" (OUTBOX →
// SENT or FAILED) so that `eseal sms list` shows what was sent or waits to be. Without a
// gateway a message stays in the outbox for an operator to deliver; with one ([sms]
// gateway_url) it is posted there at once: the body is the configured template with {mobile}
// and {text} replaced by the JSON-escaped values, and a 2xx answer means sent.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "service/platform.h"
#include "service/tasks.h"

namespace eseal::service {

const TaskKind& sms_kind();

struct SmsGateway {
  std::string url;
  std::string body_template = R"({"mobile":"{mobile}","text":"{text}"})";
};

// Posts `body` to `url`; the HTTP status, or an error when none came back.
using SmsPoster = std::function<Result<int>(const std::string& url, const std::string& body)>;

// Error::code of a message the gateway did not take.
inline constexpr const char* kSmsNotSent = "sms-not-sent";

struct SmsMessage {
  std::string id, app_id, mobile, text, state, answer;
  Time created{};
};

class Sms {
 public:
  Sms(store::Store& store, std::optional<SmsGateway> gateway = std::nullopt,
      SmsPoster post = nullptr)
      : tasks_(store), gateway_(std::move(gateway)), post_(std::move(post)) {}

  // Records the message and, with a gateway, sends it: kSmsNotSent (the message FAILED) when
  // the gateway refuses it or cannot be reached.
  Result<SmsMessage> send(const Caller& app, const std::string& mobile, const std::string& text,
                          Time now);
  // Newest last; `states` empty for all.
  Result<std::vector<SmsMessage>> list(const std::vector<std::string>& states, Time now);

  bool has_gateway() const { return gateway_.has_value(); }

 private:
  Tasks tasks_;
  std::optional<SmsGateway> gateway_;
  SmsPoster post_;
};

// The body a gateway gets: `body_template` with {mobile} and {text} JSON-escaped in place.
std::string sms_body(const std::string& body_template, const std::string& mobile,
                     const std::string& text);

}  // namespace eseal::service
