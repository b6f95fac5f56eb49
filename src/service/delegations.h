// Delegation (授权, manual §3.4.5; COSIGN_TSA_NOTES §4.7): a user (the grantor) lets another
// user of the same app (the grantee) sign the grantor's jobs until an end time. The grantee
// always signs with their own key; the grant is evidence: a statement the grantor co-signed on
// the phone (a sign job of type DELEGATION), kept with the delegation and with every job signed
// under it, and named in the audit log.
// Delegations are tasks of kind "coss.delegation": WAIT (asked, until the grantee answers) →
// AUTHORIZE (accepted) or REFUSE (refused); WAIT or AUTHORIZE → CANCEL (the grantor withdraws;
// or its end time passes). The subject is the grantee, the reference the grantor.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "service/coss_keys.h"
#include "service/coss_users.h"
#include "service/tasks.h"

namespace eseal::service {

namespace delegation_code {
inline constexpr const char* kNotFound = "delegation-not-found";
inline constexpr const char* kBadGrantee = "delegation-grantee";    // unknown, or the grantor
inline constexpr const char* kBadEnd = "delegation-end";            // past, or over a year away
inline constexpr const char* kNotSigned = "delegation-not-signed";  // grantor has not co-signed
inline constexpr const char* kState = "delegation-state";           // not in a state for that
inline constexpr const char* kBadStatus = "delegation-status";      // not WAIT/AUTHORIZE/…
}  // namespace delegation_code

inline constexpr auto kMaxDelegation = std::chrono::days(366);

const TaskKind& delegation_kind();

// The manual's business id, "AUTHORIZ_" and the task id, and back ("" for one that is not).
std::string business_id(const std::string& task_id);
std::string delegation_task_id(const std::string& business_id);

// What a delegation needs of its statement's sign job.
struct SignedStatement {
  std::string status;  // the job's: FINISH once signed
  std::string signer_id;
  Bytes data, signature, certificate;
};

struct Delegation {
  std::string id;  // AUTHORIZ_…
  std::string task_id, app_id;
  std::string grantor_id, grantee_id;
  std::string grantor_name, grantee_name;
  std::string status;  // WAIT, AUTHORIZE, REFUSE, CANCEL
  Time created{}, ends{};
  // The grantor's consent: the sign job that carries the statement, and once it is signed the
  // statement, the grantor's signature over it and certificate.
  std::string job_id;  // SD_…
  Bytes statement, signature, certificate;
};

class Delegations {
 public:
  explicit Delegations(store::Store& store) : store_(store), tasks_(store), users_(store) {}

  // The statement a grantor co-signs: who lets whom sign for them, in which app, until when.
  static std::string statement(const Delegation& d, const std::string& app_name);

  // A new delegation in WAIT from `grantor` (a logged-in phone) to another user of the app, by
  // id or else by mobile number, until `ends`; attach_job names the statement's sign job,
  // created by the caller.
  Result<Delegation> create(const CossKeys::Session& grantor, const std::string& grantee_id,
                            const std::string& grantee_mobile, Time ends, Time now);
  Status attach_job(const Delegation& d, const std::string& job_id, Time now);

  Result<Delegation> find(const std::string& business_id, Time now);
  // Given (grantor) or received (grantee) by `user_id`, in `status` ("" for any).
  Result<std::vector<Delegation>> given(const std::string& user_id, const std::string& status,
                                        Time now);
  Result<std::vector<Delegation>> received(const std::string& user_id, const std::string& status,
                                           Time now);

  // The grantee answers (the grantor's statement must be signed first: its job FINISH, its
  // signature and certificate copied into the delegation), or the grantor withdraws.
  Result<Delegation> accept(const CossKeys::Session& grantee, const std::string& business_id,
                            const SignedStatement& consent, Time now);
  Result<Delegation> refuse(const CossKeys::Session& grantee, const std::string& business_id,
                            Time now);
  Result<Delegation> cancel(const CossKeys::Session& grantor, const std::string& business_id,
                            Time now);

  // The delegation under which `grantee_id` may sign `grantor_id`'s jobs of app `app_id` now.
  Result<std::optional<Delegation>> active(const std::string& app_id, const std::string& grantor_id,
                                           const std::string& grantee_id, Time now);

 private:
  Result<std::vector<Delegation>> query(store::TaskQuery q, Time now);
  Result<Delegation> read(const store::TaskRecord& task);
  // The delegation `id` given (as_grantor) or received by `user_id`, in one of `states`.
  Result<Delegation> addressed(const std::string& id, const std::string& user_id, bool as_grantor,
                               std::vector<std::string> states, Time now);
  Result<Delegation> change(const Delegation& d, const Tasks::Move& move, const std::string& actor,
                            Time now);
  store::Store& store_;
  Tasks tasks_;
  CossUsers users_;
};

}  // namespace eseal::service
