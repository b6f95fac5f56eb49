// PDF to OFD over poppler: PDFs drawn by cairo in the test (Latin text in an embedded TrueType
// font, Chinese text in a CFF font, rectangles, Bézier curves, a dashed line, an even-odd fill, an
// image), converted and read back with the project's own OFD readers: words, their order and
// positions, page sizes, path data, colours and images; page order; refusals; the same words
// as poppler-utils' pdftotext; and PDFs made by tests/pdf's fixtures, rotated too.
#include "render/pdf_to_ofd.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>
#include <stdexcept>

#include "base/utf8.h"
#include "image/cairo_support.h"
#include "ofd/document.h"
#include "ofd/package.h"
#include "ofd/text.h"
#include "pdf/pdf_fixtures.h"
#include "support/process.h"

namespace eseal::render {
namespace {

constexpr double kMm = 25.4 / 72;  // millimetres per point
const PdfToOfdOptions kOptions{*parse_utc("2026-11-23T12:00:00Z"),
                               "00000000000000000000000000000001", ""};

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<Bytes*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

void text_at(cairo_t* cr, const char* family, double size, double x, double y, const char* text) {
  cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, text);
}

// Page 1 (A4): text, shapes and an image; page 2 (A5 landscape): one line of text.
Bytes make_drawing_pdf() {
  Bytes pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append_bytes, &pdf, 595, 842);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Drawing test");
  cairo_t* cr = cairo_create(surface);

  cairo_set_source_rgb(cr, 0, 0, 0);
  text_at(cr, "DejaVu Sans", 14, 72, 100, "Hello OFD world");
  text_at(cr, "Noto Sans CJK SC", 16, 72, 150, "电子印章 测试");

  cairo_set_source_rgb(cr, 1, 0, 0);  // a red rectangle
  cairo_rectangle(cr, 72, 200, 100, 50);
  cairo_fill(cr);

  cairo_set_source_rgb(cr, 0, 0, 1);  // a blue Bézier curve, 2 pt wide, round caps
  cairo_set_line_width(cr, 2);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to(cr, 72, 300);
  cairo_curve_to(cr, 120, 260, 180, 340, 228, 300);
  cairo_stroke(cr);

  cairo_set_source_rgb(cr, 0, 0.5, 0);  // a green dashed line
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  const double dashes[] = {6, 3};
  cairo_set_dash(cr, dashes, 2, 0);
  cairo_move_to(cr, 72, 350);
  cairo_line_to(cr, 300, 350);
  cairo_stroke(cr);
  cairo_set_dash(cr, nullptr, 0, 0);

  cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);  // an even-odd ring
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_rectangle(cr, 350, 200, 100, 100);
  cairo_rectangle(cr, 375, 225, 50, 50);
  cairo_fill(cr);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);

  // A 2 x 2 image, red | green over blue | white, drawn 40 x 40 pt at (300, 400).
  cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 2, 2);
  cairo_surface_flush(image);
  auto* px = reinterpret_cast<std::uint32_t*>(cairo_image_surface_get_data(image));
  const int stride = cairo_image_surface_get_stride(image) / 4;
  px[0] = 0xFF0000;
  px[1] = 0x00FF00;
  px[stride] = 0x0000FF;
  px[stride + 1] = 0xFFFFFF;
  cairo_surface_mark_dirty(image);
  cairo_save(cr);
  cairo_translate(cr, 300, 400);
  cairo_scale(cr, 20, 20);
  cairo_set_source_surface(cr, image, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(image);

  cairo_show_page(cr);
  cairo_pdf_surface_set_size(surface, 595, 420);
  cairo_set_source_rgb(cr, 0, 0, 0);
  text_at(cr, "DejaVu Sans", 12, 100, 80, "Second page");
  cairo_show_page(cr);
  cairo_destroy(cr);
  image::detail::finish_surface(surface);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error("cairo could not make the PDF");
  }
  cairo_surface_destroy(surface);
  return pdf;
}

struct Converted {
  ofd::Package package;
  ofd::DocBody body;
  PdfToOfdReport report;
};

