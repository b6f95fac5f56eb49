#include "crypto/random.h"

#include <gtest/gtest.h>

#include <set>

namespace eseal::crypto {
namespace {

TEST(Random, ReturnsTheRequestedLengthAndNeverRepeats) {
  std::set<Bytes> seen;
  for (int i = 0; i < 64; ++i) {
    auto bytes = random_bytes(16);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(bytes->size(), 16u);
    EXPECT_TRUE(seen.insert(*bytes).second) << "a 128-bit random value repeated";
  }
  EXPECT_TRUE(random_bytes(0)->empty());
  auto secret = random_secret(32);
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(secret->size(), 32u);
}

}  // namespace
}  // namespace eseal::crypto
