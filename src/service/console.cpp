#include "service/console.h"

#include <argon2.h>

#include <algorithm>
#include <array>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "service/payload.h"

namespace eseal::service {
namespace {

constexpr std::array<std::string_view, 4> kRoleNames = {"admin", "seal-admin", "operator",
                                                        "auditor"};
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kMinPassword = 10;
constexpr std::size_t kMaxPassword = 1024;  // Argon2 takes any length; a bound keeps it cheap

// The session token's SM3: the task's reference, so that the store never holds a live token.
std::string token_reference(std::string_view token) {
  return crypto::to_hex(crypto::sm3(as_bytes(token)));
}

bool valid_login(const std::string& login) {
  if (login.empty() || login.size() > 64) return false;
  return std::all_of(login.begin(), login.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '@' || c == '-';
  });
}

Error bad_credentials() {
  return Error::invalid_input("unknown login or wrong password")
      .with_code(console_code::kBadCredentials);
}

std::string actor_of(const std::string& login) {
  return "console:" + login;
}

}  // namespace

std::string_view role_name(Role role) {
  return kRoleNames[static_cast<std::size_t>(role)];
}

Result<Role> parse_role(std::string_view name) {
  for (Role role : kRoles) {
    if (role_name(role) == name) return role;
  }
  return Error::invalid_input("unknown role \"" + std::string(name) +
                              "\"; roles: admin, seal-admin, operator, auditor");
}

bool role_allows(Role role, std::string_view permission) {
  switch (role) {
    case Role::kAdministrator:
      return true;
    case Role::kAuditor:
      return permission.ends_with(".read") || permission == "audit.verify";
    case Role::kSealAdministrator:
      for (std::string_view resource :
           {"seals.", "certificates.", "organizations.", "users.", "filing.", "jobs."}) {
        if (permission.starts_with(resource)) return true;
      }
      return permission == "documents.read" || permission == "time-stamps.read";
    case Role::kOperator:
      return permission == "documents.read" || permission == "documents.sign" ||
             permission == "seals.read" || permission == "jobs.read" ||
             permission == "time-stamps.read";
  }
  return false;
}

