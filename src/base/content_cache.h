// What a request would otherwise work out again every time from the same bytes — a decoded seal by
// its blob's SM3, a certificate by its PEM text, a seal picture ready for a PDF by the picture's
// SM3. Keyed by the content itself, an entry can never be stale: changed content is another key.
// Bounded: when full, it starts again empty. Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "base/result.h"

namespace eseal {

template <typename T>
class ContentCache {
 public:
  explicit ContentCache(std::size_t capacity = 1024) : capacity_(capacity) {}

  // The value made from `key`'s content, by `make()` (a Result<T>) the first time; a failure is
  // not kept.
  template <typename Make>
  Result<T> get(const std::string& key, Make make) {
    {
      std::lock_guard lock(mutex_);
      if (auto it = entries_.find(key); it != entries_.end()) return it->second;
    }
    Result<T> made = make();
    if (!made) return made;
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();
    entries_.insert_or_assign(key, *made);
    return made;
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::map<std::string, T> entries_;
};

}  // namespace eseal
