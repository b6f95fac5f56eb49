// How the verify commands print what they checked: one aligned line per check for people, and
// JSON for machines, the same for seals, PDF and OFD.
#pragma once

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "api/report_json.h"
#include "cli/cli_support.h"
#include "doc/placement.h"
#include "doc/value_report.h"
#include "ses/verify.h"

namespace eseal::cli {

using api::json_changed_regions;
using api::json_checks;
using api::json_placed_rect;
using api::json_string;
using api::json_strings;
using api::json_validity;
using api::json_value;
using api::JsonWriter;

// "  passed   maker-signature         SM3withSM2 over …"
std::string check_line(const ses::Check& check);

// "  verdict  indeterminate: no-chain-checked (signer-chain, seal.maker-chain)": the outcome of
// one signature's checks, each finding with the checks that found it.
std::string verdict_line(const ses::Verdict& verdict);

// The last line of a verification: "OK <valid>", "INDETERMINATE …: <findings>" or
// "FAILED <failed>: <findings>".
std::string outcome_line(const ses::Outcome& outcome, std::string_view valid,
                         std::string_view failed);
// outcome_line for a document's signatures.
std::string document_verdict_line(const ses::Outcome& outcome);

// "no-chain-checked, unknown-root"
std::string findings_text(const ses::Outcome& outcome);

// 0 valid, 4 indeterminate, 1 failed.
int exit_code_for(const ses::Outcome& outcome);

// "  changed after it: page 2 at 0.0, 0.0 mm (210.0 x 297.0 mm): content"
std::string changed_region_line(const doc::ChangedRegion& region);

}  // namespace eseal::cli
