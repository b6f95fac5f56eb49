// The OFD renderer against documents made here, one feature per region of a page, probed by
// colour where each feature must (and must not) leave ink; the whole page compared with a
// checked-in reference; the fixtures' real-world OFDs rendered with ink under their text; the
// vector PDF compared with pdftoppm's rendering of it.
#include "render/ofd_render.h"

#include <cairo.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/file.h"
#include "crypto/sm2.h"
#include "doc/placement.h"
#include "ofd/document.h"
#include "ofd/sign.h"
#include "ofd/text.h"
#include "ofd/writer.h"
#include "ofd/zip_builder.h"
#include "support/process.h"
#include "support/sealing_parties.h"

namespace eseal::render {
namespace {

namespace fs = std::filesystem;
using ofd::test::make_zip;

const fs::path kFixtures = ESEAL_FIXTURE_DIR "/ofd-interop";
const fs::path kReference = ESEAL_RENDER_REFERENCE_DIR;
const fs::path kDejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";  // fonts-dejavu-core

Bytes bytes_of(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

constexpr const char* kHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr const char* kNs = " xmlns:ofd=\"http://www.ofdspec.org/2016\"";

// A 2x2 PNG of one colour.
Bytes solid_png(double r, double g, double b) {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 2, 2);
  cairo_t* cr = cairo_create(s);
  cairo_set_source_rgb(cr, r, g, b);
  cairo_paint(cr);
  cairo_destroy(cr);
  Bytes out;
  cairo_surface_write_to_png_stream(
      s,
      [](void* c, const unsigned char* d, unsigned n) {
        static_cast<Bytes*>(c)->insert(static_cast<Bytes*>(c)->end(), d, d + n);
        return CAIRO_STATUS_SUCCESS;
      },
      &out);
  cairo_surface_destroy(s);
  return out;
}

std::string path_object(const std::string& attrs, const std::string& data,
                        const std::string& inner = "") {
  return "<ofd:PathObject " + attrs + ">" + inner + "<ofd:AbbreviatedData>" + data +
         "</ofd:AbbreviatedData></ofd:PathObject>";
}

// The feature page: 100 x 100 mm. Each test below probes its own region.
Bytes feature_document() {
  std::string ofd = std::string(kHeader) + "<ofd:OFD" + kNs +
                    " Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo><ofd:DocID>x"
                    "</ofd:DocID><ofd:Title>features</ofd:Title></ofd:DocInfo>"
                    "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>";
  std::string document =
      std::string(kHeader) + "<ofd:Document" + kNs +
      "><ofd:CommonData><ofd:MaxUnitID>100</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 100 "
      "100</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
      "<ofd:TemplatePage ID=\"90\" BaseLoc=\"Tpls/Tpl_0/Content.xml\"/></ofd:CommonData>"
      "<ofd:Pages><ofd:Page ID=\"1\" BaseLoc=\"Pages/Page_0/Content.xml\"/></ofd:Pages>"
      "<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations></ofd:Document>";
  std::string res =
      std::string(kHeader) + "<ofd:Res" + kNs +
      " BaseLoc=\"Res\"><ofd:ColorSpaces><ofd:ColorSpace ID=\"2\" Type=\"CMYK\"/>"
      "<ofd:ColorSpace ID=\"3\" Type=\"GRAY\" BitsPerComponent=\"8\"/>"
      "<ofd:ColorSpace ID=\"8\" Type=\"RGB\"><ofd:Palette><ofd:CV>0 0 0</ofd:CV><ofd:CV>255 128 0"
      "</ofd:CV></ofd:Palette></ofd:ColorSpace></ofd:ColorSpaces>"
      "<ofd:DrawParams><ofd:DrawParam ID=\"4\" LineWidth=\"2\"><ofd:StrokeColor Value=\"0 0 255\"/>"
      "</ofd:DrawParam></ofd:DrawParams>"
      "<ofd:Fonts><ofd:Font ID=\"5\" FontName=\"宋体\" FamilyName=\"宋体\"/>"
      "<ofd:Font ID=\"9\" FontName=\"DejaVu Sans\"><ofd:FontFile>dejavu.ttf</ofd:FontFile>"
      "</ofd:Font></ofd:Fonts>"
      "<ofd:MultiMedias><ofd:MultiMedia ID=\"6\" Type=\"Image\"><ofd:MediaFile>red.png"
      "</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias>"
      "<ofd:CompositeGraphicUnits><ofd:CompositeGraphicUnit ID=\"7\" Width=\"10\" Height=\"10\">"
      "<ofd:Content>" +
      path_object("ID=\"71\" Boundary=\"0 0 10 10\" Fill=\"true\" Stroke=\"false\"",
                  "M 0 0 L 10 0 L 10 10 L 0 10 C", "<ofd:FillColor Value=\"0 160 0\"/>") +
      "</ofd:Content></ofd:CompositeGraphicUnit></ofd:CompositeGraphicUnits></ofd:Res>";
  std::string tpl =
      std::string(kHeader) + "<ofd:Page" + kNs + "><ofd:Content><ofd:Layer ID=\"91\">" +
      path_object("ID=\"92\" Boundary=\"0 0 100 8\" Fill=\"true\" Stroke=\"false\"",
                  "M 0 0 L 100 0 L 100 8 L 0 8 C", "<ofd:FillColor Value=\"200 200 200\"/>") +
      "</ofd:Layer></ofd:Content></ofd:Page>";
  std::string fill = "Fill=\"true\" Stroke=\"false\"";
  std::string objects =
      // (1) RGB fill, M/L/C, at 10,10 10x10: red.
      path_object("ID=\"11\" Boundary=\"10 10 10 10\" " + fill, "M 0 0 L 10 0 L 10 10 L 0 10 C",
                  "<ofd:FillColor Value=\"255 0 0\"/>") +
      // (2) CMYK: cyan at 25,10.
      path_object("ID=\"12\" Boundary=\"25 10 10 10\" " + fill, "S 0 0 L 10 0 L 10 10 L 0 10 C",
                  "<ofd:FillColor ColorSpace=\"2\" Value=\"255 0 0 0\"/>") +
      // (3) GRAY 128 at 40,10.
      path_object("ID=\"13\" Boundary=\"40 10 10 10\" " + fill, "M 0 0 L 10 0 L 10 10 L 0 10 C",
                  "<ofd:FillColor ColorSpace=\"3\" Value=\"128\"/>") +
      // (4) Even-odd: a 10 mm square with a 4 mm hole at 55,10.
      path_object("ID=\"14\" Boundary=\"55 10 10 10\" Rule=\"Even-Odd\" " + fill,
                  "M 0 0 L 10 0 L 10 10 L 0 10 C M 3 3 L 7 3 L 7 7 L 3 7 C",
                  "<ofd:FillColor Value=\"0 0 0\"/>") +
      // (5) A circle of two arcs (A), blue, at 70,10.
      path_object("ID=\"15\" Boundary=\"70 10 10 10\" " + fill,
                  "M 0 5 A 5 5 0 1 1 10 5 A 5 5 0 1 1 0 5 C",
                  "<ofd:FillColor Value=\"0 0 255\"/>") +
      // (6) Quadratic and cubic Béziers: a filled lens at 85,10.
      path_object("ID=\"16\" Boundary=\"85 10 10 10\" " + fill,
                  "M 0 5 Q 5 -5 10 5 B 7 12 3 12 0 5 C", "<ofd:FillColor Value=\"255 0 255\"/>") +
      // (7) A stroke from DrawParam 4: 2 mm blue line at y = 27 from x 10 to 40.
      path_object("ID=\"17\" Boundary=\"10 26 30 2\" DrawParam=\"4\"", "M 0 1 L 30 1") +
      // (8) A dashed 2 mm line, dashes of 4 mm, at y = 32 from x 10 to 42.
      path_object("ID=\"18\" Boundary=\"10 31 32 2\" LineWidth=\"2\" DashPattern=\"4 4\"",
                  "M 0 1 L 32 1") +
      // (9) Clip: a 20 mm square clipped to its left half, at 50,25.
      path_object("ID=\"19\" Boundary=\"50 25 20 10\" " + fill, "M 0 0 L 20 0 L 20 10 L 0 10 C",
                  "<ofd:Clips><ofd:Clip><ofd:Area><ofd:Path Boundary=\"0 0 10 10\">"
                  "<ofd:AbbreviatedData>M 0 0 L 10 0 L 10 10 L 0 10 C</ofd:AbbreviatedData>"
                  "</ofd:Path></ofd:Area></ofd:Clip></ofd:Clips>"
                  "<ofd:FillColor Value=\"0 128 0\"/>") +
      // (10) CTM: a 5 mm square scaled by 2 at 75,25.
      path_object("ID=\"20\" Boundary=\"75 25 10 10\" CTM=\"2 0 0 2 0 0\" " + fill,
                  "M 0 0 L 5 0 L 5 5 L 0 5 C", "<ofd:FillColor Value=\"255 128 0\"/>") +
      // (11) Alpha 128 black at 10,40.
      path_object("ID=\"21\" Boundary=\"10 40 10 10\" Alpha=\"128\" " + fill,
                  "M 0 0 L 10 0 L 10 10 L 0 10 C", "<ofd:FillColor Value=\"0 0 0\"/>") +
      // (12) An image at 25,40 10x10.
      "<ofd:ImageObject ID=\"22\" Boundary=\"25 40 10 10\" CTM=\"10 0 0 10 0 0\" "
      "ResourceID=\"6\"/>"
      // (13) A composite unit at 40,40.
      "<ofd:CompositeObject ID=\"23\" Boundary=\"40 40 10 10\" ResourceID=\"7\"/>"
      // (14) Nested PageBlocks and a palette colour (index 1: orange) at 55,40.
      "<ofd:PageBlock ID=\"24\"><ofd:PageBlock ID=\"25\">" +
      path_object("ID=\"26\" Boundary=\"55 40 10 10\" " + fill, "M 0 0 L 10 0 L 10 10 L 0 10 C",
                  "<ofd:FillColor ColorSpace=\"8\" Index=\"1\"/>") +
      "</ofd:PageBlock></ofd:PageBlock>"
      // (15) An axial shading from black (left) to white (right) at 70,40.
      + path_object("ID=\"27\" Boundary=\"70 40 20 10\" " + fill, "M 0 0 L 20 0 L 20 10 L 0 10 C",
                    "<ofd:FillColor><ofd:AxialShd StartPoint=\"0 0\" EndPoint=\"20 0\" "
                    "Extend=\"3\"><ofd:Segment Position=\"0\"><ofd:Color Value=\"0 0 0\"/>"
                    "</ofd:Segment><ofd:Segment Position=\"1\"><ofd:Color Value=\"255 255 255\"/>"
                    "</ofd:Segment></ofd:AxialShd></ofd:FillColor>") +
      // (16) Text: 电子印章 at 10,60, 8 mm, red.
      "<ofd:TextObject ID=\"28\" Boundary=\"10 55 40 10\" Font=\"5\" Size=\"8\">"
      "<ofd:FillColor Value=\"255 0 0\"/><ofd:TextCode X=\"0\" Y=\"7\" DeltaX=\"g 3 9\">电子印章"
      "</ofd:TextCode></ofd:TextObject>"
      // (17) Invisible: nothing at 60,55.
      + path_object("ID=\"29\" Boundary=\"60 55 10 10\" Visible=\"false\" " + fill,
                    "M 0 0 L 10 0 L 10 10 L 0 10 C") +
      // (18) Stroked text (outline only) at 10,75, 12 mm, Latin.
      "<ofd:TextObject ID=\"30\" Boundary=\"10 70 40 14\" Font=\"5\" Size=\"12\" Fill=\"false\" "
      "Stroke=\"true\" LineWidth=\"0.3\"><ofd:TextCode X=\"0\" Y=\"11\">OFD</ofd:TextCode>"
      "</ofd:TextObject>"
      // (19) An embedded font drawn by glyph index: the CGTransform maps 甲乙 (which DejaVu Sans
      // lacks) one to one onto glyphs 43 and 43 ("H"), 15 mm apart, at 55,80.
      "<ofd:TextObject ID=\"31\" Boundary=\"55 80 30 12\" Font=\"9\" Size=\"10\">"
      "<ofd:CGTransform CodePosition=\"0\" CodeCount=\"2\" GlyphCount=\"2\"><ofd:Glyphs>43 43"
      "</ofd:Glyphs></ofd:CGTransform><ofd:TextCode X=\"0\" Y=\"10\" DeltaX=\"15\">甲乙"
      "</ofd:TextCode></ofd:TextObject>";
  std::string page = std::string(kHeader) + "<ofd:Page" + kNs +
                     "><ofd:Template TemplateID=\"90\" ZOrder=\"Background\"/><ofd:Content>"
                     "<ofd:Layer ID=\"10\">" +
                     objects + "</ofd:Layer></ofd:Content></ofd:Page>";
  std::string annotations = std::string(kHeader) + "<ofd:Annotations" + kNs +
                            "><ofd:Page PageID=\"1\"><ofd:FileLoc>Page_0/Annotation.xml"
                            "</ofd:FileLoc></ofd:Page></ofd:Annotations>";
  std::string annot =
      std::string(kHeader) + "<ofd:PageAnnot" + kNs +
      "><ofd:Annot ID=\"40\" Type=\"Stamp\"><ofd:Appearance Boundary=\"70 60 10 10\">" +
      path_object("ID=\"41\" Boundary=\"0 0 10 10\" " + fill, "M 0 0 L 10 0 L 10 10 L 0 10 C",
                  "<ofd:FillColor Value=\"128 0 128\"/>") +
      "</ofd:Appearance></ofd:Annot><ofd:Annot ID=\"42\" Type=\"Link\" Visible=\"false\">"
      "<ofd:Appearance Boundary=\"85 60 10 10\">" +
      path_object("ID=\"43\" Boundary=\"0 0 10 10\" " + fill, "M 0 0 L 10 0 L 10 10 L 0 10 C") +
      "</ofd:Appearance></ofd:Annot></ofd:PageAnnot>";
  return make_zip({{"OFD.xml", bytes_of(ofd)},
                   {"Doc_0/Document.xml", bytes_of(document)},
                   {"Doc_0/PublicRes.xml", bytes_of(res)},
                   {"Doc_0/Res/red.png", solid_png(1, 0, 0)},
                   {"Doc_0/Res/dejavu.ttf", *read_file(kDejaVu)},
                   {"Doc_0/Tpls/Tpl_0/Content.xml", bytes_of(tpl)},
                   {"Doc_0/Pages/Page_0/Content.xml", bytes_of(page)},
                   {"Doc_0/Annots/Annotations.xml", bytes_of(annotations)},
                   {"Doc_0/Annots/Page_0/Annotation.xml", bytes_of(annot)}});
}

struct Rgb {
  int r, g, b;
};

// The pixel at (x, y) mm of a page rendered at `dpi`.
Rgb at(const Picture& p, double x_mm, double y_mm, double dpi) {
  int x = static_cast<int>(x_mm / 25.4 * dpi), y = static_cast<int>(y_mm / 25.4 * dpi);
  std::uint32_t px;
  std::memcpy(&px, &p.argb[(static_cast<std::size_t>(y) * p.width + x) * 4], 4);
  return {static_cast<int>((px >> 16) & 255), static_cast<int>((px >> 8) & 255),
          static_cast<int>(px & 255)};
}

bool near(Rgb a, Rgb b, int tolerance = 12) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance &&
         std::abs(a.b - b.b) <= tolerance;
}

// The share of pixels darker than `level` (mean of r, g, b) in a box in mm.
double ink(const Picture& p, doc::RectMm box, double dpi, int level = 160) {
  int x0 = std::max(0, static_cast<int>(box.x / 25.4 * dpi));
  int y0 = std::max(0, static_cast<int>(box.y / 25.4 * dpi));
  int x1 = std::min(p.width, static_cast<int>((box.x + box.width) / 25.4 * dpi) + 1);
  int y1 = std::min(p.height, static_cast<int>((box.y + box.height) / 25.4 * dpi) + 1);
  int dark = 0, all = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      std::uint32_t px;
      std::memcpy(&px, &p.argb[(static_cast<std::size_t>(y) * p.width + x) * 4], 4);
      int mean = static_cast<int>(((px >> 16) & 255) + ((px >> 8) & 255) + (px & 255)) / 3;
      dark += mean < level;
      ++all;
    }
  }
  return all ? static_cast<double>(dark) / all : 0;
}

