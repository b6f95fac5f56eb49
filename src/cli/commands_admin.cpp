// eseal admin create|list|password: the web console's accounts (service/console.h), made and
// looked after from the command line: the first administrator, and a way back in when every
// administrator is locked out.
#include <iostream>
#include <optional>

#include "api/rest/routes.h"
#include "cli/commands.h"
#include "cli/store_support.h"
#include "service/console.h"

namespace eseal::cli {
namespace {

// The password from --password-stdin (one line), or a fresh one printed once.
std::string password_for(bool from_stdin, bool& generated) {
  generated = !from_stdin;
  if (!from_stdin) return need(service::generate_password());
  std::string line;
  if (!std::getline(std::cin, line)) fail(Error::invalid_input("no password on standard input"));
  return line;
}

}  // namespace

void add_admin_commands(CLI::App& root, const GlobalOptions&) {
  auto* admin = root.add_subcommand("admin", "The web console's accounts");
  admin->require_subcommand(1);
  auto dir = std::make_shared<std::string>(kDefaultDataDir);
  // The password hashes' cost, as the server would make them ([console] kdf_*).
  auto config = std::make_shared<std::string>();
  auto settings = [config] { return api::rest::console_settings(load_configuration(*config)); };

  auto* create = admin->add_subcommand(
      "create",
      "Make a console account (the first administrator, or any other); the password "
      "is generated and printed once unless --password-stdin");
  struct CreateOptions {
    std::string login, name, role = "admin";
    bool password_stdin = false;
  };
  auto c = std::make_shared<CreateOptions>();
  create->add_option("login", c->login, "Login name (A-Z a-z 0-9 . _ @ -)")->required();
  create->add_option("--name", c->name, "Name shown in the console (default: the login)");
  create->add_option("--role", c->role, "admin, seal-admin, operator or auditor (default admin)")
      ->check(CLI::IsMember({"admin", "seal-admin", "operator", "auditor"}));
  create->add_flag("--password-stdin", c->password_stdin, "Read the password from standard input");
  add_data_dir_option(*create, *dir);
  create->add_option("--config", *config, "Configuration file (default: eseal.toml when present)");
  create->callback([=] {
    auto store = open_data_store(*dir);
    service::Console console(*store, settings());
    bool generated = false;
    std::string password = password_for(c->password_stdin, generated);
    auto account = need(
        console.create(c->login, c->name, c->role, password, operator_caller().actor(), now_utc()));
    std::cout << "console account " << account.login << " (" << account.role << ") created\n";
    if (generated) std::cout << "password: " << password << "  (shown once)\n";
  });

  auto* list = admin->add_subcommand("list", "Print the console accounts");
  add_data_dir_option(*list, *dir);
  list->callback([=] {
    auto store = open_data_store(*dir);
    Time now = now_utc();
    for (const auto& a : need(store->console_accounts().list())) {
      std::cout << a.login << "  " << a.role << "  " << (a.enabled ? "enabled" : "disabled")
                << (a.locked_until && now <= *a.locked_until ? "  locked" : "") << "  " << a.name
                << "\n";
    }
  });

  auto* password = admin->add_subcommand(
      "password", "Set a new password for an account (which also unlocks and enables it)");
  struct PasswordOptions {
    std::string login;
    bool password_stdin = false;
  };
  auto p = std::make_shared<PasswordOptions>();
  password->add_option("login", p->login, "The account's login")->required();
  password->add_flag("--password-stdin", p->password_stdin,
                     "Read the password from standard input");
  add_data_dir_option(*password, *dir);
  password->add_option("--config", *config,
                       "Configuration file (default: eseal.toml when present)");
  password->callback([=] {
    auto store = open_data_store(*dir);
    service::Console console(*store, settings());
    bool generated = false;
    std::string text = password_for(p->password_stdin, generated);
    need(console.change(p->login, {.enabled = true, .password = text}, operator_caller().actor(),
                        now_utc()));
    std::cout << "password of " << p->login << " set\n";
    if (generated) std::cout << "password: " << text << "  (shown once)\n";
  });
}

}  // namespace eseal::cli
