#include "api/coss/envelope.h"

#include <openssl/crypto.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

#include "api/coss/codes.h"
#include "api/json.h"
#include "api/json_text.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace eseal::api::coss {
namespace {

using rapidjson::Value;

Error refusal(const std::string& detail) {
  return Error::invalid_input(std::string(message_of(code::kBadParameter)) + "：" + detail)
      .with_code(std::to_string(code::kBadParameter));
}

}  // namespace

const Value* Request::value(std::string_view name) const {
  if (!document || !document->IsObject()) return nullptr;
  for (const auto& m : document->GetObject()) {
    if (json_view(m.name) == name) return &m.value;
  }
  return nullptr;
}

std::string Request::text(std::string_view name) const {
  const Value* v = value(name);
  if (!v) return "";
  if (v->IsString()) return std::string(json_view(*v));
  if (v->IsNumber() || v->IsBool()) return compact_json(*v);
  return "";
}

Result<Request> parse_request(std::string_view body, const JsonLimits& limits) {
  ParsedJson parsed = parse_json(body, limits);
  if (!parsed) {
    return refusal(parsed.error.kind == JsonError::Kind::kSyntax
                       ? "报文不是合法的JSON（" + describe(parsed.error) + "）"
                       : describe_zh(parsed.error));
  }
  if (!parsed.document->IsObject()) return refusal("报文不是JSON对象");
  Request request;
  request.document = std::move(parsed.document);
  for (auto [name, field] :
       {std::pair{"appId", &request.app_id}, std::pair{"signAlgo", &request.sign_algo},
        std::pair{"version", &request.version}, std::pair{"signature", &request.signature}}) {
    const Value* v = request.value(name);
    if (!v || !v->IsString() || v->GetStringLength() == 0) {
      return refusal(std::string("缺少") + name);
    }
    *field = std::string(json_view(*v));
  }
  if (const Value* t = request.value("transId"); t && !t->IsNull()) {
    if (!t->IsString()) return refusal("transId不是字符串");
    request.trans_id = std::string(json_view(*t));
  }
  if (request.sign_algo != "HMAC" && request.sign_algo != "HMACSHA256" &&
      request.sign_algo != "HMAC-SHA256") {
    return refusal("不支持的签名算法" + request.sign_algo);
  }
  return request;
}

std::string string_to_sign(const Request& request) {
  return canonical_fields(*request.document, false, "signature");
}

std::string compute_signature(ByteView secure_code, std::string_view string_a) {
  return crypto::to_base64(
      crypto::hmac(crypto::HashAlgorithm::kSha256, secure_code, as_bytes(string_a)));
}

bool signature_matches(ByteView secure_code, const Request& request) {
  std::string expected = compute_signature(secure_code, string_to_sign(request));
  return expected.size() == request.signature.size() &&
         CRYPTO_memcmp(expected.data(), request.signature.data(), expected.size()) == 0;
}

int status_of(std::string_view text) {
  constexpr std::string_view kStart = "{\"status\":";
  if (!text.starts_with(kStart)) return 0;
  text.remove_prefix(kStart.size());
  int status = 0;
  std::from_chars(text.data(), text.data() + text.size(), status);
  return status;
}

std::string response(int status, std::string_view message, std::string_view trans_id,
                     const Value* data) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("status");
  w.Int(status);
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  if (!trans_id.empty()) {
    w.Key("transId");
    w.String(trans_id.data(), static_cast<rapidjson::SizeType>(trans_id.size()));
  }
  if (data && !data->IsNull()) {
    w.Key("data");
    data->Accept(w);
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string build_request(std::string_view app_id, ByteView secure_code, const Value& fields,
                          std::string_view trans_id) {
  rapidjson::Document body(rapidjson::kObjectType);
  auto& a = body.GetAllocator();
  auto put = [&](std::string_view name, std::string_view value) {
    body.AddMember(Value(name.data(), static_cast<rapidjson::SizeType>(name.size()), a),
                   Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), a), a);
  };
  put("version", "1.0");
  put("appId", app_id);
  put("signAlgo", "HMAC");
  if (!trans_id.empty()) put("transId", trans_id);
  if (fields.IsObject()) {
    for (const auto& m : fields.GetObject()) {
      body.AddMember(Value(m.name, a), Value(m.value, a), a);
    }
  }
  put("signature", compute_signature(secure_code, canonical_fields(body, false, "signature")));
  return compact_json(body);
}

}  // namespace eseal::api::coss
