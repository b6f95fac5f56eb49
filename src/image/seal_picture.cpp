// Seal pictures from the templates: the spec planned (seal_plan.h), its texts measured
// (typesetting.h), the shape drawn (seal_shapes.h), written as PNG or SVG. All geometry is in
// millimetres; text is filled as glyph outlines.
#include "image/seal_picture.h"

#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "image/cairo_support.h"
#include "image/seal_plan.h"
#include "image/seal_shapes.h"
#include "image/typesetting.h"

namespace eseal::image {
namespace {

using detail::CairoPtr;
using detail::Plan;
using detail::Runs;
using detail::SurfacePtr;
using detail::Typesetter;

constexpr double kMmPerInch = 25.4;

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
  auto setter = Typesetter::create(plan.font_family, plan.font_weight);
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
      detail::draw_round(cr, plan, runs);
      break;
    case SealTemplate::kOval:
      detail::draw_oval(cr, plan, runs);
      break;
    case SealTemplate::kSquare:
      detail::draw_square(cr, plan, runs);
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

Result<Bytes> render_png(const SealPictureSpec& spec, std::uint64_t max_pixels) {
  auto plan = detail::make_plan(spec);
  if (!plan) return plan.error();
  const double pixels_per_mm = spec.style.dpi / kMmPerInch;
  const double width_px = std::round(plan->width * pixels_per_mm);
  const double height_px = std::round(plan->height * pixels_per_mm);
  if (width_px * height_px > static_cast<double>(max_pixels)) {
    return Error::invalid_input("the seal picture would be " + std::to_string(width_px) + " x " +
                                std::to_string(height_px) +
                                " pixels; lower the resolution (at most " +
                                pixels_text(max_pixels) + ")");
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
  auto plan = detail::make_plan(spec);
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
