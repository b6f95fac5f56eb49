#include "api/report_json.h"

#include <cmath>

namespace eseal::api {

void json_checks(JsonWriter& w, const ses::Verdict& verdict) {
  w.Key("checks");
  w.StartArray();
  for (const auto& c : verdict.checks) {
    w.StartObject();
    json_string(w, "name", c.name);
    json_string(w, "result", std::string(ses::result_name(c.result)));
    json_string(w, "detail", c.detail);
    if (!c.finding.empty()) json_string(w, "finding", c.finding);
    w.EndObject();
  }
  w.EndArray();
}

void json_strings(JsonWriter& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const auto& v : values) w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  w.EndArray();
}

void json_validity(JsonWriter& w, const ses::Outcome& outcome) {
  w.Key("valid");
  w.Bool(outcome.indication == ses::Indication::kValid);
  json_string(w, "verdict", std::string(ses::indication_name(outcome.indication)));
  json_strings(w, "findings", outcome.findings);
}

void json_value(JsonWriter& w, const doc::ValueReport& value) {
  json_string(w, "format", value.format);
  json_validity(w, value.outcome());
  json_string(w, "signingTime", value.signing_time ? format_utc(*value.signing_time) : "");
  json_string(w, "signer", value.signer);
  json_string(w, "sealId", value.seal_id);
  json_string(w, "sealName", value.seal_name);
  json_string(w, "pictureType", value.picture_type);
  json_string(w, "timeStamp", value.time_stamp ? format_utc(*value.time_stamp) : "");
  json_string(w, "timeStampAuthority", value.time_stamp_authority);
}

namespace {

void placed_rect_fields(JsonWriter& w, int page, const doc::RectMm& rect) {
  w.Key("page");
  w.Int(page + 1);
  for (auto [key, value] : {std::pair{"xMm", rect.x}, std::pair{"yMm", rect.y},
                            std::pair{"widthMm", rect.width}, std::pair{"heightMm", rect.height}}) {
    w.Key(key);
    w.Double(std::round(value * 100) / 100);
  }
}

}  // namespace

void json_placed_rect(JsonWriter& w, int page, const doc::RectMm& rect) {
  w.StartObject();
  placed_rect_fields(w, page, rect);
  w.EndObject();
}

void json_changed_regions(JsonWriter& w, const std::vector<doc::ChangedRegion>& regions) {
  w.Key("changes");
  w.StartArray();
  for (const doc::ChangedRegion& r : regions) {
    w.StartObject();
    placed_rect_fields(w, r.page, r.rect);
    json_string(w, "kind", r.kind);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace eseal::api
