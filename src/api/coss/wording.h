// How the COSS doors (business and mobile) word the service's refusals: one table from each
// service code (user_code, key_code, job_code) to a chapter-4 code and the particulars, and the
// pieces of their answers.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace eseal::api::coss {

// A refusal in COSS terms: a code of chapter 4 and what to add to its message.
struct Refusal {
  int code;
  std::string detail;
};

// The code for a service error: by the table; an unknown user as `not_found` says (each lookup
// has its own code); the store's failures 89000002; anything else 89000007. No library or
// database text reaches the response.
Refusal refusal_of(const Error& e, int not_found = 89004022);

// An id type as the manual shows it: "身份证(SF)".
std::string_view id_type_name(const std::string& type);

// {status, message, transId} for a refusal; the message is the code's, "：" and the detail.
std::string answer(const Refusal& r, std::string_view trans_id);
std::string success(std::string_view trans_id, const rapidjson::Value* data = nullptr,
                    std::string_view message = "SUCCESS");

// "yyyy-MM-dd HH:mm:ss" in China Standard Time (UTC+8), as the manual's examples read.
std::string china_time(Time t);
// "yyyy-MM-dd HH:mm:ss" in China Standard Time read back; kInvalidInput for another form.
Result<Time> china_time_of(std::string_view text);
// The start of day "yyyy-MM-dd" in China Standard Time; kInvalidInput for another form.
Result<Time> china_day(std::string_view day);

void put(rapidjson::Document& d, std::string_view key, std::string_view value);
void put(rapidjson::Value& object, rapidjson::Document::AllocatorType& a, std::string_view key,
         std::string_view value);

// The QR payload of an activation or a sign job (§3.3.2, §3.3.3): {"id": appId, "sUrl": the
// phone's service-info URL, "o": the ticket, "cv": "2.0"}, as a JSON string.
std::string qr_payload(std::string_view app_id, std::string_view public_url,
                       std::string_view ticket);

}  // namespace eseal::api::coss
