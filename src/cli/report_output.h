// How the verify commands print what they checked: one aligned line per check for people, and
// JSON for machines, the same for seals, PDF and OFD.
#pragma once

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cmath>
#include <string>

#include "doc/placement.h"
#include "ses/verify.h"

namespace eseal::cli {

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

// "  passed   maker-signature         SM3withSM2 over …"
std::string check_line(const ses::Check& check);

inline void json_string(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

// "checks": [{name, result, detail}, …]
void json_checks(JsonWriter& w, const ses::Verdict& verdict);

// {page (1-based), xMm, yMm, widthMm, heightMm}, millimetres to 0.01.
void json_placed_rect(JsonWriter& w, int page, const doc::RectMm& rect);

}  // namespace eseal::cli
