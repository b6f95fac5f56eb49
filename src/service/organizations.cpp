#include "service/organizations.h"

#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace eseal::service {
namespace {

constexpr std::string_view kCreditCodeCharacters = "0123456789ABCDEFGHJKLMNPQRTUWXY";

}  // namespace

bool valid_credit_code(std::string_view code) {
  if (code.size() != 18) return false;
  int sum = 0, weight = 1;
  for (std::size_t i = 0; i < code.size(); ++i) {
    std::size_t value = kCreditCodeCharacters.find(code[i]);
    if (value == std::string_view::npos) return false;
    if (i == 17) return kCreditCodeCharacters[(31 - sum % 31) % 31] == code[i];
    sum += static_cast<int>(value) * weight;
    weight = weight * 3 % 31;
  }
  return false;
}

std::string organization_id(const std::string& credit_code) {
  return crypto::to_hex(crypto::sm3(as_bytes(credit_code))).substr(0, 32);
}

Result<store::Organization> add_organization(store::Store& store, const std::string& name,
                                             const std::string& credit_code,
                                             const std::string& actor, Time now) {
  if (name.empty()) return Error::invalid_input("an organization needs a name");
  if (!valid_credit_code(credit_code)) {
    return Error::invalid_input("\"" + credit_code +
                                "\" is not a unified social credit code (统一社会信用代码, GB "
                                "32100: 18 characters, the last its check character)")
        .with_code(org_code::kBadCreditCode);
  }
  std::string id = organization_id(credit_code);
  auto found = store.organizations().find(id);
  if (found) {
    return Error::invalid_input("organization " + found->name + " has credit code " + credit_code)
        .with_code(org_code::kTaken);
  }
  if (found.error().kind != ErrorKind::kNotFound) return found.error();
  store::Organization org{id, name, credit_code, now};
  if (auto s =
          store.organizations().add(org, {now, actor, "org.add", id, name + " " + credit_code, ""});
      !s) {
    return s.error();
  }
  return org;
}

Result<store::Organization> organization_of(store::Store& store, const std::string& name,
                                            const std::string& credit_code,
                                            const std::string& actor, Time now) {
  auto found = store.organizations().find(organization_id(credit_code));
  if (found) return found;
  if (found.error().kind != ErrorKind::kNotFound) return found.error();
  return add_organization(store, name, credit_code, actor, now);
}

}  // namespace eseal::service
