// Text with positions: cairo-made Chinese documents (subset CID fonts with ToUnicode), the
// same rewritten with an xref stream or a rotated page, hand-written PDFs that exercise each
// text operator and font kind with positions worked out by hand, and damaged or hostile content.
#include "pdf/text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "pdf/document.h"
#include "pdf/pdf_fixtures.h"
#include "support/blank_pdf.h"
#include "support/process.h"

namespace eseal::pdf {
namespace {

using test::PlacedText;

constexpr double kA4Height = 841.89;
// Noto Serif CJK SC's font descriptor, as cairo writes it: /Ascent 1151 /Descent -286.
constexpr double kNotoAscent = 1.151, kNotoDescent = -0.286;

struct Extracted {
  std::vector<PageText> pages;
  std::vector<std::string> warnings;       // extract_text's
  std::vector<std::string> open_warnings;  // QPDF's while opening
};

Extracted extract(ByteView pdf, std::optional<int> page = std::nullopt) {
  Extracted out;
  Result<Document> doc = Document::open(pdf);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message);
  if (!doc.ok()) return out;
  out.open_warnings = doc->warnings();
  Result<std::vector<PageText>> pages = extract_text(*doc, page, &out.warnings);
  EXPECT_TRUE(pages.ok()) << (pages.ok() ? "" : pages.error().message);
  if (pages.ok()) out.pages = std::move(*pages);
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += (text.empty() ? "" : "\n") + line;
  return text;
}

bool mentions(const std::vector<std::string>& warnings, const std::string& part) {
  for (const std::string& w : warnings) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string describe(const Rect& r) {
  char text[128];
  std::snprintf(text, sizeof text, "[%.3f %.3f %.3f %.3f]", r.llx, r.lly, r.urx, r.ury);
  return text;
}

void expect_box(const Rect& actual, const Rect& expected, double tolerance,
                const std::string& what) {
  EXPECT_NEAR(actual.llx, expected.llx, tolerance) << what << " " << describe(actual);
  EXPECT_NEAR(actual.lly, expected.lly, tolerance) << what << " " << describe(actual);
  EXPECT_NEAR(actual.urx, expected.urx, tolerance) << what << " " << describe(actual);
  EXPECT_NEAR(actual.ury, expected.ury, tolerance) << what << " " << describe(actual);
}

// The box a CJK glyph drawn by the fixture should have: one em wide, from the descent to the
// ascent about the baseline (user space is y-up, so the baseline is at height - y).
Rect cjk_box(const PlacedText& t, int index, double height = kA4Height) {
  double x = t.x_pt + index * t.size_pt, baseline = height - t.y_pt;
  return {x, baseline + kNotoDescent * t.size_pt, x + t.size_pt,
          baseline + kNotoAscent * t.size_pt};
}

std::size_t characters(const std::string& utf8) {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::vector<std::vector<TextChar>> lines_of(const PageText& page) {
  std::vector<std::vector<TextChar>> lines;
  for (const TextChar& c : page.chars) {
    if (lines.empty() || c.starts_line) lines.emplace_back();
    lines.back().push_back(c);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Documents made by cairo

TEST(PdfTextCairo, ChineseTextOnSeveralPagesExtractsExactly) {
  const std::vector<PlacedText> texts = {
      {0, "甲方：北京某某科技有限公司", 72, 100, 12},
      {0, "乙方：上海某某贸易有限公司", 72, 130, 12},
      {1, "合同编号 HT-2026-001，金额：壹万元整", 90, 200, 14},
      {1, "本合同一式两份", 90, 230, 14},
      {2, "签章处", 300, 700, 16},
  };
  Bytes pdf = test::make_text_pdf(4, texts);
  ASSERT_NE(to_string(pdf).find("/ToUnicode"), std::string::npos);
  ASSERT_NE(to_string(pdf).find("/Identity-H"), std::string::npos);
  Extracted got = extract(pdf);
  ASSERT_EQ(got.pages.size(), 4u);
  EXPECT_EQ(got.pages[0].utf8(), joined({texts[0].text, texts[1].text}));
  EXPECT_EQ(got.pages[1].utf8(), joined({texts[2].text, texts[3].text}));
  EXPECT_EQ(got.pages[2].utf8(), texts[4].text);
  EXPECT_EQ(got.pages[3].utf8(), "");
  for (int p = 0; p < 4; ++p) EXPECT_EQ(got.pages[static_cast<std::size_t>(p)].page, p);
  EXPECT_TRUE(got.warnings.empty()) << joined(got.warnings);

  // Every character of the all-CJK lines sits one em after the one before.
  for (std::size_t t : {0u, 1u, 3u, 4u}) {
    const PlacedText& placed = texts[t];
    std::vector<std::vector<TextChar>> lines = lines_of(got.pages[std::size_t(placed.page)]);
    const std::vector<TextChar>& line = lines.at(t == 1 || t == 3 ? 1 : 0);
    ASSERT_EQ(line.size(), characters(placed.text)) << placed.text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      expect_box(line[i].box, cjk_box(placed, static_cast<int>(i)), 1.0,
                 placed.text + " character " + std::to_string(i));
    }
  }

  // The mixed line starts at its point and never goes backwards.
  const PageText& second = got.pages[1];
  const PlacedText& mixed = texts[2];
  EXPECT_NEAR(second.chars[0].box.llx, mixed.x_pt, 1.5);
  double baseline = kA4Height - mixed.y_pt;
  for (std::size_t i = 0; i + 1 < second.chars.size() && !second.chars[i + 1].starts_line; ++i) {
    EXPECT_LT(second.chars[i].box.llx, second.chars[i + 1].box.llx) << i;
    EXPECT_LT(second.chars[i].box.lly, baseline);
    EXPECT_GT(second.chars[i].box.ury, baseline);
  }
  // Latin letters are narrower than an em, CJK ones an em wide.
  const TextChar& letter_h = second.chars[5];  // 合同编号␠H
  ASSERT_EQ(letter_h.code, U'H');
  EXPECT_GT(letter_h.box.width(), 0.4 * mixed.size_pt);
  EXPECT_LT(letter_h.box.width(), 0.9 * mixed.size_pt);
}

TEST(PdfTextCairo, KeywordHitsComeWithPageAndBoxInDocumentOrder) {
  const std::vector<PlacedText> texts = {
      {0, "甲方签章：", 72, 100, 12},
      {1, "乙方签章：", 100, 300, 10},
      {1, "丙方签章：", 100, 500, 20},
  };
  Bytes pdf = test::make_text_pdf(2, texts);
  Extracted got = extract(pdf);
  std::vector<TextMatch> hits = find_text(got.pages, "签章");
  ASSERT_EQ(hits.size(), 3u);
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const PlacedText& t = texts[i];
    EXPECT_EQ(hits[i].page, t.page);
    Rect first = cjk_box(t, 2), last = cjk_box(t, 3);
    expect_box(hits[i].box, {first.llx, first.lly, last.urx, last.ury}, 1.0,
               "hit " + std::to_string(i));
  }
  EXPECT_EQ(find_text(got.pages, "丙方签章").size(), 1u);
  EXPECT_EQ(find_text(got.pages, "方签").size(), 3u);
  EXPECT_TRUE(find_text(got.pages, "丁方").empty());
  EXPECT_TRUE(find_text(got.pages, "").empty());
  EXPECT_TRUE(find_text(got.pages, "签 章").empty());
}

TEST(PdfTextCairo, KeywordSpansRunsDrawnSeparatelyOnOneLine) {
  const std::vector<PlacedText> texts = {
      {0, "甲方", 72, 100, 12},
      {0, "签章", 72 + 2 * 12, 100, 12},
  };
  Bytes pdf = test::make_text_pdf(1, texts);
  Extracted got = extract(pdf);
  ASSERT_EQ(got.pages.size(), 1u);
  EXPECT_EQ(got.pages[0].utf8(), "甲方签章");
  std::vector<TextMatch> hits = find_text(got.pages, "甲方签章");
  ASSERT_EQ(hits.size(), 1u);
  Rect first = cjk_box(texts[0], 0), last = cjk_box(texts[1], 1);
  expect_box(hits[0].box, {first.llx, first.lly, last.urx, last.ury}, 1.0, "甲方签章");
}

TEST(PdfTextCairo, KeywordSplitAcrossTwoLinesIsNotFound) {
  const std::vector<PlacedText> texts = {
      {0, "本合同由甲方", 72, 100, 12},
      {0, "签章后生效", 72, 118, 12},
  };
  Bytes pdf = test::make_text_pdf(1, texts);
  Extracted got = extract(pdf);
  EXPECT_EQ(got.pages[0].utf8(), "本合同由甲方\n签章后生效");
  EXPECT_TRUE(find_text(got.pages, "甲方签章").empty());
  EXPECT_TRUE(find_text(got.pages, "方签").empty());
  EXPECT_EQ(find_text(got.pages, "甲方").size(), 1u);
  EXPECT_EQ(find_text(got.pages, "签章").size(), 1u);
}

TEST(PdfTextCairo, PageOptionReadsOnePage) {
  Bytes pdf = test::make_text_pdf(3, {{0, "第一页", 72, 100, 12}, {2, "第三页", 72, 100, 12}});
  Extracted got = extract(pdf, 2);
  ASSERT_EQ(got.pages.size(), 1u);
  EXPECT_EQ(got.pages[0].page, 2);
  EXPECT_EQ(got.pages[0].utf8(), "第三页");
  ASSERT_EQ(find_text(got.pages, "三").size(), 1u);
  EXPECT_EQ(find_text(got.pages, "三")[0].page, 2);

  Result<Document> doc = Document::open(pdf);
  ASSERT_TRUE(doc.ok());
  for (int bad : {-1, 3}) {
    Result<std::vector<PageText>> none = extract_text(*doc, bad);
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().kind, ErrorKind::kInvalidInput);
  }
}

TEST(PdfTextCairo, XrefStreamRewriteExtractsTheSame) {
  const std::vector<PlacedText> texts = {
      {0, "甲方签章", 72, 100, 12},
      {1, "乙方签章", 200, 400, 18},
  };
  Bytes classic = test::make_text_pdf(2, texts);
  Bytes rewritten = test::with_xref_stream(classic);
  ASSERT_NE(to_string(classic).find("\nxref\n"), std::string::npos);
  ASSERT_NE(to_string(rewritten).find("/XRef"), std::string::npos);
  ASSERT_NE(to_string(rewritten).find("/ObjStm"), std::string::npos);
  ASSERT_EQ(to_string(rewritten).find("\nxref\n"), std::string::npos);

  Extracted a = extract(classic), b = extract(rewritten);
  ASSERT_EQ(a.pages.size(), b.pages.size());
  for (std::size_t p = 0; p < a.pages.size(); ++p) {
    EXPECT_EQ(a.pages[p].utf8(), b.pages[p].utf8());
    ASSERT_EQ(a.pages[p].chars.size(), b.pages[p].chars.size());
    for (std::size_t i = 0; i < a.pages[p].chars.size(); ++i) {
      expect_box(b.pages[p].chars[i].box, a.pages[p].chars[i].box, 1e-9, "char");
    }
  }
  EXPECT_EQ(find_text(b.pages, "签章").size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// A rotated page: boxes stay in user space, PageGeometry turns them into what is displayed, and
// poppler's rendering of the page puts the ink there.

struct Gray {
  int width = 0, height = 0;
  std::string pixels;
  int at(int x, int y) const {
    return static_cast<unsigned char>(pixels[static_cast<std::size_t>(y) * width + x]);
  }
};

// A binary PGM ("P5") as pdftoppm -gray writes it.
Gray read_pgm(const std::string& path) {
  Gray g;
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  int maxval = 0;
  in >> magic >> g.width >> g.height >> maxval;
  in.get();
  if (magic != "P5" || maxval != 255 || g.width <= 0 || g.height <= 0) return {};
  g.pixels.resize(static_cast<std::size_t>(g.width) * g.height);
  in.read(g.pixels.data(), static_cast<std::streamsize>(g.pixels.size()));
  return in ? g : Gray{};
}

TEST(PdfTextRotation, BoxesStayInUserSpaceAndMapToTheDisplayedPage) {
  const PlacedText keyword = {1, "签章", 100, 200, 20};
  Bytes upright = test::make_text_pdf(2, {{0, "首页", 72, 72, 12}, keyword});
  Extracted base = extract(upright);
  std::vector<TextMatch> base_hits = find_text(base.pages, "签章");
  ASSERT_EQ(base_hits.size(), 1u);
  Rect expected = cjk_box(keyword, 0);
  expected.urx = cjk_box(keyword, 1).urx;
  expect_box(base_hits[0].box, expected, 1.0, "upright");

  eseal::test::TempDir dir;
  for (int degrees : {90, 180, 270}) {
    SCOPED_TRACE(degrees);
    Bytes rotated = test::with_rotation(upright, 1, degrees);
    Extracted got = extract(rotated);
    std::vector<TextMatch> hits = find_text(got.pages, "签章");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].page, 1);
    expect_box(hits[0].box, base_hits[0].box, 1e-9, "rotated");

    Result<Document> doc = Document::open(rotated);
    ASSERT_TRUE(doc.ok());
    PageGeometry g = doc->geometry(1);
    ASSERT_EQ(g.rotate, degrees);
    doc::RectMm mm = g.to_visual_mm(hits[0].box);
    const double k = kPointsPerMm, w = 595.276, h = kA4Height;
    // Where the text's baseline start and its extent land after turning the page clockwise.
    double text_len = 2 * keyword.size_pt, tall = (kNotoAscent - kNotoDescent) * keyword.size_pt;
    double baseline = h - keyword.y_pt;  // user y
    Rect want;                           // display points {x, y, width, height}
    if (degrees == 90) {
      want = {baseline + kNotoDescent * keyword.size_pt, keyword.x_pt, tall, text_len};
    } else if (degrees == 180) {
      want = {w - keyword.x_pt - text_len, baseline + kNotoDescent * keyword.size_pt, text_len,
              tall};
    } else {
      want = {h - baseline - kNotoAscent * keyword.size_pt, w - keyword.x_pt - text_len, tall,
              text_len};
    }
    EXPECT_NEAR(mm.x * k, want.llx, 1.0);
    EXPECT_NEAR(mm.y * k, want.lly, 1.0);
    EXPECT_NEAR(mm.width * k, want.urx, 1.0);
    EXPECT_NEAR(mm.height * k, want.ury, 1.0);
    EXPECT_NEAR(g.width_mm() * k, degrees == 180 ? w : h, 1e-6);
    EXPECT_NEAR(g.height_mm() * k, degrees == 180 ? h : w, 1e-6);

    // from_visual_mm takes the displayed rectangle back to the same user-space box.
    Rect back = g.from_visual_mm(mm);
    expect_box(back, hits[0].box, 1e-6, "round trip");

    // Render the displayed page at 72 dpi (one pixel per point): the ink is inside the box.
    std::string pdf_path = (dir / ("rotated" + std::to_string(degrees) + ".pdf")).string();
    std::string out_prefix = (dir / ("page" + std::to_string(degrees))).string();
    eseal::test::write_text(pdf_path, to_string(rotated));
    eseal::test::CommandResult render = eseal::test::run_command(
        "pdftoppm -f 2 -l 2 -r 72 -gray -singlefile '" + pdf_path + "' '" + out_prefix + "' 2>&1");
    if (render.exit_code == 127) GTEST_SKIP() << "pdftoppm is not installed";
    ASSERT_EQ(render.exit_code, 0) << render.output;
    Gray page = read_pgm(out_prefix + ".pgm");
    ASSERT_GT(page.width, 0);
    EXPECT_NEAR(page.width, degrees == 180 ? w : h, 1.0);
    int ink_x0 = page.width, ink_y0 = page.height, ink_x1 = -1, ink_y1 = -1;
    for (int y = 0; y < page.height; ++y) {
      for (int x = 0; x < page.width; ++x) {
        if (page.at(x, y) < 128) {
          ink_x0 = std::min(ink_x0, x), ink_y0 = std::min(ink_y0, y);
          ink_x1 = std::max(ink_x1, x), ink_y1 = std::max(ink_y1, y);
        }
      }
    }
    ASSERT_GE(ink_x1, 0) << "nothing drawn";
    double box_x0 = mm.x * k, box_y0 = mm.y * k;
    double box_x1 = box_x0 + mm.width * k, box_y1 = box_y0 + mm.height * k;
    EXPECT_GE(ink_x0, box_x0 - 1.5);
    EXPECT_GE(ink_y0, box_y0 - 1.5);
    EXPECT_LE(ink_x1 + 1, box_x1 + 1.5);
    EXPECT_LE(ink_y1 + 1, box_y1 + 1.5);
    // …and fills most of the box along the text.
    double ink_along = degrees == 180 ? ink_x1 - ink_x0 : ink_y1 - ink_y0;
    EXPECT_GT(ink_along, 0.8 * text_len);
  }
}

// ---------------------------------------------------------------------------------------------
// Hand-written PDFs

using ::eseal::test::pdf_from_objects;

std::string stream(const std::string& dict_entries, const std::string& data) {
  return "<< " + dict_entries + " /Length " + std::to_string(data.size()) + " >>\nstream\n" + data +
         "\nendstream";
}

const char* const kToUnicode = R"(/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Test-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
3 beginbfchar
<0001> <0041>
<0002> <7532>
<0005> <D840DC00>
endbfchar
3 beginbfrange
<0003> <0004> <4E59>
<000A> <000B> [<7B7E> <7AE0>]
<000F> <0010> <0030>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
)";

// One US Letter page drawing every text operator, with fonts of each kind:
//   F1  Helvetica (standard 14, no /Widths), WinAnsiEncoding with /Differences
//   F2  a simple font with /FirstChar, /Widths and a descriptor (in the Form XObject)
//   F3  Type0, Identity-H, /W in both forms, /DW, a ToUnicode CMap with bfchar and bfrange
//   F4  Type0, Identity-V, default vertical metrics
std::string operators_pdf(long offset_error = 0) {
  const std::string content =
      "BT /F1 10 Tf 72 700 Td (Hello) Tj ET\n"
      "q BT /F1 10 Tf 50 Tz 1 Tc 72 680 Td [(A) -500 (B)] TJ ET Q\n"
      "q BT /F1 10 Tf 14 TL 72 660 Td (one) Tj (two) ' 3 1 (a b) \" ET Q\n"
      "q 2 0 0 2 0 0 cm BT /F1 10 Tf 36 280 Td (Hi) Tj ET Q\n"
      "q 1 0 0 1 0 100 cm /X1 Do Q\n"
      "BT /F1 12 Tf 72 500 Td <C8C9CACB> Tj ET\n"
      "BT /F3 10 Tf 72 450 Td <0001000200030004000A000B000F001000050009> Tj ET\n"
      "BT /F4 10 Tf 300 300 Td <00010002> Tj ET\n"
      "q BT /F1 10 Tf 72 400 Td 5 Ts (x) Tj ET Q\n"
      "BT /F1 10 Tf 1 0 0 1 72 380 Tm (y) Tj 0 1 -1 0 200 100 Tm (up) Tj ET\n"
      "BT /F3 10 Tf 72 360 Td [<0002> -500 <000A> 300 <000B>] TJ ET\n"
      "BT /F1 10 Tf 72 340 Td [(W) 80 (o) -100 (rd)] TJ ET\n";
  const std::string form = "BT /F2 20 Tf 10 10 Td (ABC) Tj ET";
  return pdf_from_objects(
      {
          "<< /Type /Catalog /Pages 2 0 R >>",
          "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
          "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources "
          "<< /Font << /F1 5 0 R /F3 8 0 R /F4 11 0 R >> /XObject << /X1 6 0 R >> >> >>",
          stream("", content),
          "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
          "/BaseEncoding /WinAnsiEncoding /Differences [200 /Adieresis /odieresis /fi /uni4E2D] "
          ">> >>",
          stream("/Type /XObject /Subtype /Form /BBox [0 0 500 500] /Matrix [1 0 0 1 100 0] "
                 "/Resources << /Font << /F2 7 0 R >> >>",
                 form),
          "<< /Type /Font /Subtype /Type1 /BaseFont /Custom /FirstChar 65 /LastChar 67 "
          "/Widths [600 700 800] /Encoding /WinAnsiEncoding /FontDescriptor << /Type "
          "/FontDescriptor /FontName /Custom /Flags 32 /FontBBox [0 -300 1000 700] /ItalicAngle 0 "
          "/Ascent 700 /Descent -300 /CapHeight 700 /StemV 80 /MissingWidth 250 >> >>",
          "<< /Type /Font /Subtype /Type0 /BaseFont /TestCID /Encoding /Identity-H "
          "/DescendantFonts [9 0 R] /ToUnicode 10 0 R >>",
          "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestCID /CIDSystemInfo << /Registry "
          "(Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [1 [500 600] 10 20 800] "
          "/FontDescriptor << /Type /FontDescriptor /FontName /TestCID /Flags 4 /FontBBox [0 -120 "
          "1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >> >>",
          stream("", kToUnicode),
          "<< /Type /Font /Subtype /Type0 /BaseFont /TestCID /Encoding /Identity-V "
          "/DescendantFonts [12 0 R] /ToUnicode 10 0 R >>",
          "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestCID /CIDSystemInfo << /Registry "
          "(Adobe) /Ordering (Identity) /Supplement 0 >> >>",
      },
      offset_error);
}

TEST(PdfTextOperators, HandWrittenPageGivesTextAndPositionsWorkedOutByHand) {
  std::string pdf = operators_pdf();
  Extracted got = extract(as_bytes(pdf));
  EXPECT_TRUE(got.open_warnings.empty()) << joined(got.open_warnings);
  EXPECT_TRUE(got.warnings.empty()) << joined(got.warnings);
  ASSERT_EQ(got.pages.size(), 1u);
  const PageText& page = got.pages[0];
  EXPECT_EQ(page.utf8(),
            joined({"Hello", "A B", "one", "two", "a b", "Hi", "ABC", "Äöfi中",
                    "A甲乙乚签章01\U00020000\uFFFD", "A甲", "x", "y", "up", "甲签章", "Word"}));

  // Character by character: {code, llx, lly, urx, ury}.
  struct Expected {
    char32_t code;
    Rect box;
  };
  const std::vector<Expected> expected = {
      // Helvetica 10 pt at (72, 700): H 722, e 556, l 222, o 556; no descriptor: 0.8 / -0.2 em.
      {U'H', {72, 698, 79.22, 708}},
      {U'e', {79.22, 698, 84.78, 708}},
      {U'l', {84.78, 698, 87.00, 708}},
      {U'l', {87.00, 698, 89.22, 708}},
      {U'o', {89.22, 698, 94.78, 708}},
      // Tz 50, Tc 1: A is 6.67 × 0.5 wide and advances (6.67 + 1) × 0.5; -500 moves 2.5 more,
      // a gap of more than 0.15 em between letters: a word space.
      {U'A', {72, 678, 75.335, 688}},
      {U' ', {75.835, 678, 78.335, 688}},
      {U'B', {78.335, 678, 81.67, 688}},
      // Back to Tz 100 and Tc 0 after Q. TL 14: ' and " go down a line each.
      {U'o', {72, 658, 77.56, 668}},
      {U'n', {77.56, 658, 83.12, 668}},
      {U'e', {83.12, 658, 88.68, 668}},
      {U't', {72, 644, 74.78, 654}},
      {U'w', {74.78, 644, 82.00, 654}},
      {U'o', {82.00, 644, 87.56, 654}},
      // " 3 1: Tw 3 (the space only) and Tc 1.
      {U'a', {72, 630, 77.56, 640}},
      {U' ', {78.56, 630, 81.34, 640}},
      {U'b', {85.34, 630, 90.90, 640}},
      // cm scales by 2: (36, 280) is (72, 560) in user space, glyphs twice as large.
      {U'H', {72, 556, 86.44, 576}},
      {U'i', {86.44, 556, 90.88, 576}},
      // The Form XObject: /Matrix moves 100 right, the cm before Do 100 up; F2 20 pt with
      // /Widths 600 700 800 and /Ascent 700 /Descent -300.
      {U'A', {110, 104, 122, 124}},
      {U'B', {122, 104, 136, 124}},
      {U'C', {136, 104, 152, 124}},
      // /Differences: Adieresis 667, odieresis 556, fi 500 (two characters of 250 each), and
      // uni4E2D, not in Helvetica: 500.
      {U'Ä', {72, 497.6, 80.004, 509.6}},
      {U'ö', {80.004, 497.6, 86.676, 509.6}},
      {U'f', {86.676, 497.6, 89.676, 509.6}},
      {U'i', {89.676, 497.6, 92.676, 509.6}},
      {U'中', {92.676, 497.6, 98.676, 509.6}},
      // Identity-H at 10 pt: CIDs 1 and 2 from "1 [500 600]", 3 and 4 from /DW 1000, 10 to 16
      // from "10 20 800"; ascent 880, descent -120; CID 5 maps to a surrogate pair, CID 9 to
      // nothing.
      {U'A', {72, 448.8, 77, 458.8}},
      {U'甲', {77, 448.8, 83, 458.8}},
      {U'乙', {83, 448.8, 93, 458.8}},
      {U'乚', {93, 448.8, 103, 458.8}},
      {U'签', {103, 448.8, 111, 458.8}},
      {U'章', {111, 448.8, 119, 458.8}},
      {U'0', {119, 448.8, 127, 458.8}},
      {U'1', {127, 448.8, 135, 458.8}},
      {U'\U00020000', {135, 448.8, 145, 458.8}},
      {U'\uFFFD', {145, 448.8, 155, 458.8}},
      // Identity-V: glyphs centred on x = 300, one em tall, going down from y = 300.
      {U'A', {295, 290, 305, 300}},
      {U'甲', {295, 280, 305, 290}},
      // Ts 5 raises the glyph.
      {U'x', {72, 403, 77, 413}},
      // Tm: y at (72, 380); "up" turned a quarter left, its baseline going up x = 200.
      {U'y', {72, 378, 77, 388}},
      {U'u', {192, 100, 202, 105.56}},
      {U'p', {192, 105.56, 202, 111.12}},
      // Gaps and overlaps between CJK characters are no word spaces: 甲 is 6 wide, -500 moves
      // 5 on, 签 is 8 wide, 300 moves 3 back.
      {U'甲', {72, 358.8, 78, 368.8}},
      {U'签', {83, 358.8, 91, 368.8}},
      {U'章', {88, 358.8, 96, 368.8}},
      // Kerning under 0.15 em is no word space either: W 944, back 0.8, o 556, on 1.0, r 333,
      // d 556.
      {U'W', {72, 338, 81.44, 348}},
      {U'o', {80.64, 338, 86.20, 348}},
      {U'r', {87.20, 338, 90.53, 348}},
      {U'd', {90.53, 338, 96.09, 348}},
  };
  ASSERT_EQ(page.chars.size(), expected.size()) << page.utf8();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(page.chars[i].code, expected[i].code) << i;
    expect_box(page.chars[i].box, expected[i].box, 0.01, "char " + std::to_string(i));
  }
  EXPECT_EQ(find_text(got.pages, "签章01").size(), 1u);
  EXPECT_EQ(find_text(got.pages, "fi中").size(), 1u);
  expect_box(find_text(got.pages, "ABC").at(0).box, {110, 104, 152, 124}, 0.01, "ABC");
  expect_box(find_text(got.pages, "up").at(0).box, {192, 100, 202, 111.12}, 0.01, "up");
  expect_box(find_text(got.pages, "A B").at(0).box, {72, 678, 81.67, 688}, 0.01, "A B");
}

