#include "image/seal_plan.h"

#include <glib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace eseal::image::detail {
namespace {

constexpr double kMinSizeMm = 5;
constexpr double kMaxSizeMm = 200;
constexpr double kMinDpi = 72;
constexpr double kMaxDpi = 1200;
constexpr std::size_t kMaxArcName = 40;
constexpr std::size_t kMaxPurpose = 20;
constexpr std::size_t kMaxCode = 32;

std::string_view trim_spaces(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

Result<CodePoints> split_code_points(std::string_view text, const std::string& what) {
  if (!g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) {
    return Error::invalid_input(what + " is not valid UTF-8");
  }
  CodePoints out;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const char* next = g_utf8_next_char(p);
    if (g_unichar_iscntrl(g_utf8_get_char(p))) {
      return Error::invalid_input(what + " contains a control character");
    }
    out.emplace_back(p, next);
    p = next;
  }
  return out;
}

std::string format_mm(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

Status check_length(double value, double low, double high, const char* what) {
  if (!std::isfinite(value) || value < low || value > high) {
    return Error::invalid_input(std::string(what) + " must be between " + format_mm(low) + " and " +
                                format_mm(high) + " mm");
  }
  return ok_status();
}

}  // namespace

Result<Plan> make_plan(const SealPictureSpec& spec) {
  Plan plan;
  plan.kind = spec.kind;
  const std::string kind(template_name(spec.kind));
  if (kind.empty()) return Error::invalid_input("unknown seal template");

  if (!std::isfinite(spec.width_mm) || spec.width_mm < kMinSizeMm || spec.width_mm > kMaxSizeMm) {
    return Error::invalid_input("seal width must be between 5 and 200 mm");
  }
  plan.width = spec.width_mm;
  plan.height = spec.width_mm;
  if (spec.kind != SealTemplate::kRound) {
    if (!std::isfinite(spec.height_mm) || spec.height_mm < kMinSizeMm ||
        spec.height_mm > kMaxSizeMm) {
      return Error::invalid_input("seal height must be between 5 and 200 mm");
    }
    plan.height = spec.height_mm;
    const double aspect = plan.width / plan.height;
    if (spec.kind == SealTemplate::kOval && (aspect < 1 || aspect > 2)) {
      return Error::invalid_input("an oval seal must be wider than tall, at most twice as wide");
    }
    if (spec.kind == SealTemplate::kSquare && (aspect < 0.5 || aspect > 2)) {
      return Error::invalid_input("a square seal's sides may differ at most twofold");
    }
  }
  const SealStyle& style = spec.style;
  if (!std::isfinite(style.dpi) || style.dpi < kMinDpi || style.dpi > kMaxDpi) {
    return Error::invalid_input("resolution must be between 72 and 1200 dpi");
  }
  if (style.color > 0xFFFFFF) return Error::invalid_input("colour must be 0xRRGGBB");
  plan.red = ((style.color >> 16) & 0xFF) / 255.0;
  plan.green = ((style.color >> 8) & 0xFF) / 255.0;
  plan.blue = (style.color & 0xFF) / 255.0;
  if (style.font_weight < 100 || style.font_weight > 1000) {
    return Error::invalid_input("font weight must be between 100 and 1000");
  }
  plan.font_weight = style.font_weight;
  plan.font_family = style.font_family.empty() ? SealStyle{}.font_family : style.font_family;

  const double smaller = std::min(plan.width, plan.height);
  if (auto s = check_length(style.ring_width_mm, 0, smaller / 8, "ring width"); !s) {
    return s.error();
  }
  for (auto [value, what] : {std::pair{style.name_size_mm, "name size"},
                             std::pair{style.purpose_size_mm, "purpose size"},
                             std::pair{style.code_size_mm, "code size"}}) {
    if (auto s = check_length(value, 0, smaller / 3, what); !s) return s.error();
  }
  plan.name_size = style.name_size_mm;
  plan.purpose_size = style.purpose_size_mm;
  plan.code_size = style.code_size_mm;

  // The templates' usual ring widths belong to their usual sizes; smaller seals get thinner rings.
  const double usual_ring = spec.kind == SealTemplate::kRound  ? 1.2 * std::min(1.0, smaller / 42)
                            : spec.kind == SealTemplate::kOval ? 1.0 * std::min(1.0, smaller / 30)
                                                               : 0.8 * std::min(1.0, smaller / 20);
  plan.ring = style.ring_width_mm > 0 ? style.ring_width_mm : usual_ring;

  auto name = split_code_points(trim_spaces(spec.name), "seal name");
  if (!name) return name.error();
  plan.name = std::move(*name);
  auto purpose = split_code_points(trim_spaces(spec.purpose), "seal purpose");
  if (!purpose) return purpose.error();
  plan.purpose = std::move(*purpose);
  auto code = split_code_points(trim_spaces(spec.code), "seal code");
  if (!code) return code.error();
  plan.code = std::move(*code);

  const std::size_t count = plan.name.size();
  if (count == 0) return Error::invalid_input("seal name is empty");
  if (spec.kind == SealTemplate::kSquare) {
    if (count < 2 || count > 4) {
      return Error::invalid_input("seal name has " + std::to_string(count) +
                                  " characters; a square seal holds 2 to 4");
    }
    if (!plan.purpose.empty() || !plan.code.empty()) {
      return Error::invalid_input("a square seal has no purpose or code, only the name");
    }
  } else if (count > kMaxArcName) {
    return Error::invalid_input("seal name has " + std::to_string(count) + " characters; " +
                                (spec.kind == SealTemplate::kOval ? "an " : "a ") + kind +
                                " seal holds at most " + std::to_string(kMaxArcName));
  }
  if (plan.purpose.size() > kMaxPurpose) {
    return Error::invalid_input("seal purpose has " + std::to_string(plan.purpose.size()) +
                                " characters; at most " + std::to_string(kMaxPurpose));
  }
  if (plan.code.size() > kMaxCode) {
    return Error::invalid_input("seal code has " + std::to_string(plan.code.size()) +
                                " characters; at most " + std::to_string(kMaxCode));
  }
  plan.star = spec.star;
  plan.frame = spec.frame;
  return plan;
}

}  // namespace eseal::image::detail
