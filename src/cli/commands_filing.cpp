// eseal filing: filing with the national platform (LD/T 01.4 §5.2) from the command line.
//
// As the seal-making system (the client role), with [filing] upstream_url, credentials (the app
// file the platform's operator gave, see cli/app_file.h) and platform_cert in eseal.toml:
//   run SEAL            the whole filing of a seal, step by step, resuming after a failure
//   seal-code|upload|result|confirm SEAL   the run up to that step
//   push-unit, challenge, update-key SEAL, revoke SEAL, status CODE, revocations
// As the platform: account add (a DB.oauth.token account for an app), units, seals.
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <iostream>

#include "api/config.h"
#include "api/ldt/filing_client.h"
#include "base/file.h"
#include "cli/app_file.h"
#include "cli/commands.h"
#include "cli/store_support.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "service/filing.h"
#include "service/store_platform.h"

namespace eseal::cli {
namespace {

namespace filing = service::filing;

struct FilingOptions {
  std::string config, data_dir;
  std::string seal, code, name, at, area, district, maker_code;
  std::string handler_name, handler_id_type = "111", handler_id, maker_name, user_name, user_code;
  std::string username, app, save;
  std::string from, to;
  int page_size = 10, page = 1;
  int reason = 4, type = 1;
  std::string describe;
  std::vector<std::string> sets;
};

api::Config load(const FilingOptions& o) {
  api::Config config = load_configuration(o.config);
  if (!o.data_dir.empty()) config.data.dir = o.data_dir;
  return config;
}

struct Opened {
  api::Config config;
  keys::Kek kek;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<service::StorePlatform> platform;
};

Opened open(const FilingOptions& o, const GlobalOptions& global) {
  api::Config config = load(o);
  keys::Kek kek = data_folder_kek(global, config.data.dir);
  auto store = open_data_store(config.data.dir, kek);
  auto platform = std::make_unique<service::StorePlatform>(*store, kek, config.data.dir);
  return {std::move(config), std::move(kek), std::move(store), std::move(platform)};
}

filing::FilingRun::Details details_of(const FilingOptions& o) {
  filing::FilingRun::Details d;
  d.area = o.area;
  d.district = o.district;
  d.maker_code = o.maker_code;
  d.record.jbr_xm = o.handler_name;
  d.record.jbr_zjlx = o.handler_id_type;
  d.record.jbr_zjhm = o.handler_id;
  d.record.yzzzdw_dwmc = o.maker_name;
  d.record.yzsydw_dwmc = o.user_name;
  d.record.yzsydw_tyshxydm = o.user_code;
  return d;
}

void print_step(const std::string& step, const std::string& detail) {
  std::cout << "  " << step << ": " << detail << std::endl;
}

void run_until(const FilingOptions& o, const GlobalOptions& global, std::size_t until) {
  Opened d = open(o, global);
  auto client = filing_upstream(d.config, d.kek);
  filing::FilingRun run(*d.store, *d.platform, *d.platform, d.kek, *client);
  if (o.area.empty()) {
    auto existing = need(run.find(o.seal, now_utc()));
    if (!existing)
      fail(Error::invalid_input("a new filing needs --area (applySealCode's areaNumber)"));
  }
  std::cout << "filing " << o.seal << " with " << client->url() << std::endl;
  std::string code = need(
      run.run(o.seal, details_of(o), now_utc(), print_step, "cli:" + operator_caller().name, until),
      "filing " + o.seal + " (run it again to resume)");
  if (!code.empty()) print_field("seal code", code);
}

void print_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  std::cout << buffer.GetString() << "\n";
}

Time time_option(const std::string& text, Time fallback) {
  if (text.empty()) return fallback;
  return need(parse_china(text), "time (yyyy-MM-dd HH:mm:ss, China Standard Time)");
}

std::string state_line(const store::TaskRecord& t) {
  auto f = service::read_fields(t.payload);
  std::string name = f ? (*f)["name"] : "";
  return t.subject + "  " + t.state + "  " + name + "  (updated " + format_utc(t.updated) + ")";
}

}  // namespace