TEST(PdfTextOperators, WrongXrefOffsetsAreRepairedWithWarningsKept) {
  std::string good = operators_pdf(), bad = operators_pdf(7);
  Extracted repaired = extract(as_bytes(bad));
  EXPECT_FALSE(repaired.open_warnings.empty());
  Extracted reference = extract(as_bytes(good));
  ASSERT_EQ(repaired.pages.size(), 1u);
  EXPECT_EQ(repaired.pages[0].utf8(), reference.pages[0].utf8());
  EXPECT_EQ(repaired.pages[0].chars.size(), reference.pages[0].chars.size());
}

// The other encodings and font kinds: MacRomanEncoding with Times-Roman metrics, Courier's
// built-in StandardEncoding, a Type 3 font (widths through /FontMatrix), and a Type0 font with
// an embedded encoding CMap mixing one- and two-byte codes, mapped to CIDs by cidrange.
TEST(PdfTextOperators, MoreEncodingsAndFontKinds) {
  const std::string content =
      "BT /M 10 Tf 72 700 Td (\\212a) Tj ET\n"
      "BT /S 10 Tf 72 680 Td (\\047\\256) Tj ET\n"
      "BT /T3 10 Tf 72 660 Td (AB) Tj ET\n"
      "BT /E 10 Tf 72 640 Td <4181408141> Tj ET\n";
  const std::string encoding_cmap = R"(/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Test-Mixed def
2 begincodespacerange
<00> <7F>
<8000> <FFFF>
endcodespacerange
2 begincidrange
<20> <7E> 1
<8140> <8141> 100
endcidrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
)";
  const std::string to_unicode = R"(begincmap
