// render/pages_from: pictures and text to PDF (checked with poppler's pdfinfo and pdftotext)
// and to OFD (checked with ofd::read_structure and ofd::extract_text).
#include "render/pages_from.h"

#include <cairo/cairo.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "ofd/document.h"
#include "ofd/package.h"
#include "ofd/text.h"
#include "support/process.h"

namespace eseal::render {
namespace {

using test::run_command;
using test::TempDir;

const char kWords[] = "电子印章平台测试文档 Electronic seal platform";

Bytes make_png(int width, int height) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
  cairo_paint(cr);
  cairo_destroy(cr);
  Bytes png;
  cairo_surface_write_to_png_stream(
      surface,
      [](void* closure, const unsigned char* data, unsigned int length) {
        append(*static_cast<Bytes*>(closure), ByteView(data, length));
        return CAIRO_STATUS_SUCCESS;
      },
      &png);
  cairo_surface_destroy(surface);
  return png;
}

// Runs a poppler tool on `pdf`: "pdfinfo" or "pdftotext".
std::string poppler(const std::string& tool, const Bytes& pdf) {
  TempDir dir;
  const auto path = dir / "in.pdf";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(pdf.data()), static_cast<std::streamsize>(pdf.size()));
  const std::string tail = tool == "pdftotext" ? " -" : "";
  auto result = run_command(tool + " '" + path.string() + "'" + tail + " 2>&1");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.output;
}

bool have_poppler() {
  return run_command("command -v pdftotext pdfinfo").exit_code == 0;
}

std::string ofd_text(const Bytes& ofd, int* pages = nullptr, doc::RectMm* box = nullptr) {
  auto package = ofd::Package::open(ofd);
  EXPECT_TRUE(package.ok()) << package.error().message;
  if (!package) return {};
  auto structure = ofd::read_structure(*package);
  EXPECT_TRUE(structure.ok()) << structure.error().message;
  if (!structure) return {};
  const ofd::DocBody& body = structure->documents.at(0);
  if (pages) *pages = static_cast<int>(body.pages.size());
  if (box && body.physical_box) *box = *body.physical_box;
  auto runs = ofd::extract_text(*package, body);
  EXPECT_TRUE(runs.ok()) << runs.error().message;
  std::string text;
  if (runs) {
    for (const ofd::TextRun& run : *runs) text += run.text + "\n";
  }
  return text;
}

std::string without_spaces(std::string text) {
  std::erase_if(text, [](char c) { return c == ' ' || c == '\n'; });
  return text;
}

PagesOptions options() {
  PagesOptions o;
  o.creation_time = parse_utc("2024-05-06T07:08:09Z").value();
  o.title = "测试";
  return o;
}

TEST(PagesFromTest, SmallPictureGivesAPageOfItsSize) {
  if (!have_poppler()) GTEST_SKIP() << "poppler-utils (pdfinfo) is not installed";
  // 192 x 96 pixels at the default 96 dpi: 2 x 1 inches, 144 x 72 points.
  auto pdf = picture_to_pdf(make_png(192, 96), options());
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  const std::string info = poppler("pdfinfo", *pdf);
  EXPECT_NE(info.find("Pages:           1"), std::string::npos) << info;
  EXPECT_NE(info.find("144 x 72 pts"), std::string::npos) << info;
  EXPECT_NE(info.find("Title:           测试"), std::string::npos) << info;
  EXPECT_NE(info.find("May  6 07:08:09 2024 UTC"), std::string::npos) << info;

  auto ofd = picture_to_ofd(make_png(192, 96), options());
  ASSERT_TRUE(ofd.ok()) << ofd.error().message;
  int pages = 0;
  doc::RectMm box;
  ofd_text(*ofd, &pages, &box);
  EXPECT_EQ(pages, 1);
  EXPECT_NEAR(box.width, 50.8, 0.01);
  EXPECT_NEAR(box.height, 25.4, 0.01);
  auto package = ofd::Package::open(*ofd);
  ASSERT_TRUE(package.ok());
  int images = 0;
  for (const std::string& name : package->files()) images += name.ends_with(".png");
  EXPECT_EQ(images, 1);
}

TEST(PagesFromTest, LargePictureIsFittedInsideA4) {
  if (!have_poppler()) GTEST_SKIP() << "poppler-utils (pdfinfo) is not installed";
  // 4000 x 1000 pixels at 96 dpi is over a metre wide: A4 landscape.
  auto pdf = picture_to_pdf(make_png(4000, 1000), options());
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  const std::string info = poppler("pdfinfo", *pdf);
  EXPECT_NE(info.find("841.89 x 595.276 pts"), std::string::npos) << info;

  auto ofd = picture_to_ofd(make_png(1000, 4000), options());
  ASSERT_TRUE(ofd.ok()) << ofd.error().message;
  doc::RectMm box;
  ofd_text(*ofd, nullptr, &box);
  EXPECT_NEAR(box.width, 210, 0.01);
  EXPECT_NEAR(box.height, 297, 0.01);
}

