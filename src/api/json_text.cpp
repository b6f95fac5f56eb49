#include "api/json_text.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "api/json.h"
#include "base/utf8.h"

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

// Whether any of the eight bytes of `w` must be escaped in a JSON string: a control character,
// '"' or '\\' (exact for the word as a whole, with no false positive).
bool must_escape_any(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  return (((w - kOnes * 0x20) & ~w & kHigh) | has_zero(w ^ (kOnes * '"')) |
          has_zero(w ^ (kOnes * '\\'))) != 0;
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
    // Eight plain bytes at a time (a document's base64 is nothing else).
    while (i + 8 <= text.size()) {
      std::uint64_t w;
      std::memcpy(&w, text.data() + i, 8);
      if (must_escape_any(w)) break;
      i += 8;
    }
    if (i == text.size()) break;
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

std::size_t json_size_hint(const Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return 5;
    case rapidjson::kStringType:
      return value.GetStringLength() + 2;
    case rapidjson::kNumberType:
      return 24;
    case rapidjson::kObjectType: {
      // Braces, and each member's quoted name, colon and value, with a comma between two.
      std::size_t n = value.MemberCount() == 0 ? 2 : 1;
      for (const auto& m : value.GetObject())
        n += m.name.GetStringLength() + 4 + json_size_hint(m.value);
      return n;
    }
    case rapidjson::kArrayType: {
      std::size_t n = value.Empty() ? 2 : 1;
      for (const auto& v : value.GetArray()) n += json_size_hint(v) + 1;
      return n;
    }
  }
  return 0;
}

void append_json(std::string& out, const Value& value) {
  auto text = [&out](std::string_view s) {
    if (is_utf8(s))
      append_json_string(out, s);
    else
      append_json_string(out, valid_utf8(s));
  };
  switch (value.GetType()) {
    case rapidjson::kNullType:
      out += "null";
      return;
    case rapidjson::kFalseType:
      out += "false";
      return;
    case rapidjson::kTrueType:
      out += "true";
      return;
    case rapidjson::kStringType:
      text(json_view(value));
      return;
    case rapidjson::kNumberType: {
      rapidjson::StringBuffer number;
      rapidjson::Writer<rapidjson::StringBuffer> writer(number);
      value.Accept(writer);
      out.append(number.GetString(), number.GetSize());
      return;
    }
    case rapidjson::kObjectType: {
      out += '{';
      bool first = true;
      for (const auto& m : value.GetObject()) {
        if (!first) out += ',';
        first = false;
        text(json_view(m.name));
        out += ':';
        append_json(out, m.value);
      }
      out += '}';
      return;
    }
    case rapidjson::kArrayType: {
      out += '[';
      bool first = true;
      for (const auto& v : value.GetArray()) {
        if (!first) out += ',';
        first = false;
        append_json(out, v);
      }
      out += ']';
      return;
    }
  }
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

void for_each_canonical_piece(const Value& object, bool trimmed, std::string_view leave_out,
                              const std::function<void(std::string_view)>& piece) {
  struct Field {
    std::string_view key, text;  // text: a string's own
    bool is_string = false;
    std::string json;  // an object, array, number or boolean written out
  };
  std::vector<Field> fields;
  if (object.IsObject()) {
    fields.reserve(object.MemberCount());
    for (const auto& m : object.GetObject()) {
      if (is_empty(m.value, trimmed)) continue;
      std::string_view key = trimmed ? trim_json_space(json_view(m.name)) : json_view(m.name);
      if (!leave_out.empty() && key == leave_out) continue;
      Field& f = fields.emplace_back();
      f.key = key;
      f.is_string = m.value.IsString();
      if (f.is_string)
        f.text = trimmed ? trim_json_space(json_view(m.value)) : json_view(m.value);
      else
        f.json = compact_json(m.value, trimmed);
    }
  }
  // Byte order; of fields with the same key, the last one sent.
  std::stable_sort(fields.begin(), fields.end(),
                   [](const Field& a, const Field& b) { return a.key < b.key; });
  bool first = true;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i + 1 < fields.size() && fields[i + 1].key == fields[i].key) continue;
    const Field& f = fields[i];
    if (!first) piece("&");
    first = false;
    piece(f.key);
    piece("=");
    piece(f.is_string ? f.text : std::string_view(f.json));
  }
}

std::string canonical_fields(const Value& object, bool trimmed, std::string_view leave_out) {
  std::string out;
  for_each_canonical_piece(object, trimmed, leave_out, [&](std::string_view p) { out += p; });
  return out;
}

}  // namespace eseal::api
