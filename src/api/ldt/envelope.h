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

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/sm2.h"
#include "pki/certificate.h"

namespace eseal::api::ldt {

struct Header {
  std::string syscode, authcode, businesstype, sign, version, ctime, random, hmac;
};

struct Request {
  Header header;
  // message_content (an empty object when absent), with trimmed keys and string values.
  std::unique_ptr<rapidjson::Document> content;
  // The content as sent, for a client that signed untrimmed values.
  std::unique_ptr<rapidjson::Document> raw_content;
};

// kInvalidInput for a body that is not JSON, or lacks message_header or a header field.
Result<Request> parse_request(std::string_view body);

// The string `sign` covers: the top-level keys sorted by byte value, "key=value" joined by "&";
// strings as they are, numbers and booleans as JSON, objects and arrays as compact JSON; empty
// values (null, "", {}, []) left out.
std::string canonical_content(const rapidjson::Value& content);

// base64(HMAC-SM3(key, ctime ‖ random ‖ syscode)).
std::string compute_hmac(ByteView key, std::string_view ctime, std::string_view random,
                         std::string_view syscode);

// Checks `sign` (base64 or hex of r‖s or DER) with the app's certificate (SM3withSM2, user ID
// 1234567812345678) over canonical_content of the trimmed content, then, if that fails, of the
// content as sent.
Status verify_sign(const Request& request, const pki::Certificate& app_cert);

// base64 of r‖s over canonical_content(content): what a client puts in `sign`.
Result<std::string> sign_content(const rapidjson::Value& content, const crypto::Sm2PrivateKey& key);

// What a client needs to call: the app's credentials and its SM2 key.
struct ClientCredentials {
  std::string syscode, authcode;
  Bytes hmac_key;
  crypto::Sm2PrivateKey key;
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
