#include "pdf/text.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjGen.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <set>
#include <unordered_map>
#include <utility>

namespace eseal::pdf {
namespace {

// Limits that keep hostile documents from exhausting time or memory.
constexpr int kMaxFormDepth = 12;
constexpr std::size_t kMaxCharsPerPage = 2'000'000;
constexpr int kMaxFormsPerPage = 10'000;
constexpr std::size_t kMaxContentBytesPerPage = std::size_t{256} << 20;  // decoded, forms included
constexpr std::size_t kMaxGraphicsStates = 4096;
constexpr std::size_t kMaxOperands = 32;
constexpr std::size_t kMaxWarningsPerPage = 50;
constexpr std::size_t kMaxCMapEntries = std::size_t{1} << 20;
constexpr std::size_t kMaxCMapBytes = std::size_t{16} << 20;
constexpr std::size_t kMaxWidthEntries = std::size_t{1} << 20;

constexpr char32_t kReplacement = 0xFFFD;

// ---------------------------------------------------------------------------------------------
// Geometry

struct Point {
  double x = 0, y = 0;
};

Point operator-(Point p, Point q) {
  return {p.x - q.x, p.y - q.y};
}
double dot(Point p, Point q) {
  return p.x * q.x + p.y * q.y;
}
double cross(Point p, Point q) {
  return p.x * q.y - p.y * q.x;
}
double length(Point p) {
  return std::hypot(p.x, p.y);
}

// An affine map in PDF's row-vector convention: p' = p × M.
struct Matrix {
  double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;

  // This map followed by `m` (the product this × m).
  Matrix then(const Matrix& m) const {
    return {a * m.a + b * m.c, a * m.b + b * m.d,       c * m.a + d * m.c,
            c * m.b + d * m.d, e * m.a + f * m.c + m.e, e * m.b + f * m.d + m.f};
  }
  Point apply(Point p) const { return {p.x * a + p.y * c + e, p.x * b + p.y * d + f}; }
  Point apply_vector(Point p) const { return {p.x * a + p.y * c, p.x * b + p.y * d}; }
};

Matrix translation(double tx, double ty) {
  return {1, 0, 0, 1, tx, ty};
}

// ---------------------------------------------------------------------------------------------
// Unicode

bool is_scalar(char32_t c) {
  return c < 0x110000 && (c < 0xD800 || c > 0xDFFF);
}

void append_utf8(std::string& out, char32_t c) {
  if (!is_scalar(c)) c = kReplacement;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Ill-formed sequences become U+FFFD, one per offending byte.
std::u32string decode_utf8(std::string_view text) {
  static constexpr char32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
  std::u32string out;
  std::size_t i = 0;
  while (i < text.size()) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    int extra = 0;
    char32_t c = lead;
    if (lead >= 0xC2 && lead < 0xE0) {
      extra = 1;
      c = lead & 0x1F;
    } else if (lead >= 0xE0 && lead < 0xF0) {
      extra = 2;
      c = lead & 0x0F;
    } else if (lead >= 0xF0 && lead < 0xF5) {
      extra = 3;
      c = lead & 0x07;
    } else if (lead >= 0x80) {
      out += kReplacement;
      ++i;
      continue;
    }
    bool ok = true;
    for (int k = 1; k <= extra && ok; ++k) {
      ok = i + k < text.size() && (byte(i + k) & 0xC0) == 0x80;
      if (ok) c = (c << 6) | (byte(i + k) & 0x3F);
    }
    if (!ok || c < kMinimum[extra] || !is_scalar(c)) {
      out += kReplacement;
      ++i;
      continue;
    }
    out += c;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

// UTF-16 code units to scalars; an unpaired surrogate becomes U+FFFD.
std::u32string decode_utf16(const std::vector<std::uint16_t>& units) {
  std::u32string out;
  for (std::size_t i = 0; i < units.size(); ++i) {
    char32_t u = units[i];
    if (u >= 0xD800 && u < 0xDC00 && i + 1 < units.size() && units[i + 1] >= 0xDC00 &&
        units[i + 1] < 0xE000) {
      out += 0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00);
      ++i;
    } else if (u >= 0xD800 && u < 0xE000) {
      out += kReplacement;
    } else {
      out += u;
    }
  }
  return out;
}

std::vector<std::uint16_t> utf16_units(std::string_view bytes) {
  std::vector<std::uint16_t> units;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    units.push_back(static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[i]) << 8 |
                                               static_cast<unsigned char>(bytes[i + 1])));
  }
  return units;
}

// Presentation-form ligatures are spelled out, so that "fi" in a keyword finds "ﬁ".
void append_spelled_out(std::u32string& out, char32_t c) {
  switch (c) {
    case 0xFB00:
      out += U"ff";
      return;
    case 0xFB01:
      out += U"fi";
      return;
    case 0xFB02:
      out += U"fl";
      return;
    case 0xFB03:
      out += U"ffi";
      return;
    case 0xFB04:
      out += U"ffl";
      return;
    case 0xFB06:
      out += U"st";
      return;
    default:
      out += c;
  }
}

// ---------------------------------------------------------------------------------------------
// Latin glyph names (ISO 32000-1 Annex D.2 and the Adobe Glyph List): each name's Unicode, its
// codes in StandardEncoding, MacRomanEncoding and WinAnsiEncoding (0: not encoded), and its
// width in the standard-14 fonts' metrics (Helvetica, Helvetica-Bold, Times-Roman, Times-Bold,
// Times-Italic, Times-BoldItalic; the oblique Helvetica faces share the upright widths, Courier
// is 600 throughout; 0: no such glyph). Sorted by name, in byte order.

struct LatinGlyph {
  const char* name;
  char32_t unicode;
  std::uint8_t standard, mac_roman, win_ansi;
  std::uint16_t widths[6];
};

