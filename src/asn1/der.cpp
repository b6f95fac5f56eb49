#include "asn1/der.h"

#include <chrono>
#include <cstdio>
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

Result<std::vector<Element>> read_all(ByteView content) {
  std::vector<Element> out;
  Reader r(content);
  while (!r.empty()) {
    auto e = r.next();
    if (!e) return e.error();
    out.push_back(*e);
  }
  return out;
}

Result<Element> parse_single(ByteView input, std::uint8_t expected) {
  Reader reader(input);
  auto e = reader.expect(expected);
  if (!e) return e;
  if (!reader.empty()) return malformed("trailing bytes after the element");
  return e;
}

Result<std::int64_t> integer_value(const Element& e) {
  if (e.tag != tag::kInteger) return malformed("expected INTEGER, found " + hex_tag(e.tag));
  ByteView c = e.content;
  if (c.empty()) return malformed("empty INTEGER");
  bool negative = c[0] & 0x80;
  std::uint8_t pad = negative ? 0xFF : 0x00;
  while (c.size() > 1 && c[0] == pad && ((c[1] & 0x80) != 0) == negative) c = c.subspan(1);
  if (c.size() > 8) return malformed("INTEGER out of range");
  std::uint64_t v = negative ? ~std::uint64_t{0} : 0;
  for (std::uint8_t b : c) v = (v << 8) | b;
  return static_cast<std::int64_t>(v);
}

Result<bool> boolean_value(const Element& e) {
  if (e.tag != tag::kBoolean) return malformed("expected BOOLEAN, found " + hex_tag(e.tag));
  if (e.content.size() != 1)
    return malformed("BOOLEAN of " + std::to_string(e.content.size()) + " bytes");
  return e.content[0] != 0;
}

Result<ByteView> bit_string_bytes(const Element& e) {
  if (e.tag != tag::kBitString) return malformed("expected BIT STRING, found " + hex_tag(e.tag));
  if (e.content.empty()) return malformed("empty BIT STRING");
  if (e.content[0] != 0) return malformed("BIT STRING with unused bits");
  return e.content.subspan(1);
}

Result<Time> time_value(const Element& e) {
  std::string text(reinterpret_cast<const char*>(e.content.data()), e.content.size());
  std::size_t year_digits;
  if (e.tag == tag::kGeneralizedTime) {
    year_digits = 4;
  } else if (e.tag == tag::kUtcTime) {
    year_digits = 2;
  } else {
    return malformed("expected a time, found " + hex_tag(e.tag));
  }
  // Digits up to the seconds, then optional fractions (GeneralizedTime only), then "Z" or
  // nothing.
  std::size_t digits = year_digits + 10;
  auto bad = [&] { return malformed("bad time \"" + text + "\""); };
  if (text.size() < digits) return bad();
  for (std::size_t i = 0; i < digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return bad();
  }
  std::size_t at = digits;
  if (year_digits == 4 && at < text.size() && (text[at] == '.' || text[at] == ',')) {
    ++at;
    std::size_t fraction = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == fraction) return bad();
  }
  if (at < text.size() && text[at] == 'Z') ++at;
  if (at != text.size()) return bad();
  auto number = [&text](std::size_t from, std::size_t width) {
    int value = 0;
    for (std::size_t i = from; i < from + width; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  int year = number(0, year_digits);
  if (year_digits == 2) year += year < 50 ? 2000 : 1900;
  std::size_t p = year_digits;
  std::chrono::year_month_day ymd{std::chrono::year(year),
                                  std::chrono::month(static_cast<unsigned>(number(p, 2))),
                                  std::chrono::day(static_cast<unsigned>(number(p + 2, 2)))};
  int h = number(p + 4, 2), mi = number(p + 6, 2), sec = number(p + 8, 2);
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return bad();
  return Time(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(sec);
}

Result<std::string> string_value(const Element& e) {
  switch (e.tag) {
    case tag::kUtf8String:
    case tag::kPrintableString:
    case 0x14:  // TeletexString
    case tag::kIa5String:
    case 0x1A:  // VisibleString
    case 0x1B:  // GeneralString
      return std::string(reinterpret_cast<const char*>(e.content.data()), e.content.size());
    default:
      return malformed("expected a character string, found " + hex_tag(e.tag));
  }
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

Bytes encode_integer(std::int64_t value) {
  std::uint8_t bytes[8];
  auto v = static_cast<std::uint64_t>(value);
  for (int i = 7; i >= 0; --i, v >>= 8) bytes[i] = static_cast<std::uint8_t>(v);
  std::size_t skip = 0;
  while (skip < 7 && ((bytes[skip] == 0x00 && !(bytes[skip + 1] & 0x80)) ||
                      (bytes[skip] == 0xFF && (bytes[skip + 1] & 0x80)))) {
    ++skip;
  }
  return encode(tag::kInteger, ByteView(bytes).subspan(skip));
}

Bytes encode_boolean(bool value) {
  const std::uint8_t content = value ? 0xFF : 0x00;
  return encode(tag::kBoolean, ByteView(&content, 1));
}

Bytes encode_bit_string(ByteView bytes) {
  Bytes content;
  content.reserve(bytes.size() + 1);
  content.push_back(0);
  append(content, bytes);
  return encode(tag::kBitString, content);
}

Bytes encode_generalized_time(Time t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd(day);
  std::chrono::hh_mm_ss hms(t - day);
  char buf[32];
  int n =
      std::snprintf(buf, sizeof buf, "%04d%02u%02u%02d%02d%02dZ", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                    static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                    static_cast<int>(hms.seconds().count()));
  return encode(tag::kGeneralizedTime,
                as_bytes(std::string_view(buf, static_cast<std::size_t>(n))));
}

Bytes encode_sequence_of(std::span<const Bytes> elements) {
  Bytes content;
  for (const Bytes& e : elements) append(content, e);
  return encode(tag::kSequence, content);
}

Bytes encode_sequence(std::initializer_list<ByteView> elements) {
  Bytes content;
  for (ByteView e : elements) append(content, e);
  return encode(tag::kSequence, content);
}

}  // namespace eseal::asn1
