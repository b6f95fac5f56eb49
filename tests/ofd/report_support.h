// What the OFD tests ask of packages and verification reports: an entry's bytes, a check's
// result by name, and a report as text for failure messages.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "ofd/package.h"
#include "ofd/verify.h"

namespace eseal::ofd::test {

inline Bytes entry(ByteView zip, const std::string& name) {
  auto p = Package::open(zip);
  EXPECT_TRUE(p.ok());
  if (!p.ok()) return {};
  auto data = p->read(name);
  EXPECT_TRUE(data.ok()) << name;
  return data.ok() ? *data : Bytes{};
}

inline const ses::Check* check(const SignatureReport& s, std::string_view name) {
  const ses::Check* c = s.verdict.find(name);
  EXPECT_NE(c, nullptr) << "no check " << name;
  return c;
}

inline ses::CheckResult result_of(const SignatureReport& s, std::string_view name) {
  const ses::Check* c = check(s, name);
  return c ? c->result : ses::CheckResult::kSkipped;
}

inline std::string describe(const SignatureReport& s) {
  std::string out;
  for (const ses::Check& c : s.verdict.checks) {
    out += "  " + std::string(ses::result_name(c.result)) + " " + c.name + ": " + c.detail + "\n";
  }
  return out;
}

inline std::string describe(const VerifyReport& r) {
  std::string out;
  for (const auto& s : r.signatures)
    out += "signature " + s.id + " (" + s.format + ")\n" + describe(s);
  for (const auto& f : r.uncovered_files) out += "uncovered " + f + "\n";
  return out;
}

}  // namespace eseal::ofd::test
