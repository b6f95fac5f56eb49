#include "service/platform.h"

#include <algorithm>

namespace eseal::service {

bool App::allows(const std::string& operation) const {
  return std::any_of(scopes.begin(), scopes.end(),
                     [&](const std::string& s) { return s == "*" || s == operation; });
}

}  // namespace eseal::service
