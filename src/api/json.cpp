#include "api/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cmath>
#include <optional>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "base/utf8.h"

namespace eseal::api {
namespace {

using rapidjson::SizeType;

// Passes SAX events on to `inner` (the document being built) after checking depth and keys.
template <typename Inner>
class Checker {
 public:
  Checker(Inner& inner, const JsonLimits& limits) : inner_(inner), limits_(limits) {}

  const std::optional<JsonError>& refusal() const { return refusal_; }

  bool Null() { return count() && inner_.Null(); }
  bool Bool(bool b) { return count() && inner_.Bool(b); }
  bool Int(int i) { return count() && inner_.Int(i); }
  bool Uint(unsigned u) { return count() && inner_.Uint(u); }
  bool Int64(std::int64_t i) { return count() && inner_.Int64(i); }
  bool Uint64(std::uint64_t u) { return count() && inner_.Uint64(u); }
  // RapidJSON reads a number a little past a double's range as infinity (its own overflow
  // check looks at the exponent alone), which no writer can echo: refused as RapidJSON refuses
  // the rest.
  bool Double(double d) {
    if (!std::isfinite(d)) {
      refusal_ = JsonError{JsonError::Kind::kSyntax, "Number too big to be stored in double."};
      return false;
    }
    return count() && inner_.Double(d);
  }
  bool RawNumber(const char* s, SizeType n, bool copy) {
    return count() && inner_.RawNumber(s, n, copy);
  }
  bool String(const char* s, SizeType n, bool copy) { return count() && inner_.String(s, n, copy); }

  bool StartObject() {
    if (!enter()) return false;
    keys_.emplace_back();
    return inner_.StartObject();
  }
  bool Key(const char* s, SizeType n, bool copy) {
    std::string key(trim_json_space({s, n}));
    if (!keys_.back().insert(key).second) {
      refusal_ = JsonError{JsonError::Kind::kDuplicateKey, std::move(key)};
      return false;
    }
    return inner_.Key(s, n, copy);
  }
  bool EndObject(SizeType members) {
    keys_.pop_back();
    --depth_;
    return inner_.EndObject(members);
  }
  bool StartArray() { return enter() && inner_.StartArray(); }
  bool EndArray(SizeType elements) {
    --depth_;
    return inner_.EndArray(elements);
  }

 private:
  bool count() {
    if (++values_ <= limits_.max_values) return true;
    refusal_ = JsonError{JsonError::Kind::kTooManyValues, std::to_string(limits_.max_values)};
    return false;
  }
  bool enter() {
    if (!count()) return false;
    if (++depth_ <= limits_.max_depth) return true;
    refusal_ = JsonError{JsonError::Kind::kTooDeep, std::to_string(limits_.max_depth)};
    return false;
  }

  Inner& inner_;
  const JsonLimits& limits_;
  unsigned depth_ = 0;
  std::size_t values_ = 0;
  std::vector<std::unordered_set<std::string>> keys_;  // one set per open object
  std::optional<JsonError> refusal_;
};

// Runs the checked parse into whatever handler RapidJSON's Populate hands it: from a copy of the
// text, or (in situ) over the text itself, whose strings the document then points into.
template <bool kInSitu>
class Generator {
 public:
  using Text = std::conditional_t<kInSitu, char*, const char*>;
  Generator(Text text, std::size_t size, const JsonLimits& limits)
      : text_(text), size_(size), limits_(limits) {}

  template <typename Handler>
  bool operator()(Handler& handler) {
    Checker<Handler> checker(handler, limits_);
    rapidjson::Reader reader;
    constexpr unsigned kInSituFlag = kInSitu ? unsigned{rapidjson::kParseInsituFlag} : 0u;
    // The text was checked to be UTF-8 beforehand, in one faster pass.
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | kInSituFlag;
    rapidjson::ParseResult result;
    if constexpr (kInSitu) {
      rapidjson::InsituStringStream stream(text_);
      result = reader.Parse<kFlags>(stream, checker);
    } else {
      rapidjson::MemoryStream stream(text_, size_);
      result = reader.Parse<kFlags>(stream, checker);
    }
    if (checker.refusal()) {
      error_ = *checker.refusal();
    } else if (result.IsError()) {
      error_ = JsonError{JsonError::Kind::kSyntax,
                         std::string(rapidjson::GetParseError_En(result.Code())) + " at offset " +
                             std::to_string(result.Offset())};
    }
    ok_ = !result.IsError();
    return ok_;
  }

  bool ok() const { return ok_; }
  const JsonError& error() const { return error_; }

 private:
  Text text_;
  std::size_t size_;
  const JsonLimits& limits_;
  JsonError error_;
  bool ok_ = false;
};

template <bool kInSitu>
ParsedJson parse(typename Generator<kInSitu>::Text text, std::size_t size,
                 const JsonLimits& limits) {
  ParsedJson out;
  // JSON never holds a raw NUL, and RapidJSON's stream would take one for the end of the text.
  if (std::string_view(text, size).find('\0') != std::string_view::npos) {
    out.error = {JsonError::Kind::kSyntax, "a NUL byte in the text"};
    return out;
  }
  if (!is_utf8(std::string_view(text, size))) {
    out.error = {JsonError::Kind::kSyntax, "text that is not UTF-8"};
    return out;
  }
  Generator<kInSitu> generator(text, size, limits);
  auto document = std::make_unique<rapidjson::Document>();
  document->Populate(generator);
  if (!generator.ok()) {
    out.error = generator.error();
    return out;
  }
  out.document = std::move(document);
  return out;
}

}  // namespace

std::string describe(const JsonError& error) {
  switch (error.kind) {
    case JsonError::Kind::kTooDeep:
      return "nested deeper than " + error.detail;
    case JsonError::Kind::kTooManyValues:
      return "more than " + error.detail + " values";
    case JsonError::Kind::kDuplicateKey:
      return "the key \"" + error.detail + "\" twice";
    case JsonError::Kind::kSyntax:
      break;
  }
  return error.detail;
}

std::string describe_zh(const JsonError& error) {
  switch (error.kind) {
    case JsonError::Kind::kTooDeep:
      return "报文嵌套超过" + error.detail + "层";
    case JsonError::Kind::kTooManyValues:
      return "报文包含超过" + error.detail + "个值";
    case JsonError::Kind::kDuplicateKey:
      return "报文包含重复的键：" + error.detail;
    case JsonError::Kind::kSyntax:
      break;
  }
  return "报文不是合法的JSON";
}

std::string_view trim_json_space(std::string_view s) {
  const char* space = " \t\r\n";
  std::size_t begin = s.find_first_not_of(space);
  if (begin == std::string_view::npos) return s.substr(s.size());
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

ParsedJson parse_json(std::string_view text, const JsonLimits& limits) {
  return parse<false>(text.data(), text.size(), limits);
}

ParsedJson parse_json_in_place(std::span<char> text, const JsonLimits& limits) {
  return parse<true>(text.data(), text.size(), limits);
}

}  // namespace eseal::api
