// Auto-sign (自动签名, manual §3.4.3; COSIGN_TSA_NOTES §4.6): the business system signs a user's
// jobs without the phone, inside a window of at most a day the user granted. A 2-of-2 key cannot
// sign without both shares, so the grant escrows the phone's share (the notes' option 1): the
// phone co-signs a consent statement (a sign job of type AUTO_SIGN naming the app, the window and
// the count), then sends d1 encrypted to the platform's escrow key; the server checks it with a
// trial joint signature under P and keeps it sealed under the KEK (store: coss_escrows) for that
// grant only. It is used for jobs of that app and user, inside the window and the count, and
// destroyed when the window ends (on read and by the sweeper), at endAutoSign, when the phone
// revokes it, when the count is used up, or when the key ends. Every auto-signed job names its
// grant, and every change of a grant is audited.
// Grants are tasks of kind "coss.autosign": REQUESTED (the consent job is open) → ACTIVE (the
// share escrowed; expires at the window's end) → ENDED (endAutoSign), REVOKED (the phone, or its
// key ended), EXHAUSTED (the count used); EXPIRED at the end. The subject is the user.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/sm2.h"
#include "service/coss_keys.h"
#include "service/sign_jobs.h"
#include "service/tasks.h"

namespace eseal::service {

namespace auto_sign_code {
inline constexpr const char* kNotStarted = "autosign-not-started";  // none open, or ended
inline constexpr const char* kStarted = "autosign-started";         // one is open already
inline constexpr const char* kBadRegion = "autosign-region";        // not 1..86400 seconds
inline constexpr const char* kBadCount = "autosign-count";
inline constexpr const char* kNotConsented = "autosign-not-consented";  // job not signed by key
inline constexpr const char* kBadEscrow = "autosign-escrow";            // not the key's share
}  // namespace auto_sign_code

inline constexpr int kMaxAutoSignSeconds = 86400;
inline constexpr int kDefaultAutoSignCount = 1000;
inline constexpr int kMaxAutoSignCount = 100000;

const TaskKind& auto_sign_kind();

// Where the escrowed shares are encrypted to: the platform's escrow key (created with its
// certificate under the user CA the first time it is needed).
class EscrowKeys {
 public:
  virtual ~EscrowKeys() = default;
  virtual Result<pki::Certificate> escrow_certificate() = 0;
  virtual Result<crypto::Sm2PrivateKey> escrow_key() = 0;
};

struct AutoSignGrant {
  std::string id;  // the task id
  std::string app_id, user_id, key_id;
  std::string job_id;  // the consent statement's job, SD_…
  std::string status;
  int seconds = 0, max_count = 0;
  std::int64_t used = 0;
  Time created{};
  std::optional<Time> ends;  // once ACTIVE
};

class AutoSigning {
 public:
  AutoSigning(store::Store& store, CossKeys& keys, SignJobs& jobs, EscrowKeys& escrow)
      : store_(store), keys_(keys), jobs_(jobs), escrow_(escrow), tasks_(store), users_(store) {}

  // startAutoSign: a REQUESTED grant of `seconds` (1..86400) and `max_count` uses, and its
  // consent job for the user to sign on the phone (open for the same time).
  struct Started {
    AutoSignGrant grant;
    SignJob job;
  };
  Result<Started> start(const Caller& app, const std::string& user_id, int seconds, int max_count,
                        const std::string& callback_url, Time now);

  // The phone: its consent job signed with this key, and d1 SM2-encrypted to the escrow key.
  Result<AutoSignGrant> grant(const CossKeys::Session& who, const std::string& job_id,
                              ByteView escrow, Time now);
  // The phone ends its user's open grants.
  Result<int> revoke(const CossKeys::Session& who, Time now);
  // A user's grants, newest first.
  Result<std::vector<AutoSignGrant>> of_user(const std::string& user_id, Time now);

  // The business system: the user's open grant of this app (matching `token`, the consent
  // job's id, when given), ended (endAutoSign)...
  Status end(const Caller& app, const std::string& user_id, const std::string& token, Time now);
  // ...used to sign a DATA or HASH job at once (autoSign)...
  Result<SignJob> sign(const Caller& app, const NewSignJob& job, const std::string& token,
                       Time now);
  // ...or looked at (queryAutoSignRegion): the ACTIVE one, if any.
  Result<std::optional<AutoSignGrant>> current(const Caller& app, const std::string& user_id,
                                               Time now);

  // Grants past their window expire, grants whose key ended are revoked, and every escrowed
  // share without an ACTIVE grant is destroyed; returns how many shares were destroyed.
  Result<int> sweep(Time now);

 private:
  // The grants the query finds, an expired one's share destroyed as it is read.
  Result<std::vector<AutoSignGrant>> grants(store::TaskQuery query, Time now);
  Result<std::vector<AutoSignGrant>> open_grants(const std::string& app_id,
                                                 const std::string& user_id, Time now);
  // Destroys the grant's share, then moves it to `to` (a share never outlives its grant).
  Status close(const AutoSignGrant& grant, const std::string& to, const std::string& why,
               const std::string& actor, Time now);

  store::Store& store_;
  CossKeys& keys_;
  SignJobs& jobs_;
  EscrowKeys& escrow_;
  Tasks tasks_;
  CossUsers users_;
  std::mutex uses_;  // one use of a grant at a time, so that the count holds
};

}  // namespace eseal::service