Result<std::string> hash_password(std::string_view password, const ConsoleSettings& settings) {
  if (password.size() > kMaxPassword) return Error::invalid_input("the password is too long");
  auto salt = crypto::random_bytes(kSaltBytes);
  if (!salt) return salt.error();
  std::size_t length = argon2_encodedlen(settings.kdf_passes, settings.kdf_memory_kib, 1,
                                         kSaltBytes, kHashBytes, Argon2_id);
  std::string encoded(length, '\0');
  int rc = argon2id_hash_encoded(settings.kdf_passes, settings.kdf_memory_kib, 1, password.data(),
                                 password.size(), salt->data(), salt->size(), kHashBytes,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return Error::internal(std::string("argon2id failed: ") + argon2_error_message(rc));
  }
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool password_matches(const std::string& encoded, std::string_view password) {
  if (password.size() > kMaxPassword) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

Result<std::string> generate_password() {
  static constexpr std::string_view kAlphabet =
      "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679";
  auto random = crypto::random_bytes(16);
  if (!random) return random.error();
  std::string password;
  for (std::uint8_t byte : *random) password += kAlphabet[byte % kAlphabet.size()];
  return password;
}

Caller ConsoleSession::caller() const {
  return Caller{"console", "", account.login, {"*"}};
}

const TaskKind& console_session_kind() {
  static const TaskKind kind{"console.session", "OPEN", {{"OPEN", "ENDED"}}, {"ENDED"}, "EXPIRED"};
  return kind;
}

Console::Console(store::Store& store, ConsoleSettings settings)
    : store_(store), tasks_(store), settings_(settings) {
  // A hash of nothing anyone types, at the configured cost, checked for unknown logins.
  auto dummy = hash_password("\x01unknown login\x01", settings_);
  dummy_hash_ = dummy ? *dummy : "";
}

Status Console::check_password_rules(std::string_view password) const {
  if (password.size() < kMinPassword || password.size() > kMaxPassword) {
    return Error::invalid_input("a password has 10 to 1024 characters")
        .with_code(console_code::kWeakPassword);
  }
  return ok_status();
}

Result<store::ConsoleAccount> Console::create(const std::string& login, const std::string& name,
                                              std::string_view role, std::string_view password,
                                              const std::string& actor, Time now) {
  if (!valid_login(login)) {
    return Error::invalid_input("a login has 1 to 64 of the characters A-Z a-z 0-9 . _ @ -");
  }
  auto parsed = parse_role(role);
  if (!parsed) return parsed.error();
  if (auto s = check_password_rules(password); !s) return s.error();
  auto taken = [&login] {
    return Error::invalid_input("the login " + login + " is taken").with_code(console_code::kTaken);
  };
  if (store_.console_accounts().find(login)) return taken();
  auto hash = hash_password(password, settings_);
  if (!hash) return hash.error();
  auto id = store::new_id();
  if (!id) return id.error();
  store::ConsoleAccount account{
      *id, login, name.empty() ? login : name, std::string(role), *hash, true, 0, std::nullopt,
      now, now};
  if (auto s = store_.console_accounts().add(
          account, {now, actor, "console.account.add", login, "role " + std::string(role), ""});
      !s) {
    // Taken since the look above, by a request at the same moment.
    return s.error().kind == ErrorKind::kInvalidInput ? taken() : s.error();
  }
  return account;
}

Status Console::count_failure(const store::ConsoleAccount& account, const std::string& what,
                              Time now) {
  auto counted = store_.console_accounts().count_failure(
      account.id, settings_.lockout_failures, now + settings_.lockout, now,
      {now, actor_of(account.login), "console.sign-in-failed", account.login, what, ""});
  if (!counted) return counted.error();
  return ok_status();
}

Result<SignedIn> Console::sign_in(const std::string& login, std::string_view password,
                                  const std::string& from, Time now) {
  auto found = store_.console_accounts().find(login);
  if (!found) {
    if (found.error().kind != ErrorKind::kNotFound) return found.error();
    // The same work as a real check, so that timing does not tell which logins exist.
    password_matches(dummy_hash_, password);
    return bad_credentials();
  }
  store::ConsoleAccount account = std::move(*found);
  if (account.locked_until && now <= *account.locked_until) {
    return Error::invalid_input("the account " + login + " is locked until " +
                                format_utc(*account.locked_until) + " after repeated failures")
        .with_code(console_code::kLocked);
  }
  if (!password_matches(account.password_hash, password)) {
    if (auto s = count_failure(account, "wrong password from " + from, now); !s) return s.error();
    return bad_credentials();
  }
  // Said only to whoever knows the password.
  if (!account.enabled) {
    return Error::invalid_input("the account " + login + " is disabled")
        .with_code(console_code::kDisabled);
  }
  auto role = parse_role(account.role);
  if (!role) return role.error();
  if (account.failures > 0 || account.locked_until) {
    if (auto s = store_.console_accounts().clear_failures(
            account.id, now, {now, actor_of(login), "console.reset-failures", login, "", ""});
        !s) {
      return s.error();
    }
  }
  auto token_bytes = crypto::random_bytes(32);
  auto csrf_bytes = crypto::random_bytes(32);
  if (!token_bytes) return token_bytes.error();
  if (!csrf_bytes) return csrf_bytes.error();
  std::string token = crypto::to_hex(*token_bytes);
  std::string csrf = crypto::to_hex(*csrf_bytes);
  NewTask task{"",
               account.id,
               write_fields({{"login", login}, {"csrf", csrf}, {"from", from}}),
               now + settings_.session,
               std::nullopt,
               token_reference(token)};
  auto opened = tasks_.create(console_session_kind(), task, now, actor_of(login));
  if (!opened) return opened.error();
  return SignedIn{ConsoleSession{opened->id, std::move(account), *role, csrf, *opened->expires},
                  token};
}

Status Console::end_sessions(const store::ConsoleAccount& account, const std::string& keep,
                             const std::string& actor, Time now) {
  store::TaskQuery query;
  query.kind = console_session_kind().name;
  query.subject = account.id;
  query.states = {"OPEN"};
  query.limit = 1000;
  auto open = tasks_.list(console_session_kind(), query, now);
  if (!open) return open.error();
  for (const TaskRecord& task : *open) {
    if (task.id == keep || task.state != "OPEN") continue;
    auto ended =
        tasks_.move(console_session_kind(), task.id,
                    {"ENDED", "the account's password, role or state changed"}, now, actor);
    if (!ended && ended.error().code != store::kTaskStateChanged) return ended.error();
  }
  return ok_status();
}

Result<ConsoleSession> Console::session(std::string_view token, Time now) {
  auto unknown = [] { return Error::not_found("no open console session"); };
  if (token.size() != 64) return unknown();
  store::TaskQuery query;
  query.kind = console_session_kind().name;
  query.reference = token_reference(token);
  query.states = {"OPEN"};
  query.limit = 1;
  auto found = tasks_.list(console_session_kind(), query, now);
  if (!found) return found.error();
  if (found->empty() || found->front().state != "OPEN") return unknown();
  const TaskRecord& task = found->front();
  auto fields = read_fields(task.payload);
  if (!fields) return fields.error();
  auto account = store_.console_accounts().find((*fields)["login"]);
  if (!account) {
    if (account.error().kind == ErrorKind::kNotFound) return unknown();
    return account.error();
  }
  if (!account->enabled || account->id != task.subject) return unknown();
  auto role = parse_role(account->role);
  if (!role) return role.error();
  return ConsoleSession{task.id, std::move(*account), *role, (*fields)["csrf"], *task.expires};
}

Status Console::sign_out(const ConsoleSession& session, Time now) {
  auto moved = tasks_.move(console_session_kind(), session.id, {"ENDED", "signed out"}, now,
                           actor_of(session.account.login));
  if (!moved) return moved.error();
  return ok_status();
}

Result<std::vector<store::ConsoleAccount>> Console::accounts() {
  return store_.console_accounts().list();
}

Result<store::ConsoleAccount> Console::change(const std::string& login, const Change& change,
                                              const std::string& actor, Time now) {
  auto account = store_.console_accounts().find(login);
  if (!account) return account.error();
  std::string detail;
  store::ConsoleAccountChange update;
  if (change.role) {
    if (auto role = parse_role(*change.role); !role) return role.error();
    update.role = *change.role;
    detail += "role " + *change.role + "; ";
  }
  if (change.name) {
    update.name = *change.name;
    detail += "name; ";
  }
  if (change.enabled) {
    update.enabled = *change.enabled;
    detail += *change.enabled ? "enabled; " : "disabled; ";
  }
  if (change.password) {
    if (auto s = check_password_rules(*change.password); !s) return s.error();
    auto hash = hash_password(*change.password, settings_);
    if (!hash) return hash.error();
    update.password_hash = *hash;
    detail += "password set; ";
  }
  if (detail.empty()) return Error::invalid_input("nothing to change");
  detail.resize(detail.size() - 2);
  if (auto s = store_.console_accounts().change(
          account->id, update, now, {now, actor, "console.account.change", login, detail, ""});
      !s) {
    return s.error();
  }
  account = store_.console_accounts().find(login);
  if (!account) return account.error();
  // Whoever held a session of it before holds it no longer.
  if (auto s = end_sessions(*account, "", actor, now); !s) return s.error();
  return account;
}

Status Console::change_password(const ConsoleSession& session, std::string_view current,
                                std::string_view replacement, Time now) {
  auto account = store_.console_accounts().find(session.account.login);
  if (!account) return account.error();
  if (!password_matches(account->password_hash, current)) {
    // Guesses through a session count toward the lockout as sign-ins do.
    if (auto s = count_failure(*account, "wrong current password", now); !s) return s;
    return bad_credentials();
  }
  if (auto s = check_password_rules(replacement); !s) return s;
  auto hash = hash_password(replacement, settings_);
  if (!hash) return hash.error();
  account->password_hash = *hash;
  if (auto s = store_.console_accounts().change(account->id, {.password_hash = *hash}, now,
                                                {now, actor_of(account->login), "console.password",
                                                 account->login, "own password changed", ""});
      !s) {
    return s;
  }
  // The other sessions end; this one goes on.
  return end_sessions(*account, session.id, actor_of(account->login), now);
}

}  // namespace eseal::service
