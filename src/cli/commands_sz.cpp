// eseal sz grant | grants | revoke: DB4403 registration grants (service/sz_grants.h). A grant lets
// one app (a third-party system with DB4403 credentials) act for an organization through the
// phone user who holds its seals; `grant` makes the organization if needed, issues its seals of
// the types asked for to that user's phone certificate, and prints the grantCode once — or, given
// the app's file for `eseal call sz` (sz.toml) instead of its syscode, writes it there.
#include <toml++/toml.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/store_support.h"
#include "service/store_platform.h"
#include "service/sz_grants.h"

namespace eseal::cli {
namespace {

struct GrantOptions {
  std::string data_dir = kDefaultDataDir;
  std::string app, org_name, credit_code, user, types, id;
  bool legal_person = false;
  int days = 365;
};

std::vector<int> parse_types(const std::string& text) {
  std::vector<int> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find_first_of(",|", start);
    std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    try {
      std::size_t used = 0;
      int type = std::stoi(item, &used);
      if (used != item.size()) throw std::invalid_argument(item);
      out.push_back(type);
    } catch (const std::exception&) {
      fail(Error::invalid_input("--seal-types: \"" + item + "\" is not a seal type code"));
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// The app file's system_id; "" when `app` is not such a file.
std::string system_of_file(const std::string& app) {
  if (!app.ends_with(".toml") || !std::filesystem::exists(app)) return {};
  try {
    return toml::parse_file(app)["system_id"].value_or(std::string());
  } catch (const toml::parse_error& e) {
    fail(Error::invalid_input(app + ": " + std::string(e.description())));
  }
}

// Sets `key = "value"` in the TOML file, replacing the line that sets it or adding one.
void set_in_file(const std::string& file, const std::string& key, const std::string& value) {
  std::string text = to_string(need(read_file(file)));
  std::istringstream lines(text);
  std::string out, line;
  bool done = false;
  while (std::getline(lines, line)) {
    if (line.rfind(key + " =", 0) == 0 || line.rfind(key + "=", 0) == 0) {
      line = key + " = \"" + value + "\"";
      done = true;
    }
    out += line + "\n";
  }
  if (!done) out += key + " = \"" + value + "\"\n";
  need(write_file_atomic(file, as_bytes(out), 0600));
}

// The grants of data folder `dir`, with the store and platform they stand on.
struct Grants {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<service::StorePlatform> platform;
  std::unique_ptr<service::SzGrants> grants;
};

Grants open_grants(const GlobalOptions& global, const std::string& dir) {
  keys::Kek kek = data_folder_kek(global, dir);
  Grants g;
  g.store = open_data_store(dir, kek);
  g.platform = std::make_unique<service::StorePlatform>(*g.store, kek, dir);
  g.grants = std::make_unique<service::SzGrants>(*g.store, *g.platform, *g.platform);
  return g;
}

void print_grant(const service::SzGrant& g) {
  std::cout << g.id << "  " << g.state << "  " << g.credit_code << "  " << g.org_name << "  user "
            << (g.user_id.empty() ? "-" : g.user_id)
            << (g.legal_person ? "  legal representative" : "") << "  until "
            << (g.expires ? format_utc(*g.expires) : "-") << "\n";
}

}  // namespace

void add_sz_commands(CLI::App& root, const GlobalOptions& global) {
  auto* sz = root.add_subcommand("sz", "DB4403 (Shenzhen) registration grants");
  sz->require_subcommand(1);

  auto g = std::make_shared<GrantOptions>();
  auto* grant = sz->add_subcommand(
      "grant", "Let an app act for an organization through a phone user; print the grantCode once");
  grant
      ->add_option("--app", g->app,
                   "The app's syscode (its DB4403 systemID), or its sz.toml, which then gets the "
                   "grantCode")
      ->required();
  grant->add_option("--org-name", g->org_name, "The organization's name")->required();
  grant
      ->add_option("--credit-code", g->credit_code,
                   "Its unified social credit code (统一社会信用代码)")
      ->required();
  grant->add_option("--user", g->user, "The COSS user (msspId) who holds its seals and confirms");
  grant->add_flag("--legal-person", g->legal_person,
                  "The user is the organization's legal representative");
  grant->add_option("--seal-types", g->types,
                    "Issue the organization's seals of these types (e.g. 1,2,4) to the user's "
                    "phone certificate");
  grant->add_option("--days", g->days, "How long the grant lasts")->check(CLI::Range(1, 3650));
  add_data_dir_option(*grant, g->data_dir);
  grant->callback([g, &global] {
    auto [store, platform, grants] = open_grants(global, g->data_dir);
    std::string system = system_of_file(g->app);
    auto app = need(store->apps().find(system.empty() ? g->app : system), "--app " + g->app);
    if (app.sz_app_key.empty()) {
      fail(Error::invalid_input("app " + g->app +
                                " has no DB4403 credentials (eseal app add --family sz)"));
    }
    Time now = now_utc();
    std::string actor = operator_caller().actor();
    std::vector<int> types = g->types.empty() ? std::vector<int>{} : parse_types(g->types);
    if (!types.empty() && g->user.empty()) fail(Error::invalid_input("--seal-types needs --user"));
    auto org = need(grants->organization(g->org_name, g->credit_code, now, actor));
    auto [made, code] = need(grants->add(
        {app.id, org.id, g->user, g->legal_person, now + std::chrono::hours(24) * g->days}, now,
        actor));
    print_field("grant", made.id);
    print_field("organization", org.name + " (" + org.credit_code + ")");
    print_field("grantCode", code);
    for (const auto& seal : need(grants->issue_seals(made, types, now, actor))) {
      print_field("seal",
                  seal.id + "  type " + std::to_string(seal.seal.info.type) + "  " + seal.name);
    }
    if (!system.empty()) {
      set_in_file(g->app, "grant_code", code);
      set_in_file(g->app, "organization_code", org.credit_code);
      std::cout << "The grantCode is in " << g->app << " (and shown only now).\n";
    } else {
      std::cout << "The grantCode above is shown only now: hand it to the app.\n";
    }
  });

  auto l = std::make_shared<GrantOptions>();
  auto* list = sz->add_subcommand("grants", "The app's grants");
  list->add_option("--app", l->app, "The app's syscode")->required();
  add_data_dir_option(*list, l->data_dir);
  list->callback([l, &global] {
    auto [store, platform, grants] = open_grants(global, l->data_dir);
    auto app = need(store->apps().find(l->app), "--app " + l->app);
    auto all = need(grants->list(app.id, now_utc()));
    if (all.empty()) std::cout << "no grants\n";
    for (const auto& one : all) print_grant(one);
  });

  auto r = std::make_shared<GrantOptions>();
  auto* revoke = sz->add_subcommand("revoke", "End a grant now");
  revoke->add_option("GRANT", r->id, "The grant's id")->required();
  add_data_dir_option(*revoke, r->data_dir);
  revoke->callback([r, &global] {
    print_grant(need(open_grants(global, r->data_dir)
                         .grants->revoke(r->id, now_utc(), operator_caller().actor())));
  });
}

}  // namespace eseal::cli
