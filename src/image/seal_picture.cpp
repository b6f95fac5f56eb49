// Draws the seal templates with cairo + pango: checks the spec, lays out the round seal (ring,
// star, name on the upper arc, purpose, code on the lower arc), the oval seal (name along the
// ellipse, tax number, purpose) and the square name seal (characters in columns, right to left),
// and writes PNG or SVG. All geometry is in millimetres; text is filled as glyph outlines.
#include "image/seal_picture.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numbers>
#include <vector>

#include "image/cairo_support.h"

namespace eseal::image {
namespace {

using detail::CairoPtr;
using detail::SurfacePtr;

constexpr double kPi = std::numbers::pi;
constexpr double kMmPerInch = 25.4;
constexpr double kMinSizeMm = 5;
constexpr double kMaxSizeMm = 200;
constexpr double kMinDpi = 72;
constexpr double kMaxDpi = 1200;
constexpr std::size_t kMaxArcName = 40;
constexpr std::size_t kMaxPurpose = 20;
constexpr std::size_t kMaxCode = 32;
// Glyphs are measured once at this font size (user units) and scaled when drawn, so their
// metrics do not depend on the output resolution. Pango reports ink extents in whole units,
// so the size is large enough for that rounding not to matter.
constexpr double kNominal = 1000;

struct GObjectDeleter {
  void operator()(gpointer object) const { g_object_unref(object); }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectDeleter>;
struct FontDescriptionDeleter {
  void operator()(PangoFontDescription* font) const { pango_font_description_free(font); }
};
struct FontOptionsDeleter {
  void operator()(cairo_font_options_t* options) const { cairo_font_options_destroy(options); }
};

double radians(double degrees) {
  return degrees * kPi / 180;
}

// Text after checking: one entry per Unicode code point, each holding its UTF-8 bytes.
using CodePoints = std::vector<std::string>;

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

// The spec after checking, with every default resolved.
struct Plan {
  SealTemplate kind = SealTemplate::kRound;
  double width = 0;  // mm
  double height = 0;
  CodePoints name;
  CodePoints purpose;
  CodePoints code;
  bool star = true;
  bool frame = true;
  double ring = 0;  // mm
  double red = 0, green = 0, blue = 0;
  std::string font_family;
  int font_weight = 700;
  double name_size = 0;  // mm, 0: derive
  double purpose_size = 0;
  double code_size = 0;
};

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

// One character measured at kNominal, in user units relative to its pen position on the
// baseline (y grows downwards, so ink_top is negative for ink above the baseline).
struct Glyph {
  GObjectPtr<PangoLayout> layout;
  double advance = 0;
  double baseline = 0;  // from the top of the layout
  bool inked = false;
  double ink_left = 0, ink_right = 0, ink_top = 0, ink_bottom = 0;
};

// A piece of text measured glyph by glyph. Glyphs are placed one by one, each centred on the
// middle of its advance horizontally and on the run's common ink centre vertically, so all
// glyphs of a run share one baseline whatever their own ink.
struct Run {
  std::vector<Glyph> glyphs;
  double max_advance = 0;
  double total_advance = 0;
  double ink_top = 0, ink_bottom = 0;  // union over the glyphs
  double ink_half_width = 0;           // furthest ink from a glyph's advance centre

