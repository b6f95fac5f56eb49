// The OFD writer: the files and values it writes (DocInfo, MaxUnitID, resources with an embedded
// font and an image, text in the "g" delta form, image and path objects), the same bytes for the
// same input, refusal of bad input, the plain-text layout (lines, wrapping, pages), and packages
// that the reader and the verifier take as they are.
#include "ofd/writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <optional>

#include "ofd/document.h"
#include "ofd/package.h"
#include "ofd/verify.h"
#include "ofd/xml.h"

namespace eseal::ofd {
namespace {

const Time kTime = *parse_utc("2026-11-23T12:00:00Z");
const WriteOptions kOptions{kTime, "0123456789abcdef0123456789abcdef"};

// A 1x1 RGB PNG.
const Bytes kPng = {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
                    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
                    0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00,
                    0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
                    0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00,
                    0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

// Two pages: text, an image and a path on the first, text in a smaller page on the second.
NewDocument sample() {
  NewDocument d;
  d.title = "测试文档";
  d.author = "eseal tests";
  FontResource embedded;
  embedded.name = "Test Sans";
  embedded.family = "Test";
  embedded.file = {'f', 'o', 'n', 't'};
  embedded.file_name = "/somewhere/TestSans.OTF";
  d.fonts = {FontResource{}, embedded};
  d.images = {kPng};
  NewPage first;
  TextBlock t;
  t.font = 0;
  t.size_mm = 4;
  t.boundary = {20, 30, 40, 4};
  t.y = 3.2;
  t.text = "电子签章abc";
  t.delta_x = {4, 4, 4, 4, 2, 2};
  first.objects.emplace_back(t);
  ImageBlock image;
  image.boundary = {100, 100, 40, 30};
  first.objects.emplace_back(image);
  PathBlock path;
  path.boundary = {10, 10, 190, 1};
  path.abbreviated_data = "M 0 0.5 L 190 0.5";
  path.color = {200, 0, 0};
  first.objects.emplace_back(path);
  NewPage second;
  second.size = doc::PageSize{148, 210};
  t.font = 1;
  t.text = "第二页";
  t.delta_x = {4, 4};
  t.ctm = Matrix{0, 1, -1, 0, 0, 0};
  second.objects.emplace_back(t);
  d.pages = {first, second};
  return d;
}

Package open(const Bytes& zip) {
  auto p = Package::open(zip);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return std::move(p).value();
}

std::unique_ptr<pugi::xml_document> xml(const Package& p, const std::string& name) {
  auto bytes = p.read(name);
  EXPECT_TRUE(bytes.ok()) << name;
  auto doc = parse_xml(bytes.ok() ? *bytes : Bytes{}, name);
  EXPECT_TRUE(doc.ok()) << name;
  return doc.ok() ? std::move(*doc) : std::make_unique<pugi::xml_document>();
}

std::string at(const pugi::xml_document& doc, const char* xpath) {
  return doc.select_node(xpath).node().text().get();
}
std::string attr(const pugi::xml_document& doc, const char* xpath) {
  return doc.select_node(xpath).attribute().value();
}

TEST(OfdWriter, WritesTheFilesOfGbt33190) {
  auto zip = write_ofd(sample(), kOptions);
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  Package p = open(*zip);
  EXPECT_EQ(p.files(), (std::vector<std::string>{
                           "OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml",
                           "Doc_0/DocumentRes.xml", "Doc_0/Res/font_2.otf", "Doc_0/Res/image_3.png",
                           "Doc_0/Pages/Page_0/Content.xml", "Doc_0/Pages/Page_1/Content.xml"}));
  EXPECT_EQ(*p.read("Doc_0/Res/font_2.otf"), (Bytes{'f', 'o', 'n', 't'}));
  EXPECT_EQ(*p.read("Doc_0/Res/image_3.png"), kPng);

  auto ofd = xml(p, "OFD.xml");
  EXPECT_STREQ(ofd->document_element().name(), "ofd:OFD");
  EXPECT_STREQ(ofd->document_element().attribute("xmlns:ofd").value(),
               "http://www.ofdspec.org/2016");
  EXPECT_EQ(at(*ofd, "/ofd:OFD/ofd:DocBody/ofd:DocInfo/ofd:DocID"),
            "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(at(*ofd, "/ofd:OFD/ofd:DocBody/ofd:DocInfo/ofd:Title"), "测试文档");
  EXPECT_EQ(at(*ofd, "/ofd:OFD/ofd:DocBody/ofd:DocInfo/ofd:Author"), "eseal tests");
  EXPECT_EQ(at(*ofd, "/ofd:OFD/ofd:DocBody/ofd:DocInfo/ofd:CreationDate"), "2026-11-23");
  EXPECT_EQ(at(*ofd, "/ofd:OFD/ofd:DocBody/ofd:DocInfo/ofd:Creator"), "eseal");
  EXPECT_EQ(at(*ofd, "/ofd:OFD/ofd:DocBody/ofd:DocRoot"), "Doc_0/Document.xml");

  // IDs: fonts 1-2, image 3, page 4 (layer 5, objects 6-8), page 9 (layer 10, object 11).
  auto document = xml(p, "Doc_0/Document.xml");
  EXPECT_EQ(at(*document, "//ofd:CommonData/ofd:MaxUnitID"), "11");
  EXPECT_EQ(at(*document, "//ofd:CommonData/ofd:PageArea/ofd:PhysicalBox"), "0 0 210 297");
  EXPECT_EQ(at(*document, "//ofd:CommonData/ofd:PublicRes"), "PublicRes.xml");
  EXPECT_EQ(at(*document, "//ofd:CommonData/ofd:DocumentRes"), "DocumentRes.xml");
  EXPECT_EQ(attr(*document, "//ofd:Pages/ofd:Page[2]/@ID"), "9");
  EXPECT_EQ(attr(*document, "//ofd:Pages/ofd:Page[2]/@BaseLoc"), "Pages/Page_1/Content.xml");

  auto res = xml(p, "Doc_0/PublicRes.xml");
  EXPECT_EQ(attr(*res, "/ofd:Res/@BaseLoc"), "Res");
  EXPECT_EQ(attr(*res, "//ofd:Font[1]/@FontName"), "宋体");
  EXPECT_EQ(attr(*res, "//ofd:Font[1]/@FamilyName"), "宋体");
  EXPECT_TRUE(res->select_node("//ofd:Font[1]/ofd:FontFile").node().empty());
  EXPECT_EQ(attr(*res, "//ofd:Font[2]/@ID"), "2");
  EXPECT_EQ(attr(*res, "//ofd:Font[2]/@FamilyName"), "Test");
  EXPECT_EQ(at(*res, "//ofd:Font[2]/ofd:FontFile"), "font_2.otf");
  auto media = xml(p, "Doc_0/DocumentRes.xml");
  EXPECT_EQ(attr(*media, "//ofd:MultiMedia/@ID"), "3");
  EXPECT_EQ(attr(*media, "//ofd:MultiMedia/@Type"), "Image");
  EXPECT_EQ(at(*media, "//ofd:MultiMedia/ofd:MediaFile"), "image_3.png");

  auto page = xml(p, "Doc_0/Pages/Page_0/Content.xml");
  EXPECT_EQ(at(*page, "/ofd:Page/ofd:Area/ofd:PhysicalBox"), "0 0 210 297");
  EXPECT_EQ(attr(*page, "//ofd:Layer/@ID"), "5");
  EXPECT_EQ(attr(*page, "//ofd:TextObject/@ID"), "6");
  EXPECT_EQ(attr(*page, "//ofd:TextObject/@Boundary"), "20 30 40 4");
  EXPECT_EQ(attr(*page, "//ofd:TextObject/@Font"), "1");
  EXPECT_EQ(attr(*page, "//ofd:TextObject/@Size"), "4");
  EXPECT_EQ(at(*page, "//ofd:TextCode"), "电子签章abc");
  EXPECT_EQ(attr(*page, "//ofd:TextCode/@X"), "0");
  EXPECT_EQ(attr(*page, "//ofd:TextCode/@Y"), "3.2");
  EXPECT_EQ(attr(*page, "//ofd:TextCode/@DeltaX"), "g 4 4 g 2 2");
  EXPECT_TRUE(page->select_node("//ofd:TextCode/@DeltaY").attribute().empty());
  EXPECT_EQ(attr(*page, "//ofd:ImageObject/@ResourceID"), "3");
  EXPECT_EQ(attr(*page, "//ofd:ImageObject/@Boundary"), "100 100 40 30");
  EXPECT_EQ(attr(*page, "//ofd:ImageObject/@CTM"), "40 0 0 30 0 0");
  EXPECT_EQ(attr(*page, "//ofd:PathObject/@ID"), "8");
  EXPECT_EQ(attr(*page, "//ofd:PathObject/@Stroke"), "true");
  EXPECT_EQ(attr(*page, "//ofd:PathObject/@Fill"), "false");
  EXPECT_EQ(attr(*page, "//ofd:PathObject/ofd:StrokeColor/@Value"), "200 0 0");
  EXPECT_EQ(at(*page, "//ofd:PathObject/ofd:AbbreviatedData"), "M 0 0.5 L 190 0.5");

  auto second = xml(p, "Doc_0/Pages/Page_1/Content.xml");
  EXPECT_EQ(at(*second, "/ofd:Page/ofd:Area/ofd:PhysicalBox"), "0 0 148 210");
  EXPECT_EQ(attr(*second, "//ofd:TextObject/@Font"), "2");
  EXPECT_EQ(attr(*second, "//ofd:TextObject/@CTM"), "0 1 -1 0 0 0");
  EXPECT_EQ(attr(*second, "//ofd:TextCode/@DeltaX"), "g 2 4");
}

TEST(OfdWriter, SameInputSameBytes) {
  auto a = write_ofd(sample(), kOptions);
  auto b = write_ofd(sample(), kOptions);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  WriteOptions other = kOptions;
  other.doc_id = "fedcba9876543210fedcba9876543210";
  EXPECT_NE(*write_ofd(sample(), other), *a);
  other.doc_id.clear();
  auto random1 = write_ofd(sample(), other), random2 = write_ofd(sample(), other);
  ASSERT_TRUE(random1.ok() && random2.ok());
  EXPECT_NE(*random1, *random2) << "a fresh DocID each time";
  std::string id = at(*xml(open(*random1), "OFD.xml"), "//ofd:DocID");
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
}

// The drawing parameters added for PDF import: each written only when it differs from the
// GB/T 33190 default, so that documents which do not set them keep their bytes.
TEST(OfdWriter, WritesDrawingParametersClipsAndGlyphIndices) {
  NewDocument d;
  FontResource font;
  font.name = "Test Serif";
  font.bold = true;
  font.italic = true;
  d.fonts = {font};
  d.images = {kPng};
  NewPage page;
  TextBlock t;
  t.boundary = {10, 10, 50, 10};
  t.y = 8;
  t.text = "ffi!";
  t.delta_x = {2, 2, 2};
  t.fill_color = Rgb{255, 0, 0};
  t.stroke = true;
  t.stroke_color = Rgb{0, 0, 255};
  t.line_width_mm = 0.2;
  t.alpha = 128;
  t.cg_transforms = {{0, 3, {7}}, {3, 1, {9}}};
  t.clips = {{"M 0 0 L 5 0 L 5 5 C", true}};
  page.objects.emplace_back(t);
  PathBlock path;
  path.boundary = {0, 0, 20, 20};
  path.abbreviated_data = "M 0 0 L 10 10";
  path.fill = true;
  path.color = {0, 0, 255};
  path.fill_color = Rgb{0, 255, 0};
  path.fill_alpha = 100;
  path.even_odd = true;
  path.cap = LineCap::kRound;
  path.join = LineJoin::kBevel;
  path.miter_limit = 10;
  path.dash_pattern_mm = {2, 1};
  path.dash_offset_mm = 0.5;
  path.ctm = Matrix{1, 0, 0, 1, 2, 3};
  page.objects.emplace_back(path);
  page.objects.emplace_back(ImageBlock{.image = 0,
                                       .boundary = {30, 30, 10, 20},
                                       .ctm = Matrix{10, 0, 0, -20, 0, 20},
                                       .clips = {{"M 0 0 L 1 1", false}}});
  d.pages = {page};
  auto zip = write_ofd(d, kOptions);
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  Package p = open(*zip);
  auto res = xml(p, "Doc_0/PublicRes.xml");
  EXPECT_EQ(attr(*res, "//ofd:Font/@Bold"), "true");
  EXPECT_EQ(attr(*res, "//ofd:Font/@Italic"), "true");
  auto content = xml(p, "Doc_0/Pages/Page_0/Content.xml");
  const pugi::xml_node text = content->select_node("//ofd:TextObject").node();
  EXPECT_STREQ(text.attribute("Stroke").value(), "true");
  EXPECT_STREQ(text.attribute("LineWidth").value(), "0.2");
  EXPECT_STREQ(text.attribute("Alpha").value(), "128");
  EXPECT_FALSE(text.attribute("Fill"));
  std::vector<std::string> children;
  for (pugi::xml_node n : text.children()) children.push_back(n.name());
  EXPECT_EQ(children,
            (std::vector<std::string>{"ofd:Clips", "ofd:FillColor", "ofd:StrokeColor",
                                      "ofd:CGTransform", "ofd:CGTransform", "ofd:TextCode"}));
  EXPECT_EQ(attr(*content, "//ofd:TextObject/ofd:FillColor/@Value"), "255 0 0");
  EXPECT_EQ(attr(*content, "//ofd:TextObject/ofd:CGTransform[1]/@CodeCount"), "3");
  EXPECT_EQ(attr(*content, "//ofd:TextObject/ofd:CGTransform[1]/@GlyphCount"), "1");
  EXPECT_EQ(at(*content, "//ofd:TextObject/ofd:CGTransform[2]/ofd:Glyphs"), "9");
  EXPECT_EQ(attr(*content, "//ofd:TextObject//ofd:Clip/ofd:Area/ofd:Path/@Rule"), "Even-Odd");
  EXPECT_EQ(attr(*content, "//ofd:TextObject//ofd:Clip/ofd:Area/ofd:Path/@Boundary"),
            "10 10 50 10");
  EXPECT_EQ(at(*content, "//ofd:TextObject//ofd:Path/ofd:AbbreviatedData"), "M 0 0 L 5 0 L 5 5 C");

  const pugi::xml_node p2 = content->select_node("//ofd:PathObject").node();
  EXPECT_STREQ(p2.attribute("CTM").value(), "1 0 0 1 2 3");
  EXPECT_STREQ(p2.attribute("Cap").value(), "Round");
  EXPECT_STREQ(p2.attribute("Join").value(), "Bevel");
  EXPECT_STREQ(p2.attribute("MiterLimit").value(), "10");
  EXPECT_STREQ(p2.attribute("DashOffset").value(), "0.5");
  EXPECT_STREQ(p2.attribute("DashPattern").value(), "2 1");
  EXPECT_STREQ(p2.attribute("Rule").value(), "Even-Odd");
  EXPECT_EQ(attr(*content, "//ofd:PathObject/ofd:FillColor/@Value"), "0 255 0");
  EXPECT_EQ(attr(*content, "//ofd:PathObject/ofd:FillColor/@Alpha"), "100");
  EXPECT_EQ(attr(*content, "//ofd:PathObject/ofd:StrokeColor/@Value"), "0 0 255");
  EXPECT_FALSE(content->select_node("//ofd:PathObject/ofd:StrokeColor/@Alpha"));
  EXPECT_EQ(attr(*content, "//ofd:ImageObject/@CTM"), "10 0 0 -20 0 20");
  EXPECT_TRUE(content->select_node("//ofd:ImageObject/ofd:Clips/ofd:Clip/ofd:Area/ofd:Path"));

  // Out of range: a glyph mapping past the text, an alpha, a negative dash.
  NewDocument bad = d;
  std::get<TextBlock>(bad.pages[0].objects[0]).cg_transforms = {{2, 3, {1}}};
  EXPECT_EQ(write_ofd(bad, kOptions).error().kind, ErrorKind::kInvalidInput);
  bad = d;
  std::get<PathBlock>(bad.pages[0].objects[1]).fill_alpha = 256;
  EXPECT_EQ(write_ofd(bad, kOptions).error().kind, ErrorKind::kInvalidInput);
  bad = d;
  std::get<PathBlock>(bad.pages[0].objects[1]).dash_pattern_mm = {-1};
  EXPECT_EQ(write_ofd(bad, kOptions).error().kind, ErrorKind::kInvalidInput);
}

// Restores TZ when the test ends.
class TimeZone {
 public:
  explicit TimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) saved_ = old;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~TimeZone() {
    if (saved_) {
      setenv("TZ", saved_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> saved_;
};

TEST(OfdWriter, SameBytesInEveryTimeZone) {
  Bytes utc, beijing;
  {
    TimeZone zone("UTC0");
    utc = *write_ofd(sample(), kOptions);
  }
  {
    TimeZone zone("CST-8");
    beijing = *write_ofd(sample(), kOptions);
  }
  EXPECT_EQ(utc, beijing);
  // The first local header's DOS time and date: 12:00:00 on 2026-11-23.
  ASSERT_GT(utc.size(), 14u);
  EXPECT_EQ(utc[10] | (utc[11] << 8), 12 << 11);
  EXPECT_EQ(utc[12] | (utc[13] << 8), ((2026 - 1980) << 9) | (11 << 5) | 23);
}

TEST(OfdWriter, ReaderAndVerifierTakeTheDocument) {
  auto zip = write_ofd(sample(), kOptions);
  ASSERT_TRUE(zip.ok());
  Package p = open(*zip);
  auto s = read_structure(p);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(s->warnings.empty());
  ASSERT_EQ(s->documents.size(), 1u);
  const DocBody& d = s->documents[0];
  ASSERT_EQ(d.pages.size(), 2u);
  EXPECT_EQ(d.pages[0].id, "4");
  EXPECT_EQ(d.pages[1].path, "Doc_0/Pages/Page_1/Content.xml");
  ASSERT_TRUE(d.physical_box);
  EXPECT_DOUBLE_EQ(d.physical_box->height, 297);
  EXPECT_TRUE(d.signatures_loc.empty());

  auto report = verify_ofd(*zip, {});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->signatures.empty());
  EXPECT_TRUE(report->warnings.empty());
  EXPECT_TRUE(report->removed_files.empty());
  EXPECT_FALSE(report->locked());
  EXPECT_FALSE(report->valid()) << "an unsigned document is not a valid signed one";
}

TEST(OfdWriter, RefusesBadInput) {
  auto refused = [](const NewDocument& d, const std::string& why) {
    auto r = write_ofd(d, kOptions);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput) << why;
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  };
  NewDocument d = sample();
  d.pages.clear();
  refused(d, "at least one page");
  d = sample();
  std::get<TextBlock>(d.pages[0].objects[0]).font = 7;
  refused(d, "font 7");
  d = sample();
  std::get<ImageBlock>(d.pages[0].objects[1]).image = 1;
  refused(d, "image 1");
  d = sample();
  d.images[0][1] = 'X';
  refused(d, "not a PNG");
  d = sample();
  std::get<TextBlock>(d.pages[0].objects[0]).text = "a\x01";
  refused(d, "control character");
  d = sample();
  std::get<TextBlock>(d.pages[0].objects[0]).text = "\xff";
  refused(d, "not UTF-8");
  d = sample();
  std::get<TextBlock>(d.pages[0].objects[0]).size_mm = 0;
  refused(d, "size must be positive");
  d = sample();
  std::get<TextBlock>(d.pages[0].objects[0]).delta_x[0] = std::nan("");
  refused(d, "non-finite");
  d = sample();
  std::get<PathBlock>(d.pages[0].objects[2]).color[1] = 256;
  refused(d, "0-255");
  d = sample();
  d.pages[1].size = doc::PageSize{0, 100};
  refused(d, "page size must be positive");
}

// A4, 25 mm margins, 5 mm type: 160 mm lines of 32 CJK characters, lines 7.5 mm apart, 33 lines a
// page (the 33rd's em box ends at 25 + 32 * 7.5 + 5 = 270 <= 272).
TEST(OfdLayout, SetsLinesAndPages) {
  TextLayout layout;
  std::string text;
  for (int i = 0; i < 40; ++i) text += "第" + std::to_string(i % 10) + "行：电子印章。\n";
  auto laid = layout_text(text, layout);
  ASSERT_TRUE(laid.ok()) << laid.error().message;
  ASSERT_EQ(laid->lines.size(), 40u);
  ASSERT_EQ(laid->document.pages.size(), 2u);
  EXPECT_EQ(laid->document.pages[0].objects.size(), 33u);
  EXPECT_EQ(laid->document.pages[1].objects.size(), 7u);
  const LaidOutLine& first = laid->lines[0];
  EXPECT_EQ(first.page, 0);
  EXPECT_EQ(first.text, U"第0行：电子印章。");
  EXPECT_DOUBLE_EQ(first.top_mm, 25);
  EXPECT_EQ(first.x_mm, (std::vector<double>{25, 30, 32.5, 37.5, 42.5, 47.5, 52.5, 57.5, 62.5}));
  EXPECT_DOUBLE_EQ(laid->lines[32].top_mm, 25 + 32 * 7.5);
  EXPECT_EQ(laid->lines[33].page, 1);
  EXPECT_DOUBLE_EQ(laid->lines[33].top_mm, 25);

  const auto& block = std::get<TextBlock>(laid->document.pages[0].objects[1]);
  EXPECT_EQ(block.text, "第1行：电子印章。");
  EXPECT_DOUBLE_EQ(block.boundary.x, 25);
  EXPECT_DOUBLE_EQ(block.boundary.y, 32.5);
  EXPECT_DOUBLE_EQ(block.boundary.width, 42.5);
  EXPECT_DOUBLE_EQ(block.boundary.height, 5);
  EXPECT_DOUBLE_EQ(block.y, 4);
  EXPECT_EQ(block.delta_x, (std::vector<double>{5, 2.5, 5, 5, 5, 5, 5, 5}));
}

TEST(OfdLayout, WrapsAtTheMarginAndBetweenWords) {
  TextLayout layout;
  layout.page = {100, 100};
  layout.margin_left_mm = layout.margin_right_mm = 10;  // 80 mm: 16 CJK or 32 Latin characters
  std::string text;
  for (int i = 0; i < 20; ++i) text += "字";
  text += "\n\nalpha beta gamma delta epsilon zeta\r\n\tx";
  auto laid = layout_text(text, layout);
  ASSERT_TRUE(laid.ok()) << laid.error().message;
  std::vector<std::u32string> lines;
  for (const auto& l : laid->lines) lines.push_back(l.text);
  EXPECT_EQ(lines,
            (std::vector<std::u32string>{std::u32string(16, U'字'), std::u32string(4, U'字'),
                                         U"alpha beta gamma delta epsilon ", U"zeta", U" x"}));
  // The blank paragraph is a line of its own: "alpha" sits three lines below the first.
  EXPECT_DOUBLE_EQ(laid->lines[2].top_mm, 25 + 3 * 7.5);
  EXPECT_DOUBLE_EQ(laid->lines[3].x_mm[0], 10) << "zeta starts its line";
}

TEST(OfdLayout, RefusesWhatCannotBeSet) {
  TextLayout layout;
  EXPECT_EQ(layout_text("\xe4\xb8", layout).error().kind, ErrorKind::kInvalidInput);
  layout.margin_left_mm = 200;
  EXPECT_EQ(layout_text("字", layout).error().kind, ErrorKind::kInvalidInput);
  layout = {};
  layout.font_size_mm = 0;
  EXPECT_EQ(layout_text("字", layout).error().kind, ErrorKind::kInvalidInput);
  auto empty = layout_text("", TextLayout{});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->document.pages.size(), 1u) << "an empty text still makes a page";
  EXPECT_TRUE(write_ofd(empty->document, kOptions).ok());
}

}  // namespace
}  // namespace eseal::ofd
