// The three seal shapes drawn in millimetres on a cairo context whose source colour is set: the
// round seal (ring, star, name on the upper arc, purpose, code on the lower arc), the oval seal
// (name along the ellipse, tax number, purpose) and the square name seal (characters in columns,
// right to left). Internal to src/image.
#pragma once

#include <cairo.h>

#include "image/seal_plan.h"
#include "image/typesetting.h"

namespace eseal::image::detail {

// The spec's three texts, measured before anything is drawn.
struct Runs {
  Run name;
  Run purpose;
  Run code;
};

// Round seal (公章): 42 mm, ring 1.2 mm, star 14 mm across, name on the upper arc.
void draw_round(cairo_t* cr, const Plan& plan, const Runs& runs);
// Oval seal (发票专用章): 40 x 30 mm, ring 1 mm, name along the ellipse.
void draw_oval(cairo_t* cr, const Plan& plan, const Runs& runs);
// Square name seal (姓名章): 20 x 20 mm, frame 0.8 mm, read in columns right to left.
void draw_square(cairo_t* cr, const Plan& plan, const Runs& runs);

}  // namespace eseal::image::detail