constexpr Rgb kWhite{255, 255, 255};
constexpr double kDpi = 100;

class FeaturePage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = OfdRenderer::open(feature_document());
    ASSERT_TRUE(r) << r.error().message;
    renderer_ = new OfdRenderer(std::move(*r));
    auto p = renderer_->render_pixels(0, kDpi);
    ASSERT_TRUE(p) << p.error().message;
    page_ = new Picture(std::move(*p));
  }
  static void TearDownTestSuite() {
    delete page_;
    delete renderer_;
  }
  static OfdRenderer* renderer_;
  static Picture* page_;
};
OfdRenderer* FeaturePage::renderer_ = nullptr;
Picture* FeaturePage::page_ = nullptr;

TEST_F(FeaturePage, SizeAndTemplate) {
  EXPECT_EQ(page_->width, 394);
  EXPECT_EQ(page_->height, 394);
  EXPECT_TRUE(near(at(*page_, 50, 4, kDpi), {200, 200, 200})) << "background template";
  EXPECT_TRUE(near(at(*page_, 50, 95, kDpi), kWhite));
}

TEST_F(FeaturePage, FillsAndColourSpaces) {
  EXPECT_TRUE(near(at(*page_, 15, 15, kDpi), {255, 0, 0}));
  EXPECT_TRUE(near(at(*page_, 30, 15, kDpi), {0, 255, 255})) << "CMYK 255 0 0 0 is cyan";
  EXPECT_TRUE(near(at(*page_, 45, 15, kDpi), {128, 128, 128})) << "GRAY";
  EXPECT_TRUE(near(at(*page_, 60, 40 + 5, kDpi), {255, 128, 0})) << "palette index 1";
}

