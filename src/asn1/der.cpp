#include "asn1/der.h"

#include <string>

namespace eseal::asn1 {
namespace {

Error malformed(const std::string& what) {
  return Error::invalid_input("malformed DER: " + what);
}

std::string hex_tag(std::uint8_t t) {
  const char* digits = "0123456789abcdef";
  return {'0', 'x', digits[t >> 4], digits[t & 0xF]};
}

void append_length(Bytes& out, std::size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<std::uint8_t>(length));
    return;
  }
  std::uint8_t digits[sizeof(std::size_t)];
  int count = 0;
  for (std::size_t l = length; l != 0; l >>= 8) digits[count++] = static_cast<std::uint8_t>(l);
  out.push_back(static_cast<std::uint8_t>(0x80 | count));
  while (count > 0) out.push_back(digits[--count]);
}

}  // namespace

Result<Element> Reader::next() {
  if (rest_.size() < 2) return malformed("truncated element header");
  std::uint8_t t = rest_[0];
  if ((t & 0x1F) == 0x1F) return malformed("high tag numbers are not supported");
  std::size_t header = 2;
  std::size_t length = rest_[1];
  if (length == 0x80) return malformed("indefinite length");
  if (length > 0x80) {
    std::size_t count = length & 0x7F;
    if (count > sizeof(std::size_t) - 1) return malformed("length too large");
    if (rest_.size() < 2 + count) return malformed("truncated length");
    if (rest_[2] == 0) return malformed("non-minimal length");
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = (length << 8) | rest_[2 + i];
    if (length < 0x80) return malformed("non-minimal length");
    header += count;
  }
  if (rest_.size() - header < length) return malformed("content runs past the end");
  Element e{t, rest_.subspan(header, length), rest_.first(header + length)};
  rest_ = rest_.subspan(header + length);
  return e;
}

Result<Element> Reader::expect(std::uint8_t expected) {
  auto e = next();
  if (!e) return e;
  if (e->tag != expected) {
    return malformed("expected tag " + hex_tag(expected) + ", found " + hex_tag(e->tag));
  }
  return e;
}

Result<Bytes> Reader::unsigned_integer() {
  auto e = expect(tag::kInteger);
  if (!e) return e.error();
  ByteView c = e->content;
  if (c.empty()) return malformed("empty INTEGER");
  if (c[0] & 0x80) return malformed("negative INTEGER");
  if (c.size() > 1 && c[0] == 0 && !(c[1] & 0x80)) return malformed("non-minimal INTEGER");
  if (c[0] == 0) c = c.subspan(1);
  return Bytes(c.begin(), c.end());
}

Result<Bytes> Reader::octet_string() {
  auto e = expect(tag::kOctetString);
  if (!e) return e.error();
  return Bytes(e->content.begin(), e->content.end());
}

Result<Element> parse_single(ByteView input, std::uint8_t expected) {
  Reader reader(input);
  auto e = reader.expect(expected);
  if (!e) return e;
  if (!reader.empty()) return malformed("trailing bytes after the element");
  return e;
}

Bytes encode(std::uint8_t t, ByteView content) {
  Bytes out;
  out.reserve(content.size() + 6);
  out.push_back(t);
  append_length(out, content.size());
  append(out, content);
  return out;
}

Bytes encode_unsigned_integer(ByteView magnitude) {
  std::size_t skip = 0;
  while (skip < magnitude.size() && magnitude[skip] == 0) ++skip;
  Bytes content;
  if (skip == magnitude.size() || (magnitude[skip] & 0x80)) content.push_back(0);
  content.insert(content.end(), magnitude.begin() + skip, magnitude.end());
  return encode(tag::kInteger, content);
}

Bytes encode_sequence(std::initializer_list<ByteView> elements) {
  Bytes content;
  for (ByteView e : elements) append(content, e);
  return encode(tag::kSequence, content);
}

}  // namespace eseal::asn1
