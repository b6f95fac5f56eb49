// OFD text with positions and keyword search: multi-page Chinese documents made by the writer,
// whose keyword boxes are known from the layout; matches across TextCodes and TextObjects but
// never across pages; the "g" delta form, CTM and Boundary, X and Y inherited; templates in
// their Z order and nested PageBlocks, with and without the "ofd:" prefix; page sizes; hostile
// pages refused; and the text of the interop fixtures (../shared/fixtures/ofd-interop).
#include "ofd/text.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/file.h"
#include "ofd/glyphs.h"
#include "ofd/writer.h"
#include "ofd/zip_builder.h"

namespace eseal::ofd {
namespace {

using test::make_zip;

const std::filesystem::path kDir = std::filesystem::path(ESEAL_FIXTURE_DIR) / "ofd-interop";
const WriteOptions kOptions{*parse_utc("2026-11-23T12:00:00Z"), "00000000000000000000000000000001"};
constexpr double kEps = 1e-6;

// An opened package and its first DocBody.
struct Opened {
  Package package;
  DocBody body;
};

Opened open(Bytes zip) {
  auto p = Package::open(std::move(zip));
  EXPECT_TRUE(p.ok()) << p.error().message;
  auto s = read_structure(*p);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return {std::move(*p), s->documents.at(0)};
}

Opened written(const NewDocument& d) {
  auto zip = write_ofd(d, kOptions);
  EXPECT_TRUE(zip.ok()) << zip.error().message;
  return open(std::move(*zip));
}

void expect_box(const doc::RectMm& r, double x, double y, double w, double h,
                const std::string& what = "") {
  EXPECT_NEAR(r.x, x, kEps) << what;
  EXPECT_NEAR(r.y, y, kEps) << what;
  EXPECT_NEAR(r.width, w, kEps) << what;
  EXPECT_NEAR(r.height, h, kEps) << what;
}

std::vector<doc::KeywordHit> find(const Opened& o, std::string_view keyword) {
  auto hits = find_text(o.package, o.body, keyword);
  EXPECT_TRUE(hits.ok()) << hits.error().message;
  return hits.ok() ? *hits : std::vector<doc::KeywordHit>{};
}

std::vector<TextRun> runs_of(const Opened& o, std::vector<std::string>* warnings = nullptr) {
  auto runs = extract_text(o.package, o.body, std::nullopt, warnings);
  EXPECT_TRUE(runs.ok()) << runs.error().message;
  return runs.ok() ? *runs : std::vector<TextRun>{};
}

// Where the layout put every occurrence of `keyword` that lies within one line.
std::vector<doc::KeywordHit> laid_out_hits(const LaidOutText& laid, std::u32string_view keyword,
                                           double em) {
  std::vector<doc::KeywordHit> out;
  for (const LaidOutLine& line : laid.lines) {
    for (auto at = line.text.find(keyword); at != std::u32string::npos;
         at = line.text.find(keyword, at + keyword.size())) {
      double end = line.x_mm[at + keyword.size() - 1] +
                   default_advance_em(line.text[at + keyword.size() - 1]) * em;
      out.push_back({line.page, {line.x_mm[at], line.top_mm, end - line.x_mm[at], em}});
    }
  }
  return out;
}

TEST(OfdText, FindsKeywordsWhereTheLayoutPutThem) {
  TextLayout layout;
  layout.font_size_mm = 4.5;
  std::string text = "电子印章测试合同\n\n";
  for (int i = 1; i <= 60; ++i) {
    text += "第" + std::to_string(i) + "条：甲方（盖章）与乙方（盖章）签订本合同，Seal 2026。\n";
  }
  text += "甲方签章处";
  auto laid = layout_text(text, layout);
  ASSERT_TRUE(laid.ok()) << laid.error().message;
  ASSERT_GE(laid->document.pages.size(), 2u);
  Opened o = written(laid->document);

  for (std::u32string keyword : {U"甲方", U"盖章", U"Seal 2026", U"签章处", U"合同"}) {
    std::vector<doc::KeywordHit> want = laid_out_hits(*laid, keyword, 4.5);
    std::vector<doc::KeywordHit> got = find(o, encode_utf8(keyword));
    ASSERT_EQ(got.size(), want.size()) << encode_utf8(keyword);
    ASSERT_FALSE(want.empty());
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].page, want[i].page);
      expect_box(got[i].box, want[i].box.x, want[i].box.y, want[i].box.width, want[i].box.height,
                 encode_utf8(keyword) + " #" + std::to_string(i));
    }
  }
  // The last line: "甲方签章处" at the left margin, 1.5 em below the line before it.
  auto hits = find(o, "签章处");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].page, static_cast<int>(laid->document.pages.size()) - 1);
  expect_box(hits[0].box, 25 + 2 * 4.5, laid->lines.back().top_mm, 3 * 4.5, 4.5);
  EXPECT_TRUE(find(o, "丙方").empty());
  EXPECT_TRUE(find(o, "").empty());

  auto sizes = page_sizes(o.package, o.body);
  ASSERT_TRUE(sizes.ok()) << sizes.error().message;
  ASSERT_EQ(sizes->size(), laid->document.pages.size());
  EXPECT_DOUBLE_EQ((*sizes)[1].width_mm, 210);
  EXPECT_DOUBLE_EQ((*sizes)[1].height_mm, 297);
}