TEST_F(FeaturePage, EvenOddArcsAndBeziers) {
  EXPECT_TRUE(near(at(*page_, 56, 11, kDpi), {0, 0, 0}));
  EXPECT_TRUE(near(at(*page_, 60, 15, kDpi), kWhite)) << "the even-odd hole";
  EXPECT_TRUE(near(at(*page_, 75, 15, kDpi), {0, 0, 255})) << "circle centre";
  EXPECT_TRUE(near(at(*page_, 70.6, 10.6, kDpi), kWhite)) << "outside the circle, in its box";
  EXPECT_TRUE(near(at(*page_, 90, 15, kDpi), {255, 0, 255})) << "inside the lens";
  EXPECT_TRUE(near(at(*page_, 86, 19, kDpi), kWhite)) << "below the lens";
}

TEST_F(FeaturePage, StrokesDrawParamsAndDashes) {
  EXPECT_TRUE(near(at(*page_, 25, 27, kDpi), {0, 0, 255})) << "DrawParam's colour and width";
  EXPECT_TRUE(near(at(*page_, 25, 25.2, kDpi), kWhite));
  EXPECT_TRUE(near(at(*page_, 12, 32, kDpi), {0, 0, 0})) << "a dash";
  EXPECT_TRUE(near(at(*page_, 16, 32, kDpi), kWhite)) << "a gap";
  EXPECT_TRUE(near(at(*page_, 20, 32, kDpi), {0, 0, 0})) << "the next dash";
}

