// The benchmarks' way out: a Result's value, or its error on stderr and exit status 2.
#pragma once

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

#include "base/result.h"

namespace eseal::bench {

template <typename T>
T must(Result<T> r, const std::string& what) {
  if (!r) {
    std::cerr << what << ": " << r.error().message << "\n";
    std::exit(2);
  }
  return std::move(*r);
}

}  // namespace eseal::bench
