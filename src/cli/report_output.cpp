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
