#include "service/retries.h"

namespace eseal::service {

Result<Recalled> recall(Credentials& credentials, const Caller& caller, const std::string& nonce,
                        const std::string& digest, Time now, bool redo_safe) {
  auto kept = credentials.recall_request(caller, nonce, now);
  if (!kept) return kept.error();
  if (!*kept) return Recalled{};
  // A nonce remembered without a digest (before retries were kept) names no request to match.
  if ((*kept)->digest.empty() || (*kept)->digest != digest) return Recalled{Seen::kReplay, {}};
  if (!(*kept)->answer.empty()) return Recalled{Seen::kRetry, std::move((*kept)->answer)};
  return Recalled{redo_safe ? Seen::kRedo : Seen::kReplay, {}};
}

KeptRequest kept_request(std::string digest, std::string_view answer) {
  if (answer.size() > kKeptAnswerLimit) return {std::move(digest), {}};
  return {std::move(digest), std::string(answer)};
}

}  // namespace eseal::service
