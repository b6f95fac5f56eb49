#include "image/typesetting.h"

#include <algorithm>

namespace eseal::image::detail {

Result<Typesetter> Typesetter::create(const std::string& family, int weight) {
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

  setter.family_ = family;
  setter.font_.reset(pango_font_description_new());
  pango_font_description_set_family(setter.font_.get(), family.c_str());
  pango_font_description_set_weight(setter.font_.get(), static_cast<PangoWeight>(weight));
  pango_font_description_set_absolute_size(setter.font_.get(), kNominal * PANGO_SCALE);
  return setter;
}

Result<Run> Typesetter::measure(const CodePoints& text) const {
  Run run;
  bool any_ink = false;
  for (const std::string& character : text) {
    Glyph glyph;
    glyph.layout.reset(pango_layout_new(context_.get()));
    pango_layout_set_font_description(glyph.layout.get(), font_.get());
    pango_layout_set_text(glyph.layout.get(), character.data(), static_cast<int>(character.size()));
    if (pango_layout_get_unknown_glyphs_count(glyph.layout.get()) > 0) {
      return Error::invalid_input("no installed font has a glyph for \"" + character + "\" (font " +
                                  family_ + ")");
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

}  // namespace eseal::image::detail
