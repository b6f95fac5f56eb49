#include "service/platform.h"

#include <algorithm>

namespace eseal::service {

bool App::allows(const std::string& operation) const {
  return std::any_of(scopes.begin(), scopes.end(),
                     [&](const std::string& s) { return s == "*" || s == operation; });
}

std::string_view seal_status_name(SealStatus s) {
  switch (s) {
    case SealStatus::kValid:
      return "valid";
    case SealStatus::kFrozen:
      return "frozen";
    case SealStatus::kLost:
      return "lost";
    case SealStatus::kRevoked:
      return "revoked";
    case SealStatus::kExpired:
      return "expired";
  }
  return "?";
}

}  // namespace eseal::service
