#include "support/vectors.h"

#include <gtest/gtest.h>

#include <fstream>

#include "crypto/encoding.h"

#ifndef ESEAL_TEST_VECTOR_DIR
#error "ESEAL_TEST_VECTOR_DIR must name tests/vectors"
#endif

namespace eseal::test {
namespace {

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

Bytes Vector::bytes(const std::string& name) const {
  auto it = fields_.find(name);
  EXPECT_NE(it, fields_.end()) << "vector has no field " << name;
  if (it == fields_.end()) return {};
  auto decoded = crypto::from_hex(it->second);
  EXPECT_TRUE(decoded.ok()) << name << ": " << decoded.error().message;
  return decoded.ok() ? *decoded : Bytes{};
}

std::string Vector::text(const std::string& name) const {
  auto it = fields_.find(name + "_text");
  EXPECT_NE(it, fields_.end()) << "vector has no field " << name << "_text";
  return it == fields_.end() ? std::string() : it->second;
}

std::vector<Vector> load_vectors(const std::string& file) {
  std::ifstream in(std::string(ESEAL_TEST_VECTOR_DIR) + "/" + file);
  EXPECT_TRUE(in.good()) << "cannot open vector file " << file;
  std::vector<Vector> out;
  std::map<std::string, std::string> fields;
  std::string line;
  auto flush = [&] {
    if (!fields.empty()) out.emplace_back(std::move(fields));
    fields.clear();
  };
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty()) {
      flush();
      continue;
    }
    if (t[0] == '#') continue;
    auto eq = t.find(" = ");
    if (eq == std::string::npos) {
      ADD_FAILURE() << file << ": line without ' = ': " << t;
      continue;
    }
    fields[t.substr(0, eq)] = t.substr(eq + 3);
  }
  flush();
  EXPECT_FALSE(out.empty()) << file << " holds no vectors";
  return out;
}

}  // namespace eseal::test
