#include "crypto/digest.h"

#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "support/vectors.h"

namespace eseal::crypto {
namespace {

TEST(Sm3, MatchesGbT32905Examples) {
  for (const auto& v : test::load_vectors("sm3.vec")) {
    EXPECT_EQ(to_hex(sm3(as_bytes(v.text("message")))), to_hex(v.bytes("digest")));
  }
}

TEST(Sm3, StreamingEqualsOneShotAndRestartsAfterFinish) {
  const std::string message = "abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd";
  Hasher h(HashAlgorithm::kSm3);
  for (std::size_t i = 0; i < message.size(); i += 7) {
    h.update(as_bytes(std::string_view(message).substr(i, 7)));
  }
  EXPECT_EQ(h.finish(), sm3(as_bytes(message)));
  h.update(as_bytes("abc"));
  EXPECT_EQ(to_hex(h.finish()), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

// A copy goes on from the state it was made in, independently of the original; finish_hash
// continues a prefix's state over the rest of a document, and falls back to a whole pass for a
// prefix of another algorithm or longer than the document.
TEST(Sm3, ACopiedStateFinishesTheDocumentItsPrefixBegins) {
  const std::string document = "GB/T 32905 examples: abc, then abcd sixteen times over.";
  Hasher prefix(HashAlgorithm::kSm3);
  prefix.update(as_bytes(std::string_view(document).substr(0, 20)));
  Hasher copy = prefix.copy();
  copy.update(as_bytes(std::string_view(document).substr(20)));
  EXPECT_EQ(copy.finish(), sm3(as_bytes(document)));
  prefix.update(as_bytes("abc"));
  EXPECT_EQ(prefix.finish(), sm3(as_bytes(document.substr(0, 20) + "abc")));

  Hasher kept(HashAlgorithm::kSm3);
  kept.update(as_bytes(std::string_view(document).substr(0, 20)));
  HashedPrefix hashed{std::make_shared<const Hasher>(std::move(kept)), 20};
  EXPECT_EQ(finish_hash(HashAlgorithm::kSm3, hashed, as_bytes(document)), sm3(as_bytes(document)));
  EXPECT_EQ(finish_hash(HashAlgorithm::kSm3, hashed, as_bytes(document)), sm3(as_bytes(document)))
      << "the kept state is not used up";
  EXPECT_EQ(finish_hash(HashAlgorithm::kSha256, hashed, as_bytes(document)),
            sha256(as_bytes(document)));
  EXPECT_EQ(finish_hash(HashAlgorithm::kSm3, {}, as_bytes(document)), sm3(as_bytes(document)));
  HashedPrefix too_long{hashed.state, document.size() + 1};
  EXPECT_EQ(finish_hash(HashAlgorithm::kSm3, too_long, as_bytes(document)),
            sm3(as_bytes(document)));
}

TEST(Digest, MatchesPublishedShaAndHmacVectors) {
  for (const auto& v : test::load_vectors("hash.vec")) {
    std::string algorithm = v.text("algorithm");
    const std::string text = v.text("message");
    auto message = as_bytes(text);
    Bytes got;
    if (algorithm == "sha1") {
      got = sha1(message);
    } else if (algorithm == "sha256") {
      got = sha256(message);
    } else if (algorithm == "hmac-sha256") {
      got = hmac_sha256(v.bytes("key"), message);
    } else if (algorithm == "hmac-sm3") {
      got = hmac_sm3(v.bytes("key"), message);
    } else {
      ADD_FAILURE() << "unknown algorithm " << algorithm;
    }
    EXPECT_EQ(to_hex(got), to_hex(v.bytes("digest"))) << algorithm;
  }
}

TEST(Digest, HmacAcceptsAnEmptyKey) {
  EXPECT_EQ(hmac_sm3({}, as_bytes("x")).size(), 32u);
  EXPECT_NE(hmac_sm3({}, as_bytes("x")), hmac_sm3(as_bytes("k"), as_bytes("x")));
}

TEST(Digest, ConstantTimeComparison) {
  EXPECT_TRUE(equal_constant_time(as_bytes("abc"), as_bytes("abc")));
  EXPECT_FALSE(equal_constant_time(as_bytes("abc"), as_bytes("abd")));
  EXPECT_FALSE(equal_constant_time(as_bytes("abc"), as_bytes("ab")));
}

TEST(Digest, HmacOverPartsIsTheHmacOfTheirConcatenation) {
  Bytes key(32, 7);
  for (auto algorithm : {HashAlgorithm::kSm3, HashAlgorithm::kSha256}) {
    EXPECT_EQ(hmac(algorithm, key, {as_bytes("req-1"), as_bytes(""), as_bytes("content")}),
              hmac(algorithm, key, as_bytes("req-1content")));
  }
  EXPECT_EQ(hmac(HashAlgorithm::kSm3, {}, {}), hmac(HashAlgorithm::kSm3, {}, ByteView{}));
}

}  // namespace
}  // namespace eseal::crypto
