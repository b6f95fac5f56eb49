// A small strict DER (ITU-T X.690) reader and writer for the structures OpenSSL does not model:
// GM/T 0009 SM2Signature and SM2Cipher now, GB/T 38540 SES structures and GM/T 0010 later.
// The reader rejects indefinite lengths, non-minimal lengths and non-minimal INTEGERs.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"

namespace eseal::asn1 {

namespace tag {
inline constexpr std::uint8_t kBoolean = 0x01;
inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kBitString = 0x03;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kNull = 0x05;
inline constexpr std::uint8_t kObjectIdentifier = 0x06;
inline constexpr std::uint8_t kUtf8String = 0x0C;
inline constexpr std::uint8_t kPrintableString = 0x13;
inline constexpr std::uint8_t kIa5String = 0x16;
inline constexpr std::uint8_t kUtcTime = 0x17;
inline constexpr std::uint8_t kGeneralizedTime = 0x18;
inline constexpr std::uint8_t kSequence = 0x30;
inline constexpr std::uint8_t kSet = 0x31;
// Context-specific [n]: constructed (EXPLICIT or a constructed IMPLICIT type) and primitive.
inline constexpr std::uint8_t context_constructed(int n) {
  return static_cast<std::uint8_t>(0xA0 | n);
}
inline constexpr std::uint8_t context_primitive(int n) {
  return static_cast<std::uint8_t>(0x80 | n);
}
}  // namespace tag

// One decoded element. `content` views the reader's input; `encoded` is the whole TLV.
struct Element {
  std::uint8_t tag = 0;
  ByteView content;
  ByteView encoded;
};

// Reads consecutive DER elements from a buffer it does not own.
class Reader {
 public:
  explicit Reader(ByteView input) : rest_(input) {}

  bool empty() const { return rest_.empty(); }
  // The tag of the next element, or 0 at the end.
  std::uint8_t peek_tag() const { return rest_.empty() ? 0 : rest_[0]; }

  // Reads the next element of any tag.
  Result<Element> next();
  // Reads the next element and fails unless its tag is `expected`.
  Result<Element> expect(std::uint8_t expected);
  // Reads a non-negative INTEGER and returns its magnitude without sign padding
  // (empty for zero). Negative and non-minimal encodings are rejected.
  Result<Bytes> unsigned_integer();
  // Reads an OCTET STRING and returns its content.
  Result<Bytes> octet_string();

 private:
  ByteView rest_;
};

// Every element of `content` in order: the children of a constructed element.
Result<std::vector<Element>> read_all(ByteView content);

// Parses `input` as exactly one element with tag `expected` and nothing after it.
Result<Element> parse_single(ByteView input, std::uint8_t expected);

// Readers of one element's value. They check the tag and are lenient where real-world signed
// data is known to deviate from DER but the meaning is unambiguous (GB/T 38540 seals made by
// BER-minded encoders): INTEGERs with redundant leading bytes, BOOLEAN true other than 0xFF.

// An INTEGER that fits in 64 bits.
Result<std::int64_t> integer_value(const Element& e);
// A BOOLEAN.
Result<bool> boolean_value(const Element& e);
// The bytes of a BIT STRING with no unused bits (the form every signature and hash uses).
Result<ByteView> bit_string_bytes(const Element& e);
// A GeneralizedTime ("YYYYMMDDHHMMSS[.fff]Z"; without "Z" taken as UTC) or a UTCTime
// ("YYMMDDHHMMSSZ", years 50..99 are 19xx), truncated to the second.
Result<Time> time_value(const Element& e);
// The text of a character string (UTF8String, PrintableString, IA5String and the other
// 8-bit string types), unchecked beyond its tag.
Result<std::string> string_value(const Element& e);

// Encodes one element from its tag and content.
Bytes encode(std::uint8_t tag, ByteView content);
// Encodes the unsigned big-endian `magnitude` as a minimal non-negative INTEGER.
Bytes encode_unsigned_integer(ByteView magnitude);
Bytes encode_integer(std::int64_t value);
Bytes encode_boolean(bool value);
// A BIT STRING with 0 unused bits holding `bytes`.
Bytes encode_bit_string(ByteView bytes);
// GeneralizedTime "YYYYMMDDHHMMSSZ".
Bytes encode_generalized_time(Time t);
// Encodes a SEQUENCE whose content is the concatenation of already-encoded `elements`.
Bytes encode_sequence(std::initializer_list<ByteView> elements);
Bytes encode_sequence_of(std::span<const Bytes> elements);

}  // namespace eseal::asn1