TEST_F(FeaturePage, ClipsCtmAlphaImagesComposites) {
  EXPECT_TRUE(near(at(*page_, 55, 30, kDpi), {0, 128, 0})) << "inside the clip";
  EXPECT_TRUE(near(at(*page_, 65, 30, kDpi), kWhite)) << "clipped away";
  EXPECT_TRUE(near(at(*page_, 84, 34, kDpi), {255, 128, 0})) << "a 5 mm square scaled by 2";
  EXPECT_TRUE(near(at(*page_, 15, 45, kDpi), {127, 127, 127}, 3)) << "alpha 128";
  EXPECT_TRUE(near(at(*page_, 30, 45, kDpi), {255, 0, 0})) << "the image";
  EXPECT_TRUE(near(at(*page_, 45, 45, kDpi), {0, 160, 0})) << "the composite unit";
  Rgb left = at(*page_, 71, 45, kDpi), right = at(*page_, 89, 45, kDpi);
  EXPECT_LT(left.r, 40);
  EXPECT_GT(right.r, 215) << "the axial shading runs black to white";
}

TEST_F(FeaturePage, TextAnnotationsAndVisibility) {
  EXPECT_GT(ink(*page_, {10, 56, 36, 8}, kDpi, 200), 0.10) << "电子印章 is drawn";
  EXPECT_TRUE(near(at(*page_, 65, 60, kDpi), kWhite)) << "Visible=false is not drawn";
  EXPECT_GT(ink(*page_, {10, 71, 25, 12}, kDpi, 200), 0.02) << "outlined OFD";
  EXPECT_TRUE(near(at(*page_, 75, 65, kDpi), {128, 0, 128})) << "an annotation's appearance";
  EXPECT_TRUE(near(at(*page_, 90, 65, kDpi), kWhite)) << "an invisible annotation";
  EXPECT_GT(ink(*page_, {55, 82, 8, 8}, kDpi), 0.15) << "the first glyph of the CGTransform";
  EXPECT_GT(ink(*page_, {70, 82, 8, 8}, kDpi), 0.15) << "the second, 15 mm on";
  EXPECT_LT(ink(*page_, {63.5, 82, 6, 8}, kDpi), 0.01) << "nothing between them";
  for (const auto& s : renderer_->report().substitutions) std::cout << "  " << s << "\n";
  ASSERT_FALSE(renderer_->report().substitutions.empty());
  EXPECT_NE(renderer_->report().substitutions.front().find("Noto Serif CJK SC"), std::string::npos)
      << "宋体 is drawn with Noto Serif CJK SC, and the report says so";
}

