#include "cli/seal_choice.h"

#include <cstdlib>

#include "cli/placement_options.h"
#include "cli/store_support.h"
#include "service/store_platform.h"
#include "service/usb_key.h"

namespace eseal::cli {

void add_seal_choice(CLI::App* cmd, SealChoice& c, bool with_key) {
  cmd->add_option("--seal", c.seal, "Seal (.esl) whose picture is stamped");
  if (with_key) cmd->add_option("--key", c.key, "Signer's private key (S.key)");
  cmd->add_option("--cert", c.cert, "Signer's certificate (S.pem), listed in the seal");
  cmd->add_option("--seal-id", c.seal_id,
                  "Instead of --seal, --cert" + std::string(with_key ? ", --key" : "") +
                      ": a seal registered in --data-dir, with the signer held there");
  add_data_dir_option(*cmd, c.data_dir);
  if (!with_key) return;
  cmd->add_flag("--token", c.token,
                "Instead of the above: the seal (HRSS_ESEAL) and key on a USB key, through the "
                "SKF library in ESEAL_SKF_LIBRARY (default: eseal's software key)");
  cmd->add_option("--token-device", c.token_device, "The USB key's name (default: the first)");
  cmd->add_option("--pin", c.pin, "The USB key's user PIN (default: ESEAL_TOKEN_PIN)");
}

void ChosenSeal::audit(const std::string& operation, const std::string& detail) const {
  if (store) need(store->audit().append(cli_audit(operation, seal.info.es_id, detail)));
}

std::string token_pin(const std::string& option) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("ESEAL_TOKEN_PIN"); env && *env) return env;
  fail(Error::invalid_input("give the USB key's user PIN: --pin or ESEAL_TOKEN_PIN"));
}

namespace {

ChosenSeal usb_key_seal(const SealChoice& c) {
  std::string pin = token_pin(c.pin);
  auto library = need(keys::SkfLibrary::load(service::default_skf_library()), "--token");
  service::UsbKeySeal on_key =
      need(service::open_usb_key_seal(*library, c.token_device, pin), "--token");
  pki::Certificate cert = on_key.signer->certificate();
  return {std::move(on_key.seal), std::move(cert), std::move(on_key.signer), nullptr};
}

}  // namespace

ChosenSeal choose_seal(const SealChoice& c, const GlobalOptions& global, bool with_signer) {
  if (c.token) {
    if (!c.seal_id.empty() || !c.seal.empty() || !c.key.empty() || !c.cert.empty())
      fail(Error::invalid_input(
          "give --token or --seal, --cert and --key or --seal-id, not several"));
    return usb_key_seal(c);
  }
  if (!c.seal_id.empty()) {
    if (!c.seal.empty() || !c.key.empty() || !c.cert.empty())
      fail(Error::invalid_input("give --seal-id or --seal, --cert and --key, not both"));
    keys::Kek kek = load_kek(global, keys::KekFile::kMustExist, c.data_dir);
    std::shared_ptr<store::Store> store = open_data_store(c.data_dir, kek);
    service::StorePlatform platform(*store, kek, c.data_dir);
    platform.use_device_keys(device_keys(load_configuration("")));
    Time now = now_utc();
    service::Caller caller = operator_caller();
    if (with_signer) {
      service::SealInUse in_use = need(platform.usable(c.seal_id, caller, now), "--seal-id");
      pki::Certificate cert = in_use.signer->certificate();
      return {std::move(in_use.seal.seal), std::move(cert), std::move(in_use.signer), store};
    }
    service::RegisteredSeal seal = need(platform.find(c.seal_id, now), "--seal-id");
    need(service::check_usable(seal, caller, now), "--seal-id");
    return {std::move(seal.seal), std::move(*seal.signer_cert), nullptr, store};
  }
  if (c.seal.empty() || c.cert.empty() || (with_signer && c.key.empty())) {
    fail(Error::invalid_input(std::string("give --seal, --cert") + (with_signer ? ", --key" : "") +
                              " or --seal-id"));
  }
  ses::SesSeal seal = read_seal(c.seal);
  if (!with_signer) return {std::move(seal), read_certificate(c.cert), nullptr, nullptr};
  keys::Kek kek = load_kek(global);
  std::shared_ptr<keys::Signer> signer = read_signer(c.key, c.cert, kek);
  pki::Certificate cert = signer->certificate();
  return {std::move(seal), std::move(cert), std::move(signer), nullptr};
}

}  // namespace eseal::cli
