// A small strict DER (ITU-T X.690) reader and writer for the structures OpenSSL does not model:
// GM/T 0009 SM2Signature and SM2Cipher now, GB/T 38540 SES structures and GM/T 0010 later.
// The reader rejects indefinite lengths, non-minimal lengths and non-minimal INTEGERs.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::asn1 {

namespace tag {
inline constexpr std::uint8_t kBoolean = 0x01;
inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kBitString = 0x03;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kNull = 0x05;
inline constexpr std::uint8_t kObjectIdentifier = 0x06;
inline constexpr std::uint8_t kUtf8String = 0x0C;
inline constexpr std::uint8_t kIa5String = 0x16;
inline constexpr std::uint8_t kGeneralizedTime = 0x18;
inline constexpr std::uint8_t kSequence = 0x30;
inline constexpr std::uint8_t kSet = 0x31;
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

// Parses `input` as exactly one element with tag `expected` and nothing after it.
Result<Element> parse_single(ByteView input, std::uint8_t expected);

// Encodes one element from its tag and content.
Bytes encode(std::uint8_t tag, ByteView content);
// Encodes the unsigned big-endian `magnitude` as a minimal non-negative INTEGER.
Bytes encode_unsigned_integer(ByteView magnitude);
// Encodes a SEQUENCE whose content is the concatenation of already-encoded `elements`.
Bytes encode_sequence(std::initializer_list<ByteView> elements);

}  // namespace eseal::asn1
