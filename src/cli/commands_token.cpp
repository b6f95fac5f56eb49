// eseal token init | write-seal | write-file | list: USB keys through their vendor's SKF library
// (ESEAL_SKF_LIBRARY; eseal's software key by default). A key is provisioned as LD/T 01.4
// §5.3.2.3 lays it out: an application with the seal in HRSS_ESEAL and the police's file in
// GA_ENCFILE, the signing key made inside the key in the application's first container.
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/seal_choice.h"
#include "crypto/encoding.h"
#include "keys/key_pair_files.h"
#include "service/usb_key.h"

namespace eseal::cli {
namespace {

// Which key, and how to log in to its first application.
struct TokenOptions {
  std::string device, pin;
};

void add_token_options(CLI::App* cmd, TokenOptions& o) {
  cmd->add_option("--device", o.device, "The USB key's name (default: the first present)");
  cmd->add_option("--pin", o.pin, "The user PIN (default: ESEAL_TOKEN_PIN)");
}

std::shared_ptr<keys::SkfLibrary> load_library() {
  return need(keys::SkfLibrary::load(service::default_skf_library()));
}

// The key's first application, logged in with the user PIN.
std::shared_ptr<keys::SkfApplication> logged_in(keys::SkfLibrary& library, const TokenOptions& o) {
  std::string pin = token_pin(o.pin);
  auto device = need(library.connect(o.device));
  auto application = need(device->open_application());
  need(application->verify_pin(pin));
  return application;
}

struct InitOptions {
  std::string device, label, auth_key_hex = "31323334353637383132333435363738";
  std::string application = "HRSS", admin_pin, user_pin;
  unsigned retries = 10;
  bool make = false;
};

void init_token(const InitOptions& o) {
  auto library = load_library();
  if (o.make) {
    need(library->make_device(o.device, o.label.empty() ? o.device : o.label));
    std::cout << "made the software USB key " << o.device << "\n";
  }
  auto device = need(library->connect(o.device));
  if (!o.label.empty() && !o.make) need(device->set_label(o.label));
  need(device->authenticate(need(crypto::from_hex(o.auth_key_hex), "--auth-key")), "--auth-key");
  need(device->create_application(o.application, o.admin_pin, o.user_pin, o.retries));
  auto info = need(device->info());
  std::cout << "USB key " << device->name() << " (" << info.manufacturer << ", serial "
            << info.serial << "): application " << o.application << ", " << o.retries
            << " PIN tries\n";
}

struct SealOptions {
  TokenOptions token;
  std::string container = "ESEAL", issuer, subject;
  int days = 730;
  SealMakeRequest seal;
};

void write_seal(const SealOptions& o, const keys::Kek& kek) {
  auto library = load_library();
  auto app = logged_in(*library, o.token);
  auto containers = need(app->containers());
  if (!containers.empty() && containers.front() != o.container) {
    fail(Error::invalid_input("the key's first container is " + containers.front() +
                              ": the seal's key goes there (--container " + containers.front() +
                              ")"));
  }
  if (containers.empty()) need(app->create_container(o.container));
  crypto::Sm2PublicKey key = need(app->generate_key(o.container));
  pki::Certificate cert = certify_device_key(o.issuer, o.subject, key, o.days, kek);
  need(app->import_certificate(o.container, cert));
  ses::SesSeal seal = make_seal_for(o.seal, {cert}, kek);
  need(service::write_usb_key_seal(*app, o.container, seal));
  std::cout << "wrote seal " << seal.info.es_id << " \"" << seal.info.name << "\" to "
            << app->device().name() << "/" << app->name() << "/" << service::kUsbKeySealFile
            << "\nsigning key in container " << o.container << ", certificate "
            << cert.subject().to_string() << "\n";
}

void list_tokens() {
  auto library = load_library();
  auto devices = need(library->devices());
  if (devices.empty()) std::cout << "no USB key is present (" << library->path() << ")\n";
  for (const auto& name : devices) {
    auto device = need(library->connect(name));
    auto info = need(device->info());
    std::cout << name << "  label \"" << info.label << "\", " << info.manufacturer << ", serial "
              << info.serial << "\n";
    for (const auto& app_name : need(device->applications())) {
      auto app = need(device->open_application(app_name));
      auto pin = need(app->pin_info());
      std::cout << "  application " << app_name << "  user PIN " << pin.retries_left << "/"
                << pin.max_retries << " tries left" << (pin.default_pin ? ", still the first" : "")
                << "\n";
      for (const auto& file : need(app->files())) {
        auto about = need(app->file_info(file));
        std::cout << "    file " << file << "  " << about.size << " bytes";
        if (file == service::kUsbKeySealFile) {
          auto data = app->read_file(file);
          auto seal = data ? ses::decode_seal(*data) : Result<ses::SesSeal>(data.error());
          std::cout << (seal ? "  seal " + seal->info.es_id + " \"" + seal->info.name + "\""
                             : "  (not a seal: " + seal.error().message + ")");
        }
        std::cout << "\n";
      }
      for (const auto& container : need(app->containers())) {
        auto cert = app->certificate(container);
        std::cout << "    container " << container << "  "
                  << (cert ? cert->subject().to_string() : "no signing certificate") << "\n";
      }
    }
  }
}

}  // namespace

void add_token_commands(CLI::App& root, const GlobalOptions& global) {
  auto* token = root.add_subcommand(
      "token", "Provision and list USB keys (GM/T 0016 SKF; ESEAL_SKF_LIBRARY names the library)");
  token->require_subcommand(1);
  {
    auto* init = token->add_subcommand("init", "Create the seal application on a USB key");
    auto o = std::make_shared<InitOptions>();
    init->add_option("--device", o->device, "The USB key's name")->required();
    init->add_flag("--new", o->make, "Make a new software USB key of that name first");
    init->add_option("--label", o->label, "The key's label");
    init->add_option("--auth-key", o->auth_key_hex,
                     "Device authentication key, 32 hex digits (default: the factory's "
                     "\"1234567812345678\")");
    init->add_option("--application", o->application, "Application name")->capture_default_str();
    init->add_option("--admin-pin", o->admin_pin, "The administrator PIN")->required();
    init->add_option("--user-pin", o->user_pin, "The user PIN")->required();
    init->add_option("--retries", o->retries, "Wrong PINs before the key locks")
        ->capture_default_str();
    init->callback([o] { init_token(*o); });
  }
  {
    auto* seal = token->add_subcommand(
        "write-seal",
        "Make a signing key inside the USB key, certify it and write a seal for it (HRSS_ESEAL)");
    auto o = std::make_shared<SealOptions>();
    add_token_options(seal, o->token);
    seal->add_option("--container", o->container, "Container of the signing key")
        ->capture_default_str();
    seal->add_option("--issuer", o->issuer, "CA that certifies the key, by prefix (P.pem, P.key)")
        ->required();
    seal->add_option("--subject", o->subject, "The key's certificate subject, \"C=CN,O=…,CN=…\"")
        ->required();
    seal->add_option("--days", o->days, "Certificate validity in days")->capture_default_str();
    seal->add_option("--maker", o->seal.maker, "Seal maker's prefix P (P.pem, P.key)")->required();
    add_seal_design_options(seal, o->seal);
    seal->callback([o, &global] { write_seal(*o, load_kek(global)); });
  }
  {
    auto* file = token->add_subcommand(
        "write-file", "Write a file to the key's first application (e.g. GA_ENCFILE)");
    auto o = std::make_shared<TokenOptions>();
    auto name = std::make_shared<std::string>();
    auto in = std::make_shared<std::string>();
    add_token_options(file, *o);
    file->add_option("--name", *name, "File name on the key")->required();
    file->add_option("--in", *in, "The file to write")->required();
    file->callback([o, name, in] {
      auto app = logged_in(*load_library(), *o);
      Bytes data = need(read_file(*in));
      need(app->write_file(*name, data));
      std::cout << "wrote " << data.size() << " bytes to " << app->device().name() << "/"
                << app->name() << "/" << *name << "\n";
    });
  }
  token->add_subcommand("list", "List the USB keys present, their applications, files and keys")
      ->callback(list_tokens);
}

}  // namespace eseal::cli
