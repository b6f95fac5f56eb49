#include "ofd/glyphs.h"

#include <array>
#include <utility>

namespace eseal::ofd {
bool is_wide(char32_t c) {
  // The W and F blocks of Unicode's EastAsianWidth.txt, merged into the ranges text uses.
  static constexpr std::array<std::pair<char32_t, char32_t>, 12> kWide = {{
      {0x1100, 0x115F},    // Hangul Jamo initials
      {0x2E80, 0x303E},    // CJK radicals, ideographic description, CJK symbols and punctuation
      {0x3041, 0x33FF},    // kana, bopomofo, Hangul compatibility jamo, CJK compatibility
      {0x3400, 0x4DBF},    // CJK extension A
      {0x4E00, 0x9FFF},    // CJK unified ideographs
      {0xA000, 0xA4CF},    // Yi
      {0xAC00, 0xD7A3},    // Hangul syllables
      {0xF900, 0xFAFF},    // CJK compatibility ideographs
      {0xFE30, 0xFE4F},    // CJK compatibility forms
      {0xFF00, 0xFF60},    // full-width forms
      {0xFFE0, 0xFFE6},    // full-width signs
      {0x20000, 0x3FFFD},  // CJK extensions B and later
  }};
  for (const auto& [first, last] : kWide) {
    if (c >= first && c <= last) return true;
  }
  return false;
}

}  // namespace eseal::ofd
