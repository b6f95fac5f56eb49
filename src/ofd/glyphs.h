// What the OFD text code knows about characters without reading a font: UTF-8 in and out, and
// the default advance the writer lays text out with and the reader falls back on when a
// TextCode gives no DeltaX — one em for East Asian wide and full-width characters (UAX #11 W and
// F), half an em for everything else.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace eseal::ofd {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

// Strict: nullopt for ill-formed UTF-8 (overlong forms, surrogates, values past U+10FFFF).
std::optional<std::u32string> decode_utf8_strict(std::string_view text);
// Lenient: each offending byte becomes U+FFFD.
std::u32string decode_utf8(std::string_view text);

void append_utf8(std::string& out, char32_t c);
std::string encode_utf8(std::u32string_view text);

// True for the East Asian wide and full-width ranges: CJK ideographs and punctuation, kana,
// hangul, full-width forms.
bool is_wide(char32_t c);

// The default advance in ems: 1 when is_wide(c), else 0.5.
inline double default_advance_em(char32_t c) {
  return is_wide(c) ? 1.0 : 0.5;
}

}  // namespace eseal::ofd
