// Pictures and plain text to new PDF (cairo, pango) and OFD (ofd/writer.h) documents.
#include "render/pages_from.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <iconv.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <memory>
#include <utility>

#include "base/utf8.h"
#include "image/cairo_support.h"
#include "ofd/writer.h"
#include "render/picture.h"

namespace eseal::render {
namespace {

constexpr double kPointsPerMm = 72 / 25.4;
constexpr doc::PageSize kA4{210, 297};
constexpr double kPictureMarginMm = 10;
constexpr const char* kPdfFont = "Noto Serif CJK SC";

using image::detail::CairoPtr;
using image::detail::SurfacePtr;

struct GObjectDeleter {
  void operator()(void* object) const { g_object_unref(object); }
};
struct FontDescriptionDeleter {
  void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};

cairo_status_t append_to_bytes(void* closure, const unsigned char* data, unsigned int length) {
  append(*static_cast<Bytes*>(closure), ByteView(data, length));
  return CAIRO_STATUS_SUCCESS;
}

// A PDF surface writing into `out`, with the title and creation date set.
SurfacePtr pdf_surface(Bytes& out, doc::PageSize page, const PagesOptions& options) {
  SurfacePtr surface(cairo_pdf_surface_create_for_stream(
      append_to_bytes, &out, page.width_mm * kPointsPerMm, page.height_mm * kPointsPerMm));
  if (!options.title.empty()) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                   valid_utf8(options.title).c_str());
  }
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "eseal");
  // ISO 8601, which cairo turns into a PDF date; without it cairo writes the current time.
  std::string date = format_utc(options.creation_time);
  if (!date.empty() && date.back() == 'Z') date.pop_back();
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
  return surface;
}

Result<Bytes> finish_pdf(SurfacePtr surface, cairo_t* cr, Bytes& out) {
  if (cairo_status_t status = cairo_status(cr); status != CAIRO_STATUS_SUCCESS) {
    return image::detail::cairo_error("drawing the PDF failed", status);
  }
  image::detail::finish_surface(surface.get());
  if (cairo_status_t status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS) {
    return image::detail::cairo_error("writing the PDF failed", status);
  }
  return std::move(out);
}

// ---- pictures ----

struct PicturePage {
  Picture picture;
  doc::PageSize page;
  doc::RectMm placed;  // where the picture goes on the page, in mm from the top-left corner
};

Result<PicturePage> plan_picture_page(ByteView bytes, const PagesOptions& options) {
  auto decoded = decode_picture(bytes, std::min(options.max_picture_pixels, kMaxPicturePixels));
  if (!decoded) return decoded.error();
  PicturePage plan{std::move(*decoded), {}, {}};
  double dpi = plan.picture.dpi > 0 ? plan.picture.dpi : options.default_dpi;
  if (!(dpi > 0) || !std::isfinite(dpi)) dpi = 96;
  const double width = plan.picture.width * 25.4 / dpi;
  const double height = plan.picture.height * 25.4 / dpi;
  const bool landscape = width > height;
  const doc::PageSize a4 = landscape ? doc::PageSize{kA4.height_mm, kA4.width_mm} : kA4;
  if (width <= a4.width_mm && height <= a4.height_mm) {
    plan.page = {width, height};
    plan.placed = {0, 0, width, height};
    return plan;
  }
  const double room_w = a4.width_mm - 2 * kPictureMarginMm;
  const double room_h = a4.height_mm - 2 * kPictureMarginMm;
  const double scale = std::min(room_w / width, room_h / height);
  plan.page = a4;
  plan.placed = {(a4.width_mm - width * scale) / 2, (a4.height_mm - height * scale) / 2,
                 width * scale, height * scale};
  return plan;
}

// An image surface over the picture's pixels (which must outlive it).
Result<SurfacePtr> picture_surface(Picture& picture) {
  SurfacePtr surface(cairo_image_surface_create_for_data(
      picture.argb.data(), CAIRO_FORMAT_ARGB32, picture.width, picture.height, picture.width * 4));
  if (cairo_status_t status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS) {
    return image::detail::cairo_error("the picture cannot be drawn", status);
  }
  return surface;
}

// ---- text ----

// Converts `text` from `charset` to UTF-8; nullopt when it is not valid in that charset.
std::optional<std::string> iconv_to_utf8(std::string_view text, const char* charset) {
  iconv_t cd = iconv_open("UTF-8", charset);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(text.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(text.data());
  std::size_t in_left = text.size();
  std::size_t done = 0;
  bool ok = true;
  while (in_left > 0) {
    char* to = out.data() + done;
    std::size_t out_left = out.size() - done;
    const std::size_t r = iconv(cd, &in, &in_left, &to, &out_left);
    done = out.size() - out_left;
    if (r != static_cast<std::size_t>(-1)) continue;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    ok = false;  // EILSEQ or EINVAL: not (or not complete) text in this charset
    break;
  }
  iconv_close(cd);
  if (!ok) return std::nullopt;
  out.resize(done);
  return out;
}

}  // namespace