TEST(OfdText, RunsCarryTextAndCharacterBoxes) {
  auto laid = layout_text("甲方A\n第二行", TextLayout{});
  ASSERT_TRUE(laid.ok());
  Opened o = written(laid->document);
  std::vector<TextRun> runs = runs_of(o);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].text, "甲方A");
  EXPECT_EQ(runs[0].page, 0);
  EXPECT_DOUBLE_EQ(runs[0].size_mm, 5);
  EXPECT_FALSE(runs[0].in_template);
  ASSERT_EQ(runs[0].chars.size(), 3u);
  EXPECT_EQ(runs[0].chars[2].code, U'A');
  expect_box(runs[0].chars[0].box, 25, 25, 5, 5);
  expect_box(runs[0].chars[2].box, 35, 25, 2.5, 5, "the last glyph's default advance");
  expect_box(runs[0].box, 25, 25, 12.5, 5);
  expect_box(runs[1].box, 25, 32.5, 15, 5);
  auto only = extract_text(o.package, o.body, 0);
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only->size(), 2u);
  EXPECT_EQ(extract_text(o.package, o.body, 1).error().kind, ErrorKind::kInvalidInput);
}

// 160 mm lines hold 32 CJK characters at 5 mm: 31 then "甲" end a line, "方" starts the next.
TEST(OfdText, MatchesAcrossTextCodesButNotAcrossPages) {
  std::string text;
  for (int i = 0; i < 31; ++i) text += "字";
  text += "甲方";
  auto laid = layout_text(text, TextLayout{});
  ASSERT_TRUE(laid.ok());
  ASSERT_EQ(laid->lines.size(), 2u);
  Opened o = written(laid->document);
  auto hits = find(o, "甲方");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].page, 0);
  expect_box(hits[0].box, 25, 25, 160, 12.5);  // 甲 at (180, 25), 方 at (25, 32.5)

  // 33 lines a page: the 33rd line of a paragraph ends the page with "甲", the next starts with
  // "方" on page 2.
  text.clear();
  for (int i = 0; i < 32 * 33 - 1; ++i) text += "字";
  text += "甲方";
  laid = layout_text(text, TextLayout{});
  ASSERT_TRUE(laid.ok());
  ASSERT_EQ(laid->document.pages.size(), 2u);
  Opened split = written(laid->document);
  EXPECT_TRUE(find(split, "甲方").empty());
  hits = find(split, "字甲");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].page, 0);
  hits = find(split, "方");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].page, 1);
  expect_box(hits[0].box, 25, 25, 5, 5);
}

NewDocument one_page(std::vector<PageObject> objects) {
  NewDocument d;
  d.fonts.emplace_back();
  d.pages.push_back({std::nullopt, std::move(objects)});
  return d;
}

