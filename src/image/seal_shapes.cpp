#include "image/seal_shapes.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace eseal::image::detail {
namespace {

constexpr double kPi = std::numbers::pi;

double radians(double degrees) {
  return degrees * kPi / 180;
}

// The area between an ellipse with semi-axes (a, b) and one `ring` narrower, centred on (x, y).
void fill_elliptic_ring(cairo_t* cr, double x, double y, double a, double b, double ring) {
  for (double inset : {0.0, ring}) {
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, a - inset, b - inset);
    cairo_new_sub_path(cr);
    cairo_arc(cr, 0, 0, 1, 0, 2 * kPi);
    cairo_close_path(cr);
    cairo_restore(cr);
  }
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_fill(cr);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
}

// A solid five-pointed star, one point up, inscribed in a circle of radius `r`.
void fill_star(cairo_t* cr, double x, double y, double r) {
  // Inner radius of a regular star: the points' edges are collinear in pairs.
  const double inner = r * std::sin(radians(18)) / std::sin(radians(126));
  for (int i = 0; i < 10; ++i) {
    const double rho = i % 2 == 0 ? r : inner;
    const double angle = radians(-90 + 36 * i);
    cairo_line_to(cr, x + rho * std::cos(angle), y + rho * std::sin(angle));
  }
  cairo_close_path(cr);
  cairo_fill(cr);
}

// Horizontal condensing of name glyphs: real seals narrow the characters of long names down
// to about this, and set them smaller only beyond it.
constexpr double kMinNameCondense = 0.6;
constexpr double kMaxNameCondense = 0.88;

// A point on the curve the name's glyph centres follow: `depth` mm inside the ellipse with
// semi-axes (a, b), at parameter t (0 at the top, clockwise), with the outward normal there.
struct CurvePoint {
  double x, y;    // relative to the centre
  double nx, ny;  // outward unit normal
  double bend;    // radius of curvature of the offset curve
};

CurvePoint offset_ellipse(double a, double b, double depth, double t) {
  const double ex = a * std::sin(t);
  const double ey = -b * std::cos(t);
  double nx = std::sin(t) / a;
  double ny = -std::cos(t) / b;
  const double norm = std::hypot(nx, ny);
  nx /= norm;
  ny /= norm;
  const double speed = std::hypot(a * std::cos(t), b * std::sin(t));
  const double bend = speed * speed * speed / (a * b) - depth;
  return {ex - nx * depth, ey - ny * depth, nx, ny, bend};
}

}  // namespace

// ---- Round seal (公章): 42 mm, ring 1.2 mm, star 14 mm across, name on the upper arc. ----

