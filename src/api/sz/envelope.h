// The DB4403/T 383.4 message envelope (§5, the tables of §7–§11): a request
// {"reqId", "appKey", "bsign", "content"} and a response {"reqId", "code", "msg", "appKey",
// "asign", "data"}. With a non-empty appKey (the number of the app's transport key) `content`
// and `data` are base64(IV ‖ SM4-CBC-PKCS#7(key, JSON)), a random 16-byte IV first; bsign =
// base64(HMAC-SM3(MAC key, reqId ‖ content as sent)) and asign = base64(HMAC-SM3(MAC key, reqId
// ‖ code ‖ data as sent)). With an empty appKey the content travels in the clear: a JSON string
// holding the JSON, or the object inline as the seed's examples print it (then bsign covers its
// text exactly as sent, or its compact form). The content is an object or a one-element array
// of one (both appear in the seed). Lenient in, as the seed's examples need: envelope keys are
// matched trimmed and case-insensitively (`appkey`), `besign` stands for `bsign`; strict out.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "api/json.h"
#include "base/bytes.h"
#include "base/result.h"

namespace eseal::api::sz {

// A request, parsed over its own body (in situ): the body must outlive it and what
// open_content makes of it.
struct Request {
  std::string req_id, app_key, bsign;
  // A string content as it stands in the body, unescaped where it stands; open_content decodes
  // and decrypts it there too, so that a large request is never copied.
  std::span<char> content;
  // What bsign covers after reqId when it is not `content` itself: an inline content's text as
  // sent (and `content_compact`, the same written compactly), or a string content in the clear
  // (kept before it is parsed in place).
  std::string content_sent, content_compact;
  bool content_inline = false;
};

// Refusals carry the appendix B code in Error::code: T000011 for a body that is not a JSON
// object (or over `limits`, or with a key twice), T000001 for reqId, bsign or content missing or of
// the wrong type. `seen_req_id` receives the reqId when it could be read, so that even a
// refusal answers it. `body` is parsed in place (api::parse_json_in_place).
Result<Request> parse_request(std::string& body, const JsonLimits& limits = {},
                              std::string* seen_req_id = nullptr);

// base64(HMAC-SM3(key, a ‖ b ‖ c)).
std::string mac(ByteView key, std::string_view a, std::string_view b, std::string_view c = {});

// The request's bsign against `mac_key`, in constant time (either form of an inline content).
bool bsign_matches(ByteView mac_key, const Request& request);

// base64(IV ‖ SM4-CBC(key, IV, text)) with a fresh random IV.
Result<std::string> encrypt(ByteView sm4_key, std::string_view text);
// The text of such a value; kInvalidInput when it is not base64, too short, or does not decrypt.
Result<std::string> decrypt(ByteView sm4_key, std::string_view value);

// The content's JSON (decrypted with `sm4_key` when the request has an appKey, in place)
// parsed: the object itself, the one object of a one-element array made the root; keys and
// string values trimmed. The document may point into the request's body. T000001 (content) when
// it does not decrypt, T000011 when it is not such JSON.
Result<std::unique_ptr<rapidjson::Document>> open_content(Request& request, ByteView sm4_key,
                                                          const JsonLimits& limits);

// A response. With `mac_key`, asign is computed; with `app_key` and `sm4_key` as well, data is
// encrypted (an empty object when null); without keys data is inline and asign empty (a request
// refused before its app was known).
struct Keys {
  std::string app_key;
  Bytes sm4_key, mac_key;
};
std::string response(std::string_view req_id, std::string_view code, std::string_view msg,
                     const Keys& keys, const rapidjson::Value* data = nullptr);
// The same with the data already written: data_text(data).
std::string response_text(std::string_view req_id, std::string_view code, std::string_view msg,
                          const Keys& keys, std::string_view data_text);
// A response's data as written (compact JSON; "{}" for none), what asign covers unencrypted.
std::string data_text(const rapidjson::Value* data);

// The client's side: a request body for `content_json` (a JSON object's text), encrypted when
// keys.app_key is set, and a response read back with its asign checked and its data decrypted.
Result<std::string> build_request(const Keys& keys, std::string_view req_id,
                                  std::string_view content_json);
struct Reply {
  std::string req_id, code, msg;
  std::unique_ptr<rapidjson::Document> data;  // null when the answer has none
  bool signed_by_server = false;              // asign present and matching
};
// kInvalidInput when the body is not a response, or carries an asign that does not match.
Result<Reply> read_response(const Keys& keys, std::string_view body);

}  // namespace eseal::api::sz
