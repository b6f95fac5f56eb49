// Minimal PDFs written byte by byte with exact cross-reference offsets, for signing tests and
// benchmarks that need documents of a known shape and size.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace eseal::test {

// A PDF whose objects are `objects` (object i + 1 is objects[i]; streams written as
// "<<dict>>\nstream\n…"), the catalog being object 1, with a classic xref table written with
// exact offsets; `offset_error` shifts every xref offset to damage the table.
inline std::string pdf_from_objects(const std::vector<std::string>& objects,
                                    long offset_error = 0) {
  std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f\r\n";
  for (std::size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010ld 00000 n\r\n", static_cast<long>(off) + offset_error);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R /ID [<0102> <0102>] >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

// A PDF of `pages` A4 pages, each drawing `content`.
inline Bytes blank_pdf(int pages, const std::string& content = "0 0 1 rg 72 72 144 144 re f") {
  std::vector<std::string> objects;
  std::string kids;
  for (int i = 0; i < pages; ++i) kids += std::to_string(3 + 2 * i) + " 0 R ";
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>");
  for (int i = 0; i < pages; ++i) {
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.276 841.89] /Contents " +
                      std::to_string(4 + 2 * i) + " 0 R /Resources << >> >>");
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                      "\nendstream");
  }
  return to_bytes(pdf_from_objects(objects));
}

}  // namespace eseal::test
