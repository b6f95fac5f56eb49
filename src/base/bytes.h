// Byte buffers: engines take read-only views and return owned buffers.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eseal {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Views the characters of `text` as bytes, without copying.
inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

inline Bytes to_bytes(std::string_view text) {
  auto view = as_bytes(text);
  return {view.begin(), view.end()};
}

inline std::string to_string(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline void append(Bytes& out, ByteView tail) {
  out.insert(out.end(), tail.begin(), tail.end());
}

}  // namespace eseal
