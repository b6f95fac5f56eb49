#include "base/time.h"

#include <cstdio>

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
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::string str(text);
  char sep = 0, zone = 0;
  int fields =
      std::sscanf(str.c_str(), "%4d-%2u-%2u%c%2u:%2u:%2u%c", &y, &mo, &d, &sep, &h, &mi, &s, &zone);
  bool date_only = fields == 3 && str.size() == 10;
  bool date_time = (fields == 7 || (fields == 8 && zone == 'Z')) && (sep == 'T' || sep == ' ');
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(mo),
                                  std::chrono::day(d)};
  if ((!date_only && !date_time) || !ymd.ok() || h > 23 || mi > 59 || s > 60) {
    return Error::invalid_input("not a UTC time (want YYYY-MM-DDTHH:MM:SSZ): " + str);
  }
  return Time(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(s);
}

}  // namespace eseal