2 begincodespacerange
<00> <7F>
<8000> <FFFF>
endcodespacerange
1 beginbfchar
<41> <0041>
endbfchar
1 beginbfrange
<8140> <8141> [<4E00> <4E8C>]
endbfrange
endcmap
)";
  std::string pdf = pdf_from_objects({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources "
      "<< /Font << /M 5 0 R /S 6 0 R /T3 7 0 R /E 9 0 R >> >> >>",
      stream("", content),
      "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /MacRomanEncoding >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
      "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 100 100] /FontMatrix [0.01 0 0 0.01 0 0] "
      "/CharProcs << /A 8 0 R /B 8 0 R >> /Encoding << /Type /Encoding /Differences [65 /A /B] >> "
      "/FirstChar 65 /LastChar 66 /Widths [50 60] /Resources << >> >>",
      stream("", "50 0 d0"),
      "<< /Type /Font /Subtype /Type0 /BaseFont /Mixed /Encoding 10 0 R /DescendantFonts [11 0 R] "
      "/ToUnicode 12 0 R >>",
      stream("/Type /CMap /CMapName /Test-Mixed /CIDSystemInfo << /Registry (Adobe) /Ordering "
             "(Identity) /Supplement 0 >>",
             encoding_cmap),
      "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /Mixed /CIDSystemInfo << /Registry "
      "(Adobe) /Ordering (Identity) /Supplement 0 >> /W [34 [300] 100 [900 950]] >>",
      stream("", to_unicode),
  });
  Extracted got = extract(as_bytes(pdf));
  EXPECT_TRUE(got.warnings.empty()) << joined(got.warnings);
  ASSERT_EQ(got.pages.size(), 1u);
  EXPECT_EQ(got.pages[0].utf8(), "äa\n\u2019fi\nAB\nA一二");
  const std::vector<TextChar>& c = got.pages[0].chars;
  ASSERT_EQ(c.size(), 10u);
  // Times-Roman: adieresis and a are 444 wide.
  expect_box(c[0].box, {72, 698, 76.44, 708}, 0.01, "ä");
  expect_box(c[1].box, {76.44, 698, 80.88, 708}, 0.01, "a");
  // Courier: 600 throughout; the fi ligature is two characters of 300.
  expect_box(c[2].box, {72, 678, 78, 688}, 0.01, "’");
  expect_box(c[3].box, {78, 678, 81, 688}, 0.01, "f");
  expect_box(c[4].box, {81, 678, 84, 688}, 0.01, "i");
  // Type 3: widths 50 and 60 in glyph space, times 0.01.
  expect_box(c[5].box, {72, 658, 77, 668}, 0.01, "A");
  expect_box(c[6].box, {77, 658, 83, 668}, 0.01, "B");
  // The embedded CMap: A is code 41, CID 34 (300); 8140 and 8141 are CIDs 100 and 101.
  expect_box(c[7].box, {72, 638, 75, 648}, 0.01, "A");
  expect_box(c[8].box, {75, 638, 84, 648}, 0.01, "一");
  expect_box(c[9].box, {84, 638, 93.5, 648}, 0.01, "二");
}

