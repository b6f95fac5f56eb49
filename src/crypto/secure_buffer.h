// Memory for secrets (private scalars, symmetric keys, key-encryption keys): every buffer is
// overwritten with OPENSSL_cleanse before it is returned to the heap, including the old buffer
// when a vector grows.
#pragma once

#include <openssl/crypto.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/bytes.h"

namespace eseal::crypto {

// Wraps the stateless allocator `Base` (std::allocator by default; tests substitute one that
// inspects memory as it is released).
template <typename T, template <typename> class Base = std::allocator>
struct WipingAllocator {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = WipingAllocator<U, Base>;
  };

  WipingAllocator() = default;
  template <typename U>
  WipingAllocator(const WipingAllocator<U, Base>&) {}

  T* allocate(std::size_t n) { return Base<T>{}.allocate(n); }
  void deallocate(T* p, std::size_t n) {
    OPENSSL_cleanse(p, n * sizeof(T));
    Base<T>{}.deallocate(p, n);
  }

  template <typename U>
  bool operator==(const WipingAllocator<U, Base>&) const {
    return true;
  }
};

using SecureBytes = std::vector<std::uint8_t, WipingAllocator<std::uint8_t>>;

inline SecureBytes to_secure(ByteView bytes) {
  return {bytes.begin(), bytes.end()};
}

}  // namespace eseal::crypto
