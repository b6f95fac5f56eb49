// Organizations (the units seals are made for), added the one way for every door that adds
// one: the REST API and console, DB4403 grants (`eseal sz grant`), the demo.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "store/store.h"

namespace eseal::service {

namespace org_code {
inline constexpr const char* kBadCreditCode = "org-credit-code";  // not a GB 32100 code
inline constexpr const char* kTaken = "org-taken";  // an organization has that code already
}  // namespace org_code

// Whether `code` is a unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters
// of digits and capital letters but I, O, S, V and Z, the last the check character of the 17
// before it (weights 3^(i-1) mod 31).
bool valid_credit_code(std::string_view code);

// An organization's id: from its unified social credit code, so that whoever adds it twice
// finds the one already there.
std::string organization_id(const std::string& credit_code);

// Adds the organization `name` with `credit_code` (kInvalidInput with org_code::kBadCreditCode
// for a code that is not valid, kTaken when one has that code), audited as "org.add" by `actor`.
Result<store::Organization> add_organization(store::Store& store, const std::string& name,
                                             const std::string& credit_code,
                                             const std::string& actor, Time now);

// The organization with `credit_code`, added as add_organization adds it when there is none.
Result<store::Organization> organization_of(store::Store& store, const std::string& name,
                                            const std::string& credit_code,
                                            const std::string& actor, Time now);

}  // namespace eseal::service
