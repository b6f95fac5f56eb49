// Where text extraction's warnings about one page go: each prefixed "page N: ", some only once
// per page, and capped so that a hostile page cannot flood the caller. Internal to src/pdf
// (pdf/text.cpp and its units).
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace eseal::pdf::text_detail {

// Where warnings of one page go, numbered and capped.
class PageWarnings {
 public:
  // `out` may be null: the warnings are dropped. `page` is 0-based.
  PageWarnings(std::vector<std::string>* out, int page) : out_(out), page_(page) {}
  void add(const std::string& message);
  // Once per distinct `key` on this page.
  void add_once(const std::string& key, const std::string& message);

 private:
  std::vector<std::string>* out_;
  int page_;
  std::size_t count_ = 0;
  std::set<std::string> seen_;
};

}  // namespace eseal::pdf::text_detail
