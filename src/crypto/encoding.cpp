#include "crypto/encoding.h"

#include <array>
#include <cctype>

namespace eseal::crypto {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string hex_with(ByteView bytes, const char* digits) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
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
  Bytes out;
  out.reserve(text.size() / 2);
  int high = -1;
  for (char c : text) {
    if (is_space(c)) continue;
    int v = hex_value(c);
    if (v < 0) return Error::invalid_input("not a hex digit: '" + std::string(1, c) + "'");
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) return Error::invalid_input("hex text has an odd number of digits");
  return out;
}

std::string to_base64(ByteView bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    out.push_back(kBase64Alphabet[v >> 18]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back(kBase64Alphabet[v & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = bytes[i] << 16 | (rest == 2 ? bytes[i + 1] << 8 : 0);
    out.push_back(kBase64Alphabet[v >> 18]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

namespace {

// Decodes base64 `text`, passing each byte to `put` in order; whitespace is skipped. The one
// decoder behind from_base64 and from_base64_in_place.
template <typename Put>
Status decode_base64(std::string_view text, Put put) {
  static constexpr auto kTable = base64_table();
  std::uint32_t acc = 0;
  int count = 0;    // sextets in the current quantum
  int padding = 0;  // '=' seen so far
  for (char c : text) {
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
      put(static_cast<std::uint8_t>(acc >> 16));
      put(static_cast<std::uint8_t>(acc >> 8));
      put(static_cast<std::uint8_t>(acc));
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
    put(static_cast<std::uint8_t>(acc >> 4));
  } else if (count == 3) {
    if (acc & 0x3) return Error::invalid_input("base64 data has non-zero trailing bits");
    put(static_cast<std::uint8_t>(acc >> 10));
    put(static_cast<std::uint8_t>(acc >> 2));
  }
  return ok_status();
}

}  // namespace

Result<Bytes> from_base64(std::string_view text) {
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  if (auto s = decode_base64(text, [&out](std::uint8_t b) { out.push_back(b); }); !s) {
    return s.error();
  }
  return out;
}

Result<std::size_t> from_base64_in_place(std::span<char> text) {
  // Every four characters read give at most three bytes, written behind the reading position.
  auto* out = reinterpret_cast<std::uint8_t*>(text.data());
  std::size_t n = 0;
  if (auto s = decode_base64({text.data(), text.size()}, [&](std::uint8_t b) { out[n++] = b; });
      !s) {
    return s.error();
  }
  return n;
}

}  // namespace eseal::crypto