TEST(OfdText, MatchesAcrossTextObjectsAndExpandsRepeats) {
  TextBlock a;
  a.size_mm = 3;
  a.boundary = {10, 20, 40, 4};
  a.y = 2.4;
  a.text = "你好呀，OFD";
  a.delta_x = {3, 3, 3, 3, 1.5, 1.5};  // written "g 4 3 g 2 1.5"
  TextBlock b = a;
  b.boundary = {10, 30, 40, 4};
  b.text = "签章";
  b.delta_x = {};
  Opened o = written(one_page({a, b}));
  auto hits = find(o, "OFD");
  ASSERT_EQ(hits.size(), 1u);
  expect_box(hits[0].box, 10 + 12, 20, 1.5 + 1.5 + 1.5, 3);
  hits = find(o, "D签");
  ASSERT_EQ(hits.size(), 1u);
  expect_box(hits[0].box, 10, 20, 12 + 3 + 1.5, 13);  // D at (25, 20), 签 at (10, 30) one em
  hits = find(o, "章");
  ASSERT_EQ(hits.size(), 1u);
  expect_box(hits[0].box, 13, 30, 3, 3, "without DeltaX a CJK glyph advances one em");
}

TEST(OfdText, AppliesTheCtmBeforeTheBoundary) {
  TextBlock scaled;
  scaled.size_mm = 3;
  scaled.boundary = {50, 60, 30, 30};
  scaled.x = 1;
  scaled.y = 4;
  scaled.text = "AB";
  scaled.delta_x = {1.5};
  scaled.ctm = Matrix{2, 0, 0, 2, 0, 0};
  TextBlock turned = scaled;
  turned.text = "CD";
  turned.ctm = Matrix{0, 1, -1, 0, 0, 0};  // a quarter turn: (x, y) -> (-y, x)
  Opened o = written(one_page({scaled, turned}));
  // A's em box in object space: x 1..2.5, y 1.6..4.6.
  auto hits = find(o, "A");
  ASSERT_EQ(hits.size(), 1u);
  expect_box(hits[0].box, 52, 63.2, 3, 6);
  hits = find(o, "AB");
  ASSERT_EQ(hits.size(), 1u);
  expect_box(hits[0].box, 52, 63.2, 6, 6);
  hits = find(o, "C");
  ASSERT_EQ(hits.size(), 1u);
  expect_box(hits[0].box, 50 - 4.6, 60 + 1, 3, 1.5);
}

const char* kOfdXml =
    R"(<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>)";

Bytes hand_made(const std::string& document, const std::vector<test::ZipEntry>& more) {
  std::vector<test::ZipEntry> entries = {{"OFD.xml", to_bytes(kOfdXml)},
                                         {"Doc_0/Document.xml", to_bytes(document)}};
  entries.insert(entries.end(), more.begin(), more.end());
  return make_zip(entries);
}

std::string text_object(const std::string& boundary, const std::string& code,
                        const std::string& prefix = "ofd:") {
  return "<" + prefix + "TextObject ID=\"1\" Boundary=\"" + boundary + "\" Font=\"1\" Size=\"4\">" +
         code + "</" + prefix + "TextObject>";
}

