// The web console's accounts: sign-in failures counted and locks set in one statement each.
#include "store/repositories.h"
#include "store/repository_support.h"

namespace eseal::store {
namespace {

using sql::Row;
using sql::Session;

constexpr std::string_view kConsoleAccountColumns =
    "id, login, name, role, password_hash, enabled, failures, locked_until, created_at, "
    "updated_at";

Result<ConsoleAccount> read_console_account(const Row& s) {
  return ConsoleAccount{s.text(0),
                        s.text(1),
                        s.text(2),
                        s.text(3),
                        s.text(4),
                        s.integer(5) != 0,
                        s.integer(6),
                        time_or_none(s.integer(7)),
                        from_epoch(s.integer(8)),
                        from_epoch(s.integer(9))};
}

}  // namespace

Status ConsoleAccounts::add(const ConsoleAccount& a, const AuditEntry& audit) {
  if (a.id.empty() || a.login.empty()) {
    return Error::invalid_input("a console account needs an id and a login");
  }
  return c_.write(audit, [&](Session& s) -> Status {
    auto taken = s.exists("SELECT 1 FROM console_accounts WHERE login = ?", a.login);
    if (!taken) return taken.error();
    if (*taken) return Error::invalid_input("the login " + a.login + " is taken");
    return s.run(
        "INSERT INTO console_accounts (id, login, name, role, password_hash, enabled, failures, "
        "locked_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        a.id, a.login, a.name, a.role, a.password_hash, flag(a.enabled), a.failures,
        epoch_or_zero(a.locked_until), epoch(a.created), epoch(a.created));
  });
}

Result<ConsoleAccount> ConsoleAccounts::find(const std::string& login) {
  return c_.db.read([&](Session& s) {
    return s.one<ConsoleAccount>(
        "SELECT " + std::string(kConsoleAccountColumns) + " FROM console_accounts WHERE login = ?",
        read_console_account, "no console account " + login, login);
  });
}

Result<std::vector<ConsoleAccount>> ConsoleAccounts::list() {
  return c_.db.read([&](Session& s) {
    return s.all<ConsoleAccount>("SELECT " + std::string(kConsoleAccountColumns) +
                                     " FROM console_accounts ORDER BY created_at, login",
                                 read_console_account);
  });
}

Status ConsoleAccounts::change(const std::string& id, const ConsoleAccountChange& c, Time now,
                               const AuditEntry& audit) {
  return c_.write(audit, [&](Session& s) -> Status {
    auto changed = s.run_counting(
        "UPDATE console_accounts SET name = CASE WHEN ? = 1 THEN ? ELSE name END, "
        "role = CASE WHEN ? = 1 THEN ? ELSE role END, "
        "password_hash = CASE WHEN ? = 1 THEN ? ELSE password_hash END, "
        "failures = CASE WHEN ? = 1 THEN 0 ELSE failures END, "
        "locked_until = CASE WHEN ? = 1 THEN 0 ELSE locked_until END, "
        "enabled = CASE WHEN ? = 1 THEN ? ELSE enabled END, updated_at = ? WHERE id = ?",
        flag(c.name.has_value()), c.name.value_or(""), flag(c.role.has_value()),
        c.role.value_or(""), flag(c.password_hash.has_value()), c.password_hash.value_or(""),
        flag(c.password_hash.has_value()), flag(c.password_hash.has_value()),
        flag(c.enabled.has_value()), flag(c.enabled.value_or(false)), epoch(now), id);
    if (!changed) return changed.error();
    if (*changed == 0) return Error::not_found("no console account " + id);
    return ok_status();
  });
}

Result<ConsoleAccount> ConsoleAccounts::count_failure(const std::string& id, std::int64_t threshold,
                                                      Time lock_until, Time now,
                                                      const AuditEntry& audit) {
  return c_.db.write([&](Session& s) -> Result<ConsoleAccount> {
    auto changed = s.run_counting(
        "UPDATE console_accounts SET "
        "locked_until = CASE WHEN failures + 1 >= ? THEN ? ELSE locked_until END, "
        "failures = CASE WHEN failures + 1 >= ? THEN 0 ELSE failures + 1 END, updated_at = ? "
        "WHERE id = ?",
        threshold, epoch(lock_until), threshold, epoch(now), id);
    if (!changed) return changed.error();
    if (*changed == 0) return Error::not_found("no console account " + id);
    auto account = s.one<ConsoleAccount>(
        "SELECT " + std::string(kConsoleAccountColumns) + " FROM console_accounts WHERE id = ?",
        read_console_account, "no console account " + id, id);
    if (!account) return account.error();
    if (auto row = append_audit_row(s, audit); !row) return row.error();
    if (account->locked_until == lock_until && account->failures == 0) {
      AuditEntry locked = audit;
      locked.operation = "console.lock";
      locked.detail = "locked until " + format_utc(lock_until);
      if (auto row = append_audit_row(s, locked); !row) return row.error();
    }
    return account;
  });
}

Status ConsoleAccounts::clear_failures(const std::string& id, Time now, const AuditEntry& audit) {
  return c_.write(audit, [&](Session& s) {
    return s.run(
        "UPDATE console_accounts SET failures = 0, locked_until = 0, updated_at = ? WHERE id = ?",
        epoch(now), id);
  });
}

}  // namespace eseal::store
