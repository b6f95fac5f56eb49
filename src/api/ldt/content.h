// Reading a request's message_content and writing an answer's, for every LD/T operation
// (centralized signing and filing alike): fields as text, fields the seed spells two ways,
// required fields refused in the family's words, and flat string objects.
#pragma once

#include <rapidjson/document.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace eseal::api::ldt {

// A refusal of the caller's content, worded for errorInfo.
Error refused(std::string info);

// A member of `object` as text: strings as they are (already trimmed), numbers as written;
// "" when absent or of another type.
std::string text_of(const rapidjson::Value& object, const char* key);

// The text of whichever of `keys` the object has (the seed spells some fields two ways); two of
// them at once are refused rather than one silently preferred.
Result<std::string> either(const rapidjson::Value& object, std::initializer_list<const char*> keys);

Result<std::string> required(const rapidjson::Value& object, const char* key);
// `keys.begin()` names the field in the refusal.
Result<std::string> required(const rapidjson::Value& object,
                             std::initializer_list<const char*> keys);
// Several required fields at once, in order; the first missing one is refused.
Result<std::vector<std::string>> required_fields(const rapidjson::Value& object,
                                                 std::initializer_list<const char*> keys);

// Sets `key` of `object` to the string `value` (replacing a member of that name).
void put(rapidjson::Value& object, rapidjson::Document::AllocatorType& allocator, const char* key,
         const std::string& value);

// An object of string fields.
rapidjson::Document string_content(
    std::initializer_list<std::pair<const char*, std::string>> fields);

}  // namespace eseal::api::ldt
