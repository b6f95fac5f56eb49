// The COSS business API's envelope (manual §2.5–2.6): one flat JSON object holding the common
// fields — appId, signAlgo ("HMAC": HMAC-SHA256), version ("1.0"), an optional transId and
// signature — beside the operation's own. signature = base64(HMAC-SHA256(secureCode, stringA)),
// stringA being every non-empty field but signature, sorted by name, "k=v" joined by "&"
// (api::canonical_fields: strings as sent, numbers as JSON, objects and arrays as compact JSON,
// which the manual leaves open). Responses are {status, message, transId, data}.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/json.h"
#include "base/bytes.h"
#include "base/result.h"

namespace eseal::api::coss {

struct Request {
  std::string app_id, sign_algo, version, trans_id, signature;
  // The whole body as parsed (api/json.h: depth-limited, no duplicate keys).
  std::unique_ptr<rapidjson::Document> document;

  // A field as sent; null when absent.
  const rapidjson::Value* value(std::string_view name) const;
  // A field as text: a string as sent, a number or boolean as JSON; "" when absent, null or
  // another type.
  std::string text(std::string_view name) const;
};

// Refusals carry the COSS code in Error::code ("89000001": a body that is not a JSON object,
// too deep, with a key twice, or without appId, signAlgo, version or signature as strings; an
// unknown signAlgo).
Result<Request> parse_request(std::string_view body, const JsonLimits& limits = {});

// The string the signature covers.
std::string string_to_sign(const Request& request);
// base64(HMAC-SHA256(secure_code, string_a)).
std::string compute_signature(ByteView secure_code, std::string_view string_a);
// The request's signature against the expected one, in constant time.
bool signature_matches(ByteView secure_code, const Request& request);

// {"status":…,"message":…,"transId":…,"data":…}; transId and data left out when empty/null.
std::string response(int status, std::string_view message, std::string_view trans_id,
                     const rapidjson::Value* data = nullptr);

// The status of a response written by `response`; 0 when `text` is not one.
int status_of(std::string_view text);

// A signed request body for `fields` (an object of the operation's fields): what a business
// system sends. transId is left out when empty.
std::string build_request(std::string_view app_id, ByteView secure_code,
                          const rapidjson::Value& fields, std::string_view trans_id);

}  // namespace eseal::api::coss