// Predefined CJK CMaps without a ToUnicode CMap, as in documents using the non-embedded
// STSong-Light: UCS-2 codes, and GBK codes of one and two bytes.
TEST(PdfTextOperators, PredefinedChineseCMapsWithoutToUnicode) {
  const std::string content =
      "BT /U 10 Tf 72 700 Td <753265B9> Tj ET\n"
      "BT /G 10 Tf 72 680 Td <4142BCD7B7BDC7A9D5C2> Tj ET\n";
  auto cid_font = [](const std::string& encoding, int descendant) {
    return "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-" + encoding + " /Encoding /" +
           encoding + " /DescendantFonts [" + std::to_string(descendant) + " 0 R] >>";
  };
  const std::string descendant =
      "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry "
      "(Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>";
  std::string pdf = pdf_from_objects({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources "
      "<< /Font << /U 5 0 R /G 6 0 R >> >> >>",
      stream("", content),
      cid_font("UniGB-UCS2-H", 7),
      cid_font("GBK-EUC-H", 7),
      descendant,
  });
  Extracted got = extract(as_bytes(pdf));
  ASSERT_EQ(got.pages.size(), 1u);
  EXPECT_EQ(got.pages[0].utf8(), "甲方\nAB甲方签章");
  const std::vector<TextChar>& c = got.pages[0].chars;
  ASSERT_EQ(c.size(), 8u);
  // Two-byte codes are /DW wide; one-byte codes half-width.
  expect_box(c[1].box, {82, 698, 92, 708}, 0.01, "方");
  expect_box(c[2].box, {72, 678, 77, 688}, 0.01, "A");
  expect_box(c[4].box, {82, 678, 92, 688}, 0.01, "甲");
  EXPECT_EQ(find_text(got.pages, "签章").size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Damaged and hostile content: never a crash, and whatever can be read is read.

const char* const kHelvetica =
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

TEST(PdfTextDamaged, GarbageUnbalancedStateMissingResourcesAndSelfDrawingForms) {
  const std::string content =
      "foo bar 1 2 3 baz\n"
      "BT /F1 12 Tf 72 700 Td (Good) Tj ET\n"
      "Q Q Q\n"
      "q q q\n"
      "BT /F9 12 Tf 72 680 Td (Missing) Tj ET\n"
      "BT /F1 12 Tf 72 660 Td /F1 Tj 1 2 Tj (x) 12 Tm 1 Td 1 0 0 Tf (Kept) Tj ET\n"
      "/Nothing Do\n"
      "/X2 Do\n"
      "BT /F1 12 Tf 72 620 Td [(A) /name (B) [1] (C)] TJ 1e400 Tc (D) Tj ET\n"
      "BT /F1 12 Tf 72 600 Td (After) Tj ET\n";
  const std::string self = "BT /F1 12 Tf 72 640 Td (Self) Tj ET /X2 Do";
  std::string pdf = pdf_from_objects({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R 7 0 R 10 0 R] /Count 3 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources "
      "<< /Font << /F1 5 0 R >> /XObject << /X2 6 0 R >> >> >>",
      stream("", content),
      kHelvetica,
      stream("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R "
             ">> /XObject << /X2 6 0 R >> >>",
             self),
      // A second page whose content stream does not inflate, then an unterminated string.
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [8 0 R 9 0 R] /Resources "
      "<< /Font << /F1 5 0 R >> >> >>",
      stream("/Filter /FlateDecode", "this is not deflated data"),
      stream("", "BT /F1 12 Tf 72 700 Td (Second) Tj ET ) ] >> { } BT (unterminated"),
      // A third page that shows text without ever choosing a font.
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 11 0 R >>",
      stream("", "BT 72 700 Td (NoFont) Tj ET"),
  });
  Extracted got = extract(as_bytes(pdf));
  ASSERT_EQ(got.pages.size(), 3u);
  std::string text = got.pages[0].utf8();
  EXPECT_EQ(text, joined({"Good", "Missing", "Kept", "Self", "ABCD", "After"}));
  EXPECT_TRUE(mentions(got.warnings, "page 1: font F9 is not in the resources"))
      << joined(got.warnings);
  EXPECT_TRUE(mentions(got.warnings, "page 1: XObject Nothing is not in the resources"));
  EXPECT_TRUE(mentions(got.warnings, "draws itself"));
  EXPECT_TRUE(mentions(got.warnings, "Q without a matching q"));
  EXPECT_TRUE(mentions(got.warnings, "operator Tj with bad operands"));
  EXPECT_EQ(got.pages[1].utf8(), "Second") << joined(got.warnings);
  EXPECT_TRUE(mentions(got.warnings, "page 2: ")) << joined(got.warnings);
  EXPECT_EQ(got.pages[2].utf8(), "NoFont");
  EXPECT_TRUE(mentions(got.warnings, "page 3: text shown without a usable font"));
}

// Form XObjects each drawing the next three times, 40 deep: 3^40 drawings unless capped.
TEST(PdfTextDamaged, FormFanOutAndDepthAreCapped) {
  const int kLevels = 40;
  std::string xobjects;
  for (int k = 1; k <= kLevels; ++k) {
    xobjects += "/A" + std::to_string(k) + " " + std::to_string(5 + k) + " 0 R ";
  }
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources 5 0 R >>",
      stream("", "/A1 Do BT /F1 12 Tf 72 100 Td (end) Tj ET"),
      "<< /Font << /F1 " + std::to_string(6 + kLevels) + " 0 R >> /XObject << " + xobjects +
          ">> >>",
  };
  for (int k = 1; k <= kLevels; ++k) {
    std::string next = k < kLevels ? "/A" + std::to_string(k + 1) + " Do " : "";
    std::string y = std::to_string(760 - 14 * k);
    objects.push_back(stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources 5 0 R",
        "BT /F1 12 Tf 72 " + y + " Td (" + std::to_string(k) + ") Tj ET " + next + next + next));
  }
  objects.push_back(kHelvetica);

  auto start = std::chrono::steady_clock::now();
  Extracted got = extract(as_bytes(pdf_from_objects(objects)));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(got.pages.size(), 1u);
  EXPECT_LT(seconds, 60);
  EXPECT_TRUE(mentions(got.warnings, "nested deeper than 12")) << joined(got.warnings);
  EXPECT_TRUE(mentions(got.warnings, "more than 10000 Form XObjects")) << joined(got.warnings);
  // Forms 1 to 12 drew their numbers; nothing deeper did.
  std::string text = got.pages[0].utf8();
  EXPECT_EQ(text.rfind("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", 0), 0u) << text.substr(0, 80);
  EXPECT_EQ(text.find("13"), std::string::npos);
}

