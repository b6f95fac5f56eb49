#include "api/json_text.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>

#include "api/json.h"

namespace eseal::api {
namespace {

using rapidjson::Value;

bool is_empty(const Value& v, bool trimmed) {
  return v.IsNull() ||
         (v.IsString() && (trimmed ? trim_json_space(json_view(v)) : json_view(v)).empty()) ||
         (v.IsObject() && v.MemberCount() == 0) || (v.IsArray() && v.Empty());
}

// Trims a string value in place; a copy only when there is something to trim.
void trim_string(Value& s, rapidjson::Document::AllocatorType& a) {
  std::string_view t = trim_json_space(json_view(s));
  if (t.size() == s.GetStringLength()) return;
  std::string copy(t);  // the value's own storage may be what it is set from
  s.SetString(copy.data(), static_cast<rapidjson::SizeType>(copy.size()), a);
}

}  // namespace

void trim_in_place(Value& value, rapidjson::Document::AllocatorType& a) {
  if (value.IsObject()) {
    for (auto& m : value.GetObject()) {
      trim_string(m.name, a);
      trim_in_place(m.value, a);
    }
  } else if (value.IsArray()) {
    for (auto& v : value.GetArray()) trim_in_place(v, a);
  } else if (value.IsString()) {
    trim_string(value, a);
  }
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '"';
  std::size_t plain = 0;  // start of the run not yet appended
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(plain, i - plain));
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(text.substr(plain));
  out += '"';
}

std::string compact_json(const Value& value, bool trimmed) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  if (trimmed) {
    Rewriting handler(writer, trim_json_space);
    value.Accept(handler);
  } else {
    value.Accept(writer);
  }
  return {buffer.GetString(), buffer.GetSize()};
}

std::string canonical_fields(const Value& object, bool trimmed, std::string_view leave_out) {
  std::map<std::string, std::string> pairs;  // byte order
  if (object.IsObject()) {
    for (const auto& m : object.GetObject()) {
      if (is_empty(m.value, trimmed)) continue;
      std::string_view key = trimmed ? trim_json_space(json_view(m.name)) : json_view(m.name);
      if (!leave_out.empty() && key == leave_out) continue;
      std::string value;
      if (m.value.IsString()) {
        value = trimmed ? trim_json_space(json_view(m.value)) : json_view(m.value);
      } else {
        value = compact_json(m.value, trimmed);
      }
      pairs[std::string(key)] = std::move(value);
    }
  }
  std::string out;
  for (const auto& [key, value] : pairs) out += (out.empty() ? "" : "&") + key + "=" + value;
  return out;
}

}  // namespace eseal::api
