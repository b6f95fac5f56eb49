#include "render/jbig2.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "render/pdf_pixels.h"

namespace eseal::render {
namespace {

constexpr std::uint8_t kMagic[8] = {0x97, 0x4A, 0x42, 0x32, 0x0D, 0x0A, 0x1A, 0x0A};
constexpr int kPageInformation = 48;

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
         p[3];
}

Error damaged(const std::string& why) {
  return Error::invalid_input("JBIG2: " + why);
}

}  // namespace

bool is_jbig2(ByteView bytes) {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

Result<Picture> decode_jbig2(ByteView file, std::uint64_t max_pixels) {
  if (!is_jbig2(file) || file.size() < 9) return damaged("not a JBIG2 file");
  const std::uint8_t flags = file[8];
  if (!(flags & 0x01)) return damaged("the random-access organization is not supported");
  std::size_t at = 9 + ((flags & 0x02) ? 0 : 4);  // the page count, when known
  const std::size_t segments = at;
  // The page's size, from the first page-information segment (7.2 segment header, 7.4.8).
  std::uint32_t width = 0, height = 0;
  while (width == 0) {
    if (at + 6 > file.size()) return damaged("no page information segment");
    const std::uint32_t number = be32(&file[at]);
    const std::uint8_t seg_flags = file[at + 4];
    const int type = seg_flags & 0x3f;
    const std::size_t page_field = (seg_flags & 0x40) ? 4 : 1;
    const std::uint8_t referred = file[at + 5];
    if ((referred >> 5) == 7) return damaged("long referred-to segment lists are not supported");
    const std::size_t ref_size = number <= 256 ? 1 : number <= 65536 ? 2 : 4;
    at += 6 + (referred >> 5) * ref_size + page_field;
    if (at + 4 > file.size()) return damaged("a segment header is cut short");
    const std::uint32_t length = be32(&file[at]);
    at += 4;
    if (type == kPageInformation) {
      if (at + 8 > file.size()) return damaged("the page information is cut short");
      width = be32(&file[at]);
      height = be32(&file[at + 4]);
      if (width == 0) return damaged("the page has no width");
      if (height == 0xffffffffu)
        return damaged("striped pages of unknown height are not supported");
    }
    if (length == 0xffffffffu) return damaged("segments of unknown length are not supported");
    at += length;
  }
  if (height == 0 || static_cast<std::uint64_t>(width) * height > max_pixels) {
    return Error::invalid_input("JBIG2: a page of " + std::to_string(width) + " x " +
                                std::to_string(height) + " pixels is refused");
  }
  // The segments as they follow the file header are what a PDF's JBIG2Decode stream holds:
  // poppler's decoder is reached through a one-image PDF drawn at one pixel per point.
  const std::string w = std::to_string(width), h = std::to_string(height);
  const ByteView data = file.subspan(segments);
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  auto object = [&](const std::string& body) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(offsets.size()) + " 0 obj\n" + body + "\nendobj\n";
  };
  object("<</Type/Catalog/Pages 2 0 R>>");
  object("<</Type/Pages/Kids[3 0 R]/Count 1>>");
  object("<</Type/Page/Parent 2 0 R/MediaBox[0 0 " + w + " " + h +
         "]/Resources<</XObject<</I 4 0 R>>>>/Contents 5 0 R>>");
  object("<</Type/XObject/Subtype/Image/Width " + w + "/Height " + h +
         "/BitsPerComponent 1/ColorSpace/DeviceGray/Filter/JBIG2Decode/Length " +
         std::to_string(data.size()) + ">>\nstream\n" + std::string(data.begin(), data.end()) +
         "\nendstream");
  const std::string draw = "q " + w + " 0 0 " + h + " 0 0 cm /I Do Q";
  object("<</Length " + std::to_string(draw.size()) + ">>\nstream\n" + draw + "\nendstream");
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 6\n0000000000 65535 f \n";
  for (std::size_t o : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    pdf += line;
  }
  pdf += "trailer\n<</Size 6/Root 1 0 R>>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  auto out = pdf_page_pixels(
      ByteView(reinterpret_cast<const std::uint8_t*>(pdf.data()), pdf.size()), 0, 72);
  if (!out) return out.error().with_context("JBIG2");
  return out;
}

}  // namespace eseal::render
