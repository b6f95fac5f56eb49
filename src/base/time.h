// Points in time at one-second resolution, in UTC. Engines never read the clock: callers pass
// the time, so every check is reproducible.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace eseal {

using Time = std::chrono::sys_seconds;

// "2026-11-23T12:00:00Z"
std::string format_utc(Time t);
// Accepts "YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DD HH:MM:SS" (taken as UTC) and "YYYY-MM-DD".
Result<Time> parse_utc(std::string_view text);

// China Standard Time (UTC+8), as the seeds print times: "2022-02-10 12:00:00".
std::string format_china(Time t);
// "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" read as China Standard Time.
Result<Time> parse_china(std::string_view text);

// The current time, for the outermost layers (CLI, services) to pass down.
inline Time now_utc() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace eseal
