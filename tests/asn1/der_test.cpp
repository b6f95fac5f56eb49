#include "asn1/der.h"

#include <gtest/gtest.h>

#include "crypto/encoding.h"

namespace eseal::asn1 {
namespace {

Bytes hex(std::string_view text) {
  return *crypto::from_hex(text);
}

TEST(Der, EncodesMinimalIntegers) {
  EXPECT_EQ(encode_unsigned_integer(Bytes{}), hex("020100"));
  EXPECT_EQ(encode_unsigned_integer(hex("0000")), hex("020100"));
  EXPECT_EQ(encode_unsigned_integer(hex("007f")), hex("02017f"));
  EXPECT_EQ(encode_unsigned_integer(hex("80")), hex("02020080"));
}

TEST(Der, EncodesLongLengthsMinimally) {
  EXPECT_EQ(encode(tag::kOctetString, Bytes(127, 0)).size(), 2u + 127);
  Bytes e128 = encode(tag::kOctetString, Bytes(128, 0));
  EXPECT_EQ(Bytes(e128.begin(), e128.begin() + 3), hex("048180"));
  Bytes e300 = encode(tag::kOctetString, Bytes(300, 0));
  EXPECT_EQ(Bytes(e300.begin(), e300.begin() + 4), hex("0482012c"));
  auto back = parse_single(e300, tag::kOctetString);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->content.size(), 300u);
}

TEST(Der, ReadsNestedElements) {
  Bytes seq = encode_sequence(
      {encode_unsigned_integer(hex("0102")), encode(tag::kOctetString, hex("aabb"))});
  auto e = parse_single(seq, tag::kSequence);
  ASSERT_TRUE(e.ok());
  Reader r(e->content);
  EXPECT_EQ(*r.unsigned_integer(), hex("0102"));
  EXPECT_EQ(*r.octet_string(), hex("aabb"));
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.next().ok());
}

TEST(Der, RejectsNonDerInput) {
  // Complete inputs, so only the length rule can reject them.
  EXPECT_FALSE(parse_single(hex("308002010100 00"), tag::kSequence).ok()) << "indefinite length";
  Bytes long_form = hex("04817f");
  long_form.resize(3 + 0x7f, 0);
  EXPECT_FALSE(parse_single(long_form, tag::kOctetString).ok()) << "long form for a short length";
  Bytes padded_length = hex("0482007f");
  padded_length.resize(4 + 0x7f, 0);
  EXPECT_FALSE(parse_single(padded_length, tag::kOctetString).ok()) << "leading zero in length";
  EXPECT_FALSE(parse_single(hex("0403aabb"), tag::kOctetString).ok()) << "truncated";
  EXPECT_FALSE(parse_single(hex("0401aa00"), tag::kOctetString).ok()) << "trailing";
  EXPECT_FALSE(parse_single(hex("0401aa"), tag::kInteger).ok()) << "wrong tag";
  const Bytes empty_int = hex("0200"), padded_int = hex("02020001");
  Reader empty(empty_int);
  EXPECT_FALSE(empty.unsigned_integer().ok());
  Reader padded(padded_int);
  EXPECT_FALSE(padded.unsigned_integer().ok());
}

TEST(Der, EncodesAndReadsSmallIntegers) {
  for (std::int64_t v : std::initializer_list<std::int64_t>{0, 1, 4, 127, 128, 255, 256, -1, -128,
                                                            -129, INT64_MAX, INT64_MIN}) {
    Bytes e = encode_integer(v);
    auto back = parse_single(e, tag::kInteger);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*integer_value(*back), v);
  }
  EXPECT_EQ(encode_integer(128), hex("02020080"));
  EXPECT_EQ(encode_integer(-129), hex("0202ff7f"));
  // Redundant leading bytes are read (real seals carry them), oversized values are not.
  EXPECT_EQ(*integer_value(*parse_single(hex("0203000004"), tag::kInteger)), 4);
  EXPECT_FALSE(integer_value(*parse_single(hex("0209010000000000000000"), tag::kInteger)).ok());
  EXPECT_FALSE(integer_value(*parse_single(hex("0200"), tag::kInteger)).ok());
}

TEST(Der, ReadsGeneralizedAndUtcTimes) {
  auto read = [](std::uint8_t t, std::string_view text) {
    Bytes e = encode(t, as_bytes(text));
    return time_value(*parse_single(e, t));
  };
  Time want = *parse_utc("2020-10-07T16:00:50Z");
  EXPECT_EQ(*read(tag::kGeneralizedTime, "20201007160050Z"), want);
  EXPECT_EQ(*read(tag::kGeneralizedTime, "20201007160050.123Z"), want);
  EXPECT_EQ(*read(tag::kGeneralizedTime, "20201007160050"), want);
  EXPECT_EQ(*read(tag::kUtcTime, "201007160050Z"), want);
  EXPECT_EQ(*read(tag::kUtcTime, "991231235959Z"), *parse_utc("1999-12-31T23:59:59Z"));
  EXPECT_FALSE(read(tag::kGeneralizedTime, "2020100716005Z").ok());
  EXPECT_FALSE(read(tag::kGeneralizedTime, "20201307160050Z").ok());
  EXPECT_FALSE(read(tag::kGeneralizedTime, "20201007160050Zjunk").ok());
  EXPECT_FALSE(read(tag::kGeneralizedTime, "20201007160050.Z").ok());
  EXPECT_FALSE(read(tag::kIa5String, "20201007160050Z").ok());
  Bytes encoded = encode_generalized_time(want);
  EXPECT_EQ(to_string(ByteView(encoded).subspan(2)), "20201007160050Z");
}

TEST(Der, BitStringsCarryNoUnusedBits) {
  Bytes e = encode_bit_string(hex("aabb"));
  EXPECT_EQ(e, hex("030300aabb"));
  auto element = parse_single(e, tag::kBitString);
  EXPECT_EQ(Bytes(bit_string_bytes(*element)->begin(), bit_string_bytes(*element)->end()),
            hex("aabb"));
  EXPECT_FALSE(bit_string_bytes(*parse_single(hex("030204aa"), tag::kBitString)).ok());
  EXPECT_FALSE(bit_string_bytes(*parse_single(hex("0300"), tag::kBitString)).ok());
}

}  // namespace
}  // namespace eseal::asn1
