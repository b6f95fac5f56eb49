// eseal seal register | list | status | freeze | revoke: seals kept in the server's store, with
// their status (valid, frozen, lost, revoked, expired). `make`, `show` and `verify` work on
// files and live in commands_seal.cpp.
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/store_support.h"
#include "crypto/encoding.h"
#include "keys/key_pair_files.h"
#include "service/seal_registration.h"
#include "service/seal_status.h"
#include "ses/verify.h"

namespace eseal::cli {
namespace {

struct RegisterOptions {
  std::string data_dir = kDefaultDataDir;
  std::string file, cert, key, app, credit_code;
};

void run_register(const RegisterOptions& o, const GlobalOptions& global) {
  Time now = now_utc();
  service::SealToRegister what;
  what.seal = need(service::checked_seal(need(read_file(o.file)), now), o.file);
  if (!o.cert.empty()) what.signer = read_certificate(o.cert);

  // A key file is read with the data folder's KEK (or is unencrypted) and kept in the folder's
  // keystore, so the folder moves and backs up with it; with [keys] provider = "sdf" the key is
  // a key index of the crypto device instead (--key sdf:N).
  auto device_index = service::device_key_index(o.key);
  auto device = device_keys(load_configuration(""));
  if (device_index && !device) {
    fail(Error::invalid_input("--key " + o.key +
                              " is a crypto device key: set [keys] provider = "
                              "\"sdf\" (or ESEAL_KEYS_PROVIDER=sdf)"));
  }
  if (device && !o.key.empty() && !device_index) {
    fail(
        Error::invalid_input("[keys] provider is sdf: the seal's key is a key index of the "
                             "crypto device, --key sdf:N"));
  }
  std::optional<keys::Kek> kek;
  if (!o.key.empty() && !device_index) kek = data_folder_kek(global, o.data_dir);
  auto store = open_data_store(o.data_dir, kek);
  if (!o.app.empty()) {
    what.app_id = need(store->apps().find(o.app), "--app").id;
    what.note = "; app=" + o.app;
  }
  if (!o.credit_code.empty()) {
    for (const auto& org : need(store->organizations().list())) {
      if (org.credit_code == o.credit_code) what.org_id = org.id;
    }
    if (what.org_id.empty()) {
      fail(Error::invalid_input("--credit-code: no organization " + o.credit_code +
                                " (`eseal sz grant` registers it)"));
    }
    what.note += "; org=" + o.credit_code;
  }
  std::optional<keys::SoftKeystore> keystore;
  std::optional<service::SealKeyFile> key;
  if (kek) {
    keystore.emplace(open_keystore(*store, *kek));
    key.emplace(service::SealKeyFile{*keystore, o.key, *kek});
  }
  store::SealRecord record =
      device_index
          ? need(service::register_seal(*store, what,
                                        service::SealDeviceKey{*device, *device_index},
                                        operator_caller().actor(), now))
          : need(service::register_seal(*store, what, key, operator_caller().actor(), now));
  std::cout << "registered seal " << record.id << " \"" << record.name << "\"\n";
  print_field("signer", record.signer_dn);
  print_field("valid", format_utc(record.valid_start) + " .. " + format_utc(record.valid_end));
  print_field("status", std::string(store::status_name(record.effective_status(now))));
  if (key) print_field("key", record.key_id + " (in " + o.data_dir + "/keys)");
  if (device_index) print_field("key", "crypto device key index " + std::to_string(*device_index));
  if (!o.app.empty()) print_field("app", o.app);
}

std::string status_text(const store::SealRecord& seal, Time now) {
  store::SealStatus effective = seal.effective_status(now);
  std::string text(store::status_name(effective));
  if (effective != seal.status)
    text += " (set: " + std::string(store::status_name(seal.status)) + ")";
  return text;
}

void change_status(const std::string& data_dir, const std::string& id, store::SealStatus to,
                   const std::string& reason) {
  auto store = open_data_store(data_dir);
  Time now = now_utc();
  std::string from(store::status_name(need(store->seals().find(id)).effective_status(now)));
  need(service::change_seal_status(*store, operator_caller().actor(), id, to, reason, now));
  std::cout << "seal " << id << ": " << from << " -> " << store::status_name(to) << "\n";
}

}  // namespace

void add_seal_store_commands(CLI::App& seal, const GlobalOptions& global) {
  {
    auto* reg = seal.add_subcommand(
        "register", "Register a seal (.esl) in the store, with its signer's certificate and key");
    auto o = std::make_shared<RegisterOptions>();
    reg->add_option("--file", o->file, "The seal (.esl)")->required();
    reg->add_option("--cert", o->cert, "The signer's certificate (default: the seal's first)");
    reg->add_option(
        "--key", o->key,
        "The signer's key file, imported into DATA_DIR/keys to sign with the seal; or sdf:N, key "
        "index N of the crypto device ([keys] provider = \"sdf\")");
    reg->add_option("--app", o->app, "Syscode of the app that owns the seal");
    reg->add_option("--credit-code", o->credit_code,
                    "The organization the seal belongs to, by its credit code (DB4403)");
    add_data_dir_option(*reg, o->data_dir);
    reg->callback([o, &global] { run_register(*o, global); });
  }
  {
    auto* list = seal.add_subcommand("list", "List the seals in the store with their status");
    auto dir = std::make_shared<std::string>(kDefaultDataDir);
    add_data_dir_option(*list, *dir);
    list->callback([dir] {
      Time now = now_utc();
      for (const auto& s : need(open_data_store(*dir)->seals().list())) {
        std::cout << s.id << "  " << status_text(s, now) << "  " << s.type << "  " << s.name << "  "
                  << s.signer_dn << "\n";
      }
    });
  }
  {
    auto* status = seal.add_subcommand("status", "Show a seal's status, or change it with --set");
    auto dir = std::make_shared<std::string>(kDefaultDataDir);
    auto id = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto reason = std::make_shared<std::string>();
    status->add_option("id", *id, "The seal's esID")->required();
    status->add_option("--set", *to, "New status: valid, frozen, lost or revoked");
    status->add_option("--reason", *reason, "Why, for the audit log (with --set)");
    add_data_dir_option(*status, *dir);
    status->callback([=] {
      if (!to->empty()) {
        store::SealStatus target = need(store::parse_seal_status(*to), "--set");
        if (target == store::SealStatus::kExpired) {
          fail(Error::invalid_input("--set: a seal expires by its validity, not by hand"));
        }
        change_status(*dir, *id, target, *reason);
        return;
      }
      store::SealRecord s = need(open_data_store(*dir)->seals().find(*id));
      std::cout << s.id << " " << status_text(s, now_utc()) << "\n";
    });
  }
  for (auto [verb, target, help] :
       {std::tuple{"freeze", store::SealStatus::kFrozen, "Freeze a seal (status frozen)"},
        std::tuple{"revoke", store::SealStatus::kRevoked, "Revoke a seal for good"}}) {
    auto* command = seal.add_subcommand(verb, help);
    auto dir = std::make_shared<std::string>(kDefaultDataDir);
    auto id = std::make_shared<std::string>();
    auto reason = std::make_shared<std::string>();
    command->add_option("id", *id, "The seal's esID")->required();
    command->add_option("--reason", *reason, "Why, for the audit log");
    add_data_dir_option(*command, *dir);
    command->callback([=, to = target] { change_status(*dir, *id, to, *reason); });
  }
}

}  // namespace eseal::cli