// Templates behind and in front of the page, PageBlocks, and a page in the default namespace.
Bytes templated() {
  std::string document =
      R"(<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData>)"
      R"(<ofd:PageArea><ofd:PhysicalBox>0 0 200 100</ofd:PhysicalBox></ofd:PageArea>)"
      R"(<ofd:TemplatePage ID="10" BaseLoc="Tpls/Back.xml"/>)"
      R"(<ofd:TemplatePage ID="11" BaseLoc="/Doc_0/Tpls/Front.xml"/></ofd:CommonData>)"
      R"(<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/P0.xml"/><ofd:Page ID="2" BaseLoc="Pages/P1.xml"/>)"
      R"(<ofd:Page ID="3" BaseLoc="Pages/Missing.xml"/></ofd:Pages></ofd:Document>)";
  auto page = [](const std::string& body) {
    return R"(<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">)" + body + "</ofd:Page>";
  };
  std::string back =
      page("<ofd:Content><ofd:Layer>" +
           text_object("10 5 50 5", R"(<ofd:TextCode X="0" Y="3.2">背景</ofd:TextCode>)") +
           "</ofd:Layer></ofd:Content>");
  std::string front =
      page("<ofd:Content><ofd:Layer>" +
           text_object("10 50 50 5", R"(<ofd:TextCode X="0" Y="3.2">前景</ofd:TextCode>)") +
           "</ofd:Layer></ofd:Content>");
  std::string p0 = page(
      R"(<ofd:Template TemplateID="11" ZOrder="Foreground"/><ofd:Template TemplateID="10"/>)"
      R"(<ofd:Area><ofd:PhysicalBox>0 0 100 50</ofd:PhysicalBox></ofd:Area>)"
      "<ofd:Content><ofd:Layer><ofd:PageBlock><ofd:PageBlock>" +
      text_object("10 20 50 5", R"(<ofd:TextCode X="0" Y="3.2" DeltaX="4">正文</ofd:TextCode>)") +
      "</ofd:PageBlock></ofd:PageBlock></ofd:Layer></ofd:Content>");
  std::string p1 =
      R"(<Page xmlns="http://www.ofdspec.org/2016"><Template TemplateID="10"/><Template TemplateID="99"/>)"
      "<Content><Layer>" +
      text_object(
          "20 30 50 20",
          R"(<TextCode X="5" Y="10">AB</TextCode><TextCode X="20" DeltaX="g 2 3">CDE</TextCode>)",
          "") +
      "</Layer></Content></Page>";
  return hand_made(document, {{"Doc_0/Tpls/Back.xml", to_bytes(back)},
                              {"Doc_0/Tpls/Front.xml", to_bytes(front)},
                              {"Doc_0/Pages/P0.xml", to_bytes(p0)},
                              {"Doc_0/Pages/P1.xml", to_bytes(p1)}});
}

TEST(OfdText, ReadsTemplatesInZOrderAndPageBlocks) {
  Opened o = open(templated());
  std::vector<std::string> warnings;
  std::vector<TextRun> runs = runs_of(o, &warnings);
  std::vector<std::pair<int, std::string>> seen;
  for (const auto& r : runs) seen.emplace_back(r.page, r.text);
  EXPECT_EQ(seen, (std::vector<std::pair<int, std::string>>{
                      {0, "背景"}, {0, "正文"}, {0, "前景"}, {1, "背景"}, {1, "AB"}, {1, "CDE"}}));
  EXPECT_TRUE(runs[0].in_template);
  EXPECT_FALSE(runs[1].in_template);
  EXPECT_TRUE(runs[2].in_template);
  EXPECT_EQ(warnings, (std::vector<std::string>{
                          "page 2: Template 99 names no template page in the package",
                          "page 3: \"Pages/Missing.xml\" names no file in the package"}));

  auto hits = find(o, "景正文前");
  ASSERT_EQ(hits.size(), 1u) << "drawing order joins template and page text";
  expect_box(hits[0].box, 10, 5 + 3.2 - 3.2, 8, 50 - 5 + 4);
  hits = find(o, "正文");
  ASSERT_EQ(hits.size(), 1u);
  expect_box(hits[0].box, 10, 20, 8, 4);
  hits = find(o, "背景");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].page, 0);
  EXPECT_EQ(hits[1].page, 1);
  expect_box(hits[1].box, 10, 5, 8, 4);
}

TEST(OfdText, ReadsPagesWithoutThePrefix) {
  Opened o = open(templated());
  // AB: no DeltaX, so half an em each; CDE: X given, Y inherited from AB's TextCode.
  auto hits = find(o, "AB");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].page, 1);
  expect_box(hits[0].box, 25, 36.8, 4, 4);
  hits = find(o, "DE");
  ASSERT_EQ(hits.size(), 1u);
  expect_box(hits[0].box, 43, 36.8, 5, 4);
}

