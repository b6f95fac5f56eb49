// What a request would otherwise parse again every time: a decoded seal by its blob's SM3, a
// certificate by its PEM text. Keyed by the content itself, an entry can never be stale: a changed
// seal or certificate is a different key. Bounded: when full, it starts again empty.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "base/result.h"

namespace eseal::service {

template <typename T>
class ParsedCache {
 public:
  explicit ParsedCache(std::size_t capacity = 1024) : capacity_(capacity) {}

  // The value parsed from `key`'s content, by `parse()` (a Result<T>) the first time; a failed
  // parse is not kept.
  template <typename Parse>
  Result<T> get(const std::string& key, Parse parse) {
    {
      std::lock_guard lock(mutex_);
      if (auto it = entries_.find(key); it != entries_.end()) return it->second;
    }
    Result<T> parsed = parse();
    if (!parsed) return parsed;
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();
    entries_.insert_or_assign(key, *parsed);
    return parsed;
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::map<std::string, T> entries_;
};

}  // namespace eseal::service
