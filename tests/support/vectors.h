// Reads known-answer vector files (format in tests/vectors/README.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace eseal::test {

class Vector {
 public:
  explicit Vector(std::map<std::string, std::string> fields) : fields_(std::move(fields)) {}
  // The named value decoded from hex; a missing name or bad hex fails the calling test.
  Bytes bytes(const std::string& name) const;
  // The literal text of a `name_text` field.
  std::string text(const std::string& name) const;
  bool has(const std::string& name) const { return fields_.count(name) != 0; }

 private:
  std::map<std::string, std::string> fields_;
};

// Loads tests/vectors/<file>; fails the calling test if it cannot be read.
std::vector<Vector> load_vectors(const std::string& file);

}  // namespace eseal::test