TEST(OfdText, PageSizesFromPageDocumentOrA4) {
  Opened o = open(templated());
  auto sizes = page_sizes(o.package, o.body);
  ASSERT_TRUE(sizes.ok()) << sizes.error().message;
  ASSERT_EQ(sizes->size(), 3u);
  EXPECT_DOUBLE_EQ((*sizes)[0].width_mm, 100);
  EXPECT_DOUBLE_EQ((*sizes)[0].height_mm, 50);
  EXPECT_DOUBLE_EQ((*sizes)[1].width_mm, 200);
  EXPECT_DOUBLE_EQ((*sizes)[1].height_mm, 100);
  EXPECT_DOUBLE_EQ((*sizes)[2].width_mm, 200) << "a missing page takes the document's size";

  std::string bare =
      R"(<Document xmlns="http://www.ofdspec.org/2016"><Pages><Page ID="1" BaseLoc="P.xml"/></Pages></Document>)";
  Opened a4 = open(hand_made(bare, {{"Doc_0/P.xml", to_bytes("<Page><Content/></Page>")}}));
  sizes = page_sizes(a4.package, a4.body);
  ASSERT_TRUE(sizes.ok()) << sizes.error().message;
  ASSERT_EQ(sizes->size(), 1u);
  EXPECT_DOUBLE_EQ((*sizes)[0].width_mm, 210);
  EXPECT_DOUBLE_EQ((*sizes)[0].height_mm, 297);

  Opened bad = open(hand_made(
      bare, {{"Doc_0/P.xml",
              to_bytes("<Page><Area><PhysicalBox>0 0 -1 297</PhysicalBox></Area></Page>")}}));
  EXPECT_EQ(page_sizes(bad.package, bad.body).error().kind, ErrorKind::kInvalidInput);
}

// A one-page package whose page content is `content`.
Opened with_page(const std::string& content) {
  std::string document = R"(<Document><Pages><Page ID="1" BaseLoc="P.xml"/></Pages></Document>)";
  return open(hand_made(document, {{"Doc_0/P.xml", to_bytes(content)}}));
}

Error text_error(const std::string& content) {
  Opened o = with_page(content);
  auto runs = extract_text(o.package, o.body);
  EXPECT_FALSE(runs.ok()) << content.substr(0, 200);
  return runs.ok() ? Error::internal("read") : runs.error();
}

TEST(OfdText, HostilePagesGiveErrors) {
  std::string deep = "<Page><Content><Layer>";
  for (int i = 0; i < 100; ++i) deep += "<PageBlock>";
  for (int i = 0; i < 100; ++i) deep += "</PageBlock>";
  deep += "</Layer></Content></Page>";
  Error e = text_error(deep);
  EXPECT_EQ(e.kind, ErrorKind::kInvalidInput);
  EXPECT_NE(e.message.find("nested deeper than 64"), std::string::npos) << e.message;

  auto page = [](const std::string& object) {
    return "<Page><Content><Layer>" + object + "</Layer></Content></Page>";
  };
  for (const char* delta : {"g", "g 2", "1 x", "g -1 2", "g 2 nan", "inf"}) {
    e = text_error(page(text_object(
        "0 0 10 10",
        std::string("<TextCode X=\"0\" Y=\"1\" DeltaX=\"") + delta + "\">AB</TextCode>", "")));
    EXPECT_EQ(e.kind, ErrorKind::kInvalidInput) << delta;
    EXPECT_NE(e.message.find("DeltaX"), std::string::npos) << e.message;
  }
  e = text_error(page(
      R"(<TextObject Boundary="0 0 1 1" Size="4" CTM="1 0 0 1 0"><TextCode>A</TextCode></TextObject>)"));
  EXPECT_NE(e.message.find("CTM"), std::string::npos) << e.message;
  e = text_error(
      page(R"(<TextObject Boundary="0 0 1" Size="4"><TextCode>A</TextCode></TextObject>)"));
  EXPECT_NE(e.message.find("Boundary"), std::string::npos) << e.message;
  e = text_error(
      page(R"(<TextObject Boundary="0 0 1 1" Size="big"><TextCode>A</TextCode></TextObject>)"));
  EXPECT_NE(e.message.find("Size"), std::string::npos) << e.message;
  e = text_error("<Page><Content>");
  EXPECT_EQ(e.kind, ErrorKind::kInvalidInput);
  e = text_error(
      page(text_object("0 0 1 1", "<TextCode>" + std::string(2'000'001, 'a') + "</TextCode>", "")));
  EXPECT_NE(e.message.find("more than 2000000 characters"), std::string::npos) << e.message;

  // A huge repeat count costs nothing: it is expanded only as far as there are glyphs.
  Opened o = with_page(page(text_object(
      "0 0 10 10", R"(<TextCode X="0" Y="4" DeltaX="g 4000000000000 1.5">ABC</TextCode>)", "")));
  auto hits = find(o, "BC");
  ASSERT_EQ(hits.size(), 1u);
  expect_box(hits[0].box, 1.5, 0.8, 3.5, 4);
}

class OfdTextFixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kDir))
      GTEST_SKIP() << "../shared/fixtures is not beside the checkout";
  }
  static Opened fixture(const std::string& name) {
    auto data = read_file(kDir / name);
    EXPECT_TRUE(data.ok()) << name;
    return open(data.ok() ? *data : Bytes{});
  }
};

TEST_F(OfdTextFixtures, TaxInvoiceText) {
  Opened o = fixture("v4signed.ofd");
  std::vector<std::string> warnings;
  std::vector<TextRun> runs = runs_of(o, &warnings);
  EXPECT_TRUE(warnings.empty());
  ASSERT_FALSE(runs.empty());
  // The buyer's name: Boundary "36 30", X 0, Y 4.4875, Size 3.175, DeltaX 3.175 repeated.
  auto hits = find(o, "科游迈利有限公司");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].page, 0);
  expect_box(hits[0].box, 36, 30 + 4.4875 - 0.8 * 3.175, 8 * 3.175, 3.175);
  // The title comes from the template (Tpls/Tpl_0, named "TPLS/..." in Document.xml): Boundary
  // "69 7", Size 6.6675, one DeltaX 6.53 for all glyphs.
  hits = find(o, "电子普通发票");
  ASSERT_EQ(hits.size(), 1u);
  expect_box(hits[0].box, 69 + 5 * 6.53, 7 + 5.7274 - 0.8 * 6.6675, 5 * 6.53 + 6.6675, 6.6675);
  bool title_in_template = false;
  for (const auto& r : runs) {
    if (r.text == "重庆增值税电子普通发票") title_in_template = r.in_template;
  }
  EXPECT_TRUE(title_in_template);
  // The cipher text: rows of 28 glyphs in one TextCode, 27 steps of 2.5 mm, then -67.5 returns
  // the pen to the row start as DeltaY ("g 27 0 4.5") moves it down: the 29th glyph starts the
  // second row.
  for (const auto& r : runs) {
    if (r.text.rfind("00664<120", 0) != 0) continue;
    ASSERT_GT(r.chars.size(), 28u);
    expect_box(r.chars[27].box, 126.3 + 3.6917 + 27 * 2.5, 31 + 4.6555 - 0.8 * 4.2333, 0.5 * 4.2333,
               4.2333, "the row's last glyph: a default advance");
    expect_box(r.chars[28].box, 126.3 + 3.6917, 31 + 4.6555 + 4.5 - 0.8 * 4.2333, 2.5, 4.2333);
  }
  EXPECT_EQ(find(o, "北京市海淀区颐和园西路").size(), 1u);
  EXPECT_EQ(find(o, "开票日期").size(), 1u);

  auto sizes = page_sizes(o.package, o.body);
  ASSERT_TRUE(sizes.ok());
  ASSERT_EQ(sizes->size(), 1u);
  EXPECT_DOUBLE_EQ((*sizes)[0].height_mm, 140) << "the page's own Area, not CommonData's A4";
}

TEST_F(OfdTextFixtures, OtherFixturesGiveText) {
  Opened invoice = fixture("signedFile.ofd");
  EXPECT_EQ(find(invoice, "上海后衍品牌管理有限公司钟楼分公司").size(), 1u);
  EXPECT_EQ(find(invoice, "江苏增值税电子普通发票").size(), 1u);
  EXPECT_EQ(find(invoice, "机器编号").size(), 1u);
  for (const char* name : {"SESV4SignDoc.ofd", "allprotected.ofd", "DigitalSign.ofd"}) {
    Opened o = fixture(name);
    auto hits = find(o, "OFD Reader&Writer");
    ASSERT_EQ(hits.size(), 1u) << name;
    // Boundary "31.7 25.4", Y 3, Size 3: "你好呀，" 4 x 3 mm, then 1.5 mm glyphs.
    expect_box(hits[0].box, 31.7 + 12, 25.4 + 3 - 2.4, 17 * 1.5, 3, name);
  }
}

}  // namespace
}  // namespace eseal::ofd
