#include "service/platform.h"

#include <algorithm>

namespace eseal::service {

bool Caller::allows(const std::string& operation) const {
  return std::any_of(scopes.begin(), scopes.end(),
                     [&](const std::string& s) { return s == "*" || s == operation; });
}

std::string Caller::actor() const {
  if (staff()) return family + ":" + name;
  return "app:" + name;
}

Status check_usable(const RegisteredSeal& seal, const Caller& caller, Time now) {
  auto refuse = [&](const char* code, const std::string& why) {
    return Error::invalid_input("seal " + seal.id + " " + why).with_code(code);
  };
  const ses::SealInfo& info = seal.seal.info;
  if (!seal.owner_app_id.empty() && seal.owner_app_id != caller.app_id && !caller.staff())
    return refuse(seal_code::kNotYours, "belongs to another app");
  if (seal.status == "expired" || now > info.valid_end)
    return refuse(seal_code::kExpired, "expired at " + format_utc(info.valid_end));
  if (seal.status != "valid") return refuse(seal_code::kStatus, "is " + seal.status);
  if (now < info.valid_start)
    return refuse(seal_code::kNotYetValid, "is not valid before " + format_utc(info.valid_start));
  if (!seal.signer_cert)
    return refuse(seal_code::kNoSigner, "has no registered signer certificate");
  if (now < seal.signer_cert->not_before() || now > seal.signer_cert->not_after()) {
    return refuse(seal_code::kSignerCertificate, "has a signer certificate valid only " +
                                                     format_utc(seal.signer_cert->not_before()) +
                                                     " .. " +
                                                     format_utc(seal.signer_cert->not_after()));
  }
  return ok_status();
}

Result<SealInUse> SealRegistry::usable(const std::string& id, const Caller& caller, Time now) {
  auto seal = find(id, now);
  if (!seal) return seal.error();
  if (auto s = check_usable(*seal, caller, now); !s) return s.error();
  auto signer = signer_of(*seal);
  if (!signer) return signer.error();
  return SealInUse{std::move(*seal), std::move(*signer)};
}

}  // namespace eseal::service
