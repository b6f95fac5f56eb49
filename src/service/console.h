// The web console's people: accounts with a role, passwords under a memory-hard KDF (Argon2id,
// libargon2), sign-in with lockout after repeated failures, and sessions. Every door of the
// console (the native REST API, api/rest/) asks this one place who is calling and what the
// caller's role allows; every sign-in, refusal that locks, sign-out and change is audited.
//
// Sessions are tasks (service/tasks.h) of kind "console.session": OPEN until signed out (ENDED)
// or past their expiry (EXPIRED, on read and by the sweeper). The session token (the cookie) is
// 32 random bytes shown once; the store keeps only its SM3, as the task's reference. Each session
// has its own CSRF token, which every state-changing request must echo in a header.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "service/platform.h"
#include "service/tasks.h"
#include "store/store.h"

namespace eseal::service {

enum class Role { kAdministrator, kSealAdministrator, kOperator, kAuditor };
inline constexpr Role kRoles[] = {Role::kAdministrator, Role::kSealAdministrator, Role::kOperator,
                                  Role::kAuditor};
std::string_view role_name(Role role);  // "admin", "seal-admin", "operator", "auditor"
// kInvalidInput naming the four for anything else.
Result<Role> parse_role(std::string_view name);

// What a role may do, checked by the server on every console request. Reading is
// "<resource>.read", changing "<resource>.write"; signing documents is "documents.sign".
// Administrators may do everything; seal administrators manage seals, certificates,
// organizations, users and filing; operators stamp and verify documents with the seals; auditors
// read everything and verify the audit chain, and change nothing.
bool role_allows(Role role, std::string_view permission);

// Error::code of the refusals of sign_in.
namespace console_code {
inline constexpr const char* kBadCredentials = "console-bad-credentials";  // unknown or wrong
inline constexpr const char* kLocked = "console-locked";      // too many failures, for a while
inline constexpr const char* kDisabled = "console-disabled";  // switched off by an administrator
inline constexpr const char* kWeakPassword = "console-weak-password";
inline constexpr const char* kTaken = "console-login-taken";  // another account has the login
}  // namespace console_code

struct ConsoleSettings {
  // Argon2id cost (OWASP's minimum by default: 19 MiB, two passes, one lane).
  std::uint32_t kdf_memory_kib = 19456;
  std::uint32_t kdf_passes = 2;
  int lockout_failures = 5;                                // failures in a row that lock an account
  std::chrono::seconds lockout{std::chrono::minutes(15)};  // for this long
  std::chrono::seconds session{std::chrono::hours(8)};     // a session's life from sign-in
};

// An Argon2id encoded hash of `password` ("$argon2id$v=19$m=…,t=…,p=1$salt$hash") with a fresh
// salt; and whether `password` matches one (the parameters are read from the encoding).
Result<std::string> hash_password(std::string_view password, const ConsoleSettings& settings);
bool password_matches(const std::string& encoded, std::string_view password);
// A fresh password to hand out once: 16 characters of an unambiguous alphabet (about 80 bits).
Result<std::string> generate_password();

struct ConsoleSession {
  std::string id;  // the task's id
  store::ConsoleAccount account;
  Role role = Role::kOperator;
  std::string csrf;  // the token state-changing requests echo
  Time expires{};
  // The caller the console's requests act as: family "console", named by the login. Console
  // users are the platform's own staff and may use every seal (as the operator at the CLI).
  Caller caller() const;
};

struct SignedIn {
  ConsoleSession session;
  std::string token;  // the session cookie's value, 64 hex digits; kept nowhere
};

const TaskKind& console_session_kind();

class Console {
 public:
  Console(store::Store& store, ConsoleSettings settings);

  // A new account. kInvalidInput for an empty or over-long login (1..64 of [A-Za-z0-9._@-]), a
  // taken login, a password shorter than 10 characters (kWeakPassword), an unknown role.
  Result<store::ConsoleAccount> create(const std::string& login, const std::string& name,
                                       std::string_view role, std::string_view password,
                                       const std::string& actor, Time now);

  // The password checked and a session opened. Unknown login or wrong password:
  // kInvalidInput coded kBadCredentials, the same for both and after the same work; the
  // account's failures count (atomically, whatever runs at once), and at lockout_failures in a
  // row it is locked for `lockout` (kLocked, even with the right password, until then). A
  // disabled account: kDisabled, said only after the right password.
  Result<SignedIn> sign_in(const std::string& login, std::string_view password,
                           const std::string& from, Time now);

  // The open session the token names; kNotFound for an unknown, ended or expired one, or one
  // whose account has since been disabled.
  Result<ConsoleSession> session(std::string_view token, Time now);
  Status sign_out(const ConsoleSession& session, Time now);

  Result<std::vector<store::ConsoleAccount>> accounts();
  // An administrator's change of another account: role, enabled, a new password (which also
  // unlocks it). Every open session of the account ends. kNotFound for an unknown login.
  struct Change {
    std::optional<std::string> role = {}, name = {};
    std::optional<bool> enabled = {};
    std::optional<std::string> password = {};
  };
  Result<store::ConsoleAccount> change(const std::string& login, const Change& change,
                                       const std::string& actor, Time now);
  // One's own password, given the current one (kBadCredentials when it is wrong, counted toward
  // the lockout as a failed sign-in). The account's other sessions end.
  Status change_password(const ConsoleSession& session, std::string_view current,
                         std::string_view replacement, Time now);

  const ConsoleSettings& settings() const { return settings_; }

 private:
  Status check_password_rules(std::string_view password) const;
  Status count_failure(const store::ConsoleAccount& account, const std::string& what, Time now);
  // Ends the account's open sessions but `keep` (a session id, or "").
  Status end_sessions(const store::ConsoleAccount& account, const std::string& keep,
                      const std::string& actor, Time now);
  store::Store& store_;
  Tasks tasks_;
  ConsoleSettings settings_;
  std::string dummy_hash_;
};

}  // namespace eseal::service
