// The services' refusals: an error with the code the doors' tables word (kInvalidInput unless
// said otherwise). Internal to src/service.
#pragma once

#include <string>

#include "base/result.h"

namespace eseal::service {

inline Error refused(const char* code, std::string message,
                     ErrorKind kind = ErrorKind::kInvalidInput) {
  return Error{kind, std::move(message)}.with_code(code);
}

}  // namespace eseal::service
