// Typesetting the seal's texts: each character measured once, at a nominal size and with fixed
// font options, and filled as outlines where the shapes place it. Internal to src/image.
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "image/seal_plan.h"

namespace eseal::image::detail {

// Glyphs are measured once at this font size (user units) and scaled when drawn, so their
// metrics do not depend on the output resolution. Pango reports ink extents in whole units,
// so the size is large enough for that rounding not to matter.
inline constexpr double kNominal = 1000;

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
  // Pango's context for this thread, with `family` at `weight` (CSS-style, 100 to 1000).
  static Result<Typesetter> create(const std::string& family, int weight);

  // Refuses text the installed fonts cannot draw: a seal with empty boxes for characters is
  // worse than an error.
  Result<Run> measure(const CodePoints& text) const;

 private:
  GObjectPtr<PangoContext> context_;
  std::unique_ptr<PangoFontDescription, FontDescriptionDeleter> font_;
  std::string family_;
};

// Fills one glyph of `run` with its centre (advance middle, run ink centre) at (x, y) in mm,
// rotated clockwise by `angle` radians, scaled by `scale_x` and `scale_y` mm per nominal unit.
// The layout is deliberately not updated to the transformed context: it stays as measured, and
// cairo scales the unhinted outlines exactly, so the drawing matches the measurements.
void fill_glyph(cairo_t* cr, const Run& run, const Glyph& glyph, double x, double y, double angle,
                double scale_x, double scale_y);

// Sets a run on one horizontal line centred on (x, y): glyph em `size` mm, glyphs condensed by
// `condense`, pen advancing by `pitch` times the glyph advance (pitch > condense leaves gaps).
void fill_line(cairo_t* cr, const Run& run, double x, double y, double size, double condense,
               double pitch);

}  // namespace eseal::image::detail