void add_filing_commands(CLI::App& root, const GlobalOptions& global) {
  auto* cmd = root.add_subcommand("filing",
                                  "Filing with the national platform (LD/T 01.4 §5.2): file seals "
                                  "upward, or serve as the platform");
  cmd->require_subcommand(1);
  auto o = std::make_shared<FilingOptions>();
  auto common = [&](CLI::App* sub) {
    sub->add_option("--config", o->config, "Configuration file (default: eseal.toml when present)");
    sub->add_option("--data-dir", o->data_dir, "Data folder (overrides [data] dir)");
  };
  auto run_options = [&](CLI::App* sub) {
    common(sub);
    sub->add_option("seal", o->seal, "The seal's id (esID) in this data folder")->required();
    sub->add_option("--area", o->area, "applySealCode's areaNumber (2 to 6 digits)");
    sub->add_option("--district", o->district, "districtCode (行政区划代码)");
    sub->add_option("--maker-code", o->maker_code, "yzzzdwbm: the seal maker unit's credit code");
    sub->add_option("--maker-name", o->maker_name, "yzzzdw_dwmc: the seal maker unit's name");
    sub->add_option("--handler-name", o->handler_name, "jbr_xm: who applied for the seal");
    sub->add_option("--handler-id-type", o->handler_id_type, "jbr_zjlx: their id type")
        ->capture_default_str();
    sub->add_option("--handler-id", o->handler_id, "jbr_zjhm: their id number");
    sub->add_option("--user-name", o->user_name, "yzsydw_dwmc (default: the seal's organization)");
    sub->add_option("--user-code", o->user_code,
                    "yzsydw_tyshxydm (default: the organization's credit code)");
  };
  const auto& steps = filing::FilingRun::steps();
  auto* whole =
      cmd->add_subcommand("run", "File a seal: every step, resuming after the last one done");
  run_options(whole);
  whole->callback([o, &global, n = steps.size()] { run_until(*o, global, n); });
  for (const char* step : {"seal-code", "upload", "result", "confirm"}) {
    auto* sub = cmd->add_subcommand(step, std::string("Run a seal's filing up to ") + step);
    run_options(sub);
    std::size_t until =
        static_cast<std::size_t>(std::find(steps.begin(), steps.end(), step) - steps.begin()) + 1;
    sub->callback([o, &global, until] { run_until(*o, global, until); });
  }

  auto* push = cmd->add_subcommand("push-unit", "onlinePush: the seal maker unit's details");
  common(push);
  push->add_option("--set", o->sets, "key=value of table 2 (mspUnitCode, mspSn, mspUnitNameCn, …)")
      ->required();
  push->callback([o, &global] {
    Opened d = open(*o, global);
    auto client = filing_upstream(d.config, d.kek);
    service::Fields unit;
    for (const auto& set : o->sets) {
      auto eq = set.find('=');
      if (eq == std::string::npos || eq == 0) fail(Error::invalid_input("--set wants key=value"));
      unit[set.substr(0, eq)] = set.substr(eq + 1);
    }
    AppFile app = read_app_file(d.config.filing.credentials, d.kek);
    if (!unit.count("keyPlus"))
      unit["keyPlus"] = crypto::to_base64(app.credentials.signer->certificate().der());
    need(client->push_unit(unit), "onlinePush");
    std::cout << "unit " << unit["mspUnitCode"] << " pushed\n";
  });

  auto* challenge = cmd->add_subcommand("challenge", "getRandom: a single-use tokenInfo");
  common(challenge);
  challenge->callback([o, &global] {
    Opened d = open(*o, global);
    auto client = filing_upstream(d.config, d.kek);
    auto random = need(crypto::random_bytes(8));
    print_field("tokenInfo", need(client->challenge(crypto::to_hex(random)), "getRandom"));
  });

  auto* update =
      cmd->add_subcommand("update-key", "updateProtectKey: a new encryption key for a filed seal");
  common(update);
  update->add_option("seal", o->seal, "The seal's id")->required();
  update->callback([o, &global] {
    Opened d = open(*o, global);
    auto client = filing_upstream(d.config, d.kek);
    filing::FilingRun run(*d.store, *d.platform, *d.platform, d.kek, *client);
    need(run.update_key(o->seal, now_utc(), print_step, "cli:" + operator_caller().name),
         "updateProtectKey");
    std::cout << "protection key of " << o->seal << " updated\n";
  });

  auto* revoke = cmd->add_subcommand(
      "revoke", "revocationSealInfo and 209: revoke, cancel or report lost a filed seal");
  common(revoke);
  revoke->add_option("seal", o->seal, "The seal's id")->required();
  revoke->add_option("--reason", o->reason, "cancelReason 0-9 (table 23)")->capture_default_str();
  revoke
      ->add_option("--type", o->type,
                   "invalidType: 0 revoke (吊销), 1 cancel (撤销), 2 lost (挂失)")
      ->capture_default_str();
  revoke->add_option("--describe", o->describe, "cancelDescribe (default: the reason's words)");
  revoke->callback([o, &global] {
    Opened d = open(*o, global);
    auto client = filing_upstream(d.config, d.kek);
    filing::FilingRun run(*d.store, *d.platform, *d.platform, d.kek, *client);
    Time now = now_utc();
    filing::Revocation r{o->reason,
                         o->describe.empty() ? filing::reason_text(o->reason) : o->describe,
                         o->type, now, now};
    need(run.revoke(o->seal, r, now, "cli:" + operator_caller().name), "revoking " + o->seal);
    std::cout << o->seal << ": " << filing::state_of(o->type) << " (" << r.describe << ")\n";
  });

  auto* status = cmd->add_subcommand("status", "DB.seal.status.query on the upstream platform");
  common(status);
  status->add_option("code", o->code, "The seal code")->required();
  status->add_option("--name", o->name, "The seal's name (checked when given)");
  status->add_option("--at", o->at, "Query time, yyyy-MM-dd HH:mm:ss (default: now)");
  status->callback([o, &global] {
    Opened d = open(*o, global);
    auto client = filing_upstream(d.config, d.kek);
    print_json(need(client->status(o->code, o->name, time_option(o->at, now_utc())),
                    "DB.seal.status.query"));
  });

  auto* list =
      cmd->add_subcommand("revocations", "DB.seal.deactive.list.query: the signed revocation list");
  common(list);
  list->add_option("--from", o->from, "From, yyyy-MM-dd HH:mm:ss (default: the beginning)");
  list->add_option("--to", o->to, "To (default: now)");
  list->add_option("--page-size", o->page_size)->capture_default_str();
  list->add_option("--page", o->page)->capture_default_str();
  list->callback([o, &global] {
    Opened d = open(*o, global);
    auto client = filing_upstream(d.config, d.kek);
    print_json(need(client->revocations(time_option(o->from, Time{}), time_option(o->to, now_utc()),
                                        o->page_size, o->page),
                    "DB.seal.deactive.list.query"));
  });

  auto* account = cmd->add_subcommand("account", "As the platform: DB.oauth.token accounts");
  account->require_subcommand(1);
  auto* add = account->add_subcommand("add", "An account for an app; its secrets are shown once");
  common(add);
  add->add_option("username", o->username, "The account's username")->required();
  add->add_option("--app", o->app, "The app (syscode) it belongs to")->required();
  add->add_option("--save", o->save, "Append it as [account] to this app file");
  add->callback([o, &global] {
    // One account per app file: a second [account] table would make the file unreadable.
    std::string text;
    if (!o->save.empty()) {
      text = to_string(need(read_file(o->save)));
      if (text.find("\n[account]") != std::string::npos || text.starts_with("[account]"))
        fail(Error::invalid_input(o->save + " already holds an [account]"));
    }
    Opened d = open(*o, global);
    auto app = need(d.store->apps().find(o->app), "--app " + o->app);
    filing::FilingRegistry registry(*d.store);
    auto made = need(registry.add_account(service::StorePlatform::caller_of(app, "ldt"),
                                          o->username, now_utc()));
    print_field("username", made.username);
    print_field("password", made.password);
    print_field("salt", made.salt);
    print_field("client_id", made.client_id);
    print_field("client_secret", made.client_secret);
    if (!o->save.empty()) {
      text += "\n[account]\nusername = \"" + made.username + "\"\npassword = \"" + made.password +
              "\"\nsalt = \"" + made.salt + "\"\nclient_id = \"" + made.client_id +
              "\"\nclient_secret = \"" + made.client_secret + "\"\n";
      need(write_file_atomic(o->save, as_bytes(text), 0600));
      std::cout << "saved to " << o->save << "\n";
    }
  });

  auto* seals = cmd->add_subcommand("seals", "Seals on record here as filed, with their state");
  common(seals);
  seals->callback([o, &global] {
    Opened d = open(*o, global);
    store::TaskQuery query = filing::query_of(filing::seal_kind());
    query.limit = 1000;
    for (const auto& t : need(d.store->tasks().query(query))) std::cout << state_line(t) << "\n";
  });
  auto* units = cmd->add_subcommand("units", "As the platform: seal maker units pushed to it");
  common(units);
  units->callback([o, &global] {
    Opened d = open(*o, global);
    filing::FilingRegistry registry(*d.store);
    for (const auto& u : need(registry.units()))
      std::cout << u.credit_code << "  mspSn " << u.serial << "  " << u.fields.at("mspUnitNameCn")
                << "\n";
  });
}

}  // namespace eseal::cli
