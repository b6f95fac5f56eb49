// What the repositories' implementations share: times as the columns keep them, flags, and
// readers of one-column rows. Internal to src/store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "store/sql.h"

namespace eseal::store {

inline std::int64_t epoch(Time t) {
  return t.time_since_epoch().count();
}
inline Time from_epoch(std::int64_t seconds) {
  return Time{std::chrono::seconds{seconds}};
}
// 0 stands for "none" in optional times.
inline std::int64_t epoch_or_zero(const std::optional<Time>& t) {
  return t ? epoch(*t) : 0;
}
inline std::optional<Time> time_or_none(std::int64_t seconds) {
  if (seconds == 0) return std::nullopt;
  return from_epoch(seconds);
}
inline std::int64_t flag(bool b) {
  return b ? 1 : 0;
}

inline Result<std::string> first_text(const sql::Row& row) {
  return row.text(0);
}
inline Result<std::int64_t> first_integer(const sql::Row& row) {
  return row.integer(0);
}

// The context an app's HMAC key is sealed under (apps.cpp); kek_belongs opens it.
std::string app_hmac_context(const std::string& app_id);

// "a, b" of a list of states, for messages.
std::string listed(const std::vector<std::string>& states);

}  // namespace eseal::store