Converted convert(ByteView pdf) {
  PdfToOfdReport report;
  auto ofd = pdf_to_ofd(pdf, kOptions, &report);
  if (!ofd) throw std::runtime_error("pdf_to_ofd: " + ofd.error().message);
  auto package = ofd::Package::open(std::move(*ofd));
  if (!package) throw std::runtime_error("Package::open: " + package.error().message);
  auto structure = ofd::read_structure(*package);
  if (!structure) throw std::runtime_error("read_structure: " + structure.error().message);
  return {std::move(*package), structure->documents.at(0), std::move(report)};
}

std::string entry(const Converted& c, const std::string& path) {
  auto bytes = c.package.read(path);
  if (!bytes) throw std::runtime_error("no entry " + path);
  return to_string(*bytes);
}

struct Word {
  int page = 0;
  std::string text;
  doc::RectMm first_box;  // the first character's box
  double size_mm = 0;
};

// Words as a reader sees them: characters in drawing order, split at spaces and TextCode ends
// (the converter starts a new TextObject where the PDF leaves a gap or starts a line).
std::vector<Word> words_of(const std::vector<ofd::TextRun>& runs) {
  std::vector<Word> words;
  bool open = false;
  for (const ofd::TextRun& run : runs) {
    open = false;
    for (const ofd::TextChar& c : run.chars) {
      if (c.code == U' ') {
        open = false;
        continue;
      }
      if (!open) {
        words.push_back({run.page, "", c.box, run.size_mm});
        open = true;
      }
      append_utf8(words.back().text, c.code);
    }
  }
  return words;
}

std::vector<std::string> texts(const std::vector<Word>& words) {
  std::vector<std::string> out;
  for (const Word& w : words) out.push_back(w.text);
  return out;
}

std::vector<Word> words_of(const Converted& c) {
  auto runs = ofd::extract_text(c.package, c.body);
  if (!runs) throw std::runtime_error("extract_text: " + runs.error().message);
  return words_of(*runs);
}

std::vector<std::string> pdftotext_words(ByteView pdf) {
  test::TempDir dir;
  {
    std::ofstream out(dir / "in.pdf", std::ios::binary);
    out.write(reinterpret_cast<const char*>(pdf.data()), static_cast<std::streamsize>(pdf.size()));
  }
  auto result = test::run_command("pdftotext -q -enc UTF-8 '" + (dir / "in.pdf").string() + "' '" +
                                  (dir / "out.txt").string() + "'");
  if (result.exit_code != 0) throw std::runtime_error("pdftotext: " + result.output);
  std::ifstream in(dir / "out.txt");
  std::vector<std::string> words;
  for (std::string w; in >> w;) {
    if (w != "\f") words.push_back(w);
  }
  return words;
}

const Word& find_word(const std::vector<Word>& words, const std::string& text) {
  for (const Word& w : words) {
    if (w.text == text) return w;
  }
  throw std::runtime_error("no word " + text);
}

// The first character's baseline-left point, from its box (0.8 em above the baseline).
void expect_at(const Word& w, double x_pt, double y_pt) {
  EXPECT_NEAR(w.first_box.x, x_pt * kMm, 1.0) << w.text;
  EXPECT_NEAR(w.first_box.y + 0.8 * w.size_mm, y_pt * kMm, 1.0) << w.text;
}

doc::RectMm parse_box(const std::string& text) {
  auto box = ofd::parse_box(text);
  if (!box) throw std::runtime_error("bad box " + text);
  return *box;
}

TEST(PdfToOfd, CarriesTextWithPositionsAndPageSizes) {
  const Bytes pdf = make_drawing_pdf();
  const Converted c = convert(pdf);
  EXPECT_EQ(c.report.pages, 2);
  ASSERT_EQ(c.body.pages.size(), 2u);

  auto sizes = ofd::page_sizes(c.package, c.body);
  ASSERT_TRUE(sizes.ok()) << sizes.error().message;
  ASSERT_EQ(sizes->size(), 2u);
  EXPECT_NEAR((*sizes)[0].width_mm, 595 * kMm, 0.01);
  EXPECT_NEAR((*sizes)[0].height_mm, 842 * kMm, 0.01);
  EXPECT_NEAR((*sizes)[1].width_mm, 595 * kMm, 0.01);
  EXPECT_NEAR((*sizes)[1].height_mm, 420 * kMm, 0.01);

  const std::vector<Word> words = words_of(c);
  EXPECT_EQ(texts(words), (std::vector<std::string>{"Hello", "OFD", "world", "电子印章", "测试",
                                                    "Second", "page"}));
  expect_at(find_word(words, "Hello"), 72, 100);
  expect_at(find_word(words, "电子印章"), 72, 150);
  expect_at(find_word(words, "Second"), 100, 80);
  EXPECT_EQ(find_word(words, "Second").page, 1);
  EXPECT_NEAR(find_word(words, "Hello").size_mm, 14 * kMm, 0.01);

  // The title came from the PDF's /Title.
  EXPECT_NE(entry(c, "OFD.xml").find("<ofd:Title>Drawing test</ofd:Title>"), std::string::npos);
}

