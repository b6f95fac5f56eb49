#include "crypto/secure_buffer.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace eseal::crypto {
namespace {

// Records whether each block handed back was all zero at the moment of release.
std::vector<bool> released_zeroed;

template <typename T>
struct InspectingAllocator {
  using value_type = T;
  T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
  void deallocate(T* p, std::size_t n) {
    auto* bytes = reinterpret_cast<const std::uint8_t*>(p);
    released_zeroed.push_back(
        std::all_of(bytes, bytes + n * sizeof(T), [](auto b) { return b == 0; }));
    std::allocator<T>{}.deallocate(p, n);
  }
};

TEST(SecureBuffer, WipesMemoryOnReleaseAndOnGrowth) {
  released_zeroed.clear();
  {
    std::vector<std::uint8_t, WipingAllocator<std::uint8_t, InspectingAllocator>> secret(16, 0xA5);
    secret.resize(4096, 0x5A);  // forces a reallocation; the old block must be wiped
  }
  ASSERT_EQ(released_zeroed.size(), 2u);
  EXPECT_TRUE(released_zeroed[0]);
  EXPECT_TRUE(released_zeroed[1]);
}

}  // namespace
}  // namespace eseal::crypto
