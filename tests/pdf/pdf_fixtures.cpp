#include "pdf/pdf_fixtures.h"

#include <cairo/cairo-pdf.h>
#include <cairo/cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>
#include <stdexcept>

#include "image/cairo_support.h"

namespace eseal::pdf::test {
namespace {

struct GObjectDeleter {
  void operator()(gpointer object) const { g_object_unref(object); }
};
struct FontDescriptionDeleter {
  void operator()(PangoFontDescription* font) const { pango_font_description_free(font); }
};
struct FontOptionsDeleter {
  void operator()(cairo_font_options_t* options) const { cairo_font_options_destroy(options); }
};
struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};

Bytes written(QPDFWriter& writer) {
  writer.write();
  std::shared_ptr<Buffer> buffer = writer.getBufferSharedPointer();
  return Bytes(buffer->getBuffer(), buffer->getBuffer() + buffer->getSize());
}

}  // namespace

Bytes make_text_pdf(int pages, const std::vector<PlacedText>& texts, double width_pt,
                    double height_pt) {
  Bytes pdf;
  auto write = [](void* closure, const unsigned char* data, unsigned int length) {
    append(*static_cast<Bytes*>(closure), ByteView(data, length));
    return CAIRO_STATUS_SUCCESS;
  };
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
      cairo_pdf_surface_create_for_stream(write, &pdf, width_pt, height_pt));
  // A fixed date, so that the same input gives the same bytes.
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE,
                                 "2026-01-01T00:00:00Z");
  std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface.get()));

  // Unhinted metrics and unrounded positions: glyphs sit exactly where the layout puts them.
  std::unique_ptr<PangoContext, GObjectDeleter> context(
      pango_font_map_create_context(pango_cairo_font_map_get_default()));
  std::unique_ptr<cairo_font_options_t, FontOptionsDeleter> options(cairo_font_options_create());
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(context.get(), options.get());
  pango_context_set_round_glyph_positions(context.get(), FALSE);
  pango_context_set_language(context.get(), pango_language_from_string("zh-cn"));
  pango_cairo_update_context(cr.get(), context.get());

  for (int page = 0; page < pages; ++page) {
    for (const PlacedText& placed : texts) {
      if (placed.page != page) continue;
      std::unique_ptr<PangoFontDescription, FontDescriptionDeleter> font(
          pango_font_description_from_string("Noto Serif CJK SC"));
      pango_font_description_set_absolute_size(font.get(), placed.size_pt * PANGO_SCALE);
      std::unique_ptr<PangoLayout, GObjectDeleter> layout(pango_layout_new(context.get()));
      pango_layout_set_font_description(layout.get(), font.get());
      pango_layout_set_text(layout.get(), placed.text.data(), static_cast<int>(placed.text.size()));
      if (pango_layout_get_unknown_glyphs_count(layout.get()) > 0) {
        throw std::runtime_error("no font has a glyph for some of \"" + placed.text + "\"");
      }
      // The layout is placed by its top-left corner; its first baseline is this far below.
      double baseline = static_cast<double>(pango_layout_get_baseline(layout.get())) / PANGO_SCALE;
      cairo_move_to(cr.get(), placed.x_pt, placed.y_pt - baseline);
      pango_cairo_show_layout(cr.get(), layout.get());
    }
    cairo_show_page(cr.get());
  }
  cr.reset();
  image::detail::finish_surface(surface.get());
  if (cairo_status_t status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(std::string("cairo could not write the PDF: ") +
                             cairo_status_to_string(status));
  }
  return pdf;
}

Bytes with_xref_stream(ByteView pdf) {
  QPDF q;
  q.processMemoryFile("fixture.pdf", reinterpret_cast<const char*>(pdf.data()), pdf.size());
  QPDFWriter writer(q);
  writer.setOutputMemory();
  writer.setObjectStreamMode(qpdf_o_generate);
  writer.setDeterministicID(true);
  return written(writer);
}

Bytes with_rotation(ByteView pdf, int page, int degrees) {
  QPDF q;
  q.processMemoryFile("fixture.pdf", reinterpret_cast<const char*>(pdf.data()), pdf.size());
  QPDFObjectHandle target = q.getAllPages().at(static_cast<std::size_t>(page));
  target.replaceKey("/Rotate", QPDFObjectHandle::newInteger(degrees));
  QPDFWriter writer(q);
  writer.setOutputMemory();
  writer.setDeterministicID(true);
  return written(writer);
}

}  // namespace eseal::pdf::test
