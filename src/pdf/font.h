// Fonts as text extraction sees them: simple fonts (ISO 32000-1 §9.6) and composite Type0 fonts
// (§9.7) reduced to how strings split into codes, each code's Unicode, advance and height; and
// the loader that reads each font dictionary once. Internal to src/pdf (pdf/text.cpp).
#pragma once

#include <iconv.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <qpdf/QPDFObjGen.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <string>
#include <string_view>
#include <vector>

#include "pdf/cmap.h"
#include "pdf/page_warnings.h"

namespace eseal::pdf::text_detail {

struct GlyphCode {
  std::uint32_t code = 0;
  int bytes = 1;
};

struct WidthRange {
  std::uint32_t first = 0, last = 0;
  double width = 0;
};

struct VerticalRange {
  std::uint32_t first = 0, last = 0;
  double w1y = 0, vx = 0;
};

// Metrics in units of the font size (glyph space / 1000 for all but Type 3 fonts).
struct GlyphMetrics {
  double advance = 0;  // w0, the horizontal advance
  double w1y = -1;     // the vertical advance (negative: downwards)
  double vx = 0.5;     // the vertical origin's x, from the horizontal origin
};

// How a composite font's strings split into codes (§9.7.6.2).
enum class CodeScheme {
  kIdentity,  // Identity-H/V: 2-byte codes that are their CIDs
  kEmbedded,  // an embedded CMap's codespace ranges
  kFixed2,    // UCS-2
  kUtf16,
  kUtf8,
  kFixed4,  // UTF-32
  kGb,      // GB 2312 / GBK / GB 18030 EUC
  kBig5,
  kShiftJis,
  kEucJp,
  kKorean,
  kUnknown,  // an unknown predefined CMap: the ToUnicode CMap's codespace, else 2 bytes
};

// Converts codes of a legacy CJK or Unicode CMap to Unicode with iconv.
class Charset {
 public:
  explicit Charset(const char* name);
  ~Charset();
  Charset(const Charset&) = delete;
  Charset& operator=(const Charset&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  std::u32string decode(std::string_view bytes) const;

 private:
  iconv_t cd_;
};

struct Font {
  std::string name;
  bool composite = false;
  bool vertical = false;
  double ascent = 0.8, descent = -0.2;
  std::shared_ptr<const CMap> to_unicode;

  // Simple fonts.
  std::array<double, 256> widths{};
  std::array<std::u32string, 256> encoding_unicode;

  // Composite fonts.
  CodeScheme scheme = CodeScheme::kIdentity;
  std::shared_ptr<const CMap> encoding;  // kEmbedded
  std::unique_ptr<Charset> charset;
  double default_width = 1.0;
  std::vector<WidthRange> cid_widths;  // sorted by first
  double default_w1y = -1.0;
  std::vector<VerticalRange> cid_vertical;  // sorted by first

  // The codes of a string shown in this font, into `out` (cleared first).
  void split(std::string_view text, std::vector<GlyphCode>& out) const;
  // The characters of a code: from the ToUnicode CMap, else from a simple font's encoding or a
  // composite font's character set; empty when none of them knows it.
  std::u32string unicode(GlyphCode g) const;
  GlyphMetrics metrics(GlyphCode g) const;

 private:
  int code_length(std::string_view rest) const;
};

// Reads fonts and CMaps once per document: indirect fonts and CMaps are kept by object number;
// fonts given directly in a resource dictionary live until the page ends.
class FontLoader {
 public:
  // The font of a font dictionary; `warnings` hears what was wrong with it.
  const Font* load(QPDFObjectHandle dict, PageWarnings& warnings);

  void end_page() { direct_.clear(); }

  // Stands in for a missing font: Helvetica in WinAnsiEncoding, as most viewers substitute.
  const Font& fallback();

 private:
  std::shared_ptr<const CMap> cmap(QPDFObjectHandle stream, const char* what,
                                   PageWarnings& warnings);
  std::unique_ptr<Font> read(QPDFObjectHandle dict, PageWarnings& warnings);
  void read_simple(Font& font, QPDFObjectHandle dict, PageWarnings& warnings);
  void read_composite(Font& font, QPDFObjectHandle dict, PageWarnings& warnings);

  std::map<QPDFObjGen, std::unique_ptr<Font>> indirect_;
  std::vector<std::unique_ptr<Font>> direct_;
  std::map<QPDFObjGen, std::shared_ptr<const CMap>> cmaps_;
  std::unique_ptr<Font> fallback_;
};

}  // namespace eseal::pdf::text_detail
