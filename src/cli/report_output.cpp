#include "cli/report_output.h"

#include <cstdio>

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

std::string changed_region_line(const doc::ChangedRegion& r) {
  char line[160];
  std::snprintf(line, sizeof line,
                "  changed after it: page %d at %.1f, %.1f mm (%.1f x %.1f mm): ", r.page + 1,
                r.rect.x, r.rect.y, r.rect.width, r.rect.height);
  return line + r.kind + "\n";
}

}  // namespace eseal::cli