TEST(OfdRenderLimits, APictureBeyondTheDocumentsPixelBudgetIsNotDrawn) {
  RenderOptions options;
  options.max_document_pixels = 1;  // [limits] render_mpixels, far below the image's size
  auto r = OfdRenderer::open(feature_document(), options);
  ASSERT_TRUE(r) << r.error().message;
  auto page = r->render_pixels(0, kDpi);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_TRUE(near(at(*page, 30, 45, kDpi), kWhite)) << "the image is left out";
  EXPECT_TRUE(near(at(*page, 15, 15, kDpi), {255, 0, 0})) << "the rest is drawn";
  const auto& warnings = r->report().warnings;
  EXPECT_TRUE(std::any_of(warnings.begin(), warnings.end(), [](const std::string& w) {
    return w.find("more than the limit of 1 pixels") != std::string::npos;
  })) << (warnings.empty() ? "no warning" : warnings.front());
}

// The whole page against the reference made when the renderer was checked by eye: at most 0.5%
// of pixels differ by more than 48 in a channel (font rasterizers differ in anti-aliasing).
TEST_F(FeaturePage, MatchesTheReference) {
  const fs::path reference = kReference / "features.png";
  auto png = renderer_->render_png(0, kDpi);
  ASSERT_TRUE(png);
  if (std::getenv("ESEAL_UPDATE_REFERENCE")) {
    ASSERT_TRUE(write_file_atomic(reference, *png));
  }
  auto want_bytes = read_file(reference);
  ASSERT_TRUE(want_bytes) << reference;
  auto want = decode_picture(*want_bytes);
  ASSERT_TRUE(want);
  ASSERT_EQ(want->width, page_->width);
  ASSERT_EQ(want->height, page_->height);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < want->argb.size(); ++i) {
    if (std::abs(int(want->argb[i]) - int(page_->argb[i])) > 48) ++differ;
  }
  double share = static_cast<double>(differ) / static_cast<double>(want->argb.size());
  std::cout << "  differing channel values: " << differ << " (" << share * 100 << "%)\n";
  EXPECT_LT(share, 0.005);
}

TEST(OfdRender, PdfKeepsTextAndPaths) {
  auto r = OfdRenderer::open(feature_document());
  ASSERT_TRUE(r);
  auto pdf = r->render_pdf({.title = "", .creation_time = std::nullopt});
  ASSERT_TRUE(pdf) << pdf.error().message;
  ASSERT_GT(pdf->size(), 100u);
  EXPECT_EQ(std::string(pdf->begin(), pdf->begin() + 5), "%PDF-");
  std::string body(pdf->begin(), pdf->end());
  EXPECT_NE(body.find("features"), std::string::npos) << "the OFD's title";
  EXPECT_EQ(body.find("/Multiply"), std::string::npos) << "no seal here, so no blend mode";
  test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "features.pdf", *pdf));
  auto text = test::run_command("pdftotext -layout " + (dir / "features.pdf").string() + " -");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("电子印章"), std::string::npos) << text.output;
  // Outlined (Stroke-only) text is drawn as paths: cairo has no stroked text mode.
  EXPECT_EQ(text.output.find("OFD"), std::string::npos) << text.output;
  auto check = test::run_command("qpdf --check " + (dir / "features.pdf").string());
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto fonts = test::run_command("pdffonts " + (dir / "features.pdf").string());
  EXPECT_NE(fonts.output.find("NotoSerifCJK"), std::string::npos) << fonts.output;
  EXPECT_NE(fonts.output.find(" yes yes "), std::string::npos)
      << "embedded, subset: " << fonts.output;
}

