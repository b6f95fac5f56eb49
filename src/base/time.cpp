#include "base/time.h"

#include <cstdio>
#include <string>

namespace eseal {

std::string format_utc(Time t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd(day);
  std::chrono::hh_mm_ss hms(t - day);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

Result<Time> parse_utc(std::string_view text) {
  // Accepted shapes, checked character by character: D = digit.
  static constexpr std::string_view kDate = "DDDD-DD-DD";
  static constexpr std::string_view kIso = "DDDD-DD-DDTDD:DD:DDZ";
  static constexpr std::string_view kSpaced = "DDDD-DD-DD DD:DD:DD";
  auto matches = [text](std::string_view shape) {
    if (text.size() != shape.size()) return false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
      bool digit = text[i] >= '0' && text[i] <= '9';
      if (shape[i] == 'D' ? !digit : text[i] != shape[i]) return false;
    }
    return true;
  };
  bool date_only = matches(kDate);
  if (!date_only && !matches(kIso) && !matches(kSpaced)) {
    return Error::invalid_input("not a UTC time (want YYYY-MM-DDTHH:MM:SSZ): " + std::string(text));
  }
  auto number = [text](std::size_t at, std::size_t width) {
    unsigned value = 0;
    for (std::size_t i = at; i < at + width; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(number(0, 4))),
                                  std::chrono::month(number(5, 2)), std::chrono::day(number(8, 2))};
  unsigned h = date_only ? 0 : number(11, 2);
  unsigned mi = date_only ? 0 : number(14, 2);
  unsigned s = date_only ? 0 : number(17, 2);
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) {
    return Error::invalid_input("not a valid date and time: " + std::string(text));
  }
  return Time(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(s);
}

std::string format_china(Time t) {
  std::string out = format_utc(t + std::chrono::hours(8)).substr(0, 19);
  out[10] = ' ';
  return out;
}

Result<Time> parse_china(std::string_view text) {
  if (text.find('T') != std::string_view::npos || text.find('Z') != std::string_view::npos)
    return Error::invalid_input("not a China Standard Time \"YYYY-MM-DD HH:MM:SS\": " +
                                std::string(text));
  auto t = parse_utc(text);
  if (!t) return t.error();
  return *t - std::chrono::hours(8);
}

}  // namespace eseal