TEST(PdfToOfd, EmbedsTrueTypeWithGlyphIndicesAndNamesOtherFonts) {
  const Converted c = convert(make_drawing_pdf());
  const std::string res = entry(c, "Doc_0/PublicRes.xml");
  EXPECT_NE(res.find("<ofd:FontFile>"), std::string::npos) << res;
  EXPECT_NE(res.find("FontName=\"黑体\""), std::string::npos) << res;
  bool embedded = false, named = false;
  for (const std::string& line : c.report.fonts) {
    embedded = embedded || (line.find("DejaVuSans") != std::string::npos &&
                            line.find("embedded") != std::string::npos);
    named = named || line.find("named \"黑体\"") != std::string::npos;
  }
  EXPECT_TRUE(embedded && named) << testing::PrintToString(c.report.fonts);

  // The Latin line is one TextObject mapping its characters to glyph indices one to one.
  pugi::xml_document page;
  const std::string content = entry(c, "Doc_0/Pages/Page_0/Content.xml");
  ASSERT_TRUE(page.load_string(content.c_str()));
  pugi::xpath_node hello = page.select_node("//ofd:TextObject[ofd:TextCode='Hello OFD world']");
  ASSERT_TRUE(hello) << content;
  pugi::xml_node cg = hello.node().child("ofd:CGTransform");
  ASSERT_TRUE(cg) << content;
  EXPECT_STREQ(cg.attribute("CodePosition").value(), "0");
  EXPECT_STREQ(cg.attribute("CodeCount").value(), "15");
  EXPECT_STREQ(cg.attribute("GlyphCount").value(), "15");
  std::istringstream glyphs(cg.child_value("ofd:Glyphs"));
  std::vector<int> ids;
  for (int id; glyphs >> id;) ids.push_back(id);
  ASSERT_EQ(ids.size(), 15u);
  EXPECT_EQ(ids[2], ids[3]) << "the l's share a glyph";
  EXPECT_EQ(ids[2], ids[13]);
  EXPECT_EQ(ids[4], ids[11]) << "the o's share a glyph";
  EXPECT_EQ(ids[5], ids[9]) << "so do the spaces";
  EXPECT_NE(ids[0], ids[1]);
  // The CJK line has no CGTransform: its font is named, its positions exact.
  pugi::xpath_node cjk = page.select_node("//ofd:TextObject[ofd:TextCode='电子印章 测试']");
  ASSERT_TRUE(cjk) << content;
  EXPECT_FALSE(cjk.node().child("ofd:CGTransform"));
  EXPECT_EQ(hello.node().child("ofd:FillColor").attribute("Value").as_string(),
            std::string("0 0 0"));
}

