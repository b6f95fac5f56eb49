// What the OFD text code knows about characters without reading a font: the default advance the
// writer lays text out with and the reader falls back on when a TextCode gives no DeltaX — one em
// for East Asian wide and full-width characters (UAX #11 W and F), half an em for everything else.
#pragma once

#include "base/utf8.h"

namespace eseal::ofd {

// True for the East Asian wide and full-width ranges: CJK ideographs and punctuation, kana,
// hangul, full-width forms.
bool is_wide(char32_t c);

// The default advance in ems: 1 when is_wide(c), else 0.5.
inline double default_advance_em(char32_t c) {
  return is_wide(c) ? 1.0 : 0.5;
}

}  // namespace eseal::ofd
