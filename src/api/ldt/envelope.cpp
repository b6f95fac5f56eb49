#include "api/ldt/envelope.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <map>

#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace eseal::api::ldt {
namespace {

// `s` without surrounding white space; an all-space `s` gives an empty view that still points
// into it (RapidJSON refuses a null string pointer even with length 0).
std::string_view trim(std::string_view s) {
  const char* space = " \t\r\n";
  std::size_t begin = s.find_first_not_of(space);
  if (begin == std::string_view::npos) return s.substr(s.size());
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

// A copy of `value` with object keys and string values trimmed, at every depth.
rapidjson::Value trimmed(const rapidjson::Value& value, rapidjson::Document::AllocatorType& a) {
  rapidjson::Value out;
  if (value.IsObject()) {
    out.SetObject();
    for (const auto& m : value.GetObject()) {
      std::string_view key = trim({m.name.GetString(), m.name.GetStringLength()});
      out.AddMember(rapidjson::Value(key.data(), static_cast<rapidjson::SizeType>(key.size()), a),
                    trimmed(m.value, a), a);
    }
  } else if (value.IsArray()) {
    out.SetArray();
    for (const auto& v : value.GetArray()) out.PushBack(trimmed(v, a), a);
  } else if (value.IsString()) {
    std::string_view s = trim({value.GetString(), value.GetStringLength()});
    out.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
  } else {
    out.CopyFrom(value, a);
  }
  return out;
}

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

bool empty(const rapidjson::Value& v) {
  return v.IsNull() || (v.IsString() && v.GetStringLength() == 0) ||
         (v.IsObject() && v.MemberCount() == 0) || (v.IsArray() && v.Empty());
}

// The header member whose trimmed key is one of `names`, trimmed; "" when absent.
std::string header_field(const rapidjson::Value& header,
                         std::initializer_list<std::string_view> names) {
  for (const auto& m : header.GetObject()) {
    std::string_view key = trim({m.name.GetString(), m.name.GetStringLength()});
    if (std::find(names.begin(), names.end(), key) == names.end()) continue;
    if (m.value.IsString())
      return std::string(trim({m.value.GetString(), m.value.GetStringLength()}));
    if (m.value.IsNumber()) return compact(m.value);
  }
  return {};
}

// {"message_header":{header, in order},"message_content":content} ({} when content is not an
// object): the one shape of every LD/T message, request or response.
std::string envelope(std::initializer_list<std::pair<const char*, std::string>> header,
                     const rapidjson::Value* content) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("message_header");
  w.StartObject();
  for (const auto& [key, value] : header) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  w.Key("message_content");
  if (content && content->IsObject()) {
    content->Accept(w);
  } else {
    w.StartObject();
    w.EndObject();
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

Result<Request> parse_request(std::string_view body) {
  auto document = std::make_unique<rapidjson::Document>();
  document->Parse(body.data(), body.size());
  if (document->HasParseError() || !document->IsObject())
    return Error::invalid_input("报文不是合法的JSON");
  const rapidjson::Value* header = nullptr;
  const rapidjson::Value* content = nullptr;
  for (const auto& m : document->GetObject()) {
    std::string_view key = trim({m.name.GetString(), m.name.GetStringLength()});
    if (key == "message_header" && m.value.IsObject()) header = &m.value;
    if (key == "message_content" && m.value.IsObject()) content = &m.value;
  }
  if (!header) return Error::invalid_input("缺少message_header");
  Request out;
  Header& h = out.header;
  h.syscode = header_field(*header, {"syscode"});
  h.authcode = header_field(*header, {"authcode"});
  h.businesstype = header_field(*header, {"businesstype", "businessstype", "businessType"});
  h.sign = header_field(*header, {"sign"});
  h.version = header_field(*header, {"version"});
  h.ctime = header_field(*header, {"ctime"});
  h.random = header_field(*header, {"random"});
  h.hmac = header_field(*header, {"hmac"});
  for (auto [name, value] : {std::pair{"syscode", &h.syscode},
                             {"authcode", &h.authcode},
                             {"businesstype", &h.businesstype},
                             {"sign", &h.sign},
                             {"ctime", &h.ctime},
                             {"random", &h.random},
                             {"hmac", &h.hmac}}) {
    if (value->empty()) return Error::invalid_input(std::string("message_header缺少") + name);
  }
  out.content = std::make_unique<rapidjson::Document>();
  out.raw_content = std::make_unique<rapidjson::Document>();
  if (content) {
    out.raw_content->CopyFrom(*content, out.raw_content->GetAllocator());
    static_cast<rapidjson::Value&>(*out.content) = trimmed(*content, out.content->GetAllocator());
  } else {
    out.content->SetObject();
    out.raw_content->SetObject();
  }
  return out;
}

std::string canonical_content(const rapidjson::Value& content) {
  std::map<std::string, std::string> pairs;  // byte order
  if (content.IsObject()) {
    for (const auto& m : content.GetObject()) {
      if (empty(m.value)) continue;
      std::string value = m.value.IsString()
                              ? std::string(m.value.GetString(), m.value.GetStringLength())
                              : compact(m.value);
      pairs[std::string(m.name.GetString(), m.name.GetStringLength())] = std::move(value);
    }
  }
  std::string out;
  for (const auto& [key, value] : pairs) out += (out.empty() ? "" : "&") + key + "=" + value;
  return out;
}

std::string compute_hmac(ByteView key, std::string_view ctime, std::string_view random,
                         std::string_view syscode) {
  std::string input = std::string(ctime) + std::string(random) + std::string(syscode);
  return crypto::to_base64(crypto::hmac_sm3(key, as_bytes(input)));
}

Status verify_sign(const Request& request, const pki::Certificate& app_cert) {
  auto signature = crypto::parse_sm2_signature(as_bytes(request.header.sign));
  if (!signature) return Error::invalid_input("sign不是SM2签名值");
  auto key = app_cert.public_key();
  if (!key) return key.error();
  for (const rapidjson::Document* content : {request.content.get(), request.raw_content.get()}) {
    std::string text = canonical_content(*content);
    if (crypto::sm2_verify(*key, as_bytes(text), *signature)) return ok_status();
  }
  return Error::verification_failed("sign验证失败");
}

Result<std::string> sign_content(const rapidjson::Value& content,
                                 const crypto::Sm2PrivateKey& key) {
  auto der = crypto::sm2_sign(key, as_bytes(canonical_content(content)));
  if (!der) return der.error();
  auto raw = crypto::sm2_signature_der_to_raw(*der);
  if (!raw) return raw.error();
  return crypto::to_base64(*raw);
}

Result<std::string> build_request(const ClientCredentials& credentials,
                                  const std::string& businesstype, const rapidjson::Value& content,
                                  Time now, const std::string& random) {
  auto sign = sign_content(content, credentials.key);
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