TEST(PdfToOfd, CarriesPathsColoursDashesRulesAndImages) {
  const Converted c = convert(make_drawing_pdf());
  const std::string content = entry(c, "Doc_0/Pages/Page_0/Content.xml");
  pugi::xml_document page;
  ASSERT_TRUE(page.load_string(content.c_str()));

  // The red rectangle: a filled path whose boundary is where cairo put it.
  pugi::xpath_node red = page.select_node("//ofd:PathObject[ofd:FillColor/@Value='255 0 0']");
  ASSERT_TRUE(red) << content;
  const doc::RectMm r = parse_box(red.node().attribute("Boundary").value());
  EXPECT_NEAR(r.x, 72 * kMm, 0.1);
  EXPECT_NEAR(r.y, 200 * kMm, 0.1);
  EXPECT_NEAR(r.width, 100 * kMm, 0.1);
  EXPECT_NEAR(r.height, 50 * kMm, 0.1);
  EXPECT_STREQ(red.node().attribute("Fill").value(), "true");
  EXPECT_STREQ(red.node().attribute("Stroke").value(), "false");

  // The blue curve: stroked, a cubic Bézier, 2 pt wide with round caps.
  pugi::xpath_node blue = page.select_node("//ofd:PathObject[ofd:StrokeColor/@Value='0 0 255']");
  ASSERT_TRUE(blue) << content;
  const std::string curve = blue.node().child_value("ofd:AbbreviatedData");
  EXPECT_EQ(curve.rfind("M ", 0), 0u) << curve;
  EXPECT_NE(curve.find(" B "), std::string::npos) << curve;
  EXPECT_NEAR(blue.node().attribute("LineWidth").as_double(), 2 * kMm, 0.001);
  EXPECT_STREQ(blue.node().attribute("Cap").value(), "Round");

  // The green dashes, 6 on and 3 off.
  pugi::xpath_node green = page.select_node("//ofd:PathObject[ofd:StrokeColor/@Value='0 128 0']");
  ASSERT_TRUE(green) << content;
  std::istringstream dash(green.node().attribute("DashPattern").value());
  double on = 0, off = 0;
  dash >> on >> off;
  EXPECT_NEAR(on, 6 * kMm, 0.001);
  EXPECT_NEAR(off, 3 * kMm, 0.001);

  // The ring: even-odd.
  pugi::xpath_node ring = page.select_node("//ofd:PathObject[ofd:FillColor/@Value='128 128 128']");
  ASSERT_TRUE(ring) << content;
  EXPECT_STREQ(ring.node().attribute("Rule").value(), "Even-Odd");

  // The image: at (300, 400), 40 pt square, its PNG in the package with its four colours.
  pugi::xpath_node image = page.select_node("//ofd:ImageObject");
  ASSERT_TRUE(image) << content;
  const doc::RectMm b = parse_box(image.node().attribute("Boundary").value());
  EXPECT_NEAR(b.x, 300 * kMm, 0.1);
  EXPECT_NEAR(b.y, 400 * kMm, 0.1);
  EXPECT_NEAR(b.width, 40 * kMm, 0.1);
  EXPECT_NEAR(b.height, 40 * kMm, 0.1);
  const std::string res = entry(c, "Doc_0/DocumentRes.xml");
  const std::string id = image.node().attribute("ResourceID").value();
  pugi::xml_document media;
  ASSERT_TRUE(media.load_string(res.c_str()));
  pugi::xpath_node file =
      media.select_node(("//ofd:MultiMedia[@ID='" + id + "']/ofd:MediaFile").c_str());
  ASSERT_TRUE(file) << res;
  auto png = c.package.read(std::string("Doc_0/Res/") + file.node().child_value());
  ASSERT_TRUE(png.ok());
  struct Reader {
    const Bytes* data;
    std::size_t at = 0;
  } reader{&*png};
  cairo_surface_t* decoded = cairo_image_surface_create_from_png_stream(
      [](void* closure, unsigned char* out, unsigned int length) {
        auto* in = static_cast<Reader*>(closure);
        if (in->at + length > in->data->size()) return CAIRO_STATUS_READ_ERROR;
        std::copy_n(in->data->data() + in->at, length, out);
        in->at += length;
        return CAIRO_STATUS_SUCCESS;
      },
      &reader);
  ASSERT_EQ(cairo_surface_status(decoded), CAIRO_STATUS_SUCCESS);
  const int w = cairo_image_surface_get_width(decoded), h = cairo_image_surface_get_height(decoded);
  ASSERT_GE(w, 2);
  ASSERT_GE(h, 2);
  auto pixel = [&](int x, int y) {
    const auto* data = cairo_image_surface_get_data(decoded);
    return *reinterpret_cast<const std::uint32_t*>(
               data + y * cairo_image_surface_get_stride(decoded) + x * 4) &
           0xFFFFFF;
  };
  EXPECT_EQ(pixel(0, 0), 0xFF0000u);
  EXPECT_EQ(pixel(w - 1, 0), 0x00FF00u);
  EXPECT_EQ(pixel(0, h - 1), 0x0000FFu);
  EXPECT_EQ(pixel(w - 1, h - 1), 0xFFFFFFu);
  cairo_surface_destroy(decoded);
}