  std::size_t size() const { return glyphs.size(); }
  double ink_centre() const { return (ink_top + ink_bottom) / 2; }
  double ink_height() const { return ink_bottom - ink_top; }
};

class Typesetter {
 public:
  static Result<Typesetter> create(const Plan& plan) {
    Typesetter setter;
    setter.context_.reset(
        pango_font_map_create_context(pango_cairo_font_map_get_default()));  // per thread
    if (!setter.context_) return Error::internal("pango has no font map");
    // Fixed font options (not the surface's) so that output does not depend on the backend.
    std::unique_ptr<cairo_font_options_t, FontOptionsDeleter> options(cairo_font_options_create());
    cairo_font_options_set_antialias(options.get(), CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(setter.context_.get(), options.get());
    pango_context_set_round_glyph_positions(setter.context_.get(), FALSE);
    pango_context_set_language(setter.context_.get(), pango_language_from_string("zh-cn"));

    setter.family_ = plan.font_family;
    setter.font_.reset(pango_font_description_new());
    pango_font_description_set_family(setter.font_.get(), plan.font_family.c_str());
    pango_font_description_set_weight(setter.font_.get(),
                                      static_cast<PangoWeight>(plan.font_weight));
    pango_font_description_set_absolute_size(setter.font_.get(), kNominal * PANGO_SCALE);
    return setter;
  }

  // Refuses text the installed fonts cannot draw: a seal with empty boxes for characters is
  // worse than an error.
  Result<Run> measure(const CodePoints& text) const {
    Run run;
    bool any_ink = false;
    for (const std::string& character : text) {
      Glyph glyph;
      glyph.layout.reset(pango_layout_new(context_.get()));
      pango_layout_set_font_description(glyph.layout.get(), font_.get());
      pango_layout_set_text(glyph.layout.get(), character.data(),
                            static_cast<int>(character.size()));
      if (pango_layout_get_unknown_glyphs_count(glyph.layout.get()) > 0) {
        return Error::invalid_input("no installed font has a glyph for \"" + character +
                                    "\" (font " + family_ + ")");
      }
      PangoRectangle ink, logical;
      pango_layout_get_extents(glyph.layout.get(), &ink, &logical);
      glyph.advance = static_cast<double>(logical.width) / PANGO_SCALE;
      glyph.baseline =
          static_cast<double>(pango_layout_get_baseline(glyph.layout.get())) / PANGO_SCALE;
      if (ink.width > 0 && ink.height > 0) {
        glyph.inked = true;
        glyph.ink_left = static_cast<double>(ink.x) / PANGO_SCALE;
        glyph.ink_right = static_cast<double>(ink.x + ink.width) / PANGO_SCALE;
        glyph.ink_top = static_cast<double>(ink.y) / PANGO_SCALE - glyph.baseline;
        glyph.ink_bottom = static_cast<double>(ink.y + ink.height) / PANGO_SCALE - glyph.baseline;
        run.ink_top = any_ink ? std::min(run.ink_top, glyph.ink_top) : glyph.ink_top;
        run.ink_bottom = any_ink ? std::max(run.ink_bottom, glyph.ink_bottom) : glyph.ink_bottom;
        run.ink_half_width = std::max({run.ink_half_width, glyph.advance / 2 - glyph.ink_left,
                                       glyph.ink_right - glyph.advance / 2});
        any_ink = true;
      }
      run.max_advance = std::max(run.max_advance, glyph.advance);
      run.total_advance += glyph.advance;
      run.glyphs.push_back(std::move(glyph));
    }
    if (!any_ink) {  // only spaces: size the run like an ideograph so the layout stays sane
      run.ink_top = -0.88 * kNominal;
      run.ink_bottom = 0.12 * kNominal;
      run.ink_half_width = 0.5 * kNominal;
    }
    run.max_advance = std::max(run.max_advance, 1e-3 * kNominal);
    return run;
  }

 private:
  GObjectPtr<PangoContext> context_;
  std::unique_ptr<PangoFontDescription, FontDescriptionDeleter> font_;
  std::string family_;
};

// The spec's three texts, measured before anything is drawn.
struct Runs {
  Run name;
  Run purpose;
  Run code;
};

// Fills one glyph of `run` with its centre (advance middle, run ink centre) at (x, y) in mm,
// rotated clockwise by `angle` radians, scaled by `scale_x` and `scale_y` mm per nominal unit.
// The layout is deliberately not updated to the transformed context: it stays as measured, and
// cairo scales the unhinted outlines exactly, so the drawing matches the measurements.
void fill_glyph(cairo_t* cr, const Run& run, const Glyph& glyph, double x, double y, double angle,
                double scale_x, double scale_y) {
  if (!glyph.inked) return;
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, angle);
  cairo_scale(cr, scale_x, scale_y);
  cairo_move_to(cr, -glyph.advance / 2, -(glyph.baseline + run.ink_centre()));
  pango_cairo_layout_path(cr, glyph.layout.get());
  cairo_restore(cr);
  cairo_fill(cr);
}

// Sets a run on one horizontal line centred on (x, y): glyph em `size` mm, glyphs condensed by
// `condense`, pen advancing by `pitch` times the glyph advance (pitch > condense leaves gaps).
void fill_line(cairo_t* cr, const Run& run, double x, double y, double size, double condense,
               double pitch) {
  const double unit = size / kNominal;
  const double total = run.total_advance * unit * pitch;
  double pen = x - total / 2;
  for (const Glyph& glyph : run.glyphs) {
    const double width = glyph.advance * unit * pitch;
    fill_glyph(cr, run, glyph, pen + width / 2, y, 0, unit * condense, unit);
    pen += width;
  }
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

// cairo names SVG groups after a process-wide surface counter (id="surface95", and
// "#surface95" where they are used); numbering them from 1 within each document makes the same
// spec give the same SVG.
std::string renumber_svg_surfaces(const std::string& svg) {
  constexpr std::string_view kName = "surface";
  std::vector<std::string> seen;
  std::string out;
  std::size_t copied = 0;
  for (std::size_t found = svg.find(kName); found != std::string::npos;
       found = svg.find(kName, found + kName.size())) {
    std::size_t end = found + kName.size();
    while (end < svg.size() && svg[end] >= '0' && svg[end] <= '9') ++end;
    const bool is_id = found > 0 && (svg[found - 1] == '"' || svg[found - 1] == '#');
    if (!is_id || end == found + kName.size()) continue;
    const std::string number = svg.substr(found + kName.size(), end - found - kName.size());
    auto known = std::find(seen.begin(), seen.end(), number);
    if (known == seen.end()) known = seen.insert(seen.end(), number);
    out.append(svg, copied, found + kName.size() - copied);
    out += std::to_string(known - seen.begin() + 1);
    copied = end;
  }
  out.append(svg, copied);
  return out;
}

Status draw(cairo_t* cr, const Plan& plan) {
  auto setter = Typesetter::create(plan);
  if (!setter) return setter.error();
  Runs runs;
  for (auto [text, run] :
       {std::pair{&plan.name, &runs.name}, std::pair{&plan.purpose, &runs.purpose},
        std::pair{&plan.code, &runs.code}}) {
    auto measured = setter->measure(*text);
    if (!measured) return measured.error();
    *run = std::move(*measured);
  }
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_GRAY);
  cairo_set_source_rgb(cr, plan.red, plan.green, plan.blue);
  switch (plan.kind) {
    case SealTemplate::kRound:
      draw_round(cr, plan, runs);
      break;
    case SealTemplate::kOval:
      draw_oval(cr, plan, runs);
      break;
    case SealTemplate::kSquare:
      draw_square(cr, plan, runs);
      break;
  }
  if (cairo_status_t status = cairo_status(cr); status != CAIRO_STATUS_SUCCESS) {
    return detail::cairo_error("drawing the seal failed", status);
  }
  return ok_status();
}

}  // namespace

Result<SealTemplate> parse_template(std::string_view name) {
  for (SealTemplate t : {SealTemplate::kRound, SealTemplate::kOval, SealTemplate::kSquare}) {
    if (name == template_name(t)) return t;
  }
  return Error::invalid_input("unknown seal template \"" + std::string(name) +
                              "\"; expected round, oval or square");
}

std::string_view template_name(SealTemplate t) {
  switch (t) {
    case SealTemplate::kRound:
      return "round";
    case SealTemplate::kOval:
      return "oval";
    case SealTemplate::kSquare:
      return "square";
  }
  return {};
}

SealPictureSpec default_spec(SealTemplate kind) {
  SealPictureSpec spec;
  spec.kind = kind;
  switch (kind) {
    case SealTemplate::kRound:
      spec.width_mm = spec.height_mm = 42;
      break;
    case SealTemplate::kOval:
      spec.width_mm = 40;
      spec.height_mm = 30;
      break;
    case SealTemplate::kSquare:
      spec.width_mm = spec.height_mm = 20;
      break;
  }
  return spec;
}

Result<Bytes> render_png(const SealPictureSpec& spec) {
  auto plan = make_plan(spec);
  if (!plan) return plan.error();
  const double pixels_per_mm = spec.style.dpi / kMmPerInch;
  const double width_px = std::round(plan->width * pixels_per_mm);
  const double height_px = std::round(plan->height * pixels_per_mm);
  if (width_px * height_px > detail::kMaxPixels) {
    return Error::invalid_input("the seal picture would be " + std::to_string(width_px) + " x " +
                                std::to_string(height_px) +
                                " pixels; lower the resolution (at most 40 megapixels)");
  }
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(width_px),
                                                static_cast<int>(height_px)));
  if (cairo_status_t status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS) {
    return detail::cairo_error("cannot allocate the seal picture", status);
  }
  {
    CairoPtr cr(cairo_create(surface.get()));
    // Uniform scale, centred: rounding the pixel size never distorts the circle.
    cairo_translate(cr.get(), (width_px - plan->width * pixels_per_mm) / 2,
                    (height_px - plan->height * pixels_per_mm) / 2);
    cairo_scale(cr.get(), pixels_per_mm, pixels_per_mm);
    if (auto drawn = draw(cr.get(), *plan); !drawn) return drawn.error();
  }
  return detail::encode_png(surface.get());
}

Result<std::string> render_svg(const SealPictureSpec& spec) {
  auto plan = make_plan(spec);
  if (!plan) return plan.error();
  std::string svg;
  auto write = [](void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  };
  SurfacePtr surface(cairo_svg_surface_create_for_stream(write, &svg, plan->width, plan->height));
  // With millimetres as the document unit, one user unit is one millimetre.
  cairo_svg_surface_set_document_unit(surface.get(), CAIRO_SVG_UNIT_MM);
  {
    CairoPtr cr(cairo_create(surface.get()));
    if (auto drawn = draw(cr.get(), *plan); !drawn) return drawn.error();
  }
  cairo_surface_finish(surface.get());
  if (cairo_status_t status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS) {
    return detail::cairo_error("SVG output failed", status);
  }
  return renumber_svg_surfaces(svg);
}

}  // namespace eseal::image
