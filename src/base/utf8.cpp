#include "base/utf8.h"

#include <cstdint>
#include <cstring>

namespace eseal {
namespace {

// Decodes one scalar at `at`; nullopt (with `at` moved past the first byte) when ill-formed.
std::optional<char32_t> next_scalar(std::string_view text, std::size_t& at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  std::size_t length = 0;
  char32_t value = 0, minimum = 0;
  if (lead < 0x80) {
    ++at;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    ++at;
    return std::nullopt;
  }
  if (at + length > text.size()) {
    ++at;
    return std::nullopt;
  }
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) {
      ++at;
      return std::nullopt;
    }
    value = (value << 6) | (byte(at + i) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    ++at;
    return std::nullopt;
  }
  at += length;
  return value;
}

}  // namespace

bool is_scalar(char32_t c) {
  return c < 0x110000 && (c < 0xD800 || c > 0xDFFF);
}

std::optional<std::u32string> decode_utf8_strict(std::string_view text) {
  std::u32string out;
  for (std::size_t at = 0; at < text.size();) {
    auto c = next_scalar(text, at);
    if (!c) return std::nullopt;
    out.push_back(*c);
  }
  return out;
}

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  for (std::size_t at = 0; at < text.size();) {
    out.push_back(next_scalar(text, at).value_or(kReplacementCharacter));
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (!is_scalar(c)) c = kReplacementCharacter;
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

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  for (char32_t c : text) append_utf8(out, c);
  return out;
}

namespace {

// The length of the longest well-formed prefix of `text`. Most text is well-formed, and much of
// it ASCII (a document's base64): eight ASCII bytes at a time.
std::size_t well_formed_prefix(std::string_view text) {
  std::size_t good = 0;
  while (good < text.size()) {
    std::uint64_t eight = 0;
    if (good + 8 <= text.size() &&
        (std::memcpy(&eight, text.data() + good, 8), (eight & 0x8080808080808080ULL) == 0)) {
      good += 8;
      continue;
    }
    std::size_t at = good;
    if (!next_scalar(text, at)) break;
    good = at;
  }
  return good;
}

}  // namespace

bool is_utf8(std::string_view text) {
  return well_formed_prefix(text) == text.size();
}

std::string valid_utf8(std::string_view text) {
  // What precedes the first offending byte is copied in one piece.
  std::size_t good = well_formed_prefix(text);
  std::string out;
  out.reserve(text.size());
  out.append(text.substr(0, good));
  for (std::size_t at = good; at < text.size();) {
    std::size_t from = at;
    if (next_scalar(text, at)) {
      out.append(text.substr(from, at - from));
    } else {
      append_utf8(out, kReplacementCharacter);
    }
  }
  return out;
}

}  // namespace eseal
