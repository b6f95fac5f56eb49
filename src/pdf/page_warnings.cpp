#include "pdf/page_warnings.h"

namespace eseal::pdf::text_detail {
namespace {

constexpr std::size_t kMaxWarningsPerPage = 50;

}  // namespace

void PageWarnings::add(const std::string& message) {
  if (out_ == nullptr) return;
  if (count_ < kMaxWarningsPerPage) {
    out_->push_back("page " + std::to_string(page_ + 1) + ": " + message);
  } else if (count_ == kMaxWarningsPerPage) {
    out_->push_back("page " + std::to_string(page_ + 1) + ": further warnings left out");
  }
  ++count_;
}

void PageWarnings::add_once(const std::string& key, const std::string& message) {
  if (seen_.insert(key).second) add(message);
}

}  // namespace eseal::pdf::text_detail
