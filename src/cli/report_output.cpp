#include "cli/report_output.h"

namespace eseal::cli {

std::string check_line(const ses::Check& check) {
  std::string result(ses::result_name(check.result));
  result.append(result.size() < 9 ? 9 - result.size() : 1, ' ');
  std::string name = check.name;
  name.append(name.size() < 24 ? 24 - name.size() : 1, ' ');
  return "  " + result + name + check.detail + "\n";
}

std::string verdict_line(const ses::Verdict& verdict) {
  ses::Outcome outcome = verdict.outcome();
  std::string out = "  verdict  " + std::string(ses::indication_name(outcome.indication));
  for (std::size_t i = 0; i < outcome.findings.size(); ++i) {
    const std::string& finding = outcome.findings[i];
    std::string checks;
    for (const auto& c : verdict.checks) {
      if (c.finding_name() == finding && c.name != finding) {
        checks += (checks.empty() ? "" : ", ") + c.name;
      }
    }
    out += (i ? ", " : ": ") + finding + (checks.empty() ? "" : " (" + checks + ")");
  }
  return out + "\n";
}

std::string findings_text(const ses::Outcome& outcome) {
  std::string out;
  for (const auto& f : outcome.findings) out += (out.empty() ? "" : ", ") + f;
  return out;
}

std::string outcome_line(const ses::Outcome& outcome, std::string_view valid,
                         std::string_view failed) {
  switch (outcome.indication) {
    case ses::Indication::kValid:
      return "OK " + std::string(valid) + "\n";
    case ses::Indication::kIndeterminate:
      return "INDETERMINATE no check failed, but not everything could be established: " +
             findings_text(outcome) + "\n";
    case ses::Indication::kFailed:
      break;
  }
  return "FAILED " + std::string(failed) + ": " + findings_text(outcome) + "\n";
}

std::string document_verdict_line(const ses::Outcome& outcome) {
  return outcome_line(outcome, "every signature is valid and nothing changed after signing",
                      "the document's signatures do not all hold");
}

int exit_code_for(const ses::Outcome& outcome) {
  switch (outcome.indication) {
    case ses::Indication::kValid:
      return kExitOk;
    case ses::Indication::kIndeterminate:
      return kExitIndeterminate;
    case ses::Indication::kFailed:
      break;
  }
  return kExitVerificationFailed;
}

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

void json_placed_rect(JsonWriter& w, int page, const doc::RectMm& rect) {
  w.StartObject();
  w.Key("page");
  w.Int(page + 1);
  for (auto [key, value] : {std::pair{"xMm", rect.x}, std::pair{"yMm", rect.y},
                            std::pair{"widthMm", rect.width}, std::pair{"heightMm", rect.height}}) {
    w.Key(key);
    w.Double(std::round(value * 100) / 100);
  }
  w.EndObject();
}

}  // namespace eseal::cli