TEST(PdfTextDamaged, FontsWithBrokenDictionariesStillGiveText) {
  const std::string content =
      "BT /A 10 Tf 72 700 Td (abc) Tj ET\n"
      "BT /B 10 Tf 72 680 Td <00410042> Tj ET\n"
      "BT /C 10 Tf 72 660 Td (xyz) Tj ET\n";
  std::string pdf = pdf_from_objects({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources "
      "<< /Font << /A 5 0 R /B 6 0 R /C 7 0 R >> >> >>",
      stream("", content),
      // Widths of the wrong types, a negative FirstChar, Differences with junk.
      "<< /Type /Font /Subtype /TrueType /BaseFont /Broken /FirstChar -5 /Widths [(a) /b 500] "
      "/Encoding << /Differences [(junk) 97 /b 1000 /c] >> /FontDescriptor 99 0 R >>",
      // A Type0 font with no descendant, a bad /W and a ToUnicode that is not a stream.
      "<< /Type /Font /Subtype /Type0 /BaseFont /NoKids /Encoding /Identity-H /ToUnicode 5 "
      "/DescendantFonts [] /W [1 (x)] >>",
      // A ToUnicode CMap that is garbage.
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 8 0 R >>",
      stream("",
             "begincmap 1 beginbfchar <78> endcmap beginbfrange <7A> <79> <41> "
             "<00000000> <FFFFFFFF> <0041> endbfrange <00> ( [ "),
  });
  Extracted got = extract(as_bytes(pdf));
  ASSERT_EQ(got.pages.size(), 1u);
  std::string text = got.pages[0].utf8();
  EXPECT_EQ(got.pages[0].chars.size(), 8u) << text;
  // /Differences renamed 97 (a) to b; a Type0 font without ToUnicode gives U+FFFD; the broken
  // ToUnicode CMap maps nothing (its 4-byte range is not for 1-byte codes): StandardEncoding.
  EXPECT_EQ(text, "bbc\n\uFFFD\uFFFD\nxyz");
}