TEST(PagesFromTest, DamagedPictureIsRefused) {
  Bytes png = make_png(10, 10);
  png.resize(png.size() / 2);
  auto pdf = picture_to_pdf(png, options());
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.error().kind, ErrorKind::kInvalidInput);
  auto ofd = picture_to_ofd(as_bytes("not a picture"), options());
  ASSERT_FALSE(ofd.ok());
  EXPECT_EQ(ofd.error().kind, ErrorKind::kInvalidInput);
}

TEST(PagesFromTest, TextToPdfIsSearchableText) {
  if (!have_poppler()) GTEST_SKIP() << "poppler-utils (pdftotext) is not installed";
  auto pdf = text_to_pdf(std::string("\xEF\xBB\xBF") + kWords + "\r\nsecond line\n", options());
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  const std::string text = poppler("pdftotext", *pdf);
  EXPECT_NE(text.find("电子印章平台测试文档"), std::string::npos) << text;
  EXPECT_NE(text.find("Electronic seal platform"), std::string::npos) << text;
  EXPECT_NE(text.find("second line"), std::string::npos) << text;
  EXPECT_NE(poppler("pdfinfo", *pdf).find("Pages:           1"), std::string::npos);
}

TEST(PagesFromTest, LongTextFlowsOntoMorePages) {
  if (!have_poppler()) GTEST_SKIP() << "poppler-utils (pdfinfo) is not installed";
  std::string text;
  for (int i = 0; i < 120; ++i) text += "第" + std::to_string(i) + "行 line " + kWords + "\n";
  auto pdf = text_to_pdf(text, options());
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  const std::string info = poppler("pdfinfo", *pdf);
  EXPECT_EQ(info.find("Pages:           1\n"), std::string::npos) << info;
  const std::string extracted = poppler("pdftotext", *pdf);
  EXPECT_NE(extracted.find("第119行"), std::string::npos);

  auto ofd = text_to_ofd(text, options());
  ASSERT_TRUE(ofd.ok()) << ofd.error().message;
  int pages = 0;
  const std::string ofd_words = ofd_text(*ofd, &pages);
  EXPECT_GT(pages, 1);
  EXPECT_NE(ofd_words.find("第119行"), std::string::npos);
}

TEST(PagesFromTest, TextToOfdHoldsTheWords) {
  auto ofd = text_to_ofd(std::string(kWords) + "\n", options());
  ASSERT_TRUE(ofd.ok()) << ofd.error().message;
  int pages = 0;
  const std::string text = ofd_text(*ofd, &pages);
  EXPECT_EQ(pages, 1);
  EXPECT_NE(without_spaces(text).find("电子印章平台测试文档Electronicsealplatform"),
            std::string::npos)
      << text;
}

TEST(PagesFromTest, AcceptsGb18030AndUtf16) {
  // "电子印章" in GB18030 (as in GBK), then Latin.
  const std::string gb = "\xB5\xE7\xD7\xD3\xD3\xA1\xD5\xC2 seal";
  auto utf8 = plain_text_as_utf8(gb);
  ASSERT_TRUE(utf8.ok()) << utf8.error().message;
  EXPECT_EQ(*utf8, "电子印章 seal");
  auto ofd = text_to_ofd(gb, options());
  ASSERT_TRUE(ofd.ok()) << ofd.error().message;
  EXPECT_NE(ofd_text(*ofd).find("电子印章"), std::string::npos);

  const std::string utf16(
      "\xFF\xFE\x35\x75\x50\x5B\x0D\x00\x0A\x00"
      "a\x00\t\x00"
      "b\x00",
      16);
  auto from16 = plain_text_as_utf8(utf16);
  ASSERT_TRUE(from16.ok()) << from16.error().message;
  EXPECT_EQ(*from16, "电子\na b");
}

TEST(PagesFromTest, RefusesTextInNoKnownEncoding) {
  // 0xFF never starts a GB18030 character, and this is not UTF-8.
  auto pdf = text_to_pdf("\xFF\xFF\xFF abc", options());
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.error().kind, ErrorKind::kInvalidInput);
  auto ofd = text_to_ofd("\xFF\xFF\xFF abc", options());
  ASSERT_FALSE(ofd.ok());
  EXPECT_EQ(ofd.error().kind, ErrorKind::kInvalidInput);
}

TEST(PagesFromTest, EmptyTextGivesOneBlankPage) {
  auto ofd = text_to_ofd("", options());
  ASSERT_TRUE(ofd.ok()) << ofd.error().message;
  int pages = 0;
  ofd_text(*ofd, &pages);
  EXPECT_EQ(pages, 1);
  auto pdf = text_to_pdf("", options());
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  if (have_poppler()) {
    EXPECT_NE(poppler("pdfinfo", *pdf).find("Pages:           1"), std::string::npos);
  }
}

}  // namespace
}  // namespace eseal::render
