#include "service/seal_status.h"

#include "service/platform.h"

namespace eseal::service {

Result<store::SealRecord> change_seal_status(store::Store& store, const std::string& actor,
                                             const std::string& id, store::SealStatus to,
                                             const std::string& reason, Time now) {
  auto seal = store.seals().find(id);
  if (!seal) {
    if (seal.error().kind == ErrorKind::kNotFound)
      return seal.error().with_code(seal_code::kNotFound);
    return seal.error();
  }
  store::SealStatus from = seal->effective_status(now);
  std::string change =
      std::string(store::status_name(from)) + " -> " + std::string(store::status_name(to));
  auto refused = [&] {
    return Error::invalid_input("seal " + id + " is " + std::string(store::status_name(from)) +
                                " and cannot become " + std::string(store::status_name(to)))
        .with_code(seal_code::kStatusChange);
  };
  if (!store::status_change_allowed(from, to)) return refused();
  std::string detail = reason.empty() ? change : change + ": " + reason;
  if (auto s = store.seals().set_status(id, to, now, {now, actor, "seal.status", id, detail, ""});
      !s) {
    // The stored status changed under us (another request got there first).
    return s.error().kind == ErrorKind::kInvalidInput ? Result<store::SealRecord>(refused())
                                                      : Result<store::SealRecord>(s.error());
  }
  return store.seals().find(id);
}

}  // namespace eseal::service
