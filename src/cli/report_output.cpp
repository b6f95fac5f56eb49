#include "cli/report_output.h"

namespace eseal::cli {

std::string check_line(const ses::Check& check) {
  std::string result(ses::result_name(check.result));
  result.append(9 - result.size(), ' ');
  std::string name = check.name;
  name.append(name.size() < 24 ? 24 - name.size() : 1, ' ');
  return "  " + result + name + check.detail + "\n";
}

void json_checks(JsonWriter& w, const ses::Verdict& verdict) {
  w.Key("checks");
  w.StartArray();
  for (const auto& c : verdict.checks) {
    w.StartObject();
    json_string(w, "name", c.name);
    json_string(w, "result", std::string(ses::result_name(c.result)));
    json_string(w, "detail", c.detail);
    w.EndObject();
  }
  w.EndArray();
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
