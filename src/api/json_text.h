// What the doors write and sign from parsed JSON (api/json.h): a string value's text, a value
// re-written compactly (optionally with every key and string rewritten), and the canonical
// "key=value&…" string two families sign — LD/T 01.4 over message_content, COSS over the whole
// request but its `signature` — with the same rules.
#pragma once

#include <rapidjson/document.h>

#include <functional>
#include <string>
#include <string_view>

namespace eseal::api {

// A string value's text (the value must be a string).
inline std::string_view json_view(const rapidjson::Value& string) {
  return {string.GetString(), string.GetStringLength()};
}

// Passes a value's events to a writer with every key and string rewritten by `rewrite`.
template <typename Writer, typename Rewrite>
class Rewriting {
 public:
  Rewriting(Writer& w, Rewrite rewrite) : w_(w), rewrite_(rewrite) {}
  bool Null() { return w_.Null(); }
  bool Bool(bool b) { return w_.Bool(b); }
  bool Int(int i) { return w_.Int(i); }
  bool Uint(unsigned u) { return w_.Uint(u); }
  bool Int64(std::int64_t i) { return w_.Int64(i); }
  bool Uint64(std::uint64_t u) { return w_.Uint64(u); }
  bool Double(double d) { return w_.Double(d); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    std::string t(rewrite_({s, n}));
    return w_.String(t.data(), static_cast<rapidjson::SizeType>(t.size()), true);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    std::string t(rewrite_({s, n}));
    return w_.Key(t.data(), static_cast<rapidjson::SizeType>(t.size()), true);
  }
  bool StartObject() { return w_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) { return w_.EndObject(n); }
  bool StartArray() { return w_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { return w_.EndArray(n); }

 private:
  Writer& w_;
  Rewrite rewrite_;
};

// Appends `text` to `out` as a JSON string: quoted, with '"', '\\' and control characters
// escaped as rapidjson's writer escapes them, any length. (rapidjson's writer reserves six bytes
// a character in 32-bit arithmetic, which wraps for strings over 715 MB: a DB4403 batch's
// encrypted content reaches 1.6 GB.)
void append_json_string(std::string& out, std::string_view text);

// A JSON object written field by field with append_json_string, for envelopes whose values may
// be of any length (rapidjson's writer wraps above 715 MB, and a DB4403 batch's encrypted content
// is 1.6 GB). `reserve`: the expected size.
class JsonObjectText {
 public:
  explicit JsonObjectText(std::size_t reserve = 0) { out_.reserve(reserve); }
  void put(std::string_view key, std::string_view value) { append_json_string(field(key), value); }
  // `json`: a value already written as JSON.
  void put_json(std::string_view key, std::string_view json) { field(key) += json; }
  // Opens the field `key`; the caller appends its one value, as JSON, to what is returned.
  std::string& field(std::string_view key) {
    out_ += out_.empty() ? '{' : ',';
    append_json_string(out_, key);
    out_ += ':';
    return out_;
  }
  std::string finish() && {
    out_ += out_.empty() ? "{}" : "}";
    return std::move(out_);
  }

 private:
  std::string out_;
};

// Appends `value` as compact JSON, as rapidjson's writer would write it, with keys and strings
// by append_json_string and each byte of ill-formed UTF-8 in them written as U+FFFD: what is sent
// is always UTF-8. A document's base64 is copied in runs, not character by character.
void append_json(std::string& out, const rapidjson::Value& value);

// The length of append_json's text for `value` when no string needs escaping (a document's
// base64), an estimate otherwise: for reserving the answer a large value goes into at once.
std::size_t json_size_hint(const rapidjson::Value& value);

// `value` as compact JSON; with `trimmed`, every key and string trimmed (trim_json_space).
std::string compact_json(const rapidjson::Value& value, bool trimmed = false);

// Trims every key and string value at any depth, in place; a string is copied only when there is
// something to trim (large values such as a document's base64 stay where they are).
void trim_in_place(rapidjson::Value& value, rapidjson::Document::AllocatorType& allocator);

// The canonical string of an object's fields: the keys sorted by byte value, "key=value" joined
// by "&"; strings as they are, numbers and booleans as JSON, objects and arrays as compact JSON;
// empty values (null, "", {}, []) and the field `leave_out` left out. With `trimmed`, keys and
// strings are taken trimmed at every depth, without changing `object`.
std::string canonical_fields(const rapidjson::Value& object, bool trimmed = false,
                             std::string_view leave_out = {});
// The same string as canonical_fields, handed to `piece` in order without being put together:
// keys, "=", "&" and values, strings as views of the document's own text.
void for_each_canonical_piece(const rapidjson::Value& object, bool trimmed,
                              std::string_view leave_out,
                              const std::function<void(std::string_view)>& piece);

}  // namespace eseal::api