void draw_round(cairo_t* cr, const Plan& plan, const Runs& runs) {
  const double radius = plan.width / 2;
  const double k = plan.width / 42;  // the standard seal's proportions, scaled
  const double centre = radius;
  const double inner = radius - plan.ring;
  const double gap = 0.8 * k;
  fill_elliptic_ring(cr, centre, centre, radius, radius, plan.ring);
  const double star_radius = 7 * k;
  if (plan.star) fill_star(cr, centre, centre, star_radius);

  // Name: glyph tops toward the ring, spread over 210 to 250 degrees as the name grows.
  const Run& name = runs.name;
  const double count = static_cast<double>(name.size());
  const double span = radians(std::clamp(210 + (count - 6) * 40 / 14, 210.0, 250.0));
  double size = plan.name_size > 0 ? plan.name_size : 6.8 * k;
  double text_radius = 0, step = 0, condense = 0, ink_height = 0;
  for (int attempt = 0; attempt < 200; ++attempt) {
    const double unit = size / kNominal;
    ink_height = name.ink_height() * unit;
    text_radius = inner - gap - ink_height / 2;
    const double advance = name.max_advance * unit;
    // Short names keep their glyphs about half a glyph apart rather than spreading thin.
    step = std::min(span / count, 1.5 * advance * kMaxNameCondense / text_radius);
    // Neighbours come closest at the glyphs' feet; fit them a quarter down from the centre.
    const double room = 0.94 * (text_radius - ink_height / 4) * step;
    condense = std::min(kMaxNameCondense, room / advance);
    if (plan.name_size > 0 || condense >= kMinNameCondense) break;
    size *= 0.98;
  }
  const double name_span = step * count;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const double angle = -name_span / 2 + step * (static_cast<double>(i) + 0.5);
    const double unit = size / kNominal;
    fill_glyph(cr, name, name.glyphs[i], centre + text_radius * std::sin(angle),
               centre - text_radius * std::cos(angle), angle, unit * condense, unit);
  }
  // How far down the name reaches (its lowest glyph feet), which the purpose must stay above.
  const double name_feet = text_radius - ink_height / 2;

  // Code: digits along the lower arc, reading left to right, glyph feet toward the ring.
  double code_inner = inner - gap;
  if (!plan.code.empty()) {
    const Run& code = runs.code;
    const double code_count = static_cast<double>(code.size());
    const double code_size = plan.code_size > 0 ? plan.code_size : 3.2 * k;
    const double unit = code_size / kNominal;
    const double code_ink = code.ink_height() * unit;
    const double code_radius = inner - gap - code_ink / 2;
    const double advance = code.max_advance * unit;
    double code_condense = 0.8;
    double code_step = advance * code_condense * 1.2 / code_radius;
    // Stay clear of the name's ends.
    const double room = 2 * (kPi - name_span / 2) - radians(14);
    if (code_step * code_count > room) {
      code_step = room / code_count;
      code_condense = std::min(code_condense, 0.9 * code_step * code_radius / advance);
    }
    const double code_span = code_step * code_count;
    for (std::size_t i = 0; i < code.size(); ++i) {
      const double angle = -code_span / 2 + code_step * (static_cast<double>(i) + 0.5);
      fill_glyph(cr, code, code.glyphs[i], centre + code_radius * std::sin(angle),
                 centre + code_radius * std::cos(angle), -angle, unit * code_condense, unit);
    }
    code_inner = code_radius - code_ink / 2 - gap;
  }

  // Purpose: one horizontal line under the star, its corners inside the code (or the ring) and
  // clear of the name's ends, which reach below the middle on long names.
  if (!plan.purpose.empty()) {
    const Run& purpose = runs.purpose;
    const double top = (plan.star ? star_radius * std::cos(radians(36)) : 0) + 1.6 * k;
    const double feet = name_feet - gap;
    const double clear_angle = kPi - name_span / 2 - radians(8);  // from the bottom
    double purpose_size = plan.purpose_size > 0 ? plan.purpose_size : 4.6 * k;
    double unit = 0, ink = 0, purpose_condense = 0;
    for (int attempt = 0; attempt < 200; ++attempt) {
      unit = purpose_size / kNominal;
      ink = purpose.ink_height() * unit;
      const double bottom = top + ink;
      auto fits = [&](double half) {
        if (half * half + bottom * bottom > code_inner * code_inner) return false;
        if (clear_angle >= kPi / 2) return true;
        // Points (half, y) of the line's right edge both beyond the name's feet and inside
        // the name's sector would collide.
        const double low = std::max(top, std::sqrt(std::max(0.0, feet * feet - half * half)));
        const double high = std::min(bottom, half / std::tan(std::max(clear_angle, 1e-3)));
        return low > high;
      };
      double fitting = 0, too_wide = radius;
      for (int i = 0; i < 40; ++i) {
        const double half = (fitting + too_wide) / 2;
        (fits(half) ? fitting : too_wide) = half;
      }
      purpose_condense = std::min(1.0, 2 * fitting / (purpose.total_advance * unit));
      if (plan.purpose_size > 0 || purpose_condense >= 0.6) break;
      purpose_size *= 0.97;
    }
    purpose_condense = std::max(purpose_condense, 0.05);
    fill_line(cr, purpose, centre, centre + top + ink / 2, purpose_size, purpose_condense,
              purpose_condense);
  }
}

// ---- Oval seal (发票专用章): 40 x 30 mm, ring 1 mm, name along the ellipse. ----

