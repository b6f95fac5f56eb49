#include "asn1/oid.h"

#include <charconv>
#include <cstdint>

#include "asn1/der.h"

namespace eseal::asn1::oid {
namespace {

void append_base128(Bytes& out, std::uint64_t value) {
  std::uint8_t digits[10];
  int count = 0;
  do {
    digits[count++] = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
  } while (value != 0);
  while (count > 1) out.push_back(digits[--count] | 0x80);
  out.push_back(digits[0]);
}

}  // namespace

Result<Bytes> encode_content(std::string_view dotted) {
  std::vector<std::uint64_t> arcs;
  std::size_t start = 0;
  while (start <= dotted.size()) {
    std::size_t dot = dotted.find('.', start);
    if (dot == std::string_view::npos) dot = dotted.size();
    std::uint64_t arc = 0;
    const char* first = dotted.data() + start;
    const char* last = dotted.data() + dot;
    auto [end, ec] = std::from_chars(first, last, arc);
    if (first == last || ec != std::errc() || end != last) {
      return Error::invalid_input("not an object identifier: " + std::string(dotted));
    }
    arcs.push_back(arc);
    start = dot + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39) ||
      arcs[1] > UINT64_MAX - 80) {
    return Error::invalid_input("not an object identifier: " + std::string(dotted));
  }
  Bytes out;
  append_base128(out, arcs[0] * 40 + arcs[1]);
  for (std::size_t i = 2; i < arcs.size(); ++i) append_base128(out, arcs[i]);
  return out;
}

Bytes encode(std::string_view dotted) {
  return asn1::encode(tag::kObjectIdentifier, encode_content(dotted).value());
}

Result<std::string> decode_content(ByteView content) {
  if (content.empty()) return Error::invalid_input("malformed DER: empty OBJECT IDENTIFIER");
  std::string out;
  std::uint64_t value = 0;
  bool first = true;
  bool fresh = true;
  for (std::size_t i = 0; i < content.size(); ++i) {
    std::uint8_t b = content[i];
    if (fresh && b == 0x80) return Error::invalid_input("malformed DER: non-minimal OID arc");
    if (value > (UINT64_MAX >> 7)) return Error::invalid_input("malformed DER: OID arc too large");
    value = (value << 7) | (b & 0x7F);
    fresh = false;
    if (b & 0x80) {
      if (i + 1 == content.size()) return Error::invalid_input("malformed DER: truncated OID");
      continue;
    }
    if (first) {
      std::uint64_t top = value < 40 ? 0 : value < 80 ? 1 : 2;
      out = std::to_string(top) + "." + std::to_string(value - top * 40);
      first = false;
    } else {
      out += '.';
      out += std::to_string(value);
    }
    value = 0;
    fresh = true;
  }
  return out;
}

std::string describe(std::string_view dotted) {
  if (dotted == kSm3WithSm2) return "SM3withSM2";
  if (dotted == kSm3) return "SM3";
  if (dotted == kSm2) return "SM2";
  if (dotted == kSm2Sign) return "SM2-1 (signature)";
  if (dotted == kSha256) return "SHA-256";
  if (dotted == kSha1) return "SHA-1";
  return std::string(dotted);
}

}  // namespace eseal::asn1::oid
