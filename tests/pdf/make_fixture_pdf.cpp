// Writes a test PDF for the CLI contract scripts: PAGES A4 pages of Chinese text made with cairo,
// "第N页" at the top of each page, "甲方（签章）：" on page 2 and "乙方（签章）：" on the last
// page, both 100 pt from the left and 600 pt from the top. With "xref-stream", QPDF rewrites it
// with an xref stream. Usage: make_fixture_pdf OUT PAGES [xref-stream]
#include <iostream>
#include <string>

#include "base/file.h"
#include "pdf/pdf_fixtures.h"

int main(int argc, char** argv) {
  using namespace eseal;
  if (argc < 3) {
    std::cerr << "usage: make_fixture_pdf OUT PAGES [xref-stream]\n";
    return 2;
  }
  int pages = std::stoi(argv[2]);
  std::vector<pdf::test::PlacedText> texts;
  for (int i = 0; i < pages; ++i) {
    texts.push_back({i, "第" + std::to_string(i + 1) + "页 合同正文", 72, 80, 14});
  }
  if (pages >= 2) texts.push_back({1, "甲方（签章）：", 100, 600, 14});
  texts.push_back({pages - 1, "乙方（签章）：", 100, 600, 14});
  Bytes pdf = pdf::test::make_text_pdf(pages, texts);
  if (argc > 3 && std::string(argv[3]) == "xref-stream") pdf = pdf::test::with_xref_stream(pdf);
  if (!write_file_atomic(argv[1], pdf)) return 1;
  return 0;
}
