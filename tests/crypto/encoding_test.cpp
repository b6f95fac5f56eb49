#include "crypto/encoding.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>

namespace eseal::crypto {
namespace {

TEST(Hex, RoundTripsAndAcceptsEitherCaseAndWhitespace) {
  Bytes data = {0x00, 0x1f, 0xab, 0xff};
  EXPECT_EQ(to_hex(data), "001fabff");
  EXPECT_EQ(to_hex_upper(data), "001FABFF");
  EXPECT_EQ(*from_hex("00 1F ab\nFf"), data);
  EXPECT_TRUE(from_hex("").ok());
}

TEST(Hex, DecodesWhateverTheSpacingAndAgreesWithItsEncoding) {
  // Digits in pairs, pairs split by spaces, and runs of spaces, at every offset.
  Bytes data;
  for (int i = 0; i < 300; ++i) data.push_back(static_cast<std::uint8_t>(i * 37 + 11));
  const std::string hex = to_hex(data);
  ASSERT_EQ(hex.size(), data.size() * 2);
  for (std::size_t cut = 0; cut <= 9; ++cut) {
    std::string spaced;
    for (std::size_t i = 0; i < hex.size(); ++i) {
      if (i % (cut + 1) == cut) spaced += (i % 3 ? " " : "\r\n ");
      spaced += hex[i];
    }
    auto decoded = from_hex(spaced);
    ASSERT_TRUE(decoded.ok()) << cut;
    EXPECT_EQ(*decoded, data) << cut;
    EXPECT_EQ(*from_hex(to_hex_upper(data)), data);
  }
  EXPECT_FALSE(from_hex(hex + " a").ok()) << "a digit left alone after a space";
  EXPECT_FALSE(from_hex(hex.substr(0, 40) + "g" + hex.substr(40)).ok());
}

TEST(Hex, RejectsOddLengthAndStrayCharacters) {
  EXPECT_EQ(from_hex("abc").error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(from_hex("zz").error().kind, ErrorKind::kInvalidInput);
}

// RFC 4648 §10 test vectors.
TEST(Base64, MatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : cases) {
    EXPECT_EQ(to_base64(as_bytes(plain)), encoded);
    auto decoded = from_base64(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(to_string(*decoded), plain);
  }
}

TEST(Base64, SkipsLineBreaksAndAcceptsMissingPadding) {
  EXPECT_EQ(to_string(*from_base64("Zm9v\r\nYmFy")), "foobar");
  EXPECT_EQ(to_string(*from_base64("Zm9vYg")), "foob");
}

TEST(Base64, RejectsMalformedInput) {
  EXPECT_FALSE(from_base64("Zm9v!").ok());
  EXPECT_FALSE(from_base64("Z").ok());
  EXPECT_FALSE(from_base64("Zg=a").ok());
  EXPECT_FALSE(from_base64("Zg=").ok());
  EXPECT_FALSE(from_base64("Zh==").ok()) << "non-zero trailing bits";
  EXPECT_FALSE(from_base64("====").ok());
}

TEST(Base64, DecodesInPlaceAsItDecodesIntoANewBuffer) {
  for (std::string text : {"Zm9vYmFy", "Zm9v\r\nYmE=", "Zm9vYg", "", "4pyTIMOgIGxhIG1vZGU="}) {
    auto expected = from_base64(text);
    ASSERT_TRUE(expected.ok()) << text;
    std::string buffer = text;
    auto n = from_base64_in_place(buffer);
    ASSERT_TRUE(n.ok()) << text;
    EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*n)), *expected);
  }
  std::string bad = "Zg=a";
  EXPECT_FALSE(from_base64_in_place(bad).ok());
}

// The encoder agrees with OpenSSL's at every length; the decoder's four-at-a-time steps agree
// with its one-character steps wherever whitespace, padding or a stray character falls.
TEST(Base64, AgreesWithOpenSslAndWithItselfWhateverTheLayout) {
  std::mt19937 random(20261206);
  for (std::size_t length = 0; length <= 200; ++length) {
    Bytes data(length);
    for (auto& b : data) b = static_cast<std::uint8_t>(random());
    std::string openssl((length + 2) / 3 * 4 + 1, '\0');
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(openssl.data()), data.data(),
                                  static_cast<int>(length));
    openssl.resize(static_cast<std::size_t>(written));
    std::string encoded = to_base64(data);
    ASSERT_EQ(encoded, openssl) << length;
    // Whitespace at one place, then at several.
    for (std::size_t at = 0; at <= encoded.size(); at += 1 + length / 16) {
      std::string spaced = encoded;
      spaced.insert(at, at % 2 ? "\r\n" : " ");
      for (int i = 0; i < 3; ++i) spaced.insert(random() % (spaced.size() + 1), 1, '\t');
      auto decoded = from_base64(spaced);
      ASSERT_TRUE(decoded.ok()) << spaced;
      EXPECT_EQ(*decoded, data) << spaced;
      auto n = from_base64_in_place(spaced);
      ASSERT_TRUE(n.ok()) << spaced;
      EXPECT_EQ(Bytes(spaced.begin(), spaced.begin() + static_cast<std::ptrdiff_t>(*n)), data);
    }
    // A stray character anywhere is refused.
    for (std::size_t at = 0; at < encoded.size(); at += 1 + length / 16) {
      std::string stray = encoded;
      stray[at] = '*';
      EXPECT_FALSE(from_base64(stray).ok()) << stray;
    }
  }
}

}  // namespace
}  // namespace eseal::crypto
