// The one way a seal's status changes, for every door and job that changes one (the CLI, the
// REST door, filing with the national platform): from its effective status now (a seal past its
// end date is expired, whatever is stored), along store::status_change_allowed, with the change
// and its reason in the audit row written in the same transaction.
#pragma once

#include <string>

#include "base/result.h"
#include "base/time.h"
#include "store/store.h"

namespace eseal::service {

// Returns the seal as changed. kNotFound (seal_code::kNotFound) when no seal has that id;
// kInvalidInput with code seal_code::kStatusChange when the seal's status cannot become `to`
// ("seal X is revoked and cannot become valid"). The audit row is `actor`, "seal.status", the
// seal's id and "<from> -> <to>: <reason>" (no ": <reason>" when it is empty).
Result<store::SealRecord> change_seal_status(store::Store& store, const std::string& actor,
                                             const std::string& id, store::SealStatus to,
                                             const std::string& reason, Time now);

}  // namespace eseal::service
