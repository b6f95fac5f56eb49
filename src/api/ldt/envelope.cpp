#include "api/ldt/envelope.h"

#include <openssl/crypto.h>

#include <map>
#include <optional>
#include <vector>

#include "api/json.h"
#include "api/json_text.h"
#include "base/utf8.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/sm2.h"

namespace eseal::api::ldt {
namespace {

using rapidjson::Value;

std::string_view trim(std::string_view s) {
  return trim_json_space(s);
}

// The member of `object` whose trimmed key is `name`; null when absent.
Value* member(Value& object, std::string_view name) {
  for (auto& m : object.GetObject()) {
    if (trim(json_view(m.name)) == name) return &m.value;
  }
  return nullptr;
}

// The header field called by one of `names`, trimmed; "" when absent or not a string or number.
// Two of the names at once is a duplicate key.
Result<std::string> header_field(Value& header, const std::vector<std::string_view>& names) {
  std::string out;
  const Value* found = nullptr;
  for (std::string_view name : names) {
    const Value* v = member(header, name);
    if (!v) continue;
    if (found) return Error::invalid_input("message_header包含重复的键：" + std::string(name));
    found = v;
    if (v->IsString()) out = std::string(trim(json_view(*v)));
    if (v->IsNumber()) out = compact_json(*v, false);
  }
  return out;
}

// {"message_header":{header, in order},"message_content":content} ({} when content is not an
// object): the one shape of every LD/T message, request or response.
std::string envelope(std::initializer_list<std::pair<const char*, std::string>> header,
                     const Value* content) {
  JsonObjectText head;
  for (const auto& [key, value] : header) head.put(key, valid_utf8(value));
  std::string head_json = std::move(head).finish();
  // One allocation for the whole answer, most of which may be a signed document's base64.
  const bool has_content = content && content->IsObject();
  JsonObjectText out(head_json.size() + 64 + (has_content ? json_size_hint(*content) : 0));
  out.put_json("message_header", head_json);
  if (has_content)
    append_json(out.field("message_content"), *content);
  else
    out.put_json("message_content", "{}");
  return std::move(out).finish();
}

}  // namespace

Result<Request> parse_request(std::string body, const JsonLimits& limits, Header* seen) {
  auto text = std::make_unique<std::string>(std::move(body));
  auto parsed = parse_json_in_place(*text, limits);
  if (!parsed) return Error::invalid_input(describe_zh(parsed.error));
  rapidjson::Document& document = *parsed.document;
  if (!document.IsObject()) return Error::invalid_input("报文不是合法的JSON");
  Value* header = member(document, "message_header");
  Value* content = member(document, "message_content");
  if (!header || !header->IsObject()) return Error::invalid_input("缺少message_header");
  Request out;
  Header& h = out.header;
  const std::pair<std::string*, std::vector<std::string_view>> fields[] = {
      {&h.syscode, {"syscode"}},
      {&h.authcode, {"authcode"}},
      {&h.businesstype, {"businesstype", "businessstype", "businessType"}},
      {&h.sign, {"sign"}},
      {&h.version, {"version"}},
      {&h.ctime, {"ctime"}},
      {&h.random, {"random"}},
      {&h.hmac, {"hmac"}}};
  std::optional<Error> duplicate;
  for (const auto& [field, names] : fields) {
    auto value = header_field(*header, names);
    if (value) *field = std::move(*value);
    if (!value && !duplicate) duplicate = value.error();
  }
  if (seen) *seen = h;
  if (duplicate) return *duplicate;
  if (Value* inner = member(*header, "message_content")) {
    if (content) return Error::invalid_input("报文包含两个message_content");
    content = inner;
  }
  if (content && !content->IsObject()) return Error::invalid_input("message_content不是对象");
  for (auto [name, value] : {std::pair{"syscode", &h.syscode},
                             {"authcode", &h.authcode},
                             {"businesstype", &h.businesstype},
                             {"sign", &h.sign},
                             {"version", &h.version},
                             {"ctime", &h.ctime},
                             {"random", &h.random},
                             {"hmac", &h.hmac}}) {
    if (value->empty()) return Error::invalid_input(std::string("message_header缺少") + name);
  }
  if (!content) {
    // Added last: adding a member may move the ones found above.
    document.AddMember("message_content", Value(rapidjson::kObjectType), document.GetAllocator());
    content = &document.MemberEnd()[-1].value;
  }
  out.text = std::move(text);
  out.document = std::move(parsed.document);
  out.content = content;
  return out;
}

void trim_content(Request& request) {
  trim_in_place(*request.content, request.document->GetAllocator());
}

std::string compute_hmac(ByteView key, std::string_view ctime, std::string_view random,
                         std::string_view syscode) {
  std::string input = std::string(ctime) + std::string(random) + std::string(syscode);
  return crypto::to_base64(crypto::hmac_sm3(key, as_bytes(input)));
}

bool hmac_matches(ByteView key, const Header& header) {
  std::string expected = compute_hmac(key, header.ctime, header.random, header.syscode);
  return expected.size() == header.hmac.size() &&
         CRYPTO_memcmp(expected.data(), header.hmac.data(), expected.size()) == 0;
}

namespace {

// SM3(Z ‖ canonical string): the SM2 digest of the content, hashed piece by piece.
Bytes signing_digest(ByteView z, const rapidjson::Value& content, bool trimmed) {
  crypto::Hasher hasher(crypto::HashAlgorithm::kSm3);
  hasher.update(z);
  for_each_canonical_piece(content, trimmed, {},
                           [&](std::string_view piece) { hasher.update(as_bytes(piece)); });
  return hasher.finish();
}

}  // namespace

Result<Bytes> verify_sign(const Request& request, const pki::Certificate& app_cert) {
  auto signature = crypto::parse_sm2_signature(as_bytes(request.header.sign));
  if (!signature) return Error::invalid_input("sign不是SM2签名值");
  auto key = app_cert.public_key();
  if (!key) return key.error();
  auto z = crypto::sm2_z_value(*key);
  if (!z) return z.error();
  Bytes trimmed = signing_digest(*z, *request.content, true);
  if (crypto::sm2_verify_digest(*key, trimmed, *signature)) return trimmed;
  Bytes as_sent = signing_digest(*z, *request.content, false);
  if (as_sent != trimmed && crypto::sm2_verify_digest(*key, as_sent, *signature)) return trimmed;
  return Error::verification_failed("sign验证失败");
}

Result<std::string> sign_content(const rapidjson::Value& content, keys::Signer& signer) {
  auto der = signer.sign(as_bytes(canonical_fields(content)));
  if (!der) return der.error();
  auto raw = crypto::sm2_signature_der_to_raw(*der);
  if (!raw) return raw.error();
  return crypto::to_base64(*raw);
}

Result<std::string> build_request(const ClientCredentials& credentials,
                                  const std::string& businesstype, const rapidjson::Value& content,
                                  Time now, const std::string& random) {
  if (!credentials.signer) return Error::invalid_input("no signer for the request's sign");
  auto sign = sign_content(content, *credentials.signer);
  if (!sign) return sign.error();
  std::string ctime = std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  return envelope(
      {{"syscode", credentials.syscode},
       {"authcode", credentials.authcode},
       {"businesstype", businesstype},
       {"sign", *sign},
       {"version", "1.0"},
       {"ctime", ctime},
       {"random", random},
       {"hmac", compute_hmac(credentials.hmac_key, ctime, random, credentials.syscode)}},
      &content);
}

std::string response(const std::string& businesstype, const std::string& syscode, bool success,
                     const std::string& error_info, const rapidjson::Value* content) {
  return envelope({{"businesstype", businesstype},
                   {"syscode", syscode},
                   {"version", "1.0"},
                   {"errorCode", success ? "1" : "0"},
                   {"errorInfo", error_info}},
                  content);
}

}  // namespace eseal::api::ldt
