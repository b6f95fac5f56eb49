#include "crypto/encoding.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace eseal::crypto {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Each character's hex value, or -1.
constexpr std::array<std::int8_t, 256> hex_table() {
  std::array<std::int8_t, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[c] = static_cast<std::int8_t>(hex_value(static_cast<char>(c)));
  return table;
}
constexpr std::array<std::int8_t, 256> kHexValues = hex_table();

std::string hex_with(ByteView bytes, const char* digits) {
  // Written in place: a PDF signature's reserved /Contents is tens of kilobytes of hex.
  std::string out(bytes.size() * 2, '\0');
  char* to = out.data();
  for (std::uint8_t b : bytes) {
    *to++ = digits[b >> 4];
    *to++ = digits[b & 0xF];
  }
  return out;
}

constexpr std::array<int, 256> base64_table() {
  std::array<int, 256> table{};
  for (int& v : table) v = -1;
  for (std::size_t i = 0; i < kBase64Alphabet.size(); ++i) {
    table[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<int>(i);
  }
  return table;
}

}  // namespace

std::string to_hex(ByteView bytes) {
  return hex_with(bytes, "0123456789abcdef");
}
std::string to_hex_upper(ByteView bytes) {
  return hex_with(bytes, "0123456789ABCDEF");
}

Result<Bytes> from_hex(std::string_view text) {
  Bytes out(text.size() / 2);
  std::uint8_t* to = out.data();
  std::size_t i = 0;
  int high = -1;
  while (i < text.size()) {
    // Two digits at a time while there is no space between them.
    if (high < 0 && i + 1 < text.size()) {
      const int a = kHexValues[static_cast<unsigned char>(text[i])];
      const int b = kHexValues[static_cast<unsigned char>(text[i + 1])];
      if ((a | b) >= 0) {
        *to++ = static_cast<std::uint8_t>(a << 4 | b);
        i += 2;
        continue;
      }
    }
    const char c = text[i++];
    if (is_space(c)) continue;
    const int v = kHexValues[static_cast<unsigned char>(c)];
    if (v < 0) return Error::invalid_input("not a hex digit: '" + std::string(1, c) + "'");
    if (high < 0) {
      high = v;
    } else {
      *to++ = static_cast<std::uint8_t>(high << 4 | v);
      high = -1;
    }
  }
  if (high >= 0) return Error::invalid_input("hex text has an odd number of digits");
  out.resize(static_cast<std::size_t>(to - out.data()));
  return out;
}

std::string to_base64(ByteView bytes) {
  // Written in place rather than appended character by character: this runs over every document
  // a door answers.
  // Twelve bits at a time: each entry is the two characters of its sextets.
  static constexpr auto kPairs = [] {
    std::array<std::array<char, 2>, 4096> pairs{};
    for (std::size_t i = 0; i < pairs.size(); ++i)
      pairs[i] = {kBase64Alphabet[i >> 6], kBase64Alphabet[i & 63]};
    return pairs;
  }();
  std::string out((bytes.size() + 2) / 3 * 4, '=');
  char* o = out.data();
  const std::uint8_t* b = bytes.data();
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3, o += 4) {
    std::uint32_t v = b[i] << 16 | b[i + 1] << 8 | b[i + 2];
    std::memcpy(o, kPairs[v >> 12].data(), 2);
    std::memcpy(o + 2, kPairs[v & 4095].data(), 2);
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = b[i] << 16 | (rest == 2 ? b[i + 1] << 8 : 0);
    o[0] = kBase64Alphabet[v >> 18];
    o[1] = kBase64Alphabet[(v >> 12) & 63];
    if (rest == 2) o[2] = kBase64Alphabet[(v >> 6) & 63];
  }
  return out;
}

namespace {

// Decodes base64 `text` into `out`, which has room for text.size() / 4 * 3 + 2 bytes and may be
// `text` itself (every four characters read give at most three bytes, written behind them);
// whitespace is skipped. Returns how many bytes were written. The one decoder behind
// from_base64 and from_base64_in_place.
Result<std::size_t> decode_base64(std::string_view text, std::uint8_t* out) {
  static constexpr auto kTable = base64_table();
  const char* p = text.data();
  const char* end = p + text.size();
  std::size_t n = 0;
  std::uint32_t acc = 0;
  int count = 0;    // sextets in the current quantum
  int padding = 0;  // '=' seen so far
  while (p < end) {
    // Whole quanta of four alphabet characters, the common case, four at a time; anything else
    // (whitespace, padding, a stray character) goes through the one-character steps below.
    if (count == 0 && padding == 0) {
      while (end - p >= 4) {
        int a = kTable[static_cast<unsigned char>(p[0])];
        int b = kTable[static_cast<unsigned char>(p[1])];
        int c = kTable[static_cast<unsigned char>(p[2])];
        int d = kTable[static_cast<unsigned char>(p[3])];
        if ((a | b | c | d) < 0) break;
        auto v = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6 | d);
        out[n] = static_cast<std::uint8_t>(v >> 16);
        out[n + 1] = static_cast<std::uint8_t>(v >> 8);
        out[n + 2] = static_cast<std::uint8_t>(v);
        n += 3;
        p += 4;
      }
      if (p == end) break;
    }
    char c = *p++;
    if (is_space(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int v = kTable[static_cast<unsigned char>(c)];
    if (v < 0) return Error::invalid_input("not a base64 character: '" + std::string(1, c) + "'");
    if (padding > 0) return Error::invalid_input("base64 data continues after '=' padding");
    acc = acc << 6 | static_cast<std::uint32_t>(v);
    if (++count == 4) {
      out[n++] = static_cast<std::uint8_t>(acc >> 16);
      out[n++] = static_cast<std::uint8_t>(acc >> 8);
      out[n++] = static_cast<std::uint8_t>(acc);
      acc = 0;
      count = 0;
    }
  }
  if (count == 1) return Error::invalid_input("base64 data ends with a stray character");
  if (padding > 0 && (count < 2 || count + padding != 4)) {
    return Error::invalid_input("base64 padding does not match the data length");
  }
  if (count == 2) {
    if (acc & 0xF) return Error::invalid_input("base64 data has non-zero trailing bits");
    out[n++] = static_cast<std::uint8_t>(acc >> 4);
  } else if (count == 3) {
    if (acc & 0x3) return Error::invalid_input("base64 data has non-zero trailing bits");
    out[n++] = static_cast<std::uint8_t>(acc >> 10);
    out[n++] = static_cast<std::uint8_t>(acc >> 2);
  }
  return n;
}

}  // namespace

Result<Bytes> from_base64(std::string_view text) {
  Bytes out(text.size() / 4 * 3 + 2);
  auto n = decode_base64(text, out.data());
  if (!n) return n.error();
  out.resize(*n);
  return out;
}

Result<std::size_t> from_base64_in_place(std::span<char> text) {
  return decode_base64({text.data(), text.size()}, reinterpret_cast<std::uint8_t*>(text.data()));
}

}  // namespace eseal::crypto