constexpr LatinGlyph kLatinGlyphs[] = {
    {"A", 0x0041, 65, 65, 65, {667, 722, 722, 722, 611, 667}},
    {"AE", 0x00C6, 225, 174, 198, {1000, 1000, 889, 1000, 889, 944}},
    {"Aacute", 0x00C1, 0, 231, 193, {667, 722, 722, 722, 611, 667}},
    {"Acircumflex", 0x00C2, 0, 229, 194, {667, 722, 722, 722, 611, 667}},
    {"Adieresis", 0x00C4, 0, 128, 196, {667, 722, 722, 722, 611, 667}},
    {"Agrave", 0x00C0, 0, 203, 192, {667, 722, 722, 722, 611, 667}},
    {"Amacron", 0x0100, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Aogonek", 0x0104, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Aring", 0x00C5, 0, 129, 197, {667, 722, 722, 722, 611, 667}},
    {"Atilde", 0x00C3, 0, 204, 195, {667, 722, 722, 722, 611, 667}},
    {"B", 0x0042, 66, 66, 66, {667, 722, 667, 667, 611, 667}},
    {"C", 0x0043, 67, 67, 67, {722, 722, 667, 722, 667, 667}},
    {"Cacute", 0x0106, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Ccaron", 0x010C, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Ccedilla", 0x00C7, 0, 130, 199, {722, 722, 667, 722, 667, 667}},
    {"D", 0x0044, 68, 68, 68, {722, 722, 722, 722, 722, 722}},
    {"Dcaron", 0x010E, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Dcroat", 0x0110, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Delta", 0x2206, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"E", 0x0045, 69, 69, 69, {667, 667, 611, 667, 611, 667}},
    {"Eacute", 0x00C9, 0, 131, 201, {667, 667, 611, 667, 611, 667}},
    {"Ecaron", 0x011A, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Ecircumflex", 0x00CA, 0, 230, 202, {667, 667, 611, 667, 611, 667}},
    {"Edieresis", 0x00CB, 0, 232, 203, {667, 667, 611, 667, 611, 667}},
    {"Egrave", 0x00C8, 0, 233, 200, {667, 667, 611, 667, 611, 667}},
    {"Emacron", 0x0112, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Eogonek", 0x0118, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Eth", 0x00D0, 0, 0, 208, {722, 722, 722, 722, 722, 722}},
    {"Euro", 0x20AC, 0, 0, 128, {556, 556, 500, 500, 500, 500}},
    {"F", 0x0046, 70, 70, 70, {611, 611, 556, 611, 611, 667}},
    {"G", 0x0047, 71, 71, 71, {778, 778, 722, 778, 722, 722}},
    {"Gbreve", 0x011E, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"H", 0x0048, 72, 72, 72, {722, 722, 722, 778, 722, 778}},
    {"I", 0x0049, 73, 73, 73, {278, 278, 333, 389, 333, 389}},
    {"Iacute", 0x00CD, 0, 234, 205, {278, 278, 333, 389, 333, 389}},
    {"Icircumflex", 0x00CE, 0, 235, 206, {278, 278, 333, 389, 333, 389}},
    {"Idieresis", 0x00CF, 0, 236, 207, {278, 278, 333, 389, 333, 389}},
    {"Idotaccent", 0x0130, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Igrave", 0x00CC, 0, 237, 204, {278, 278, 333, 389, 333, 389}},
    {"Imacron", 0x012A, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"J", 0x004A, 74, 74, 74, {500, 556, 389, 500, 444, 500}},
    {"K", 0x004B, 75, 75, 75, {667, 722, 722, 778, 667, 667}},
    {"L", 0x004C, 76, 76, 76, {556, 611, 611, 667, 556, 611}},
    {"Lcaron", 0x013D, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Lslash", 0x0141, 232, 0, 0, {556, 611, 611, 667, 556, 611}},
    {"M", 0x004D, 77, 77, 77, {833, 833, 889, 944, 833, 889}},
    {"N", 0x004E, 78, 78, 78, {722, 722, 722, 722, 667, 722}},
    {"Nacute", 0x0143, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Ncaron", 0x0147, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Ntilde", 0x00D1, 0, 132, 209, {722, 722, 722, 722, 667, 722}},
    {"O", 0x004F, 79, 79, 79, {778, 778, 722, 778, 722, 722}},
    {"OE", 0x0152, 234, 206, 140, {1000, 1000, 889, 1000, 944, 944}},
    {"Oacute", 0x00D3, 0, 238, 211, {778, 778, 722, 778, 722, 722}},
    {"Ocircumflex", 0x00D4, 0, 239, 212, {778, 778, 722, 778, 722, 722}},
    {"Odieresis", 0x00D6, 0, 133, 214, {778, 778, 722, 778, 722, 722}},
    {"Ograve", 0x00D2, 0, 241, 210, {778, 778, 722, 778, 722, 722}},
    {"Ohungarumlaut", 0x0150, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Omacron", 0x014C, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Omega", 0x2126, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Oslash", 0x00D8, 233, 175, 216, {778, 778, 722, 778, 722, 722}},
    {"Otilde", 0x00D5, 0, 205, 213, {778, 778, 722, 778, 722, 722}},
    {"P", 0x0050, 80, 80, 80, {667, 667, 556, 611, 611, 611}},
    {"Q", 0x0051, 81, 81, 81, {778, 778, 722, 778, 722, 722}},
    {"R", 0x0052, 82, 82, 82, {722, 722, 667, 722, 611, 667}},
    {"Rcaron", 0x0158, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"S", 0x0053, 83, 83, 83, {667, 667, 556, 556, 500, 556}},
    {"Sacute", 0x015A, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Scaron", 0x0160, 0, 0, 138, {667, 667, 556, 556, 500, 556}},
    {"Scedilla", 0x015E, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"T", 0x0054, 84, 84, 84, {611, 611, 611, 667, 556, 611}},
    {"Tcaron", 0x0164, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Thorn", 0x00DE, 0, 0, 222, {667, 667, 556, 611, 611, 611}},
    {"U", 0x0055, 85, 85, 85, {722, 722, 722, 722, 722, 722}},
    {"Uacute", 0x00DA, 0, 242, 218, {722, 722, 722, 722, 722, 722}},
    {"Ucircumflex", 0x00DB, 0, 243, 219, {722, 722, 722, 722, 722, 722}},
    {"Udieresis", 0x00DC, 0, 134, 220, {722, 722, 722, 722, 722, 722}},
    {"Ugrave", 0x00D9, 0, 244, 217, {722, 722, 722, 722, 722, 722}},
    {"Uhungarumlaut", 0x0170, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Umacron", 0x016A, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Uring", 0x016E, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"V", 0x0056, 86, 86, 86, {667, 667, 722, 722, 611, 667}},
    {"W", 0x0057, 87, 87, 87, {944, 944, 944, 1000, 833, 889}},
    {"X", 0x0058, 88, 88, 88, {667, 667, 722, 722, 611, 667}},
    {"Y", 0x0059, 89, 89, 89, {667, 667, 722, 722, 556, 611}},
    {"Yacute", 0x00DD, 0, 0, 221, {667, 667, 722, 722, 556, 611}},
    {"Ydieresis", 0x0178, 0, 217, 159, {667, 667, 722, 722, 556, 611}},
    {"Z", 0x005A, 90, 90, 90, {611, 611, 611, 667, 556, 611}},
    {"Zacute", 0x0179, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"Zcaron", 0x017D, 0, 0, 142, {611, 611, 611, 667, 556, 611}},
    {"Zdotaccent", 0x017B, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"a", 0x0061, 97, 97, 97, {556, 556, 444, 500, 500, 500}},
    {"aacute", 0x00E1, 0, 135, 225, {556, 556, 444, 500, 500, 500}},
    {"acircumflex", 0x00E2, 0, 137, 226, {556, 556, 444, 500, 500, 500}},
    {"acute", 0x00B4, 194, 171, 180, {333, 333, 333, 333, 333, 333}},
    {"adieresis", 0x00E4, 0, 138, 228, {556, 556, 444, 500, 500, 500}},
    {"ae", 0x00E6, 241, 190, 230, {889, 889, 667, 722, 667, 722}},
    {"agrave", 0x00E0, 0, 136, 224, {556, 556, 444, 500, 500, 500}},
    {"alpha", 0x03B1, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"amacron", 0x0101, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"ampersand", 0x0026, 38, 38, 38, {667, 722, 778, 833, 778, 778}},
    {"aogonek", 0x0105, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"apple", 0xF8FF, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"approxequal", 0x2248, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"aring", 0x00E5, 0, 140, 229, {556, 556, 444, 500, 500, 500}},
    {"asciicircum", 0x005E, 94, 94, 94, {469, 584, 469, 581, 422, 570}},
    {"asciitilde", 0x007E, 126, 126, 126, {584, 584, 541, 520, 541, 570}},
    {"asterisk", 0x002A, 42, 42, 42, {389, 389, 500, 500, 500, 500}},
    {"at", 0x0040, 64, 64, 64, {1015, 975, 921, 930, 920, 832}},
    {"atilde", 0x00E3, 0, 139, 227, {556, 556, 444, 500, 500, 500}},
    {"b", 0x0062, 98, 98, 98, {556, 611, 500, 556, 500, 500}},
    {"backslash", 0x005C, 92, 92, 92, {278, 278, 278, 278, 278, 278}},
    {"bar", 0x007C, 124, 124, 124, {260, 280, 200, 220, 275, 220}},
    {"beta", 0x03B2, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"braceleft", 0x007B, 123, 123, 123, {334, 389, 480, 394, 400, 348}},
    {"braceright", 0x007D, 125, 125, 125, {334, 389, 480, 394, 400, 348}},
    {"bracketleft", 0x005B, 91, 91, 91, {278, 333, 333, 333, 389, 333}},
    {"bracketright", 0x005D, 93, 93, 93, {278, 333, 333, 333, 389, 333}},
    {"breve", 0x02D8, 198, 249, 0, {333, 333, 333, 333, 333, 333}},
    {"brokenbar", 0x00A6, 0, 0, 166, {260, 280, 200, 220, 275, 220}},
    {"bullet", 0x2022, 183, 165, 149, {350, 350, 350, 350, 350, 350}},
    {"c", 0x0063, 99, 99, 99, {500, 556, 444, 444, 444, 444}},
    {"cacute", 0x0107, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"caron", 0x02C7, 207, 255, 0, {333, 333, 333, 333, 333, 333}},
    {"ccaron", 0x010D, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"ccedilla", 0x00E7, 0, 141, 231, {500, 556, 444, 444, 444, 444}},
    {"cedilla", 0x00B8, 203, 252, 184, {333, 333, 333, 333, 333, 333}},
    {"cent", 0x00A2, 162, 162, 162, {556, 556, 500, 500, 500, 500}},
    {"circumflex", 0x02C6, 195, 246, 136, {333, 333, 333, 333, 333, 333}},
    {"colon", 0x003A, 58, 58, 58, {278, 333, 278, 333, 333, 333}},
    {"comma", 0x002C, 44, 44, 44, {278, 278, 250, 250, 250, 250}},
    {"copyright", 0x00A9, 0, 169, 169, {737, 737, 760, 747, 760, 747}},
    {"currency", 0x00A4, 168, 219, 164, {556, 556, 500, 500, 500, 500}},
    {"d", 0x0064, 100, 100, 100, {556, 611, 500, 556, 500, 500}},
    {"dagger", 0x2020, 178, 160, 134, {556, 556, 500, 500, 500, 500}},
    {"daggerdbl", 0x2021, 179, 224, 135, {556, 556, 500, 500, 500, 500}},
    {"dcaron", 0x010F, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"dcroat", 0x0111, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"degree", 0x00B0, 0, 161, 176, {400, 400, 400, 400, 400, 400}},
    {"delta", 0x03B4, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"dieresis", 0x00A8, 200, 172, 168, {333, 333, 333, 333, 333, 333}},
    {"divide", 0x00F7, 0, 214, 247, {584, 584, 564, 570, 675, 570}},
    {"dollar", 0x0024, 36, 36, 36, {556, 556, 500, 500, 500, 500}},
    {"dotaccent", 0x02D9, 199, 250, 0, {333, 333, 333, 333, 333, 333}},
    {"dotlessi", 0x0131, 245, 245, 0, {278, 278, 278, 278, 278, 278}},
    {"dotlessj", 0x0237, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"e", 0x0065, 101, 101, 101, {556, 556, 444, 444, 444, 444}},
    {"eacute", 0x00E9, 0, 142, 233, {556, 556, 444, 444, 444, 444}},
    {"ecaron", 0x011B, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"ecircumflex", 0x00EA, 0, 144, 234, {556, 556, 444, 444, 444, 444}},
    {"edieresis", 0x00EB, 0, 145, 235, {556, 556, 444, 444, 444, 444}},
    {"egrave", 0x00E8, 0, 143, 232, {556, 556, 444, 444, 444, 444}},
    {"eight", 0x0038, 56, 56, 56, {556, 556, 500, 500, 500, 500}},
    {"ellipsis", 0x2026, 188, 201, 133, {1000, 1000, 1000, 1000, 889, 1000}},
    {"emacron", 0x0113, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"emdash", 0x2014, 208, 209, 151, {1000, 1000, 1000, 1000, 889, 1000}},
    {"endash", 0x2013, 177, 208, 150, {556, 556, 500, 500, 500, 500}},
    {"eogonek", 0x0119, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"equal", 0x003D, 61, 61, 61, {584, 584, 564, 570, 675, 570}},
    {"eth", 0x00F0, 0, 0, 240, {556, 611, 500, 500, 500, 500}},
    {"exclam", 0x0021, 33, 33, 33, {278, 333, 333, 333, 333, 389}},
    {"exclamdown", 0x00A1, 161, 193, 161, {333, 333, 333, 333, 389, 389}},
    {"f", 0x0066, 102, 102, 102, {278, 333, 333, 333, 278, 333}},
    {"ff", 0xFB00, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"ffi", 0xFB03, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"ffl", 0xFB04, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"fi", 0xFB01, 174, 222, 0, {500, 611, 556, 556, 500, 556}},
    {"five", 0x0035, 53, 53, 53, {556, 556, 500, 500, 500, 500}},
    {"fl", 0xFB02, 175, 223, 0, {500, 611, 556, 556, 500, 556}},
    {"florin", 0x0192, 166, 196, 131, {556, 556, 500, 500, 500, 500}},
    {"four", 0x0034, 52, 52, 52, {556, 556, 500, 500, 500, 500}},
    {"fraction", 0x2044, 164, 218, 0, {167, 167, 167, 167, 167, 167}},
    {"g", 0x0067, 103, 103, 103, {556, 611, 500, 500, 500, 500}},
    {"gamma", 0x03B3, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"gbreve", 0x011F, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"germandbls", 0x00DF, 251, 167, 223, {611, 611, 500, 556, 500, 500}},
    {"grave", 0x0060, 193, 96, 96, {333, 333, 333, 333, 333, 333}},
    {"greater", 0x003E, 62, 62, 62, {584, 584, 564, 570, 675, 570}},
    {"greaterequal", 0x2265, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"guillemotleft", 0x00AB, 171, 199, 171, {556, 556, 500, 500, 500, 500}},
    {"guillemotright", 0x00BB, 187, 200, 187, {556, 556, 500, 500, 500, 500}},
    {"guilsinglleft", 0x2039, 172, 220, 139, {333, 333, 333, 333, 333, 333}},
    {"guilsinglright", 0x203A, 173, 221, 155, {333, 333, 333, 333, 333, 333}},
    {"h", 0x0068, 104, 104, 104, {556, 611, 500, 556, 500, 556}},
    {"hungarumlaut", 0x02DD, 205, 253, 0, {333, 333, 333, 333, 333, 333}},
    {"hyphen", 0x002D, 45, 45, 45, {333, 333, 333, 333, 333, 333}},
    {"i", 0x0069, 105, 105, 105, {222, 278, 278, 278, 278, 278}},
    {"iacute", 0x00ED, 0, 146, 237, {278, 278, 278, 278, 278, 278}},
    {"icircumflex", 0x00EE, 0, 148, 238, {278, 278, 278, 278, 278, 278}},
    {"idieresis", 0x00EF, 0, 149, 239, {278, 278, 278, 278, 278, 278}},
    {"igrave", 0x00EC, 0, 147, 236, {278, 278, 278, 278, 278, 278}},
    {"imacron", 0x012B, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"infinity", 0x221E, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"integral", 0x222B, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"j", 0x006A, 106, 106, 106, {222, 278, 278, 333, 278, 278}},
    {"k", 0x006B, 107, 107, 107, {500, 556, 500, 556, 444, 500}},
    {"l", 0x006C, 108, 108, 108, {222, 278, 278, 278, 278, 278}},
    {"lcaron", 0x013E, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"less", 0x003C, 60, 60, 60, {584, 584, 564, 570, 675, 570}},
    {"lessequal", 0x2264, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"logicalnot", 0x00AC, 0, 194, 172, {584, 584, 564, 570, 675, 606}},
    {"lozenge", 0x25CA, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"lslash", 0x0142, 248, 0, 0, {222, 278, 278, 278, 278, 278}},
    {"m", 0x006D, 109, 109, 109, {833, 889, 778, 833, 722, 778}},
    {"macron", 0x00AF, 197, 248, 175, {333, 333, 333, 333, 333, 333}},
    {"middot", 0x00B7, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"minus", 0x2212, 0, 0, 0, {584, 584, 564, 570, 675, 606}},
    {"mu", 0x00B5, 0, 181, 181, {578, 611, 510, 601, 514, 532}},
    {"multiply", 0x00D7, 0, 0, 215, {584, 584, 564, 570, 675, 570}},
    {"n", 0x006E, 110, 110, 110, {556, 611, 500, 556, 500, 556}},
    {"nacute", 0x0144, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"nbspace", 0x00A0, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"ncaron", 0x0148, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"nine", 0x0039, 57, 57, 57, {556, 556, 500, 500, 500, 500}},
    {"notequal", 0x2260, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"ntilde", 0x00F1, 0, 150, 241, {556, 611, 500, 556, 500, 556}},
    {"numbersign", 0x0023, 35, 35, 35, {556, 556, 500, 500, 500, 500}},
    {"o", 0x006F, 111, 111, 111, {556, 611, 500, 500, 500, 500}},
    {"oacute", 0x00F3, 0, 151, 243, {556, 611, 500, 500, 500, 500}},
    {"ocircumflex", 0x00F4, 0, 153, 244, {556, 611, 500, 500, 500, 500}},
    {"odieresis", 0x00F6, 0, 154, 246, {556, 611, 500, 500, 500, 500}},
    {"oe", 0x0153, 250, 207, 156, {944, 944, 722, 722, 667, 722}},
    {"ogonek", 0x02DB, 206, 254, 0, {333, 333, 333, 333, 333, 333}},
    {"ograve", 0x00F2, 0, 152, 242, {556, 611, 500, 500, 500, 500}},
    {"ohungarumlaut", 0x0151, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"omacron", 0x014D, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"one", 0x0031, 49, 49, 49, {556, 556, 500, 500, 500, 500}},
    {"onehalf", 0x00BD, 0, 0, 189, {834, 834, 750, 750, 750, 750}},
    {"onequarter", 0x00BC, 0, 0, 188, {834, 834, 750, 750, 750, 750}},
    {"onesuperior", 0x00B9, 0, 0, 185, {333, 333, 300, 300, 300, 300}},
    {"ordfeminine", 0x00AA, 227, 187, 170, {370, 370, 276, 300, 276, 266}},
    {"ordmasculine", 0x00BA, 235, 188, 186, {365, 365, 310, 330, 310, 300}},
    {"oslash", 0x00F8, 249, 191, 248, {611, 611, 500, 500, 500, 500}},
    {"otilde", 0x00F5, 0, 155, 245, {556, 611, 500, 500, 500, 500}},
    {"p", 0x0070, 112, 112, 112, {556, 611, 500, 556, 500, 500}},
    {"paragraph", 0x00B6, 182, 166, 182, {537, 556, 453, 540, 523, 500}},
    {"parenleft", 0x0028, 40, 40, 40, {333, 333, 333, 333, 333, 333}},
    {"parenright", 0x0029, 41, 41, 41, {333, 333, 333, 333, 333, 333}},
    {"partialdiff", 0x2202, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"percent", 0x0025, 37, 37, 37, {889, 889, 833, 1000, 833, 833}},
    {"period", 0x002E, 46, 46, 46, {278, 278, 250, 250, 250, 250}},
    {"periodcentered", 0x00B7, 180, 225, 183, {278, 278, 250, 250, 250, 250}},
    {"perthousand", 0x2030, 189, 228, 137, {1000, 1000, 1000, 1000, 1000, 1000}},
    {"pi", 0x03C0, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"plus", 0x002B, 43, 43, 43, {584, 584, 564, 570, 675, 570}},
    {"plusminus", 0x00B1, 0, 177, 177, {584, 584, 564, 570, 675, 570}},
    {"product", 0x220F, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"q", 0x0071, 113, 113, 113, {556, 611, 500, 556, 500, 500}},
    {"question", 0x003F, 63, 63, 63, {556, 611, 444, 500, 500, 500}},
    {"questiondown", 0x00BF, 191, 192, 191, {611, 611, 444, 500, 500, 500}},
    {"quotedbl", 0x0022, 34, 34, 34, {355, 474, 408, 555, 420, 555}},
    {"quotedblbase", 0x201E, 185, 227, 132, {333, 500, 444, 500, 556, 500}},
    {"quotedblleft", 0x201C, 170, 210, 147, {333, 500, 444, 500, 556, 500}},
    {"quotedblright", 0x201D, 186, 211, 148, {333, 500, 444, 500, 556, 500}},
    {"quoteleft", 0x2018, 96, 212, 145, {222, 278, 333, 333, 333, 333}},
    {"quotereversed", 0x201B, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"quoteright", 0x2019, 39, 213, 146, {222, 278, 333, 333, 333, 333}},
    {"quotesinglbase", 0x201A, 184, 226, 130, {222, 278, 333, 333, 333, 333}},
    {"quotesingle", 0x0027, 169, 39, 39, {191, 238, 180, 278, 214, 278}},
    {"r", 0x0072, 114, 114, 114, {333, 389, 333, 444, 389, 389}},
    {"radical", 0x221A, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"rcaron", 0x0159, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"registered", 0x00AE, 0, 168, 174, {737, 737, 760, 747, 760, 747}},
    {"ring", 0x02DA, 202, 251, 0, {333, 333, 333, 333, 333, 333}},
    {"s", 0x0073, 115, 115, 115, {500, 556, 389, 389, 389, 389}},
    {"sacute", 0x015B, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"scaron", 0x0161, 0, 0, 154, {500, 556, 389, 389, 389, 389}},
    {"scedilla", 0x015F, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"section", 0x00A7, 167, 164, 167, {556, 556, 500, 500, 500, 500}},
    {"semicolon", 0x003B, 59, 59, 59, {278, 333, 278, 333, 333, 333}},
    {"seven", 0x0037, 55, 55, 55, {556, 556, 500, 500, 500, 500}},
    {"sfthyphen", 0x00AD, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"sigma", 0x03C3, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"six", 0x0036, 54, 54, 54, {556, 556, 500, 500, 500, 500}},
    {"slash", 0x002F, 47, 47, 47, {278, 278, 278, 278, 278, 278}},
    {"space", 0x0020, 32, 32, 32, {278, 278, 250, 250, 250, 250}},
    {"sterling", 0x00A3, 163, 163, 163, {556, 556, 500, 500, 500, 500}},
    {"summation", 0x2211, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"t", 0x0074, 116, 116, 116, {278, 333, 278, 333, 278, 278}},
    {"tcaron", 0x0165, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"thorn", 0x00FE, 0, 0, 254, {556, 611, 500, 556, 500, 500}},
    {"three", 0x0033, 51, 51, 51, {556, 556, 500, 500, 500, 500}},
    {"threequarters", 0x00BE, 0, 0, 190, {834, 834, 750, 750, 750, 750}},
    {"threesuperior", 0x00B3, 0, 0, 179, {333, 333, 300, 300, 300, 300}},
    {"tilde", 0x02DC, 196, 247, 152, {333, 333, 333, 333, 333, 333}},
    {"trademark", 0x2122, 0, 170, 153, {1000, 1000, 980, 1000, 980, 1000}},
    {"two", 0x0032, 50, 50, 50, {556, 556, 500, 500, 500, 500}},
    {"twosuperior", 0x00B2, 0, 0, 178, {333, 333, 300, 300, 300, 300}},
    {"u", 0x0075, 117, 117, 117, {556, 611, 500, 556, 500, 556}},
    {"uacute", 0x00FA, 0, 156, 250, {556, 611, 500, 556, 500, 556}},
    {"ucircumflex", 0x00FB, 0, 158, 251, {556, 611, 500, 556, 500, 556}},
    {"udieresis", 0x00FC, 0, 159, 252, {556, 611, 500, 556, 500, 556}},
    {"ugrave", 0x00F9, 0, 157, 249, {556, 611, 500, 556, 500, 556}},
    {"uhungarumlaut", 0x0171, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"umacron", 0x016B, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"underscore", 0x005F, 95, 95, 95, {556, 556, 500, 500, 500, 500}},
    {"uring", 0x016F, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"v", 0x0076, 118, 118, 118, {500, 556, 500, 500, 444, 444}},
    {"w", 0x0077, 119, 119, 119, {722, 778, 722, 722, 667, 667}},
    {"x", 0x0078, 120, 120, 120, {500, 556, 500, 500, 444, 500}},
    {"y", 0x0079, 121, 121, 121, {500, 556, 500, 500, 444, 444}},
    {"yacute", 0x00FD, 0, 0, 253, {500, 556, 500, 500, 444, 444}},
    {"ydieresis", 0x00FF, 0, 216, 255, {500, 556, 500, 500, 444, 444}},
    {"yen", 0x00A5, 165, 180, 165, {556, 556, 500, 500, 500, 500}},
    {"z", 0x007A, 122, 122, 122, {500, 500, 444, 444, 389, 389}},
    {"zacute", 0x017A, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"zcaron", 0x017E, 0, 0, 158, {500, 500, 444, 444, 389, 389}},
    {"zdotaccent", 0x017C, 0, 0, 0, {0, 0, 0, 0, 0, 0}},
    {"zero", 0x0030, 48, 48, 48, {556, 556, 500, 500, 500, 500}},
};

const LatinGlyph* find_latin(std::string_view name) {
  auto it = std::lower_bound(std::begin(kLatinGlyphs), std::end(kLatinGlyphs), name,
                             [](const LatinGlyph& g, std::string_view n) { return g.name < n; });
  return it != std::end(kLatinGlyphs) && it->name == name ? it : nullptr;
}

int hex_value(char ch) {
  return ch >= '0' && ch <= '9'   ? ch - '0'
         : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
         : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                                  : -1;
}

bool parse_hex(std::string_view digits, std::uint32_t& value) {
  if (digits.empty() || digits.size() > 8) return false;
  value = 0;
  for (char ch : digits) {
    int v = hex_value(ch);
    if (v < 0) return false;
    value = value << 4 | static_cast<std::uint32_t>(v);
  }
  return true;
}

// A glyph name's characters: the Latin table, "uniXXXX[XXXX…]", "uXXXX[XX]", ligatures joined
// with '_', suffixes after '.' dropped. Empty when the name says nothing (".notdef", "g123").
std::u32string glyph_name_unicode(std::string_view name, int depth = 0) {
  if (auto dot = name.find('.'); dot != std::string_view::npos) name = name.substr(0, dot);
  if (name.empty()) return {};
  if (auto underscore = name.find('_'); underscore != std::string_view::npos && depth == 0) {
    std::u32string out;
    while (!name.empty()) {
      auto part = name.substr(0, name.find('_'));
      std::u32string piece = glyph_name_unicode(part, 1);
      if (piece.empty()) return {};
      out += piece;
      name.remove_prefix(std::min(name.size(), part.size() + 1));
    }
    return out;
  }
  if (const LatinGlyph* g = find_latin(name)) return std::u32string(1, g->unicode);
  std::uint32_t value = 0;
  if (name.size() >= 7 && name.substr(0, 3) == "uni" && (name.size() - 3) % 4 == 0) {
    std::vector<std::uint16_t> units;
    for (std::size_t at = 3; at < name.size(); at += 4) {
      if (!parse_hex(name.substr(at, 4), value)) return {};
      units.push_back(static_cast<std::uint16_t>(value));
    }
    std::u32string out = decode_utf16(units);
    return out.find(kReplacement) == std::u32string::npos ? out : std::u32string{};
  }
  if (name.size() >= 5 && name.size() <= 7 && name[0] == 'u' && parse_hex(name.substr(1), value) &&
      is_scalar(value)) {
    return std::u32string(1, static_cast<char32_t>(value));
  }
  return {};
}

enum class BaseEncoding { kNone, kStandard, kMacRoman, kWinAnsi, kLatin1 };

using EncodingNames = std::array<std::string, 256>;

// The glyph name of each code in one of the standard encodings (Annex D.2).
const EncodingNames& encoding_names(BaseEncoding base) {
  static const std::array<EncodingNames, 3> tables = [] {
    std::array<EncodingNames, 3> t;
    for (const LatinGlyph& g : kLatinGlyphs) {
      if (g.standard) t[0][g.standard] = g.name;
      if (g.mac_roman) t[1][g.mac_roman] = g.name;
      if (g.win_ansi) t[2][g.win_ansi] = g.name;
    }
    // WinAnsiEncoding also has the space at 240 octal and the hyphen at 255 octal, and shows
    // every unused code above 40 octal as a bullet (Annex D.2, notes 4 to 6).
    t[2][0xA0] = "space";
    t[2][0xAD] = "hyphen";
    for (int code : {0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D}) t[2][code] = "bullet";
    return t;
  }();
  static const EncodingNames none;
  switch (base) {
    case BaseEncoding::kStandard:
      return tables[0];
    case BaseEncoding::kMacRoman:
      return tables[1];
    case BaseEncoding::kWinAnsi:
      return tables[2];
    default:
      return none;
  }
}

// Which metrics a base font name has when its dictionary gives no /Widths: the column in
// LatinGlyph::widths, kCourier, or kNotStandard. Metric-compatible names (Arial, Times New
// Roman, Courier New) count as their standard face; a subset tag "ABCDEF+" is ignored.
constexpr int kCourier = -1;
constexpr int kNotStandard = -2;

int standard_metrics(std::string_view base_font) {
  if (base_font.size() > 7 && base_font[6] == '+') base_font.remove_prefix(7);
  std::string name;
  for (char ch : base_font) {
    if (ch != ' ' && ch != '-' && ch != ',') name += static_cast<char>(std::tolower(ch));
  }
  bool bold = name.find("bold") != std::string::npos;
  bool italic =
      name.find("italic") != std::string::npos || name.find("oblique") != std::string::npos;
  if (name.rfind("courier", 0) == 0) return kCourier;
  if (name.rfind("helvetica", 0) == 0 || name.rfind("arial", 0) == 0) return bold ? 1 : 0;
  if (name.rfind("times", 0) == 0) return bold ? (italic ? 5 : 3) : (italic ? 4 : 2);
  return kNotStandard;
}

// ---------------------------------------------------------------------------------------------
// CMaps (ISO 32000-1 §9.7.5 and §9.10.3; Adobe Technical Note #5014): codespace ranges, the
// Unicode of codes (bfchar, bfrange) and the CIDs of codes (cidchar, cidrange).

struct CMapToken {
  enum Kind { kEnd, kBytes, kName, kNumber, kWord, kArrayOpen, kArrayClose };
  Kind kind = kEnd;
  std::string text;  // the bytes of a hex or literal string; a name without '/'; a word
  double number = 0;
};

bool is_space(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\0';
}
bool is_delimiter(char ch) {
  return std::strchr("()<>[]{}/%", ch) != nullptr;
}

class CMapLexer {
 public:
  explicit CMapLexer(std::string_view text) : text_(text) {}

  CMapToken next() {
    skip_space();
    CMapToken token;
    if (at_ >= text_.size()) return token;
    char ch = text_[at_++];
    switch (ch) {
      case '[':
        token.kind = CMapToken::kArrayOpen;
        return token;
      case ']':
        token.kind = CMapToken::kArrayClose;
        return token;
      case '<':
        if (at_ < text_.size() && text_[at_] == '<') {
          ++at_;
          return word("<<");
        }
        return hex_string();
      case '>':
        if (at_ < text_.size() && text_[at_] == '>') ++at_;
        return word(">>");
      case '(':
        return literal_string();
      case '/':
        token.kind = CMapToken::kName;
        token.text = regular_run();
        return token;
      case '{':
      case '}':
      case ')':
        return word(std::string(1, ch));
      default:
        break;
    }
    --at_;
    std::string run = regular_run();
    char* end = nullptr;
    double value = std::strtod(run.c_str(), &end);
    if (!run.empty() && end == run.c_str() + run.size() && std::isfinite(value) &&
        run.find_first_not_of("+-.0123456789") == std::string::npos) {
      token.kind = CMapToken::kNumber;
      token.number = value;
      token.text = run;
      return token;
    }
    return word(run.empty() ? std::string(1, text_[at_++]) : run);
  }

 private:
  void skip_space() {
    while (at_ < text_.size()) {
      if (is_space(text_[at_])) {
        ++at_;
      } else if (text_[at_] == '%') {
        while (at_ < text_.size() && text_[at_] != '\n' && text_[at_] != '\r') ++at_;
      } else {
        break;
      }
    }
  }
  std::string regular_run() {
    std::size_t start = at_;
    while (at_ < text_.size() && !is_space(text_[at_]) && !is_delimiter(text_[at_])) ++at_;
    return std::string(text_.substr(start, at_ - start));
  }
  static CMapToken word(std::string text) {
    CMapToken token;
    token.kind = CMapToken::kWord;
    token.text = std::move(text);
    return token;
  }
  CMapToken hex_string() {
    CMapToken token;
    token.kind = CMapToken::kBytes;
    int high = -1;
    while (at_ < text_.size() && text_[at_] != '>') {
      int v = hex_value(text_[at_++]);
      if (v < 0) continue;
      if (high < 0) {
        high = v;
      } else {
        token.text += static_cast<char>(high << 4 | v);
        high = -1;
      }
    }
    if (high >= 0) token.text += static_cast<char>(high << 4);
    if (at_ < text_.size()) ++at_;
    return token;
  }
  CMapToken literal_string() {
    CMapToken token;
    token.kind = CMapToken::kBytes;
    int depth = 1;
    while (at_ < text_.size()) {
      char ch = text_[at_++];
      if (ch == '(') {
        ++depth;
      } else if (ch == ')' && --depth == 0) {
        break;
      } else if (ch == '\\' && at_ < text_.size()) {
        char esc = text_[at_++];
        if (esc >= '0' && esc <= '7') {
          int v = esc - '0';
          for (int k = 0; k < 2 && at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '7';
               ++k) {
            v = v * 8 + (text_[at_++] - '0');
          }
          ch = static_cast<char>(v & 0xFF);
        } else {
          static constexpr std::string_view kFrom = "nrtbf", kTo = "\n\r\t\b\f";
          auto pos = kFrom.find(esc);
          if (esc == '\r' || esc == '\n') continue;
          ch = pos == std::string_view::npos ? esc : kTo[pos];
        }
      }
      token.text += ch;
    }
    return token;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

// A code and its length in bytes, packed as one key: codes of different lengths differ.
using CodeKey = std::uint64_t;
CodeKey code_key(std::uint32_t code, int bytes) {
  return static_cast<CodeKey>(bytes) << 32 | code;
}

bool code_of(const std::string& bytes, std::uint32_t& code) {
  if (bytes.empty() || bytes.size() > 4) return false;
  code = 0;
  for (char ch : bytes) code = code << 8 | static_cast<unsigned char>(ch);
  return true;
}

struct CodespaceRange {
  int bytes = 1;
  std::array<std::uint8_t, 4> low{}, high{};
};

// How many bytes the code at the start of `text` has: the first codespace range, shortest
// first, whose bounds hold its bytes; failing that, the shortest range's length (ISO 32000-1
// §9.7.6.2 leaves the choice to the reader). 0 when there are no ranges.
int codespace_length(const std::vector<CodespaceRange>& ranges, std::string_view text) {
  int shortest = 0;
  for (int n = 1; n <= 4; ++n) {
    for (const CodespaceRange& r : ranges) {
      if (r.bytes != n) continue;
      if (shortest == 0) shortest = n;
      if (text.size() < static_cast<std::size_t>(n)) continue;
      bool inside = true;
      for (int k = 0; k < n && inside; ++k) {
        auto b = static_cast<std::uint8_t>(text[static_cast<std::size_t>(k)]);
        inside =
            b >= r.low[static_cast<std::size_t>(k)] && b <= r.high[static_cast<std::size_t>(k)];
      }
      if (inside) return n;
    }
  }
  return shortest;
}

class CMap {
 public:
  // Parses a CMap file. `problem` is set when something was skipped.
  static CMap parse(std::string_view text, std::string& problem);

  const std::vector<CodespaceRange>& codespace() const { return codespace_; }
  bool vertical() const { return vertical_; }

  // The characters of `code` (`bytes` long). When the codespace has no codes of that length,
  // codes of the lengths it has are tried with the same value, as some writers use 2-byte codes
  // in the ToUnicode CMaps of simple fonts. Empty when unmapped or mapped to U+0000 alone.
  std::u32string unicode(std::uint32_t code, int bytes) const {
    std::u32string found = unicode_exact(code, bytes);
    if (!found.empty()) return found;
    auto same_length = [&](const CodespaceRange& r) { return r.bytes == bytes; };
    if (std::any_of(codespace_.begin(), codespace_.end(), same_length)) return found;
    for (const CodespaceRange& r : codespace_) {
      if (r.bytes == 4 || code < (std::uint32_t{1} << (8 * r.bytes))) {
        found = unicode_exact(code, r.bytes);
        if (!found.empty()) break;
      }
    }
    return found;
  }

  std::optional<std::uint32_t> cid(std::uint32_t code, int bytes) const {
    CodeKey key = code_key(code, bytes);
    if (auto it = cid_chars_.find(key); it != cid_chars_.end()) return it->second;
    auto it = std::upper_bound(cid_ranges_.begin(), cid_ranges_.end(), key,
                               [](CodeKey k, const CidRange& r) { return k < r.low; });
    if (it != cid_ranges_.begin() && key <= std::prev(it)->high) {
      const CidRange& r = *std::prev(it);
      return static_cast<std::uint32_t>(r.cid + (key - r.low));
    }
    if (uses_identity_ && bytes == 2) return code;
    return std::nullopt;
  }

 private:
  struct UnicodeRange {
    CodeKey low = 0, high = 0;
    std::vector<std::uint16_t> first;  // UTF-16 of `low`; the last unit counts up
    std::vector<std::u32string> list;  // or one entry per code
  };
  struct CidRange {
    CodeKey low = 0, high = 0;
    std::uint32_t cid = 0;
  };

  std::u32string unicode_exact(std::uint32_t code, int bytes) const {
    CodeKey key = code_key(code, bytes);
    if (auto it = chars_.find(key); it != chars_.end()) return it->second;
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), key,
                               [](CodeKey k, const UnicodeRange& r) { return k < r.low; });
    if (it == ranges_.begin() || key > std::prev(it)->high) return {};
    const UnicodeRange& r = *std::prev(it);
    CodeKey offset = key - r.low;
    if (!r.first.empty()) {
      std::vector<std::uint16_t> units = r.first;
      units.back() = static_cast<std::uint16_t>(units.back() + offset);
      return meaningful(decode_utf16(units));
    }
    return offset < r.list.size() ? r.list[offset] : std::u32string{};
  }

  static std::u32string meaningful(std::u32string s) {
    return s == std::u32string(1, U'\0') ? std::u32string{} : s;
  }

  // A bfchar or bfrange destination: UTF-16BE bytes (a single byte is taken as Latin-1), or a
  // glyph name.
  static std::u32string destination(const CMapToken& token) {
    if (token.kind == CMapToken::kName) return glyph_name_unicode(token.text);
    if (token.kind != CMapToken::kBytes) return {};
    if (token.text.size() == 1) {
      return meaningful(std::u32string(1, static_cast<unsigned char>(token.text[0])));
    }
    return meaningful(decode_utf16(utf16_units(token.text)));
  }

  std::vector<CodespaceRange> codespace_;
  std::unordered_map<CodeKey, std::u32string> chars_;
  std::vector<UnicodeRange> ranges_;  // sorted by low
  std::unordered_map<CodeKey, std::uint32_t> cid_chars_;
  std::vector<CidRange> cid_ranges_;  // sorted by low
  bool vertical_ = false;
  bool uses_identity_ = false;  // "usecmap" of Identity-H/V: unmapped 2-byte codes are CIDs
};

CMap CMap::parse(std::string_view text, std::string& problem) {
  CMap cmap;
  CMapLexer lexer(text);
  std::size_t entries = 0;
  auto full = [&] {
    if (entries++ < kMaxCMapEntries) return false;
    problem = "more than " + std::to_string(kMaxCMapEntries) + " entries; the rest is ignored";
    return true;
  };
  // Reads the entries of one section, `arity` tokens each, until a word "end…"; an array token
  // brings its items along.
  using Tokens = std::vector<CMapToken>;
  auto section = [&](std::size_t arity, auto&& handle) {
    while (entries <= kMaxCMapEntries) {
      Tokens entry, items;
      while (entry.size() < arity) {
        CMapToken token = lexer.next();
        if (token.kind == CMapToken::kEnd) return;
        if (token.kind == CMapToken::kWord && token.text.rfind("end", 0) == 0) return;
        if (token.kind == CMapToken::kArrayOpen) {
          for (CMapToken item = lexer.next();
               item.kind != CMapToken::kArrayClose && item.kind != CMapToken::kEnd;
               item = lexer.next()) {
            if (items.size() < 65536) items.push_back(std::move(item));
          }
        }
        entry.push_back(std::move(token));
      }
      handle(entry, items);
    }
  };

  CMapToken before_last, last;
  for (CMapToken token = lexer.next(); token.kind != CMapToken::kEnd && entries <= kMaxCMapEntries;
       token = lexer.next()) {
    if (token.kind == CMapToken::kWord) {
      const std::string& w = token.text;
      if (w == "begincodespacerange") {
        section(2, [&](const Tokens& e, const Tokens&) {
          if (e[0].kind != CMapToken::kBytes || e[1].kind != CMapToken::kBytes) return;
          const std::string& lo = e[0].text;
          const std::string& hi = e[1].text;
          if (lo.empty() || lo.size() > 4 || lo.size() != hi.size() || full()) return;
          CodespaceRange r;
          r.bytes = static_cast<int>(lo.size());
          for (std::size_t k = 0; k < lo.size(); ++k) {
            r.low[k] = static_cast<std::uint8_t>(lo[k]);
            r.high[k] = static_cast<std::uint8_t>(hi[k]);
          }
          cmap.codespace_.push_back(r);
        });
      } else if (w == "beginbfchar") {
        section(2, [&](const Tokens& e, const Tokens&) {
          std::uint32_t code = 0;
          if (e[0].kind != CMapToken::kBytes || !code_of(e[0].text, code) || full()) return;
          std::u32string dst = destination(e[1]);
          if (!dst.empty()) cmap.chars_[code_key(code, static_cast<int>(e[0].text.size()))] = dst;
        });
      } else if (w == "beginbfrange") {
        section(3, [&](const Tokens& e, const Tokens& items) {
          std::uint32_t lo = 0, hi = 0;
          if (e[0].kind != CMapToken::kBytes || e[1].kind != CMapToken::kBytes ||
              !code_of(e[0].text, lo) || !code_of(e[1].text, hi) || hi < lo || full()) {
            return;
          }
          int bytes = static_cast<int>(e[0].text.size());
          UnicodeRange r{code_key(lo, bytes), code_key(hi, bytes), {}, {}};
          if (e[2].kind == CMapToken::kArrayOpen) {
            for (const CMapToken& item : items) {
              if (r.list.size() > hi - lo) break;
              r.list.push_back(destination(item));
            }
          } else if (e[2].kind == CMapToken::kBytes && e[2].text.size() >= 2) {
            r.first = utf16_units(e[2].text);
          } else if (e[2].kind == CMapToken::kBytes && e[2].text.size() == 1) {
            r.first = {static_cast<std::uint16_t>(static_cast<unsigned char>(e[2].text[0]))};
          } else {
            return;
          }
          cmap.ranges_.push_back(std::move(r));
        });
      } else if (w == "begincidchar") {
        section(2, [&](const Tokens& e, const Tokens&) {
          std::uint32_t code = 0;
          if (e[0].kind != CMapToken::kBytes || !code_of(e[0].text, code) ||
              e[1].kind != CMapToken::kNumber || e[1].number < 0 || e[1].number > 0xFFFFFFFF ||
              full()) {
            return;
          }
          cmap.cid_chars_[code_key(code, static_cast<int>(e[0].text.size()))] =
              static_cast<std::uint32_t>(e[1].number);
        });
      } else if (w == "begincidrange") {
        section(3, [&](const Tokens& e, const Tokens&) {
          std::uint32_t lo = 0, hi = 0;
          if (e[0].kind != CMapToken::kBytes || e[1].kind != CMapToken::kBytes ||
              !code_of(e[0].text, lo) || !code_of(e[1].text, hi) || hi < lo ||
              e[2].kind != CMapToken::kNumber || e[2].number < 0 || e[2].number > 0xFFFFFFFF ||
              full()) {
            return;
          }
          int bytes = static_cast<int>(e[0].text.size());
          cmap.cid_ranges_.push_back(
              {code_key(lo, bytes), code_key(hi, bytes), static_cast<std::uint32_t>(e[2].number)});
        });
      } else if (w == "usecmap" && last.kind == CMapToken::kName) {
        if (last.text.rfind("Identity-", 0) == 0) cmap.uses_identity_ = true;
        if (last.text == "Identity-V") cmap.vertical_ = true;
      } else if (w == "def" && before_last.kind == CMapToken::kName &&
                 before_last.text == "WMode" && last.kind == CMapToken::kNumber) {
        cmap.vertical_ = last.number == 1;
      }
    }
    before_last = std::move(last);
    last = std::move(token);
  }
  auto by_low = [](const auto& x, const auto& y) { return x.low < y.low; };
  std::stable_sort(cmap.ranges_.begin(), cmap.ranges_.end(), by_low);
  std::stable_sort(cmap.cid_ranges_.begin(), cmap.cid_ranges_.end(), by_low);
  return cmap;
}

// ---------------------------------------------------------------------------------------------
// Fonts: simple fonts (ISO 32000-1 §9.6) and composite Type0 fonts (§9.7), reduced to what
// text extraction needs: how strings split into codes, each code's Unicode, advance and height.

// Where warnings of one page go, numbered and capped.
class PageWarnings {
 public:
  PageWarnings(std::vector<std::string>* out, int page) : out_(out), page_(page) {}
  void add(const std::string& message) {
    if (out_ == nullptr) return;
    if (count_ < kMaxWarningsPerPage) {
      out_->push_back("page " + std::to_string(page_ + 1) + ": " + message);
    } else if (count_ == kMaxWarningsPerPage) {
      out_->push_back("page " + std::to_string(page_ + 1) + ": further warnings left out");
    }
    ++count_;
  }
  // Once per distinct `key` on this page.
  void add_once(const std::string& key, const std::string& message) {
    if (seen_.insert(key).second) add(message);
  }

 private:
  std::vector<std::string>* out_;
  int page_;
  std::size_t count_ = 0;
  std::set<std::string> seen_;
};

std::optional<double> number_of(QPDFObjectHandle object) {
  double value = 0;
  if (!object.getValueAsNumber(value) || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<long long> integer_of(QPDFObjectHandle object) {
  long long value = 0;
  if (!object.isInteger() || !object.getValueAsInt(value)) return std::nullopt;
  return value;
}

// A dictionary entry, or null when `dict` is not a dictionary (a stream's dictionary counts).
QPDFObjectHandle entry(QPDFObjectHandle dict, const std::string& key) {
  if (dict.isStream()) dict = dict.getDict();
  if (!dict.isDictionary()) return QPDFObjectHandle::newNull();
  return dict.getKey(key);
}

std::string name_of(QPDFObjectHandle object) {
  return object.isName() ? object.getName().substr(1) : std::string{};
}

// The decoded bytes of a stream, or nullopt (with `problem` set) when it cannot be decoded or is
// larger than `limit`.
std::optional<std::string> stream_bytes(QPDFObjectHandle stream, std::size_t limit,
                                        std::string& problem) {
  if (!stream.isStream()) {
    problem = "not a stream";
    return std::nullopt;
  }
  try {
    std::shared_ptr<Buffer> data = stream.getStreamData(qpdf_dl_generalized);
    if (data->getSize() > limit) {
      problem = "larger than " + std::to_string(limit) + " bytes";
      return std::nullopt;
    }
    return std::string(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
  } catch (const std::exception& e) {
    problem = e.what();
    return std::nullopt;
  }
}

// Converts codes of a legacy CJK or Unicode CMap to Unicode with iconv.
class Charset {
 public:
  explicit Charset(const char* name) : cd_(iconv_open("UTF-32LE", name)) {}
  ~Charset() {
    if (ok()) iconv_close(cd_);
  }
  Charset(const Charset&) = delete;
  Charset& operator=(const Charset&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  std::u32string decode(std::string_view bytes) const {
    if (!ok()) return {};
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);
    std::string in(bytes);
    char out[64];
    char* in_at = in.data();
    char* out_at = out;
    std::size_t in_left = in.size(), out_left = sizeof out;
    if (iconv(cd_, &in_at, &in_left, &out_at, &out_left) == static_cast<std::size_t>(-1) ||
        in_left != 0) {
      return {};
    }
    std::u32string text;
    for (std::size_t at = 0; at + 4 <= sizeof out - out_left; at += 4) {
      auto byte = [&](std::size_t k) {
        return static_cast<char32_t>(static_cast<unsigned char>(out[at + k]));
      };
      char32_t c = byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24;
      text += is_scalar(c) ? c : kReplacement;
    }
    return text;
  }

 private:
  iconv_t cd_;
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

struct PredefinedCMap {
  CodeScheme scheme = CodeScheme::kUnknown;
  const char* charset = nullptr;  // iconv's name for the codes' character set
};

// The predefined CMaps of ISO 32000-1 Table 118, by family.
PredefinedCMap predefined_cmap(const std::string& name) {
  auto has = [&](const char* part) { return name.find(part) != std::string::npos; };
  auto starts = [&](const char* prefix) { return name.rfind(prefix, 0) == 0; };
  if (starts("Identity")) return {CodeScheme::kIdentity, nullptr};
  if (has("UCS2")) return {CodeScheme::kFixed2, "UCS-2BE"};
  if (has("UTF16")) return {CodeScheme::kUtf16, "UTF-16BE"};
  if (has("UTF8")) return {CodeScheme::kUtf8, "UTF-8"};
  if (has("UTF32")) return {CodeScheme::kFixed4, "UTF-32BE"};
  if (starts("GB")) return {CodeScheme::kGb, "GB18030"};
  if (has("B5")) return {CodeScheme::kBig5, "BIG5-HKSCS"};
  if (has("RKSJ")) return {CodeScheme::kShiftJis, "CP932"};
  if (starts("EUC")) return {CodeScheme::kEucJp, "EUC-JP"};
  if (starts("KSC")) return {CodeScheme::kKorean, "CP949"};
  return {};
}

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

template <typename Range>
const Range* find_range(const std::vector<Range>& ranges, std::uint32_t cid) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), cid,
                             [](std::uint32_t c, const Range& r) { return c < r.first; });
  // Ranges may overlap; look back a little for one that holds `cid`.
  for (int k = 0; k < 8 && it != ranges.begin(); ++k) {
    --it;
    if (cid <= it->last) return &*it;
  }
  return nullptr;
}

// Metrics in units of the font size (glyph space / 1000 for all but Type 3 fonts).
struct GlyphMetrics {
  double advance = 0;  // w0, the horizontal advance
  double w1y = -1;     // the vertical advance (negative: downwards)
  double vx = 0.5;     // the vertical origin's x, from the horizontal origin
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

  void split(std::string_view text, std::vector<GlyphCode>& out) const {
    out.clear();
    std::size_t at = 0;
    while (at < text.size()) {
      std::string_view rest = text.substr(at);
      int n = composite ? code_length(rest) : 1;
      n = std::clamp(n, 1, static_cast<int>(std::min<std::size_t>(rest.size(), 4)));
      GlyphCode g;
      g.bytes = n;
      for (int k = 0; k < n; ++k) {
        g.code = g.code << 8 | static_cast<unsigned char>(rest[static_cast<std::size_t>(k)]);
      }
      out.push_back(g);
      at += static_cast<std::size_t>(n);
    }
  }

  std::u32string unicode(GlyphCode g) const {
    std::u32string text;
    if (to_unicode) text = to_unicode->unicode(g.code, g.bytes);
    if (!text.empty()) return text;
    if (!composite) return g.code < 256 ? encoding_unicode[g.code] : std::u32string{};
    if (charset) {
      std::string bytes;
      for (int k = g.bytes - 1; k >= 0; --k) bytes += static_cast<char>(g.code >> (8 * k) & 0xFF);
      return charset->decode(bytes);
    }
    return {};
  }

  GlyphMetrics metrics(GlyphCode g) const {
    GlyphMetrics m;
    if (!composite) {
      m.advance = g.code < 256 ? widths[g.code] : 0;
      m.vx = m.advance / 2;
      return m;
    }
    std::optional<std::uint32_t> cid;
    if (scheme == CodeScheme::kIdentity) cid = g.code;
    if (scheme == CodeScheme::kEmbedded && encoding) cid = encoding->cid(g.code, g.bytes);
    if (!cid) {
      // Without CIDs, single bytes are taken as half-width characters, the rest as full-width.
      m.advance = g.bytes == 1 ? 0.5 : default_width;
      m.vx = m.advance / 2;
      m.w1y = default_w1y;
      return m;
    }
    const WidthRange* w = find_range(cid_widths, *cid);
    m.advance = w ? w->width : default_width;
    m.vx = m.advance / 2;
    m.w1y = default_w1y;
    if (const VerticalRange* v = find_range(cid_vertical, *cid)) {
      m.w1y = v->w1y;
      m.vx = v->vx;
    }
    return m;
  }

 private:
  int code_length(std::string_view rest) const {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(rest[k]); };
    unsigned char b = byte(0);
    switch (scheme) {
      case CodeScheme::kIdentity:
      case CodeScheme::kFixed2:
        return 2;
      case CodeScheme::kFixed4:
        return 4;
      case CodeScheme::kEmbedded: {
        int n = encoding ? codespace_length(encoding->codespace(), rest) : 0;
        return n > 0 ? n : 2;
      }
      case CodeScheme::kUtf16:
        return b >= 0xD8 && b < 0xDC && rest.size() >= 4 ? 4 : 2;
      case CodeScheme::kUtf8:
        return b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      case CodeScheme::kGb:
        if (b <= 0x80 || b == 0xFF) return 1;
        return rest.size() >= 4 && byte(1) >= 0x30 && byte(1) <= 0x39 ? 4 : 2;
      case CodeScheme::kBig5:
        return b < 0x81 ? 1 : 2;
      case CodeScheme::kShiftJis:
        return (b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC) ? 2 : 1;
      case CodeScheme::kEucJp:
        return b == 0x8F ? 3 : b == 0x8E || b >= 0xA1 ? 2 : 1;
      case CodeScheme::kKorean:
        return b >= 0x81 ? 2 : 1;
      case CodeScheme::kUnknown: {
        int n = to_unicode ? codespace_length(to_unicode->codespace(), rest) : 0;
        return n > 0 ? n : 2;
      }
    }
    return 1;
  }
};

// Reads fonts and CMaps once per document: indirect fonts and CMaps are kept by object number;
// fonts given directly in a resource dictionary live until the page ends.
class FontLoader {
 public:
  // The font of a font dictionary; `warnings` hears what was wrong with it.
  const Font* load(QPDFObjectHandle dict, PageWarnings& warnings) {
    if (!dict.isDictionary()) return nullptr;
    QPDFObjGen id = dict.getObjGen();
    if (id.isIndirect()) {
      if (auto it = indirect_.find(id); it != indirect_.end()) return it->second.get();
    }
    std::unique_ptr<Font> font = read(dict, warnings);
    const Font* result = font.get();
    if (id.isIndirect()) {
      indirect_.emplace(id, std::move(font));
    } else {
      direct_.push_back(std::move(font));
    }
    return result;
  }

  void end_page() { direct_.clear(); }

  // Stands in for a missing font: Helvetica in WinAnsiEncoding, as most viewers substitute.
  const Font& fallback() {
    if (!fallback_) {
      fallback_ = std::make_unique<Font>();
      fallback_->name = "Helvetica (substituted)";
      set_simple_encoding(*fallback_, BaseEncoding::kWinAnsi, QPDFObjectHandle::newNull(), nullptr);
      const EncodingNames& names = encoding_names(BaseEncoding::kWinAnsi);
      for (std::size_t code = 0; code < 256; ++code) {
        fallback_->widths[code] = standard_width(0, names[code]);
      }
    }
    return *fallback_;
  }

 private:
  static double standard_width(int metrics, const std::string& glyph) {
    if (metrics == kCourier) return 0.6;
    const LatinGlyph* g = metrics >= 0 ? find_latin(glyph) : nullptr;
    return g && g->widths[metrics] > 0 ? g->widths[metrics] / 1000.0 : 0.5;
  }

  std::shared_ptr<const CMap> cmap(QPDFObjectHandle stream, const char* what,
                                   PageWarnings& warnings) {
    QPDFObjGen id = stream.getObjGen();
    if (auto it = cmaps_.find(id); id.isIndirect() && it != cmaps_.end()) return it->second;
    std::string problem;
    std::shared_ptr<const CMap> result;
    if (std::optional<std::string> text = stream_bytes(stream, kMaxCMapBytes, problem)) {
      result = std::make_shared<CMap>(CMap::parse(*text, problem));
    }
    if (!problem.empty()) warnings.add(std::string(what) + " " + id.unparse(' ') + ": " + problem);
    if (id.isIndirect()) cmaps_[id] = result;
    return result;
  }

  // The font descriptor's ascent and descent, when they are plausible.
  static void set_extent(Font& font, QPDFObjectHandle descriptor, double scale) {
    std::optional<double> ascent = number_of(entry(descriptor, "/Ascent"));
    std::optional<double> descent = number_of(entry(descriptor, "/Descent"));
    if (!ascent || !descent) return;
    double a = *ascent * scale, d = *descent * scale;
    if (a > 0 && a <= 3 && d <= 0 && d >= -2 && a - d >= 0.2) {
      font.ascent = a;
      font.descent = d;
    }
  }

  // The glyph names and Unicode of a simple font's 256 codes; returns the names.
  static EncodingNames set_simple_encoding(Font& font, BaseEncoding base,
                                           QPDFObjectHandle differences, PageWarnings* warnings) {
    EncodingNames names = encoding_names(base);
    std::array<bool, 256> renamed{};
    if (differences.isArray()) {
      long long code = -1;
      int n = differences.getArrayNItems();
      for (int i = 0; i < n; ++i) {
        QPDFObjectHandle item = differences.getArrayItem(i);
        if (std::optional<long long> number = integer_of(item)) {
          code = *number;
        } else if (item.isName() && code >= 0 && code < 256) {
          names[static_cast<std::size_t>(code)] = name_of(item);
          renamed[static_cast<std::size_t>(code)] = true;
          ++code;
        } else if (item.isName()) {
          ++code;
        } else if (warnings) {
          warnings->add_once("differences " + font.name,
                             "font " + font.name + ": bad /Differences entry ignored");
        }
      }
    }
    for (std::size_t code = 0; code < 256; ++code) {
      if (base == BaseEncoding::kLatin1 && !renamed[code]) {
        if (code >= 0x20)
          font.encoding_unicode[code] = std::u32string(1, static_cast<char32_t>(code));
      } else {
        font.encoding_unicode[code] = glyph_name_unicode(names[code]);
      }
    }
    return names;
  }

  std::unique_ptr<Font> read(QPDFObjectHandle dict, PageWarnings& warnings) {
    auto font = std::make_unique<Font>();
    font->name = name_of(entry(dict, "/BaseFont"));
    if (font->name.empty()) font->name = dict.getObjGen().unparse(' ');
    if (QPDFObjectHandle to_unicode = entry(dict, "/ToUnicode"); to_unicode.isStream()) {
      font->to_unicode = cmap(to_unicode, "ToUnicode CMap", warnings);
    }
    if (name_of(entry(dict, "/Subtype")) == "Type0") {
      read_composite(*font, dict, warnings);
    } else {
      read_simple(*font, dict, warnings);
    }
    return font;
  }

  void read_simple(Font& font, QPDFObjectHandle dict, PageWarnings& warnings) {
    std::string subtype = name_of(entry(dict, "/Subtype"));
    bool type3 = subtype == "Type3";
    QPDFObjectHandle descriptor = entry(dict, "/FontDescriptor");
    long long flags = integer_of(entry(descriptor, "/Flags")).value_or(0);
    double scale = 0.001;
    if (type3) {
      QPDFObjectHandle matrix = entry(dict, "/FontMatrix");
      std::optional<double> a = matrix.isArray() ? number_of(matrix.getArrayItem(0)) : std::nullopt;
      if (a && *a != 0 && std::fabs(*a) < 1e3) scale = *a;
    }

    std::string base_name =
        font.name.size() > 7 && font.name[6] == '+' ? font.name.substr(7) : font.name;
    BaseEncoding base = BaseEncoding::kStandard;
    if (type3 || base_name.rfind("Symbol", 0) == 0 ||
        base_name.find("Dingbats") != std::string::npos) {
      base = BaseEncoding::kNone;
    } else if (subtype == "TrueType" && (flags & 4) != 0 && (flags & 32) == 0) {
      base = BaseEncoding::kLatin1;
    }
    QPDFObjectHandle encoding = entry(dict, "/Encoding");
    QPDFObjectHandle differences = QPDFObjectHandle::newNull();
    std::string encoding_name = name_of(encoding);
    if (encoding.isDictionary()) {
      encoding_name = name_of(entry(encoding, "/BaseEncoding"));
      differences = entry(encoding, "/Differences");
    }
    if (encoding_name == "WinAnsiEncoding") {
      base = BaseEncoding::kWinAnsi;
    } else if (encoding_name == "MacRomanEncoding") {
      base = BaseEncoding::kMacRoman;
    } else if (encoding_name == "StandardEncoding") {
      base = BaseEncoding::kStandard;
    } else if (!encoding_name.empty()) {
      warnings.add_once("encoding " + encoding_name,
                        "font " + font.name + ": encoding " + encoding_name + " is not supported");
    }
    EncodingNames names = set_simple_encoding(font, base, differences, &warnings);

    QPDFObjectHandle widths = entry(dict, "/Widths");
    if (widths.isArray()) {
      long long first = integer_of(entry(dict, "/FirstChar")).value_or(0);
      double missing = number_of(entry(descriptor, "/MissingWidth")).value_or(0) * scale;
      font.widths.fill(missing);
      int n = widths.getArrayNItems();
      for (int i = 0; i < n && first + i < 256; ++i) {
        std::optional<double> w = number_of(widths.getArrayItem(i));
        if (first + i >= 0 && w) font.widths[static_cast<std::size_t>(first + i)] = *w * scale;
      }
    } else {
      int metrics = standard_metrics(font.name);
      for (std::size_t code = 0; code < 256; ++code) {
        font.widths[code] = standard_width(metrics, names[code]);
      }
    }
    if (!type3) set_extent(font, descriptor, 0.001);
  }

  void read_composite(Font& font, QPDFObjectHandle dict, PageWarnings& warnings) {
    font.composite = true;
    QPDFObjectHandle descendants = entry(dict, "/DescendantFonts");
    QPDFObjectHandle cid_font = descendants.isArray() && descendants.getArrayNItems() > 0
                                    ? descendants.getArrayItem(0)
                                    : QPDFObjectHandle::newNull();
    if (!cid_font.isDictionary()) {
      warnings.add_once("descendant " + font.name,
                        "font " + font.name + ": no descendant CIDFont; default widths used");
    }

    QPDFObjectHandle encoding = entry(dict, "/Encoding");
    if (encoding.isStream()) {
      font.scheme = CodeScheme::kEmbedded;
      font.encoding = cmap(encoding, "encoding CMap", warnings);
      font.vertical = font.encoding && font.encoding->vertical();
      if (!font.encoding) font.scheme = CodeScheme::kIdentity;
    } else {
      std::string name = name_of(encoding);
      if (name.empty()) {
        warnings.add_once("encoding " + font.name,
                          "font " + font.name + ": no /Encoding; taken as Identity-H");
        name = "Identity-H";
      }
      PredefinedCMap predefined = predefined_cmap(name);
      font.scheme = predefined.scheme;
      font.vertical = name.size() > 2 && name.compare(name.size() - 2, 2, "-V") == 0;
      if (predefined.charset) {
        font.charset = std::make_unique<Charset>(predefined.charset);
        if (!font.charset->ok()) font.charset.reset();
      }
      if (predefined.scheme == CodeScheme::kUnknown) {
        warnings.add_once("encoding " + name,
                          "font " + font.name + ": CMap " + name +
                              " is not known; codes are read through its ToUnicode CMap");
      }
    }

    if (std::optional<double> dw = number_of(entry(cid_font, "/DW")))
      font.default_width = *dw / 1000;
    read_widths(font, entry(cid_font, "/W"), warnings);
    QPDFObjectHandle dw2 = entry(cid_font, "/DW2");
    if (dw2.isArray() && dw2.getArrayNItems() == 2) {
      if (std::optional<double> w1y = number_of(dw2.getArrayItem(1)))
        font.default_w1y = *w1y / 1000;
    }
    if (font.vertical) read_vertical(font, entry(cid_font, "/W2"));
    set_extent(font, entry(cid_font, "/FontDescriptor"), 0.001);
  }

  // /W: "c [w1 w2 …]" and "c_first c_last w" (§9.7.4.3).
  static void read_widths(Font& font, QPDFObjectHandle w, PageWarnings& warnings) {
    if (!w.isArray()) return;
    int n = w.getArrayNItems();
    bool bad = false;
    for (int i = 0; i < n && font.cid_widths.size() < kMaxWidthEntries;) {
      std::optional<long long> first = integer_of(w.getArrayItem(i));
      if (!first || *first < 0 || *first > 0xFFFFFFFF || i + 1 >= n) {
        bad = true;
        break;
      }
      QPDFObjectHandle next = w.getArrayItem(i + 1);
      if (next.isArray()) {
        int m = next.getArrayNItems();
        for (int k = 0; k < m && font.cid_widths.size() < kMaxWidthEntries; ++k) {
          std::optional<double> width = number_of(next.getArrayItem(k));
          auto cid = static_cast<std::uint32_t>(std::min<long long>(*first + k, 0xFFFFFFFF));
          if (width) font.cid_widths.push_back({cid, cid, *width / 1000});
        }
        i += 2;
        continue;
      }
      std::optional<long long> last = integer_of(next);
      std::optional<double> width = i + 2 < n ? number_of(w.getArrayItem(i + 2)) : std::nullopt;
      if (!last || !width || *last < *first || *last > 0xFFFFFFFF) {
        bad = true;
        break;
      }
      font.cid_widths.push_back(
          {static_cast<std::uint32_t>(*first), static_cast<std::uint32_t>(*last), *width / 1000});
      i += 3;
    }
    if (bad)
      warnings.add_once("widths " + font.name,
                        "font " + font.name + ": bad /W array; the rest uses /DW");
    std::stable_sort(font.cid_widths.begin(), font.cid_widths.end(),
                     [](const WidthRange& x, const WidthRange& y) { return x.first < y.first; });
  }

  // /W2: "c [w1y vx vy …]" and "c_first c_last w1y vx vy" (§9.7.4.3).
  static void read_vertical(Font& font, QPDFObjectHandle w2) {
    if (!w2.isArray()) return;
    int n = w2.getArrayNItems();
    for (int i = 0; i < n && font.cid_vertical.size() < kMaxWidthEntries;) {
      std::optional<long long> first = integer_of(w2.getArrayItem(i));
      if (!first || *first < 0 || *first > 0xFFFFFFFF || i + 1 >= n) break;
      QPDFObjectHandle next = w2.getArrayItem(i + 1);
      if (next.isArray()) {
        int m = next.getArrayNItems();
        for (int k = 0; k + 2 < m; k += 3) {
          std::optional<double> w1y = number_of(next.getArrayItem(k));
          std::optional<double> vx = number_of(next.getArrayItem(k + 1));
          auto cid = static_cast<std::uint32_t>(std::min<long long>(*first + k / 3, 0xFFFFFFFF));
          if (w1y && vx) font.cid_vertical.push_back({cid, cid, *w1y / 1000, *vx / 1000});
        }
        i += 2;
        continue;
      }
      std::optional<long long> last = integer_of(next);
      std::optional<double> w1y = i + 2 < n ? number_of(w2.getArrayItem(i + 2)) : std::nullopt;
      std::optional<double> vx = i + 3 < n ? number_of(w2.getArrayItem(i + 3)) : std::nullopt;
      if (!last || !w1y || !vx || *last < *first || *last > 0xFFFFFFFF) break;
      font.cid_vertical.push_back({static_cast<std::uint32_t>(*first),
                                   static_cast<std::uint32_t>(*last), *w1y / 1000, *vx / 1000});
      i += 5;
    }
    std::stable_sort(
        font.cid_vertical.begin(), font.cid_vertical.end(),
        [](const VerticalRange& x, const VerticalRange& y) { return x.first < y.first; });
  }

  std::map<QPDFObjGen, std::unique_ptr<Font>> indirect_;
  std::vector<std::unique_ptr<Font>> direct_;
  std::map<QPDFObjGen, std::shared_ptr<const CMap>> cmaps_;
  std::unique_ptr<Font> fallback_;
};

// A forward jump of more than this many ems between two characters on a line is a word space.
constexpr double kWordGap = 0.15;

bool is_blank(char32_t c) {
  return c == U' ' || c == U'\t' || c == 0xA0 || (c >= 0x2000 && c <= 0x200B) || c == 0x3000;
}

// Ideographs, kana, hangul and CJK punctuation and full-width forms.
bool is_cjk(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

// ---------------------------------------------------------------------------------------------
// Content streams: the graphics state (ISO 32000-1 §8.4), text state and text objects (§9.3,
// §9.4), text-showing operators (§9.4.3) and Form XObjects (§8.10).

struct TextState {
  double char_spacing = 0, word_spacing = 0, horizontal_scale = 1, leading = 0, rise = 0;
  double font_size = 0;
  const Font* font = nullptr;
};

struct GraphicsState {
  Matrix ctm;
  TextState text;
};

class PageReader {
 public:
  PageReader(FontLoader& fonts, PageText& out, PageWarnings& warnings)
      : fonts_(fonts), out_(out), warnings_(warnings) {}

  void read(QPDFObjectHandle page);

  // For the content-stream callbacks.
  bool stopped() const { return stopped_; }
  void content_size(std::size_t size);
  void run(const std::string& op, const std::vector<QPDFObjectHandle>& operands);

 private:
  struct Frame {
    QPDFObjectHandle resources;
    QPDFObjGen form;                           // the Form XObject drawn, or none for the page
    std::map<std::string, const Font*> fonts;  // by resource name; nullptr when missing
  };
  struct LastGlyph {
    bool valid = false;
    Point origin, next_origin, direction;
    double size = 0;
  };

  GraphicsState& state() { return stack_.back(); }
  void bad_operands(const std::string& op) {
    warnings_.add_once("operands " + op, "operator " + op + " with bad operands ignored");
  }
  void push_state();
  void pop_state();
  void move_line(double tx, double ty) {
    tlm_ = translation(tx, ty).then(tlm_);
    tm_ = tlm_;
  }
  void set_font(const std::string& name, double size);
  const Font& current_font();
  void show(const std::string& bytes);
  void show_array(QPDFObjectHandle array);
  void adjust(double thousandths);
  void emit(const Font& font, GlyphCode code);
  bool breaks_line(Point origin, Point direction, double size) const;
  void add_word_space(const Font& font, Point origin, double size, char32_t before,
                      std::vector<TextChar>& made);
  void draw_xobject(const std::string& name);
  void parse(QPDFObjectHandle content, bool page, const std::string& what);

  FontLoader& fonts_;
  PageText& out_;
  PageWarnings& warnings_;
  std::vector<GraphicsState> stack_{GraphicsState{}};
  std::size_t floor_ = 1;     // Q never pops below this in the current content stream
  std::size_t overflow_ = 0;  // q beyond kMaxGraphicsStates, matched by Q that do nothing
  std::vector<Frame> frames_;
  Matrix tm_, tlm_;
  LastGlyph last_;
  std::vector<GlyphCode> codes_;       // the codes of the string being shown
  std::vector<TextChar> glyph_chars_;  // the characters of the glyph being shown
  int forms_ = 0;
  std::size_t content_bytes_ = 0;
  bool stopped_ = false;
};

class ContentCallbacks : public QPDFObjectHandle::ParserCallbacks {
 public:
  explicit ContentCallbacks(PageReader& reader) : reader_(reader) {}

  using QPDFObjectHandle::ParserCallbacks::handleObject;
  void handleObject(QPDFObjectHandle object) override {
    ++objects_;
    if (reader_.stopped()) terminateParsing();
    if (object.isOperator()) {
      reader_.run(object.getOperatorValue(), operands_);
      operands_.clear();
      if (reader_.stopped()) terminateParsing();
    } else {
      // Operators use their last operands; a run of stray operands is cut short.
      if (operands_.size() == kMaxOperands) operands_.erase(operands_.begin());
      operands_.push_back(object);
    }
  }
  void contentSize(std::size_t size) override { reader_.content_size(size); }
  void handleEOF() override {}
  std::size_t objects() const { return objects_; }

 private:
  PageReader& reader_;
  std::size_t objects_ = 0;
  std::vector<QPDFObjectHandle> operands_;
};

void PageReader::read(QPDFObjectHandle page) {
  QPDFPageObjectHelper helper(page);
  frames_.push_back({helper.getAttribute("/Resources", false), QPDFObjGen(), {}});
  ContentCallbacks callbacks(*this);
  try {
    helper.parseContents(&callbacks);
    return;
  } catch (const std::exception& e) {
    warnings_.add_once(e.what(), std::string("content stream: ") + e.what());
    if (callbacks.objects() > 0) return;
  }
  // QPDF decodes all of a page's content streams before parsing, so one that cannot be decoded
  // stops them all: read the others one by one.
  QPDFObjectHandle contents = page.getKey("/Contents");
  if (!contents.isArray()) return;
  int n = contents.getArrayNItems();
  for (int i = 0; i < n && !stopped_; ++i) {
    QPDFObjectHandle part = contents.getArrayItem(i);
    if (!part.isStream()) continue;
    ContentCallbacks one(*this);
    try {
      QPDFObjectHandle::parseContentStream(part, &one);
    } catch (const std::exception& e) {
      warnings_.add_once(e.what(), std::string("content stream: ") + e.what());
    }
  }
}

void PageReader::content_size(std::size_t size) {
  content_bytes_ += size;
  if (content_bytes_ > kMaxContentBytesPerPage && !stopped_) {
    warnings_.add("more than " + std::to_string(kMaxContentBytesPerPage >> 20) +
                  " MiB of content; the rest of the page is not read");
    stopped_ = true;
  }
}

void PageReader::push_state() {
  if (stack_.size() >= kMaxGraphicsStates) {
    ++overflow_;
    return;
  }
  stack_.push_back(stack_.back());
}

void PageReader::pop_state() {
  if (overflow_ > 0) {
    --overflow_;
  } else if (stack_.size() > floor_) {
    stack_.pop_back();
  } else {
    warnings_.add_once("Q", "Q without a matching q ignored");
  }
}

void PageReader::run(const std::string& op, const std::vector<QPDFObjectHandle>& operands) {
  // The last `n` operands as numbers.
  double v[6] = {};
  auto numbers = [&](std::size_t n) {
    if (operands.size() < n) return false;
    for (std::size_t k = 0; k < n; ++k) {
      std::optional<double> x = number_of(operands[operands.size() - n + k]);
      if (!x) return false;
      v[k] = *x;
    }
    return true;
  };
  // The operand `k` places from the end (1: the last).
  auto from_end = [&](std::size_t k) {
    return k <= operands.size() ? operands[operands.size() - k] : QPDFObjectHandle::newNull();
  };
  auto matrix = [&] { return Matrix{v[0], v[1], v[2], v[3], v[4], v[5]}; };
  TextState& text = state().text;

  if (op == "q") {
    push_state();
  } else if (op == "Q") {
    pop_state();
  } else if (op == "cm") {
    if (!numbers(6)) return bad_operands(op);
    state().ctm = matrix().then(state().ctm);
  } else if (op == "BT") {
    tm_ = tlm_ = Matrix{};
  } else if (op == "Tc" || op == "Tw" || op == "Tz" || op == "TL" || op == "Ts") {
    if (!numbers(1)) return bad_operands(op);
    if (op == "Tc") text.char_spacing = v[0];
    if (op == "Tw") text.word_spacing = v[0];
    if (op == "Tz") text.horizontal_scale = v[0] / 100;
    if (op == "TL") text.leading = v[0];
    if (op == "Ts") text.rise = v[0];
  } else if (op == "Tf") {
    if (!numbers(1) || !from_end(2).isName()) return bad_operands(op);
    set_font(from_end(2).getName(), v[0]);
  } else if (op == "Td" || op == "TD") {
    if (!numbers(2)) return bad_operands(op);
    if (op == "TD") text.leading = -v[1];
    move_line(v[0], v[1]);
  } else if (op == "Tm") {
    if (!numbers(6)) return bad_operands(op);
    tm_ = tlm_ = matrix();
  } else if (op == "T*") {
    move_line(0, -text.leading);
  } else if (op == "Tj" || op == "'") {
    if (!from_end(1).isString()) return bad_operands(op);
    if (op == "'") move_line(0, -text.leading);
    show(from_end(1).getStringValue());
  } else if (op == "\"") {
    std::optional<double> aw = number_of(from_end(3)), ac = number_of(from_end(2));
    if (!from_end(1).isString() || !aw || !ac) return bad_operands(op);
    text.word_spacing = *aw;
    text.char_spacing = *ac;
    move_line(0, -text.leading);
    show(from_end(1).getStringValue());
  } else if (op == "TJ") {
    if (!from_end(1).isArray()) return bad_operands(op);
    show_array(from_end(1));
  } else if (op == "Do") {
    if (!from_end(1).isName()) return bad_operands(op);
    draw_xobject(from_end(1).getName());
  }
}

void PageReader::set_font(const std::string& name, double size) {
  Frame& frame = frames_.back();
  const Font* font = nullptr;
  if (auto it = frame.fonts.find(name); it != frame.fonts.end()) {
    font = it->second;
  } else {
    font = fonts_.load(entry(entry(frame.resources, "/Font"), name), warnings_);
    frame.fonts.emplace(name, font);
  }
  if (font == nullptr) {
    warnings_.add_once("font " + name, "font " + name.substr(1) +
                                           " is not in the resources; Helvetica substituted");
  }
  state().text.font = font;
  state().text.font_size = size;
}

const Font& PageReader::current_font() {
  if (state().text.font) return *state().text.font;
  warnings_.add_once("no font", "text shown without a usable font; Helvetica substituted");
  return fonts_.fallback();
}

void PageReader::show(const std::string& bytes) {
  const Font& font = current_font();
  font.split(bytes, codes_);
  for (GlyphCode code : codes_) {
    if (stopped_) return;
    emit(font, code);
  }
}

void PageReader::show_array(QPDFObjectHandle array) {
  int n = array.getArrayNItems();
  for (int i = 0; i < n && !stopped_; ++i) {
    QPDFObjectHandle item = array.getArrayItem(i);
    if (item.isString()) {
      show(item.getStringValue());
    } else if (std::optional<double> amount = number_of(item)) {
      adjust(*amount);
    } else {
      bad_operands("TJ");
    }
  }
}

void PageReader::adjust(double thousandths) {
  const TextState& text = state().text;
  const Font& font = current_font();
  double shift = -thousandths / 1000 * text.font_size;
  tm_ = (font.vertical ? translation(0, shift) : translation(shift * text.horizontal_scale, 0))
            .then(tm_);
}

bool PageReader::breaks_line(Point origin, Point direction, double size) const {
  if (!last_.valid) return false;
  double em = std::max(last_.size, size);
  if (dot(last_.direction, direction) < 0.95) return true;
  if (std::fabs(cross(last_.direction, origin - last_.origin)) > 0.5 * em) return true;
  return dot(last_.direction, origin - last_.next_origin) < -em;
}

void PageReader::emit(const Font& font, GlyphCode code) {
  const TextState& text = state().text;
  const GlyphMetrics m = font.metrics(code);
  const double size = text.font_size, scale = text.horizontal_scale;
  const double spacing =
      text.char_spacing + (code.bytes == 1 && code.code == 32 ? text.word_spacing : 0);
  const Matrix to_user = tm_.then(state().ctm);

  // The glyph's box in text space (font size, horizontal scaling and rise applied) and the
  // text matrix after it.
  double x0, x1, y0, y1;
  Matrix next;
  Point along;
  if (!font.vertical) {
    x0 = 0;
    x1 = m.advance * size * scale;
    y0 = font.descent * size + text.rise;
    y1 = font.ascent * size + text.rise;
    next = translation((m.advance * size + spacing) * scale, 0).then(tm_);
    along = {1, 0};
  } else {
    x0 = -m.vx * size * scale;
    x1 = (m.advance - m.vx) * size * scale;
    y0 = m.w1y * size + text.rise;
    y1 = text.rise;
    next = translation(0, m.w1y * size + spacing).then(tm_);
    along = {0, -1};
  }

  std::u32string chars;
  for (char32_t c : font.unicode(code)) append_spelled_out(chars, c);
  if (chars.empty()) chars = std::u32string(1, kReplacement);
  if (chars.size() > 32) chars.resize(32);

  Point origin = to_user.apply({0, 0});
  Point direction = to_user.apply_vector(along);
  double norm = length(direction);
  direction = norm > 1e-12 && std::isfinite(norm) ? Point{direction.x / norm, direction.y / norm}
                                                  : Point{1, 0};
  double em = length(to_user.apply_vector(font.vertical ? Point{size, 0} : Point{0, size}));
  Point next_origin = next.then(state().ctm).apply({0, 0});

  std::vector<TextChar>& made = glyph_chars_;
  made.clear();
  const double parts = static_cast<double>(chars.size());
  for (std::size_t k = 0; k < chars.size(); ++k) {
    // A ligature's characters share its box evenly along the advance.
    double t0 = static_cast<double>(k) / parts, t1 = static_cast<double>(k + 1) / parts;
    Point corners[4];
    if (!font.vertical) {
      double a = x0 + (x1 - x0) * t0, b = x0 + (x1 - x0) * t1;
      corners[0] = {a, y0}, corners[1] = {b, y0}, corners[2] = {a, y1}, corners[3] = {b, y1};
    } else {
      double a = y1 - (y1 - y0) * t0, b = y1 - (y1 - y0) * t1;
      corners[0] = {x0, a}, corners[1] = {x1, a}, corners[2] = {x0, b}, corners[3] = {x1, b};
    }
    TextChar c;
    c.code = is_scalar(chars[k]) ? chars[k] : kReplacement;
    Point p = to_user.apply(corners[0]);
    c.box = {p.x, p.y, p.x, p.y};
    for (const Point& corner : corners) {
      Point q = to_user.apply(corner);
      c.box.llx = std::min(c.box.llx, q.x);
      c.box.lly = std::min(c.box.lly, q.y);
      c.box.urx = std::max(c.box.urx, q.x);
      c.box.ury = std::max(c.box.ury, q.y);
    }
    if (!std::isfinite(c.box.llx) || !std::isfinite(c.box.lly) || !std::isfinite(c.box.urx) ||
        !std::isfinite(c.box.ury)) {
      warnings_.add_once("infinite", "glyphs placed outside any finite position skipped");
      made.clear();
      break;
    }
    made.push_back(c);
  }
  tm_ = next;
  if (made.empty()) return;
  if (out_.chars.size() + made.size() > kMaxCharsPerPage) {
    warnings_.add("more than " + std::to_string(kMaxCharsPerPage) +
                  " characters; the rest of the page is not read");
    stopped_ = true;
    return;
  }
  made.front().starts_line = breaks_line(origin, direction, em);
  if (!made.front().starts_line && last_.valid && !out_.chars.empty()) {
    add_word_space(font, origin, em, out_.chars.back().code, made);
  }
  out_.chars.insert(out_.chars.end(), made.begin(), made.end());
  last_ = {true, origin, next_origin, direction, em};
}

// Many writers leave word spaces out and move the next word along instead (TeX always does):
// such a gap between two characters that are not whitespace becomes a space, with the gap as
// its box. CJK text is set without spaces, so gaps next to CJK characters (justified or
// letter-spaced lines) stay gaps.
void PageReader::add_word_space(const Font& font, Point origin, double size, char32_t before,
                                std::vector<TextChar>& made) {
  const char32_t after = made.front().code;
  const double gap = dot(last_.direction, origin - last_.next_origin);
  if (gap <= kWordGap * std::max(size, last_.size) || is_blank(before) || is_blank(after) ||
      is_cjk(before) || is_cjk(after)) {
    return;
  }
  const Point across{-last_.direction.y, last_.direction.x};
  TextChar space;
  space.code = U' ';
  space.box = {origin.x, origin.y, origin.x, origin.y};
  for (Point p : {last_.next_origin, origin}) {
    for (double extent : {font.descent * size, font.ascent * size}) {
      Point q{p.x + across.x * extent, p.y + across.y * extent};
      space.box.llx = std::min(space.box.llx, q.x);
      space.box.lly = std::min(space.box.lly, q.y);
      space.box.urx = std::max(space.box.urx, q.x);
      space.box.ury = std::max(space.box.ury, q.y);
    }
  }
  made.insert(made.begin(), space);
}

void PageReader::draw_xobject(const std::string& name) {
  QPDFObjectHandle resources = frames_.back().resources;
  QPDFObjectHandle xobject = entry(entry(resources, "/XObject"), name);
  if (!xobject.isStream()) {
    warnings_.add_once("xobject " + name, "XObject " + name.substr(1) + " is not in the resources");
    return;
  }
  if (name_of(entry(xobject, "/Subtype")) != "Form") return;  // images carry no text
  QPDFObjGen id = xobject.getObjGen();
  for (const Frame& frame : frames_) {
    if (frame.form == id) {
      warnings_.add_once("recursive " + id.unparse(' '),
                         "Form XObject " + name.substr(1) + " draws itself; not drawn again");
      return;
    }
  }
  if (frames_.size() > static_cast<std::size_t>(kMaxFormDepth)) {
    warnings_.add_once("depth", "Form XObjects nested deeper than " +
                                    std::to_string(kMaxFormDepth) + " not drawn");
    return;
  }
  if (++forms_ > kMaxFormsPerPage) {
    warnings_.add("more than " + std::to_string(kMaxFormsPerPage) +
                  " Form XObjects drawn; the rest of the page is not read");
    stopped_ = true;
    return;
  }

  // The form runs in a graphics state of its own, with its matrix, its resources (else those
  // of the stream that draws it) and a text object of its own.
  const std::size_t depth = stack_.size(), floor = floor_, overflow = overflow_;
  const Matrix tm = tm_, tlm = tlm_;
  stack_.push_back(stack_.back());
  floor_ = stack_.size();
  overflow_ = 0;
  if (QPDFObjectHandle matrix = entry(xobject, "/Matrix"); matrix.isMatrix()) {
    QPDFObjectHandle::Matrix m = matrix.getArrayAsMatrix();
    Matrix form{m.a, m.b, m.c, m.d, m.e, m.f};
    if (std::isfinite(form.a + form.b + form.c + form.d + form.e + form.f)) {
      state().ctm = form.then(state().ctm);
    }
  }
  QPDFObjectHandle own = entry(xobject, "/Resources");
  frames_.push_back({own.isDictionary() ? own : resources, id, {}});
  ContentCallbacks callbacks(*this);
  try {
    xobject.parseAsContents(&callbacks);
  } catch (const std::exception& e) {
    warnings_.add("Form XObject " + name.substr(1) + ": " + e.what());
  }
  frames_.pop_back();
  stack_.resize(depth);
  floor_ = floor;
  overflow_ = overflow;
  tm_ = tm;
  tlm_ = tlm;
}

}  // namespace

std::string PageText::utf8() const {
  std::string text;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (i > 0 && chars[i].starts_line) text += '\n';
    append_utf8(text, chars[i].code);
  }
  return text;
}

Result<std::vector<PageText>> extract_text(const Document& doc, std::optional<int> page,
                                           std::vector<std::string>* warnings) {
  const int count = doc.page_count();
  if (page && (*page < 0 || *page >= count)) {
    return Error::invalid_input("page " + std::to_string(*page + 1) +
                                " does not exist: the document has " + std::to_string(count) +
                                " pages");
  }
  const int first = page.value_or(0), end = page ? *page + 1 : count;
  FontLoader fonts;
  std::vector<PageText> pages;
  for (int p = first; p < end; ++p) {
    PageText text;
    text.page = p;
    PageWarnings page_warnings(warnings, p);
    try {
      PageReader reader(fonts, text, page_warnings);
      reader.read(doc.page(p));
    } catch (const std::exception& e) {
      page_warnings.add(e.what());
    }
    fonts.end_page();
    // QPDF's own warnings while reading this page (undecodable streams, bad objects).
    for (const QPDFExc& w : doc.qpdf().getWarnings()) page_warnings.add_once(w.what(), w.what());
    pages.push_back(std::move(text));
  }
  return pages;
}

std::vector<TextMatch> find_text(const std::vector<PageText>& pages, std::string_view keyword) {
  std::vector<TextMatch> matches;
  const std::u32string wanted = decode_utf8(keyword);
  if (wanted.empty()) return matches;
  for (const PageText& page : pages) {
    const std::vector<TextChar>& chars = page.chars;
    for (std::size_t i = 0; i + wanted.size() <= chars.size();) {
      std::size_t k = 0;
      while (k < wanted.size() && chars[i + k].code == wanted[k] &&
             (k == 0 || !chars[i + k].starts_line)) {
        ++k;
      }
      if (k < wanted.size()) {
        ++i;
        continue;
      }
      TextMatch match{page.page, chars[i].box};
      for (std::size_t j = i + 1; j < i + wanted.size(); ++j) {
        match.box.llx = std::min(match.box.llx, chars[j].box.llx);
        match.box.lly = std::min(match.box.lly, chars[j].box.lly);
        match.box.urx = std::max(match.box.urx, chars[j].box.urx);
        match.box.ury = std::max(match.box.ury, chars[j].box.ury);
      }
      matches.push_back(match);
      i += wanted.size();
    }
  }
  return matches;
}

}  // namespace eseal::pdf