// The vector PDF drawn by poppler (pdftoppm) against the renderer's own pixels of the same page:
// the share of pixels that differ visibly, printed.
double differs_from_pdftoppm(const Bytes& ofd, int page) {
  auto r = OfdRenderer::open(ofd);
  EXPECT_TRUE(r);
  auto pdf = r->render_pdf({}, page, page);
  EXPECT_TRUE(pdf);
  test::TempDir dir;
  EXPECT_TRUE(write_file_atomic(dir / "f.pdf", *pdf));
  auto ppm = test::run_command("pdftoppm -png -r 100 -singlefile " + (dir / "f.pdf").string() +
                               " " + (dir / "f").string());
  EXPECT_EQ(ppm.exit_code, 0) << ppm.output;
  auto theirs = decode_picture(*read_file(dir / "f.png"));
  auto ours = r->render_pixels(page, 100);
  if (!theirs || !ours || theirs->width != ours->width || theirs->height != ours->height) {
    ADD_FAILURE() << "the two pictures differ in size";
    return 1;
  }
  // A pixel differs when no pixel at most one away in the other picture is within 64 in every
  // channel: the two rasterizers place anti-aliased glyph edges a fraction of a pixel apart.
  auto channel = [](const Picture& p, int x, int y, int c) {
    return int(p.argb[(static_cast<std::size_t>(y) * p.width + x) * 4 + c]);
  };
  std::size_t differ = 0, pixels = ours->argb.size() / 4;
  for (int y = 0; y < ours->height; ++y) {
    for (int x = 0; x < ours->width; ++x) {
      bool matched = false;
      for (int dy = -1; dy <= 1 && !matched; ++dy) {
        for (int dx = -1; dx <= 1 && !matched; ++dx) {
          int tx = x + dx, ty = y + dy;
          if (tx < 0 || ty < 0 || tx >= theirs->width || ty >= theirs->height) continue;
          matched = true;
          for (int c = 0; c < 3; ++c) {
            matched =
                matched && std::abs(channel(*ours, x, y, c) - channel(*theirs, tx, ty, c)) <= 64;
          }
        }
      }
      differ += !matched;
    }
  }
  double share = static_cast<double>(differ) / static_cast<double>(pixels);
  std::cout << "  pixels unlike any within one pixel of pdftoppm's rendering of the PDF: " << differ
            << " of " << pixels << " (" << share * 100 << "%)\n";
  return share;
}

TEST(OfdRender, PdfLooksLikeThePage) {
  EXPECT_LT(differs_from_pdftoppm(feature_document(), 0), 0.01);
}

// An OFD made from text, next to the PDF of the same text.
TEST(OfdRender, TextPdfLooksLikeTheTextPage) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "第" + std::to_string(i + 1) + "条：电子印章 Seal 2026。\n";
  auto laid = ofd::layout_text(text, {});
  EXPECT_LT(differs_from_pdftoppm(*ofd::write_ofd(laid->document, {eseal::test::kNow, "t"}), 0),
            0.01);
}

// The fixtures' real-world OFDs (tax e-invoices among them): every page renders, and where the
// text reader finds text, the picture has ink.
TEST(OfdRender, FixturesRenderLegibly) {
  if (!fs::exists(kFixtures)) GTEST_SKIP() << "no fixtures at " << kFixtures;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".ofd") continue;
    ++files;
    SCOPED_TRACE(entry.path().filename().string());
    auto bytes = read_file(entry.path());
    ASSERT_TRUE(bytes);
    auto r = OfdRenderer::open(*bytes);
    ASSERT_TRUE(r) << r.error().message;
    auto package = ofd::Package::open(*bytes);
    auto structure = ofd::read_structure(*package);
    for (int page = 0; page < r->page_count(); ++page) {
      auto pixels = r->render_pixels(page, 150);
      ASSERT_TRUE(pixels) << pixels.error().message;
      if (const char* out = std::getenv("ESEAL_RENDER_OUT")) {  // to look at them
        auto png = r->render_png(page, 150);
        ASSERT_TRUE(write_file_atomic(fs::path(out) / (entry.path().stem().string() + "-" +
                                                       std::to_string(page + 1) + ".png"),
                                      *png));
      }
      auto runs = ofd::extract_text(*package, structure->documents.front(), page);
      ASSERT_TRUE(runs);
      int with_ink = 0, checked = 0;
      for (const auto& run : *runs) {
        bool blank = run.text.find_first_not_of(" \t") == std::string::npos;
        if (blank || run.box.width < 0.5) continue;
        ++checked;
        with_ink += ink(*pixels, run.box, 150, 200) > 0.01;
      }
      std::cout << "  " << entry.path().filename().string() << " page " << page + 1 << ": "
                << with_ink << " of " << checked << " text runs have ink\n";
      EXPECT_GE(with_ink, checked * 95 / 100);
    }
    for (const auto& s : r->report().substitutions) std::cout << "    font: " << s << "\n";
    for (const auto& w : r->report().warnings) std::cout << "    warning: " << w << "\n";
  }
  EXPECT_GE(files, 5);
}

