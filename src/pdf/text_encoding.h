// How text extraction turns bytes and glyph names into Unicode: UTF-8 and UTF-16, glyph names
// (ISO 32000-1 Annex D.2 and the Adobe Glyph List), the standard Latin encodings and the widths
// of the standard-14 fonts. Internal to src/pdf (pdf/text.cpp and its units).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.h"

namespace eseal::pdf::text_detail {

// UTF-16 code units to scalars; an unpaired surrogate becomes U+FFFD.
std::u32string decode_utf16(const std::vector<std::uint16_t>& units);

std::vector<std::uint16_t> utf16_units(std::string_view bytes);

// The value of a hex digit, or -1.
int hex_value(char ch);

// A Latin glyph name's Unicode, its codes in StandardEncoding, MacRomanEncoding and
// WinAnsiEncoding (0: not encoded), and its width in the standard-14 fonts' metrics (Helvetica,
// Helvetica-Bold, Times-Roman, Times-Bold, Times-Italic, Times-BoldItalic; the oblique Helvetica
// faces share the upright widths, Courier is 600 throughout; 0: no such glyph).
struct LatinGlyph {
  const char* name;
  char32_t unicode;
  std::uint8_t standard, mac_roman, win_ansi;
  std::uint16_t widths[6];
};

// The Latin glyph of that name, or nullptr.
const LatinGlyph* find_latin(std::string_view name);

// A glyph name's characters: the Latin table, "uniXXXX[XXXX…]", "uXXXX[XX]", ligatures joined
// with '_', suffixes after '.' dropped. Empty when the name says nothing (".notdef", "g123").
std::u32string glyph_name_unicode(std::string_view name, int depth = 0);

enum class BaseEncoding { kNone, kStandard, kMacRoman, kWinAnsi, kLatin1 };

using EncodingNames = std::array<std::string, 256>;

// The glyph name of each code in one of the standard encodings (Annex D.2).
const EncodingNames& encoding_names(BaseEncoding base);

// Which metrics a base font name has when its dictionary gives no /Widths: the column in
// LatinGlyph::widths, kCourier, or kNotStandard. Metric-compatible names (Arial, Times New
// Roman, Courier New) count as their standard face; a subset tag "ABCDEF+" is ignored.
constexpr int kCourier = -1;
constexpr int kNotStandard = -2;

int standard_metrics(std::string_view base_font);

}  // namespace eseal::pdf::text_detail
