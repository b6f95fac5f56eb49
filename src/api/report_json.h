// What a verification found, as JSON: the same fields for seals, PDF and OFD, written by the
// CLI's --json output and the REST API alike.
#pragma once

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <string>
#include <vector>

#include "doc/placement.h"
#include "doc/value_report.h"
#include "ses/verify.h"

namespace eseal::api {

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

inline void json_string(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

// "checks": [{name, result, detail, finding (when there is one)}, …]
void json_checks(JsonWriter& w, const ses::Verdict& verdict);

// "valid": true when the outcome is valid, "verdict": "valid" | "indeterminate" | "failed",
// "findings": […]
void json_validity(JsonWriter& w, const ses::Outcome& outcome);

// "key": ["…", …]
void json_strings(JsonWriter& w, const char* key, const std::vector<std::string>& values);

// {page (1-based), xMm, yMm, widthMm, heightMm}, millimetres to 0.01.
void json_placed_rect(JsonWriter& w, int page, const doc::RectMm& rect);

// "changes": [{page, xMm, yMm, widthMm, heightMm, kind}, …]: where the document changed after a
// signature (doc::ChangedRegion).
void json_changed_regions(JsonWriter& w, const std::vector<doc::ChangedRegion>& regions);

// What a signature value tells, the same for PDF and OFD: format, valid, verdict, findings,
// signingTime, signer, sealId, sealName, pictureType, timeStamp (the genTime a valid time stamp
// proves, or ""), timeStampAuthority (the checks are written last, by the caller).
void json_value(JsonWriter& w, const doc::ValueReport& value);

}  // namespace eseal::api