// The QR code of a tax e-invoice is a JBIG2 picture: drawn, it decodes (zbarimg) to the
// invoice's data — its code and number, as printed on the page.
TEST(OfdRender, InvoiceQrCodeScans) {
  const fs::path file = kFixtures / "signedFile.ofd";
  if (!fs::exists(file)) GTEST_SKIP() << "no fixture " << file;
  auto r = OfdRenderer::open(*read_file(file));
  ASSERT_TRUE(r);
  auto png = r->render_png(0, 300);
  ASSERT_TRUE(png);
  for (const auto& w : r->report().warnings) EXPECT_EQ(w.find("jb2"), std::string::npos) << w;
  test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "invoice.png", *png));
  auto scan = test::run_command("zbarimg -q --raw " + (dir / "invoice.png").string());
  ASSERT_EQ(scan.exit_code, 0) << scan.output;
  EXPECT_NE(scan.output.find("032001600511"), std::string::npos) << scan.output;
  EXPECT_NE(scan.output.find("31471858"), std::string::npos) << scan.output;
}

// The seal of a signed fixture is drawn where its StampAnnot is, as red ink multiplied onto the
// page; without seals the same place is blank.
TEST(OfdRender, SealsAreInk) {
  const fs::path file = kFixtures / "SESV4SignDoc.ofd";
  if (!fs::exists(file)) GTEST_SKIP() << "no fixture " << file;
  auto bytes = read_file(file);
  auto package = ofd::Package::open(*bytes);
  auto structure = ofd::read_structure(*package);
  const auto& sig = structure->documents.front().signatures.front();
  auto xml = package->read(sig.path);
  auto description = ofd::parse_signature_xml(*xml, sig.path);
  ASSERT_TRUE(description);
  const auto& annot = description->stamp_annots.front();
  int page = 0;
  while (structure->documents.front().pages[page].id != annot.page_ref) ++page;
  auto count_red = [&](bool seals) {
    RenderOptions options;
    options.seals = seals;
    auto r = OfdRenderer::open(*bytes, options);
    auto pixels = r->render_pixels(page, 100);
    int red = 0;
    const auto& b = annot.boundary;
    for (double y = b.y; y < b.y + b.height; y += 0.5) {
      for (double x = b.x; x < b.x + b.width; x += 0.5) {
        Rgb c = at(*pixels, x, y, 100);
        red += c.r > 150 && c.g < 100 && c.b < 100;
      }
    }
    return red;
  };
  EXPECT_GT(count_red(true), 100);
  EXPECT_EQ(count_red(false), 0);
}

// Dense black text on three pages, sealed here: a seal over text on page 1 and a cross-page seal
// across all three.
Bytes sealed_text_document() {
  std::string text;
  for (int i = 0; i < 90; ++i) text += "电子印章应用试点按照统一标准推进电子政务建设部署\n";
  auto laid = ofd::layout_text(text, {});
  Bytes ofd = *ofd::write_ofd(laid->document, {eseal::test::kNow, "render"});
  const auto& p = eseal::test::parties();
  std::vector<doc::PageSize> pages(3, doc::PageSize{210, 297});
  std::vector<doc::Stamp> stamps = *doc::place(doc::CrossPageRule{}, pages, 40, 40);
  doc::RectMm over_text{40, 40, 40, 40};
  stamps.insert(stamps.begin(), doc::Stamp{0, over_text, over_text, true});
  ofd::SignRequest request{ofd::SignatureKind::kSeal, stamps, &p.seal, p.signer.cert,
                           eseal::test::kNow,         0};
  auto prepared = ofd::prepare_signature(ofd, request);
  auto signature = crypto::sm2_sign(p.signer.key, prepared->to_be_signed);
  return *ofd::complete_signature(prepared->ofd, *signature, eseal::test::kNow);
}

int count(const Picture& p, doc::RectMm box, double dpi, bool (*what)(Rgb)) {
  int n = 0;
  for (double y = box.y; y < box.y + box.height; y += 0.25) {
    for (double x = box.x; x < box.x + box.width; x += 0.25) n += what(at(p, x, y, dpi));
  }
  return n;
}

bool red(Rgb c) {
  return c.r > 150 && c.g < 110 && c.b < 110;
}
bool dark(Rgb c) {
  return c.r + c.g + c.b < 240;
}

