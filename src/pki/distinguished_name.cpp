#include "pki/distinguished_name.h"

#include <openssl/objects.h>

namespace eseal::pki {
namespace {

std::string trim(std::string_view s) {
  auto begin = s.find_first_not_of(' ');
  if (begin == std::string_view::npos) return {};
  auto end = s.find_last_not_of(' ');
  return std::string(s.substr(begin, end - begin + 1));
}

}  // namespace

Result<DistinguishedName> DistinguishedName::parse(std::string_view text) {
  char separator = ',';
  if (!text.empty() && text.front() == '/') {
    separator = '/';
    text.remove_prefix(1);
  }
  std::vector<NameAttribute> attributes;
  std::string part;
  auto flush = [&]() -> Status {
    auto eq = part.find('=');
    if (eq == std::string::npos) {
      return Error::invalid_input("distinguished name part without '=': \"" + part + "\"");
    }
    NameAttribute a{trim(std::string_view(part).substr(0, eq)),
                    trim(std::string_view(part).substr(eq + 1))};
    if (a.type.empty() || a.value.empty()) {
      return Error::invalid_input("distinguished name part has an empty type or value: \"" + part +
                                  "\"");
    }
    if (OBJ_txt2nid(a.type.c_str()) == NID_undef) {
      return Error::invalid_input("unknown distinguished name attribute type: " + a.type);
    }
    attributes.push_back(std::move(a));
    part.clear();
    return ok_status();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      part.push_back(text[++i]);
      continue;
    }
    if (c == separator) {
      if (auto s = flush(); !s) return s.error();
      continue;
    }
    part.push_back(c);
  }
  if (trim(part).empty()) {
    if (attributes.empty()) return Error::invalid_input("empty distinguished name");
  } else if (auto s = flush(); !s) {
    return s.error();
  }
  return DistinguishedName(std::move(attributes));
}

std::string DistinguishedName::get(std::string_view type) const {
  std::string wanted(type);
  // A dotted OID names its attribute by the short name the attributes carry.
  if (!wanted.empty() && wanted.find_first_not_of("0123456789.") == std::string::npos) {
    int nid = OBJ_txt2nid(wanted.c_str());
    if (const char* name = nid == NID_undef ? nullptr : OBJ_nid2sn(nid)) wanted = name;
  }
  for (const auto& a : attributes_) {
    if (a.type == wanted) return a.value;
  }
  return {};
}

std::string DistinguishedName::to_string() const {
  std::string out;
  for (const auto& a : attributes_) {
    if (!out.empty()) out.push_back(',');
    out += a.type;
    out.push_back('=');
    for (char c : a.value) {
      if (c == ',' || c == '+' || c == '=' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace eseal::pki