void draw_oval(cairo_t* cr, const Plan& plan, const Runs& runs) {
  const double a = plan.width / 2;
  const double b = plan.height / 2;
  const double k = std::min(plan.width / 40, plan.height / 30);
  const double cx = a;
  const double cy = b;
  const double inner_a = a - plan.ring;
  const double inner_b = b - plan.ring;
  const double gap = 0.6 * k;
  fill_elliptic_ring(cr, cx, cy, a, b, plan.ring);

  // Name: equal arc-length spacing along the curve `depth` inside the ring, each glyph turned
  // to the ellipse's normal.
  const Run& name = runs.name;
  const double count = static_cast<double>(name.size());
  const double span = radians(std::clamp(175 + (count - 6) * 4, 175.0, 215.0));
  double size = plan.name_size > 0 ? plan.name_size : 4.6 * k;
  constexpr int kSamples = 2048;
  std::vector<double> length(kSamples + 1);  // arc length from t = -span/2
  std::vector<CurvePoint> placed;
  double condense = 0, depth = 0, ink_height = 0;
  for (int attempt = 0; attempt < 200; ++attempt) {
    const double unit = size / kNominal;
    ink_height = name.ink_height() * unit;
    depth = gap + ink_height / 2;
    auto at = [&](int i) {
      return offset_ellipse(inner_a, inner_b, depth, -span / 2 + span * i / kSamples);
    };
    CurvePoint previous = at(0);
    length[0] = 0;
    for (int i = 1; i <= kSamples; ++i) {
      const CurvePoint point = at(i);
      length[i] = length[i - 1] + std::hypot(point.x - previous.x, point.y - previous.y);
      previous = point;
    }
    // Short names keep their glyphs about half a glyph apart rather than spreading thin.
    const double advance = name.max_advance * unit;
    const double spacing = std::min(length[kSamples] / count, 1.5 * advance * kMaxNameCondense);
    const double start = (length[kSamples] - spacing * count) / 2;
    placed.clear();
    double room = spacing;
    for (std::size_t g = 0; g < name.size(); ++g) {
      const double target = start + spacing * (static_cast<double>(g) + 0.5);
      const auto found = std::lower_bound(length.begin(), length.end(), target);
      const int i = std::clamp(static_cast<int>(found - length.begin()), 1, kSamples);
      const double fraction = (target - length[i - 1]) / (length[i] - length[i - 1]);
      const double t = -span / 2 + span * (i - 1 + fraction) / kSamples;
      const CurvePoint point = offset_ellipse(inner_a, inner_b, depth, t);
      placed.push_back(point);
      room = std::min(room, spacing * std::max(0.0, point.bend - ink_height / 4) / point.bend);
    }
    condense = std::min(kMaxNameCondense, 0.94 * room / advance);
    if (plan.name_size > 0 || condense >= kMinNameCondense - 0.1) break;
    size *= 0.98;
  }
  {
    const double unit = size / kNominal;
    for (std::size_t g = 0; g < name.size(); ++g) {
      const CurvePoint& point = placed[g];
      fill_glyph(cr, name, name.glyphs[g], cx + point.x, cy + point.y,
                 std::atan2(point.nx, -point.ny), unit * condense, unit);
    }
  }
  // The name's glyphs stand across the ends of the long axis: the middle line stays inside them.
  const double middle_half = inner_a - 3 * gap - ink_height;

  // Tax number: horizontal, in the middle.
  double code_bottom = 0;
  if (!plan.code.empty()) {
    const Run& code = runs.code;
    const double code_size = plan.code_size > 0 ? plan.code_size : 5.0 * k;
    const double unit = code_size / kNominal;
    const double natural = code.total_advance * unit;
    const double code_condense = std::clamp(2 * middle_half / natural, 0.05, 0.85);
    fill_line(cr, code, cx, cy, code_size, code_condense, code_condense);
    code_bottom = code.ink_height() * unit / 2;
  }

  // Purpose: horizontal, near the bottom.
  if (!plan.purpose.empty()) {
    const Run& purpose = runs.purpose;
    const double purpose_size = plan.purpose_size > 0 ? plan.purpose_size : 5.0 * k;
    const double unit = purpose_size / kNominal;
    const double ink = purpose.ink_height() * unit;
    const double bottom =
        std::min(inner_b - gap, std::max(inner_b - 2.6 * k, code_bottom + gap + ink));
    const double half =
        inner_a * std::sqrt(std::max(0.0, 1 - (bottom / inner_b) * (bottom / inner_b))) - gap;
    // Invoice seals set these characters narrow (3 mm wide, 4.6 mm high) and spaced out.
    const double pitch = std::clamp(2 * half / (purpose.total_advance * unit), 0.05, 0.95);
    fill_line(cr, purpose, cx, cy + bottom - ink / 2, purpose_size, std::min(pitch, 0.72), pitch);
  }
}

// ---- Square name seal (姓名章): 20 x 20 mm, frame 0.8 mm, read in columns right to left. ----

void draw_square(cairo_t* cr, const Plan& plan, const Runs& runs) {
  const double w = plan.width;
  const double h = plan.height;
  const double smaller = std::min(w, h);
  if (plan.frame) {
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_rectangle(cr, plan.ring, plan.ring, w - 2 * plan.ring, h - 2 * plan.ring);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_fill(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
  }
  const double margin = plan.frame ? plan.ring + 0.05 * smaller : 0.03 * smaller;
  const double gutter = 0.05 * smaller;
  const double left = margin;
  const double top = margin;
  const double inner_w = w - 2 * margin;
  const double inner_h = h - 2 * margin;
  const double column_w = (inner_w - gutter) / 2;
  const double half_h = (inner_h - gutter) / 2;
  const double right_x = left + column_w + gutter;

  struct Cell {
    double x, y, w, h;
  };
  std::vector<Cell> cells;  // in reading order
  switch (plan.name.size()) {
    case 2:
      cells = {{right_x, top, column_w, inner_h}, {left, top, column_w, inner_h}};
      break;
    case 3:
      cells = {{right_x, top, column_w, inner_h},
               {left, top, column_w, half_h},
               {left, top + half_h + gutter, column_w, half_h}};
      break;
    default:
      cells = {{right_x, top, column_w, half_h},
               {right_x, top + half_h + gutter, column_w, half_h},
               {left, top, column_w, half_h},
               {left, top + half_h + gutter, column_w, half_h}};
      break;
  }
  // Every character is stretched so that the run's ink box fills its cell, as seal cutters do.
  const Run& name = runs.name;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const Cell& cell = cells[i];
    fill_glyph(cr, name, name.glyphs[i], cell.x + cell.w / 2, cell.y + cell.h / 2, 0,
               cell.w / 2 / name.ink_half_width, cell.h / name.ink_height());
  }
}

}  // namespace eseal::image::detail
