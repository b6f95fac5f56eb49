// eseal seal register | list | status | freeze | revoke: seals kept in the server's store, with
// their status (valid, frozen, lost, revoked, expired). `make`, `show` and `verify` work on
// files and live in commands_seal.cpp.
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/store_support.h"
#include "crypto/encoding.h"
#include "keys/key_pair_files.h"
#include "service/seal_status.h"
#include "ses/verify.h"

namespace eseal::cli {
namespace {

struct RegisterOptions {
  std::string data_dir = kDefaultDataDir;
  std::string file, cert, key, app;
};

pki::Certificate signer_of(const ses::SesSeal& seal, const std::string& cert_file) {
  if (!cert_file.empty()) {
    pki::Certificate cert = read_certificate(cert_file);
    if (!ses::signer_listing(seal.info, cert.der())) {
      fail(Error::invalid_input(cert_file + " is not a signer certificate of seal " +
                                seal.info.es_id));
    }
    return cert;
  }
  if (seal.info.signer_certs.empty()) {
    fail(Error::invalid_input("seal " + seal.info.es_id +
                              " lists its signers by digest: give the signer's --cert"));
  }
  return need(pki::Certificate::from_der(seal.info.signer_certs.front()), "the seal's signer");
}

}  // namespace

store::SealRecord register_seal(store::Store& store, const ses::SesSeal& seal,
                                const pki::Certificate& signer, std::optional<SealKey> key,
                                const std::string& app_id, const std::string& note) {
  store::CertificateRecord cert = store::CertificateRecord::from(signer);
  store::SealRecord record;
  record.id = seal.info.es_id;
  record.name = seal.info.name;
  record.type = seal.info.type;
  record.app_id = app_id;
  record.signer_dn = cert.subject;
  record.seal_sm3 = need(store.blobs().put(seal.encoded));
  record.cert_id = cert.id;
  record.valid_start = seal.info.valid_start;
  record.valid_end = seal.info.valid_end;
  record.created = record.updated = now_utc();
  std::optional<store::KeyRecord> key_record;
  if (key) {
    auto imported = keys::import_key(key->keystore, key->file, signer, key->kek);
    if (!imported && imported.error().code == keys::kKeyMismatch) {
      fail(Error::invalid_input(key->file.string() + " is not the key of " +
                                signer.subject().to_string()));
    }
    record.key_id = need(std::move(imported), "importing the signing key");
    key_record = store::KeyRecord{
        record.key_id, "", crypto::to_hex(need(signer.public_key()).point()), record.created};
  }
  Status added =
      store.add_seal({record, cert, key_record},
                     cli_audit("seal.register", record.id,
                               "name=" + record.name + "; signer=" + record.signer_dn + note));
  if (!added) {
    if (key) (void)key->keystore.remove(record.key_id);
    fail(added.error());
  }
  return record;
}

namespace {

void run_register(const RegisterOptions& o, const GlobalOptions& global) {
  Bytes bytes = need(read_file(o.file));
  ses::SesSeal seal = need(ses::decode_seal(bytes), o.file);
  // The store only holds seals whose maker signature holds; validity and chains are judged
  // when the seal is used.
  ses::Verdict verdict = ses::verify_seal(seal, now_utc(), {});
  for (const char* name : {"structure", "maker-signature"}) {
    const ses::Check* check = verdict.find(name);
    if (check && check->result == ses::CheckResult::kFailed) {
      std::cout << "FAILED seal " << seal.info.es_id << ": " << name << ": " << check->detail
                << "\n";
      throw CommandFailure{kExitVerificationFailed};
    }
  }
  pki::Certificate signer = signer_of(seal, o.cert);

  // The key is read with the data folder's KEK (or is unencrypted) and kept in the folder's
  // keystore, so the folder moves and backs up with it.
  std::optional<keys::Kek> kek;
  if (!o.key.empty()) kek = data_folder_kek(global, o.data_dir);
  auto store = open_data_store(o.data_dir, kek);
  std::string app_id;
  if (!o.app.empty()) app_id = need(store->find_app(o.app), "--app").id;

  std::optional<keys::SoftKeystore> keystore;
  std::optional<SealKey> key;
  if (kek) {
    keystore.emplace(open_keystore(o.data_dir, *kek));
    key.emplace(SealKey{*keystore, o.key, *kek});
  }
  store::SealRecord record =
      register_seal(*store, seal, signer, key, app_id, o.app.empty() ? "" : "; app=" + o.app);
  Time now = now_utc();
  std::cout << "registered seal " << record.id << " \"" << record.name << "\"\n";
  print_field("signer", record.signer_dn);
  print_field("valid", format_utc(record.valid_start) + " .. " + format_utc(record.valid_end));
  print_field("status", std::string(store::status_name(record.effective_status(now))));
  if (key) print_field("key", record.key_id + " (in " + o.data_dir + "/keys)");
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
  std::string from(store::status_name(need(store->find_seal(id)).effective_status(now)));
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
    reg->add_option("--key", o->key,
                    "The signer's key file, imported into DATA_DIR/keys to sign with the seal");
    reg->add_option("--app", o->app, "Syscode of the app that owns the seal");
    add_data_dir_option(*reg, o->data_dir);
    reg->callback([o, &global] { run_register(*o, global); });
  }
  {
    auto* list = seal.add_subcommand("list", "List the seals in the store with their status");
    auto dir = std::make_shared<std::string>(kDefaultDataDir);
    add_data_dir_option(*list, *dir);
    list->callback([dir] {
      Time now = now_utc();
      for (const auto& s : need(open_data_store(*dir)->list_seals())) {
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
      store::SealRecord s = need(open_data_store(*dir)->find_seal(*id));
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
