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

}  // namespace
}  // namespace eseal::asn1
