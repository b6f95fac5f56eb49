// The LD/T 01.4 message envelope (§5.2.2; docs/ENCODINGS.md §6): a JSON body
// {"message_header":{…},"message_content":{…}}, the header's credentials, the canonical string of
// message_content that `sign` covers, the `hmac` over ctime‖random‖syscode, and responses.
// Lenient in (as clients' requests are): header and content keys and string values are
// trimmed, `businessstype` and `businessType` stand for `businesstype`, `sign` may be base64 or
// hex of r‖s or DER; strict out: one canonical form.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <string_view>

#include "api/json.h"
#include "base/bytes.h"
#include "base/result.h"
#include "keys/signer.h"
#include "pki/certificate.h"

namespace eseal::api::ldt {

struct Header {
  std::string syscode, authcode, businesstype, sign, version, ctime, random, hmac;
};

struct Request {
  Header header;
  // The body, parsed in place: the document's strings point into it.
  std::unique_ptr<std::string> text;
  // The whole body as parsed (depth-limited, no duplicate keys: api/json.h).
  std::unique_ptr<rapidjson::Document> document;
  // message_content inside `document`, as sent: at the top level or, as appendix A examples 17,
  // 18, 23 and 24 print it, inside message_header; an empty object when absent. trim_content()
  // trims its keys and string values in place once the header has been authenticated.
  rapidjson::Value* content = nullptr;
};

// kInvalidInput, with an errorInfo, for a body that is not well-formed UTF-8 JSON, breaks
// `limits` (nesting, values), has two equal keys in an object (after trimming; the header's
// `businesstype` aliases count as one key), two message_content, or lacks message_header or one
// of its fields. `seen` receives what could be read of the header even when the request is
// refused, so that a refusal can name the caller's businesstype and syscode. `body` is parsed
// in place (api::parse_json_in_place) and kept in the request: a large one is not copied.
Result<Request> parse_request(std::string body, const JsonLimits& limits = {},
                              Header* seen = nullptr);

// Trims the content's keys and string values at every depth, in place (no copy of `data`).
void trim_content(Request& request);

// base64(HMAC-SM3(key, ctime ‖ random ‖ syscode)).
std::string compute_hmac(ByteView key, std::string_view ctime, std::string_view random,
                         std::string_view syscode);
// `hmac` as sent against the expected value, in constant time.
bool hmac_matches(ByteView key, const Header& header);

// Checks `sign` (base64 or hex of r‖s or DER) with the app's certificate (SM3withSM2, user ID
// 1234567812345678) over api::canonical_fields of the content trimmed, then, if that differs and
// fails, of the content as sent. Either way the operation reads the trimmed values of exactly
// the content that was signed: duplicate keys were refused when parsing. Returns the SM2 digest
// (SM3 of Z ‖ the canonical string) of the trimmed content, which names what the app asked for
// without another pass over it.
Result<Bytes> verify_sign(const Request& request, const pki::Certificate& app_cert);

// base64 of r‖s over api::canonical_fields(content): what a client puts in `sign`.
Result<std::string> sign_content(const rapidjson::Value& content, keys::Signer& signer);

// What a client needs to call: the app's credentials and the signer of its SM2 key.
struct ClientCredentials {
  std::string syscode, authcode;
  Bytes hmac_key;
  std::shared_ptr<keys::Signer> signer;
};

// A signed request body for `businesstype` with `content` (an object): ctime = `now` in ms,
// `random` (32 hex digits), hmac and sign computed as the server checks them.
Result<std::string> build_request(const ClientCredentials& credentials,
                                  const std::string& businesstype, const rapidjson::Value& content,
                                  Time now, const std::string& random);

// A response: {"message_header":{businesstype, syscode, version "1.0", errorCode "1"|"0",
// errorInfo}, "message_content": content (an object; {} when null)}.
std::string response(const std::string& businesstype, const std::string& syscode, bool success,
                     const std::string& error_info, const rapidjson::Value* content = nullptr);

}  // namespace eseal::api::ldt
