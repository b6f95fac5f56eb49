// X.501 distinguished names as the CLI and the interfaces write them: "C=CN,O=某某公司,CN=张三".
// Values are UTF-8; attribute order is kept as written (most significant first, as in X.509).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace eseal::pki {

struct NameAttribute {
  std::string type;   // short name: C, ST, L, O, OU, CN, serialNumber, emailAddress, ...
  std::string value;  // UTF-8

  friend bool operator==(const NameAttribute&, const NameAttribute&) = default;
};

class DistinguishedName {
 public:
  DistinguishedName() = default;
  explicit DistinguishedName(std::vector<NameAttribute> attributes)
      : attributes_(std::move(attributes)) {}

  // Parses "TYPE=value" pairs separated by ',' (or '/' when the text starts with '/', as
  // OpenSSL's -subj does). Spaces around types and values are dropped; "\," and "\\" escape.
  static Result<DistinguishedName> parse(std::string_view text);

  const std::vector<NameAttribute>& attributes() const { return attributes_; }
  bool empty() const { return attributes_.empty(); }
  // The first value of `type`, a short name or a dotted OID ("" when absent).
  std::string get(std::string_view type) const;
  // "C=CN,O=...,CN=..." with ',', '+', '=' and '\' in values escaped; parse() reads it back.
  std::string to_string() const;

  friend bool operator==(const DistinguishedName&, const DistinguishedName&) = default;

 private:
  std::vector<NameAttribute> attributes_;
};

}  // namespace eseal::pki