TEST(PdfToOfd, SameWordsAsPdftotext) {
  const Bytes pdf = make_drawing_pdf();
  EXPECT_EQ(texts(words_of(convert(pdf))), pdftotext_words(pdf));
}

TEST(PdfToOfd, SameBytesForTheSameInput) {
  const Bytes pdf = make_drawing_pdf();
  auto a = pdf_to_ofd(pdf, kOptions);
  auto b = pdf_to_ofd(pdf, kOptions);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(PdfToOfd, ProjectFixturesKeepPageOrderAndRotation) {
  using pdf::test::PlacedText;
  const Bytes pdf = pdf::test::make_text_pdf(3, {{0, "第一页 First", 72, 100, 12},
                                                 {1, "Second 第二页", 72, 200, 14},
                                                 {2, "Third page", 300, 700, 10}});
  const Converted c = convert(pdf);
  ASSERT_EQ(c.body.pages.size(), 3u);
  const std::vector<Word> words = words_of(c);
  EXPECT_EQ(texts(words),
            (std::vector<std::string>{"第一页", "First", "Second", "第二页", "Third", "page"}));
  EXPECT_EQ(find_word(words, "First").page, 0);
  EXPECT_EQ(find_word(words, "第二页").page, 1);
  EXPECT_EQ(find_word(words, "Third").page, 2);
  expect_at(find_word(words, "第一页"), 72, 100);
  expect_at(find_word(words, "Third"), 300, 700);
  EXPECT_EQ(texts(words), pdftotext_words(pdf));

  // Rotated by 90 degrees clockwise: the page turns landscape and (x, y) goes to (H - y, x).
  const Bytes turned = pdf::test::with_rotation(pdf, 0, 90);
  const Converted r = convert(turned);
  auto sizes = ofd::page_sizes(r.package, r.body);
  ASSERT_TRUE(sizes.ok());
  EXPECT_NEAR((*sizes)[0].width_mm, 841.89 * kMm, 0.01);
  EXPECT_NEAR((*sizes)[0].height_mm, 595.276 * kMm, 0.01);
  auto runs = ofd::extract_text(r.package, r.body, 0);
  ASSERT_TRUE(runs.ok());
  ASSERT_FALSE(runs->empty());
  ASSERT_FALSE(runs->front().chars.empty());
  const doc::RectMm first = runs->front().chars.front().box;
  // The glyph's em box turned: the baseline point (72, 100) is now (841.89 - 100, 72).
  EXPECT_NEAR(first.x + first.width - 0.8 * 12 * kMm, (841.89 - 100) * kMm, 1.0);
  EXPECT_NEAR(first.y, 72 * kMm, 1.0);
}

TEST(PdfToOfd, RefusesDamagedEncryptedAndEmptyInput) {
  EXPECT_EQ(pdf_to_ofd({}, kOptions).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(pdf_to_ofd(as_bytes("not a PDF at all"), kOptions).error().kind,
            ErrorKind::kInvalidInput);
  const Bytes pdf = make_drawing_pdf();
  const ByteView head(pdf.data(), 300);
  EXPECT_EQ(pdf_to_ofd(head, kOptions).error().kind, ErrorKind::kInvalidInput);

  test::TempDir dir;
  {
    std::ofstream out(dir / "plain.pdf", std::ios::binary);
    out.write(reinterpret_cast<const char*>(pdf.data()), static_cast<std::streamsize>(pdf.size()));
  }
  for (const std::string user : {"secret", ""}) {
    auto result = test::run_command("qpdf --encrypt '" + user + "' owner 256 -- '" +
                                    (dir / "plain.pdf").string() + "' '" +
                                    (dir / "locked.pdf").string() + "'");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    std::ifstream in(dir / "locked.pdf", std::ios::binary);
    const Bytes locked((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto refused = pdf_to_ofd(locked, kOptions);
    ASSERT_FALSE(refused.ok()) << "user password '" << user << "'";
    EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(refused.error().message.find("encrypted"), std::string::npos);
  }
}

}  // namespace
}  // namespace eseal::render
