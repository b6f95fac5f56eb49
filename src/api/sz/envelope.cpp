#include "api/sz/envelope.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "api/json.h"
#include "api/json_text.h"
#include "api/sz/codes.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "crypto/sm4.h"

namespace eseal::api::sz {
namespace {

using rapidjson::Value;

constexpr std::size_t kIvSize = 16;

Error refused(std::string_view code, std::string message) {
  return Error::invalid_input(std::move(message)).with_code(std::string(code));
}

bool same_key(std::string_view a, std::string_view b) {
  a = trim_json_space(a);
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The member of the envelope called one of `names` (trimmed, any case); two of them at once are
// one field sent twice.
Result<const Value*> field(const Value& object, std::initializer_list<std::string_view> names) {
  const Value* found = nullptr;
  for (const auto& m : object.GetObject()) {
    for (std::string_view name : names) {
      if (!same_key(json_view(m.name), name)) continue;
      if (found)
        return refused(code::kBadJson, message(code::kBadJson, {"键重复：" + std::string(name)}));
      found = &m.value;
    }
  }
  return found;
}

std::string text_of(const Value* v) {
  if (!v) return {};
  if (v->IsString()) return std::string(trim_json_space(json_view(*v)));
  if (v->IsNumber()) return compact_json(*v);
  return {};
}

// Where a string starting at `at` (its opening quote) ends, one past the closing quote.
std::size_t skip_string(std::string_view s, std::size_t at) {
  for (++at; at < s.size(); ++at) {
    if (s[at] == '\\') {
      ++at;
    } else if (s[at] == '"') {
      return at + 1;
    }
  }
  return s.size();
}

// The text of the top-level member whose key, trimmed, is `key` (any case), exactly as it stands
// in `body` — a body the JSON parser has accepted, so that it is well formed.
std::optional<std::string_view> raw_member(std::string_view body, std::string_view key) {
  int depth = 0;
  std::size_t i = 0;
  bool expect_key = false;
  while (i < body.size()) {
    char c = body[i];
    if (c == '"') {
      std::size_t end = skip_string(body, i);
      if (depth == 1 && expect_key) {
        std::string_view name = body.substr(i + 1, end - i - 2);
        std::size_t colon = body.find(':', end);
        if (colon == std::string_view::npos) return std::nullopt;
        if (same_key(name, key)) {
          std::size_t start = colon + 1;
          while (start < body.size() && std::isspace(static_cast<unsigned char>(body[start]))) {
            ++start;
          }
          // The value runs to the comma or brace that ends it at depth 1.
          int inner = 0;
          std::size_t j = start;
          while (j < body.size()) {
            char d = body[j];
            if (d == '"') {
              j = skip_string(body, j);
              continue;
            }
            if (d == '{' || d == '[') ++inner;
            if (d == '}' || d == ']') {
              if (inner == 0) break;
              --inner;
            }
            if (d == ',' && inner == 0) break;
            ++j;
          }
          std::size_t stop = j;
          while (stop > start && std::isspace(static_cast<unsigned char>(body[stop - 1]))) --stop;
          return body.substr(start, stop - start);
        }
        expect_key = false;
        i = colon + 1;
        continue;
      }
      i = end;
      continue;
    }
    if (c == '{') {
      ++depth;
      expect_key = depth == 1;
    } else if (c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    }
    ++i;
  }
  return std::nullopt;
}

std::string write(const Value& value) {
  return compact_json(value);
}

}  // namespace

Result<Request> parse_request(std::string& body, const JsonLimits& limits,
                              std::string* seen_req_id) {
  // An inline content's text, which bsign covers, must be taken before the body is parsed over
  // itself (a string content's bsign covers its value, which parsing leaves in place).
  std::optional<std::string_view> raw = raw_member(body, "content");
  std::string raw_copy;
  if (raw && !raw->empty() && raw->front() != '"') raw_copy = std::string(*raw);
  ParsedJson parsed = parse_json_in_place(body, limits);
  if (!parsed) {
    return refused(code::kBadJson, message(code::kBadJson, {describe_zh(parsed.error)}));
  }
  Value& root = *parsed.document;
  if (!root.IsObject()) {
    return refused(code::kBadJson, message(code::kBadJson, {"报文不是JSON对象"}));
  }
  Request out;
  auto req_id = field(root, {"reqId"});
  if (!req_id) return req_id.error();
  out.req_id = text_of(*req_id);
  if (seen_req_id) *seen_req_id = out.req_id;
  auto app_key = field(root, {"appKey"});
  if (!app_key) return app_key.error();
  out.app_key = text_of(*app_key);
  auto bsign = field(root, {"bsign", "besign"});
  if (!bsign) return bsign.error();
  out.bsign = text_of(*bsign);
  auto content = field(root, {"content"});
  if (!content) return content.error();
  if (out.req_id.empty() || out.req_id.size() > 64) {
    return refused(code::kBadParameter, message(code::kBadParameter, {"reqId"}));
  }
  if (out.bsign.empty()) {
    return refused(code::kBadParameter, message(code::kBadParameter, {"bsign"}));
  }
  const Value* c = *content;
  if (!c || !(c->IsString() || c->IsObject() || c->IsArray())) {
    return refused(code::kBadParameter, message(code::kBadParameter, {"content"}));
  }
  if (c->IsString()) {
    // In situ the string stands unescaped in the body, followed by a NUL.
    out.content = {const_cast<char*>(c->GetString()), c->GetStringLength()};
  } else {
    if (!out.app_key.empty()) {
      // An encrypted request's content is the ciphertext's base64.
      return refused(code::kBadParameter,
                     message(code::kBadParameter, {"content", "appKey非空时content应为密文"}));
    }
    out.content_inline = true;
    out.content_sent = std::move(raw_copy);
    out.content_compact = write(*c);
  }
  return out;
}

std::string mac(ByteView key, std::string_view a, std::string_view b, std::string_view c) {
  return crypto::to_base64(
      crypto::hmac(crypto::HashAlgorithm::kSm3, key, {as_bytes(a), as_bytes(b), as_bytes(c)}));
}

bool bsign_matches(ByteView mac_key, const Request& request) {
  auto matches = [&](std::string_view content) {
    std::string expected = mac(mac_key, request.req_id, content);
    return crypto::equal_constant_time(as_bytes(expected), as_bytes(request.bsign));
  };
  std::string_view sent = request.content_sent.empty() && !request.content_inline
                              ? std::string_view(request.content.data(), request.content.size())
                              : std::string_view(request.content_sent);
  // Both forms are computed, so that the time taken does not tell which one a forger hit.
  bool as_sent = matches(sent);
  bool compact = request.content_inline && matches(request.content_compact);
  return as_sent || compact;
}

Result<std::string> encrypt(ByteView sm4_key, std::string_view text) {
  auto iv = crypto::random_bytes(kIvSize);
  if (!iv) return iv.error();
  auto sealed = crypto::sm4_cbc_encrypt(sm4_key, *iv, as_bytes(text));
  if (!sealed) return sealed.error();
  Bytes out = std::move(*iv);
  out.insert(out.end(), sealed->begin(), sealed->end());
  return crypto::to_base64(out);
}

Result<std::string> decrypt(ByteView sm4_key, std::string_view value) {
  auto bytes = crypto::from_base64(value);
  if (!bytes) return Error::invalid_input("not base64");
  if (bytes->size() < 2 * kIvSize || bytes->size() % kIvSize != 0) {
    return Error::invalid_input("not an IV and SM4-CBC blocks");
  }
  ByteView all(*bytes);
  auto plain = crypto::sm4_cbc_decrypt(sm4_key, all.first(kIvSize), all.subspan(kIvSize));
  if (!plain) return Error::invalid_input("does not decrypt with the app's key");
  return std::string(plain->begin(), plain->end());
}

Result<std::unique_ptr<rapidjson::Document>> open_content(Request& request, ByteView sm4_key,
                                                          const JsonLimits& limits) {
  ParsedJson parsed;
  if (request.content_inline) {
    parsed = parse_json(request.content_compact, limits);
  } else if (!request.app_key.empty()) {
    // base64, then IV ‖ ciphertext, then the JSON: each over the one before, in the body.
    auto undecryptable = [] {
      return refused(code::kBadParameter,
                     message(code::kBadParameter, {"content", "无法用appKey对应的密钥解密"}));
    };
    auto size = crypto::from_base64_in_place(request.content);
    if (!size || *size < 2 * kIvSize || *size % kIvSize != 0) return undecryptable();
    auto* bytes = reinterpret_cast<std::uint8_t*>(request.content.data());
    Bytes iv(bytes, bytes + kIvSize);
    auto plain = crypto::sm4_cbc_decrypt_in_place(sm4_key, iv, {bytes + kIvSize, *size - kIvSize});
    if (!plain) return undecryptable();
    char* text = request.content.data() + kIvSize;
    text[*plain] = '\0';  // inside the ciphertext's place: the padding's first byte at least
    parsed = parse_json_in_place({text, *plain}, limits);
  } else {
    // Parsing in place changes the text bsign covers, and in the clear bsign is checked after
    // the content has named its app: keep it.
    if (request.content_sent.empty()) {
      request.content_sent.assign(request.content.data(), request.content.size());
    }
    request.content.data()[request.content.size()] = '\0';
    parsed = parse_json_in_place(request.content, limits);
  }
  if (!parsed) {
    return refused(code::kBadJson,
                   message(code::kBadJson, {"content：" + describe_zh(parsed.error)}));
  }
  auto document = std::move(parsed.document);
  Value& root = *document;
  if (root.IsArray() && root.Size() == 1 && root[0].IsObject()) {
    Value first;
    first.Swap(root[0]);
    root.Swap(first);
  }
  if (!root.IsObject()) {
    return refused(code::kBadJson,
                   message(code::kBadJson, {"content应为JSON对象或只有一个对象的数组"}));
  }
  trim_in_place(root, document->GetAllocator());
  return document;
}

std::string data_text(const Value* data) {
  if (!data || data->IsNull()) return "{}";
  return write(*data);
}

std::string response(std::string_view req_id, std::string_view code, std::string_view msg,
                     const Keys& keys, const Value* data) {
  return response_text(req_id, code, msg, keys, sz::data_text(data));
}

std::string response_text(std::string_view req_id, std::string_view code, std::string_view msg,
                          const Keys& keys, std::string_view data_text) {
  bool encrypted = !keys.app_key.empty() && !keys.sm4_key.empty();
  std::string sealed;
  if (encrypted) {
    auto e = encrypt(keys.sm4_key, data_text);
    // Only the random source can fail here; the answer then says so, unencrypted and empty.
    if (!e) return response_text(req_id, code::kServer, message(code::kServer), {}, "{}");
    sealed = std::move(*e);
  }
  std::string asign;
  if (!keys.mac_key.empty())
    asign = mac(keys.mac_key, req_id, code, encrypted ? sealed : data_text);
  JsonObjectText out((encrypted ? sealed.size() : data_text.size()) + 256);
  out.put("reqId", req_id);
  out.put("code", code);
  out.put("msg", msg);
  out.put("appKey", encrypted ? keys.app_key : "");
  out.put("asign", asign);
  if (encrypted) {
    out.put("data", sealed);
  } else {
    out.put_json("data", data_text);
  }
  return std::move(out).finish();
}

Result<std::string> build_request(const Keys& keys, std::string_view req_id,
                                  std::string_view content_json) {
  std::string content(content_json);
  if (!keys.app_key.empty()) {
    auto sealed = encrypt(keys.sm4_key, content_json);
    if (!sealed) return sealed.error();
    content = std::move(*sealed);
  }
  JsonObjectText out(content.size() + 256);
  out.put("reqId", req_id);
  out.put("appKey", keys.app_key);
  out.put("bsign", mac(keys.mac_key, req_id, content));
  out.put("content", content);
  return std::move(out).finish();
}

Result<Reply> read_response(const Keys& keys, std::string_view body) {
  ParsedJson parsed = parse_json(body);
  if (!parsed || !parsed.document->IsObject()) {
    return Error::invalid_input("the answer is not a JSON object");
  }
  const Value& root = *parsed.document;
  auto get = [&](std::string_view name) -> const Value* {
    auto f = field(root, {name});
    return f ? *f : nullptr;
  };
  Reply out;
  out.req_id = text_of(get("reqId"));
  out.code = text_of(get("code"));
  out.msg = text_of(get("msg"));
  if (out.code.empty()) return Error::invalid_input("the answer has no code");
  std::string asign = text_of(get("asign"));
  const Value* data = get("data");
  std::string data_sent;
  if (data && data->IsString()) {
    data_sent = std::string(json_view(*data));
  } else if (data) {
    data_sent = std::string(raw_member(body, "data").value_or(""));
  }
  if (!asign.empty()) {
    bool ok = !keys.mac_key.empty();
    if (ok) {
      std::string expected = mac(keys.mac_key, out.req_id, out.code, data_sent);
      bool compact =
          data && !data->IsString() &&
          crypto::equal_constant_time(
              as_bytes(mac(keys.mac_key, out.req_id, out.code, write(*data))), as_bytes(asign));
      ok = crypto::equal_constant_time(as_bytes(expected), as_bytes(asign)) || compact;
    }
    if (!ok) return Error::verification_failed("the answer's asign does not match");
    out.signed_by_server = true;
  }
  if (!data || data->IsNull()) return out;
  std::string text;
  if (data->IsString()) {
    if (keys.app_key.empty()) {
      text = data_sent;
    } else {
      auto plain = decrypt(keys.sm4_key, data_sent);
      if (!plain) return plain.error().with_context("the answer's data");
      text = std::move(*plain);
    }
  } else {
    text = write(*data);
  }
  ParsedJson inner = parse_json(text);
  if (!inner)
    return Error::invalid_input("the answer's data is not JSON: " + describe(inner.error));
  out.data = std::move(inner.document);
  return out;
}

}  // namespace eseal::api::sz
