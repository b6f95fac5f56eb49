// CMaps (ISO 32000-1 §9.7.5 and §9.10.3; Adobe Technical Note #5014) as text extraction reads
// them: codespace ranges, the Unicode of codes (bfchar, bfrange) and the CIDs of codes (cidchar,
// cidrange). Internal to src/pdf (pdf/text.cpp and its units).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace eseal::pdf::text_detail {

struct CodespaceRange {
  int bytes = 1;
  std::array<std::uint8_t, 4> low{}, high{};
};

// How many bytes the code at the start of `text` has: the first codespace range, shortest
// first, whose bounds hold its bytes; failing that, the shortest range's length (ISO 32000-1
// §9.7.6.2 leaves the choice to the reader). 0 when there are no ranges.
int codespace_length(const std::vector<CodespaceRange>& ranges, std::string_view text);

// A code and its length in bytes, packed as one key: codes of different lengths differ.
using CodeKey = std::uint64_t;

class CMap {
 public:
  // Parses a CMap file. `problem` is set when something was skipped.
  static CMap parse(std::string_view text, std::string& problem);

  const std::vector<CodespaceRange>& codespace() const { return codespace_; }
  bool vertical() const { return vertical_; }

  // The characters of `code` (`bytes` long). When the codespace has no codes of that length,
  // codes of the lengths it has are tried with the same value, as some writers use 2-byte codes
  // in the ToUnicode CMaps of simple fonts. Empty when unmapped or mapped to U+0000 alone.
  std::u32string unicode(std::uint32_t code, int bytes) const;

  std::optional<std::uint32_t> cid(std::uint32_t code, int bytes) const;

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

  std::u32string unicode_exact(std::uint32_t code, int bytes) const;

  std::vector<CodespaceRange> codespace_;
  std::unordered_map<CodeKey, std::u32string> chars_;
  std::vector<UnicodeRange> ranges_;  // sorted by low
  std::unordered_map<CodeKey, std::uint32_t> cid_chars_;
  std::vector<CidRange> cid_ranges_;  // sorted by low
  bool vertical_ = false;
  bool uses_identity_ = false;  // "usecmap" of Identity-H/V: unmapped 2-byte codes are CIDs
};

}  // namespace eseal::pdf::text_detail
