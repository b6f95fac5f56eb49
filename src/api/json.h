// The one way a door reads a JSON body from outside. RapidJSON's iterative parser (no recursion,
// whatever the input) feeds a document through a checker that refuses, while parsing:
// - nesting deeper than a limit, so that no later walk over the document can run out of stack;
// - more values than a limit, so that a body of small values (`[0,0,…]`: 2 bytes of text, 16 of
//   document each) cannot make the document many times the size of the body;
// - an object with two keys that are equal once surrounding white space is trimmed (the doors
//   trim keys, so " data" and "data" would otherwise name one field twice, and whoever reads the
//   first sees other values than whoever reads the last);
// - text that is not well-formed UTF-8;
// - a number beyond a double's range.
// Only a document that passed may be walked recursively.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace eseal::api {

struct JsonLimits {
  unsigned max_depth = 32;          // objects and arrays nested at most this deep
  std::size_t max_values = 100000;  // values in all (objects, arrays, strings, numbers, …)
};

struct JsonError {
  enum class Kind { kSyntax, kTooDeep, kTooManyValues, kDuplicateKey } kind = Kind::kSyntax;
  // The parser's complaint, the limit broken, or the duplicated key (trimmed).
  std::string detail;
};

// Either the document or why it was refused.
struct ParsedJson {
  std::unique_ptr<rapidjson::Document> document;
  JsonError error;
  explicit operator bool() const { return document != nullptr; }
};

ParsedJson parse_json(std::string_view text, const JsonLimits& limits = {});
// The same checks over `text` itself (RapidJSON in situ): strings are unescaped where they
// stand and the document points into `text`, which must outlive it and be followed by a NUL
// (text.data()[text.size()] == 0, as std::string guarantees). For large bodies: no copy.
ParsedJson parse_json_in_place(std::span<char> text, const JsonLimits& limits = {});

// In English, for logs and the CLI: "nested deeper than 32", "more than 100000 values", "the key
// \"data\" twice", or the parser's complaint.
std::string describe(const JsonError& error);
// In Chinese, for the doors' answers: "报文嵌套超过32层", "报文包含超过100000个值",
// "报文包含重复的键：data", "报文不是合法的JSON".
std::string describe_zh(const JsonError& error);

// `s` without surrounding spaces, tabs and line breaks. An all-space `s` gives an empty view
// that still points into it (RapidJSON refuses a null string pointer even with length 0).
std::string_view trim_json_space(std::string_view s);

}  // namespace eseal::api