// Each page shows its slice of the cross-page seal at the right edge and nothing of the rest of
// the seal; the text under the seal on page 1 stays as dark as without the seal (multiplied ink:
// black under red stays black), while the seal's red shows on the paper around the text.
TEST(OfdRender, CrossPageSlicesAndInkOverText) {
  Bytes sealed = sealed_text_document();
  auto with = OfdRenderer::open(sealed);
  ASSERT_TRUE(with);
  RenderOptions no_seals;
  no_seals.seals = false;
  auto without = OfdRenderer::open(sealed, no_seals);
  ASSERT_TRUE(without);
  ASSERT_EQ(with->page_count(), 3);
  const double dpi = 100, slice = 40.0 / 3;
  for (int page = 0; page < 3; ++page) {
    SCOPED_TRACE("page " + std::to_string(page + 1));
    auto pixels = with->render_pixels(page, dpi);
    ASSERT_TRUE(pixels);
    EXPECT_GT(count(*pixels, {210 - slice, 128, slice - 0.5, 40}, dpi, red), 100)
        << "the slice at the right edge";
    EXPECT_EQ(count(*pixels, {165, 128, 210 - slice - 165 - 0.5, 40}, dpi, red), 0)
        << "the rest of the seal is clipped away";
  }
  auto sealed_page = with->render_pixels(0, dpi);
  auto plain_page = without->render_pixels(0, dpi);
  const doc::RectMm box{40, 40, 40, 40};
  const int dark_with = count(*sealed_page, box, dpi, dark);
  const int dark_without = count(*plain_page, box, dpi, dark);
  EXPECT_GT(dark_without, 1000) << "there is text under the seal";
  EXPECT_GE(dark_with, dark_without) << "no text pixel turned red";
  EXPECT_GT(count(*sealed_page, box, dpi, red), 300) << "the seal shows";
}

// One font drawn regular, then bold (Weight 700, synthesized: Noto Serif CJK SC regular has no
// bold face here), then regular again: the last is exactly as light as the first.
TEST(OfdRender, BoldDoesNotLeakIntoRegularText) {
  auto text = [](int id, double x, const char* weight) {
    return "<ofd:TextObject ID=\"" + std::to_string(id) + "\" Boundary=\"" + std::to_string(x) +
           " 10 20 20\" Font=\"5\" Size=\"15\" Weight=\"" + weight +
           "\"><ofd:TextCode X=\"0\" Y=\"14\">永</ofd:TextCode></ofd:TextObject>";
  };
  std::string page = std::string(kHeader) + "<ofd:Page" + kNs +
                     "><ofd:Content><ofd:Layer ID=\"1\">" + text(2, 10, "400") +
                     text(3, 40, "700") + text(4, 70, "400") +
                     "</ofd:Layer></ofd:Content></ofd:Page>";
  Bytes ofd =
      ofd::test::with_entry(feature_document(), "Doc_0/Pages/Page_0/Content.xml", bytes_of(page));
  auto r = OfdRenderer::open(ofd);
  ASSERT_TRUE(r);
  auto pixels = r->render_pixels(0, 200);
  ASSERT_TRUE(pixels);
  const double first = ink(*pixels, {10, 10, 20, 20}, 200);
  const double bold = ink(*pixels, {40, 10, 20, 20}, 200);
  const double last = ink(*pixels, {70, 10, 20, 20}, 200);
  EXPECT_GT(first, 0.02);
  EXPECT_GT(bold, first * 1.1) << "Weight 700 is bolder";
  EXPECT_NEAR(last, first, first * 0.02) << "the regular face stayed regular";
}

// Composite units ten wide and eight deep would draw 10^8 objects: the page is refused, quickly.
TEST(OfdRender, NestedCompositeUnitsAreBounded) {
  std::string units;
  for (int level = 0; level < 8; ++level) {
    units += "<ofd:CompositeGraphicUnit ID=\"" + std::to_string(100 + level) +
             "\" Width=\"10\" Height=\"10\"><ofd:Content>";
    for (int i = 0; i < 10; ++i) {
      units += level == 7 ? path_object("Boundary=\"0 0 1 1\"", "M 0 0 L 1 1")
                          : "<ofd:CompositeObject Boundary=\"0 0 10 10\" ResourceID=\"" +
                                std::to_string(101 + level) + "\"/>";
    }
    units += "</ofd:Content></ofd:CompositeGraphicUnit>";
  }
  std::string res = std::string(kHeader) + "<ofd:Res" + kNs + "><ofd:CompositeGraphicUnits>" +
                    units + "</ofd:CompositeGraphicUnits></ofd:Res>";
  Bytes ofd = feature_document();
  ofd = ofd::test::with_entry(ofd, "Doc_0/PublicRes.xml", bytes_of(res));
  std::string page =
      std::string(kHeader) + "<ofd:Page" + kNs +
      "><ofd:Content><ofd:Layer ID=\"1\"><ofd:CompositeObject Boundary=\"0 0 10 10\" "
      "ResourceID=\"100\"/></ofd:Layer></ofd:Content></ofd:Page>";
  ofd = ofd::test::with_entry(ofd, "Doc_0/Pages/Page_0/Content.xml", bytes_of(page));
  auto r = OfdRenderer::open(ofd);
  ASSERT_TRUE(r) << r.error().message;
  const auto start = std::chrono::steady_clock::now();
  auto pixels = r->render_pixels(0, 50);
  ASSERT_FALSE(pixels);
  EXPECT_NE(pixels.error().message.find("composite units draw more than"), std::string::npos)
      << pixels.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
}

TEST(OfdRender, RefusesWhatIsNotAnOfd) {
  EXPECT_FALSE(OfdRenderer::open(bytes_of("not a zip")));
  auto r = OfdRenderer::open(feature_document());
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->render_pixels(1, 100)) << "no page 2";
  EXPECT_FALSE(r->render_pixels(0, 0));
  EXPECT_FALSE(r->render_pixels(0, 20000)) << "beyond the picture limit";
}

}  // namespace
}  // namespace eseal::render
