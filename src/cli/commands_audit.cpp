// eseal audit verify | list: the store's hash-chained audit log (store/audit_chain.h).
#include <iostream>

#include "cli/commands.h"
#include "cli/store_support.h"

namespace eseal::cli {
namespace {

int run_verify(const std::string& data_dir) {
  store::AuditCheck check = need(open_data_store(data_dir)->audit().verify());
  if (check.first_broken) {
    std::cout << "FAILED audit chain: row " << *check.first_broken
              << " does not follow the rows before it (" << check.rows << " rows)\n";
    return kExitVerificationFailed;
  }
  std::cout << "OK audit chain: " << check.rows << " rows\n";
  return kExitOk;
}

}  // namespace

void add_audit_commands(CLI::App& root, const GlobalOptions&) {
  auto* audit = root.add_subcommand("audit", "Check and read the audit log");
  audit->require_subcommand(1);
  {
    auto* verify = audit->add_subcommand(
        "verify", "Recompute the audit chain (exit 0 intact, 1 names the first broken row)");
    auto dir = std::make_shared<std::string>(kDefaultDataDir);
    add_data_dir_option(*verify, *dir);
    verify->callback([dir] { throw CommandFailure{run_verify(*dir)}; });
  }
  {
    auto* list = audit->add_subcommand("list",
                                       "Print audit rows: id, time, actor, operation, "
                                       "object, detail, BIZNUM, hash");
    auto dir = std::make_shared<std::string>(kDefaultDataDir);
    auto after = std::make_shared<std::int64_t>(0);
    auto limit = std::make_shared<std::size_t>(1000);
    list->add_option("--after", *after, "Start after this row id")->capture_default_str();
    list->add_option("--limit", *limit, "At most this many rows")->capture_default_str();
    add_data_dir_option(*list, *dir);
    list->callback([=] {
      for (const auto& row : need(open_data_store(*dir)->audit().list(*after, *limit))) {
        const store::AuditEntry& e = row.entry;
        std::cout << row.id << "  " << format_utc(e.time) << "  " << e.actor << "  " << e.operation
                  << "  " << e.object << "  " << e.detail << "  " << e.biznum << "  " << row.hash
                  << "\n";
      }
    });
  }
}

}  // namespace eseal::cli