// ---------------------------------------------------------------------------------------------
// find_text over given characters.

PageText line_of(int page, const std::u32string& text, double x = 0, double y = 0) {
  PageText p;
  p.page = page;
  for (char32_t c : text) {
    p.chars.push_back({c, {x, y, x + 10, y + 10}, false});
    x += 10;
  }
  return p;
}

TEST(PdfTextFind, MatchesDoNotOverlapSpanPagesOrLineStarts) {
  std::vector<PageText> pages = {line_of(0, U"aaaa"), line_of(1, U"ab"), line_of(2, U"ba")};
  EXPECT_EQ(find_text(pages, "aa").size(), 2u);
  EXPECT_TRUE(find_text(pages, "bb").empty());
  ASSERT_EQ(find_text(pages, "ab").size(), 1u);
  EXPECT_EQ(find_text(pages, "ab")[0].page, 1);
  pages[1].chars[1].starts_line = true;
  EXPECT_TRUE(find_text(pages, "ab").empty());
  EXPECT_EQ(pages[1].utf8(), "a\nb");
  // A line start on the first matched character does not matter.
  pages[2].chars[0].starts_line = true;
  EXPECT_EQ(find_text(pages, "ba").size(), 1u);
  // Invalid UTF-8 in a keyword is U+FFFD, which matches unmapped glyphs.
  std::vector<PageText> unmapped = {line_of(0, U"x\uFFFDy")};
  EXPECT_EQ(find_text(unmapped, "x\xFFy").size(), 1u);
  expect_box(find_text(unmapped, "\xEF\xBF\xBDy").at(0).box, {10, 0, 30, 10}, 1e-9, "box");
}

}  // namespace
}  // namespace eseal::pdf