Result<std::string> plain_text_as_utf8(std::string_view text) {
  std::string utf8;
  const auto starts = [&](std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
  };
  if (starts("\xEF\xBB\xBF")) {
    utf8 = text.substr(3);
    if (!decode_utf8_strict(utf8))
      return Error::invalid_input("text with a UTF-8 mark is not UTF-8");
  } else if (starts("\xFF\xFE") || starts("\xFE\xFF")) {
    auto converted = iconv_to_utf8(text.substr(2), starts("\xFF\xFE") ? "UTF-16LE" : "UTF-16BE");
    if (!converted) return Error::invalid_input("text with a UTF-16 mark is not UTF-16");
    utf8 = std::move(*converted);
  } else if (decode_utf8_strict(text)) {
    utf8 = text;
  } else {
    auto converted = iconv_to_utf8(text, "GB18030");
    if (!converted) return Error::invalid_input("text is neither UTF-8 nor GB18030");
    utf8 = std::move(*converted);
  }
  std::u32string decoded = decode_utf8(utf8);
  std::u32string clean;
  clean.reserve(decoded.size());
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    const char32_t c = decoded[i];
    if (c == U'\r') {
      if (i + 1 < decoded.size() && decoded[i + 1] == U'\n') continue;
      clean.push_back(U'\n');
    } else if (c == U'\t') {
      clean.push_back(U' ');
    } else if (c == U'\n' || !(c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xFEFF)) {
      clean.push_back(c);
    }
  }
  return encode_utf8(clean);
}

Result<Bytes> picture_to_pdf(ByteView bytes, const PagesOptions& options) {
  auto plan = plan_picture_page(bytes, options);
  if (!plan) return plan.error();
  auto image = picture_surface(plan->picture);
  if (!image) return image.error();
  Bytes out;
  SurfacePtr surface = pdf_surface(out, plan->page, options);
  CairoPtr cr(cairo_create(surface.get()));
  const doc::RectMm& at = plan->placed;
  cairo_scale(cr.get(), kPointsPerMm, kPointsPerMm);
  cairo_translate(cr.get(), at.x, at.y);
  cairo_scale(cr.get(), at.width / plan->picture.width, at.height / plan->picture.height);
  cairo_set_source_surface(cr.get(), image->get(), 0, 0);
  cairo_paint(cr.get());
  return finish_pdf(std::move(surface), cr.get(), out);
}

Result<Bytes> picture_to_ofd(ByteView bytes, const PagesOptions& options) {
  auto plan = plan_picture_page(bytes, options);
  if (!plan) return plan.error();
  auto png = encode_png(plan->picture);
  if (!png) return png.error();
  ofd::NewDocument document;
  document.title = options.title;
  document.page_size = plan->page;
  document.images.push_back(std::move(*png));
  ofd::ImageBlock block;
  block.image = 0;
  block.boundary = plan->placed;
  document.pages.push_back({plan->page, {block}});
  return ofd::write_ofd(document, {options.creation_time, {}});
}

Result<Bytes> text_to_pdf(std::string_view text, const PagesOptions& options) {
  auto clean = plain_text_as_utf8(text);
  if (!clean) return clean.error();
  const double font_pt = options.font_size_mm * kPointsPerMm;
  const double margin_pt = options.margin_mm * kPointsPerMm;
  const double page_w = kA4.width_mm * kPointsPerMm, page_h = kA4.height_mm * kPointsPerMm;
  if (!(font_pt > 0) || !(margin_pt >= 0) || page_w - 2 * margin_pt < font_pt * 2 ||
      page_h - 2 * margin_pt < font_pt * 2) {
    return Error::invalid_input("the font size and margins leave no room for text");
  }
  Bytes out;
  SurfacePtr surface = pdf_surface(out, kA4, options);
  CairoPtr cr(cairo_create(surface.get()));
  std::unique_ptr<PangoLayout, GObjectDeleter> layout(pango_cairo_create_layout(cr.get()));
  std::unique_ptr<PangoFontDescription, FontDescriptionDeleter> font(
      pango_font_description_from_string(kPdfFont));
  pango_font_description_set_absolute_size(font.get(), font_pt * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), font.get());
  pango_layout_set_width(layout.get(), static_cast<int>((page_w - 2 * margin_pt) * PANGO_SCALE));
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);

  // Lines advance by 1.5 em; the baseline sits 1.1 em below the line's top (half the leading
  // plus the CJK font's ascent).
  const double line_h = font_pt * 1.5;
  const double bottom = page_h - margin_pt;
  double top = margin_pt;
  bool page_has_lines = false;
  std::string_view rest = *clean;
  while (true) {
    const std::size_t end = rest.find('\n');
    const std::string_view paragraph = rest.substr(0, end);
    pango_layout_set_text(layout.get(), paragraph.data(), static_cast<int>(paragraph.size()));
    for (GSList* item = pango_layout_get_lines_readonly(layout.get()); item; item = item->next) {
      if (page_has_lines && top + line_h > bottom) {
        cairo_show_page(cr.get());
        top = margin_pt;
      }
      cairo_move_to(cr.get(), margin_pt, top + font_pt * 1.1);
      pango_cairo_show_layout_line(cr.get(), static_cast<PangoLayoutLine*>(item->data));
      top += line_h;
      page_has_lines = true;
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
    if (rest.empty()) break;  // a final newline ends the last paragraph, it starts none
  }
  return finish_pdf(std::move(surface), cr.get(), out);
}

Result<Bytes> text_to_ofd(std::string_view text, const PagesOptions& options) {
  auto clean = plain_text_as_utf8(text);
  if (!clean) return clean.error();
  ofd::TextLayout layout;
  layout.page = kA4;
  layout.margin_left_mm = layout.margin_top_mm = layout.margin_right_mm = layout.margin_bottom_mm =
      options.margin_mm;
  layout.font_size_mm = options.font_size_mm;
  auto laid = ofd::layout_text(*clean, layout);
  if (!laid) return laid.error();
  ofd::NewDocument& document = laid->document;
  document.title = options.title;
  if (document.pages.empty()) document.pages.emplace_back();
  return ofd::write_ofd(document, {options.creation_time, {}});
}

}  // namespace eseal::render
