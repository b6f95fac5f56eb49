// eseal device info | keygen | certify: the server's crypto device (GM/T 0018 SDF) of [keys]
// (sdf_library, sdf_password; eseal's software device by default), whose key indexes sign for
// seals registered with `eseal seal register --key sdf:N` when [keys] provider = "sdf".
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/store_support.h"
#include "crypto/encoding.h"
#include "service/device_keys.h"

namespace eseal::cli {
namespace {

struct DeviceOptions {
  std::string config;
  unsigned index = 0;
};

void add_device_options(CLI::App* cmd, DeviceOptions& o, bool with_index) {
  cmd->add_option("--config", o.config, "Configuration file (default: ./eseal.toml if present)");
  if (with_index) {
    cmd->add_option("--index", o.index, "Key index on the device")
        ->required()
        ->check(CLI::Range(1u, 1024u));
  }
}

service::DeviceKeys open_keys(const DeviceOptions& o) {
  api::Config config = load_configuration(o.config);
  return service::DeviceKeys({config.keys.sdf_library, config.keys.sdf_password});
}

std::string password_of(const DeviceOptions& o) {
  std::string password = load_configuration(o.config).keys.sdf_password;
  if (password.empty()) {
    fail(
        Error::invalid_input("no key index password: set [keys] sdf_password or "
                             "ESEAL_KEYS_SDF_PASSWORD"));
  }
  return password;
}

struct CertifyOptions {
  DeviceOptions device;
  std::string issuer, subject, out;
  int days = 730;
  bool force = false;
};

}  // namespace

void add_device_commands(CLI::App& root, const GlobalOptions& global) {
  auto* device = root.add_subcommand(
      "device", "The server's crypto device (GM/T 0018 SDF; [keys] sdf_library, sdf_password)");
  device->require_subcommand(1);
  {
    auto* info = device->add_subcommand("info", "Show the device and the library it is reached by");
    auto o = std::make_shared<DeviceOptions>();
    add_device_options(info, *o, false);
    info->callback([o] {
      auto keys = open_keys(*o);
      auto opened = need(keys.device());
      auto about = need(opened->info());
      std::cout << about.name << "  issuer " << about.issuer << ", serial " << about.serial << "\n";
      print_field("library", opened->library_path());
      print_field("makes keys", opened->makes_keys() ? "yes (eseal's software device)"
                                                     : "no (the vendor's tool makes them)");
    });
  }
  {
    auto* keygen = device->add_subcommand(
        "keygen", "Make a signing and an encryption key pair at a key index (software device)");
    auto o = std::make_shared<DeviceOptions>();
    add_device_options(keygen, *o, true);
    keygen->callback([o] {
      auto keys = open_keys(*o);
      auto key = need(need(keys.device())->make_key_pair(o->index, password_of(*o)));
      std::cout << "made key index " << o->index << "\n";
      print_field("public key", crypto::to_hex(key.point()));
    });
  }
  {
    auto* certify =
        device->add_subcommand("certify", "Issue a seal certificate for a key index's signing key");
    auto o = std::make_shared<CertifyOptions>();
    add_device_options(certify, o->device, true);
    certify
        ->add_option("--issuer", o->issuer, "CA that certifies the key, by prefix (P.pem, P.key)")
        ->required();
    certify->add_option("--subject", o->subject, "Certificate subject, \"C=CN,O=…,CN=…\"")
        ->required();
    certify->add_option("--days", o->days, "Validity in days")->capture_default_str();
    certify->add_option("--out", o->out, "The certificate (PEM)")->required();
    certify->add_flag("--force", o->force, "Replace an existing file");
    certify->callback([o, &global] {
      if (!o->force && std::filesystem::exists(o->out)) {
        fail(Error::invalid_input(o->out + " exists (--force replaces it)"));
      }
      auto keys = open_keys(o->device);
      auto key = need(need(keys.device())->sign_public_key(o->device.index));
      pki::Certificate cert =
          certify_device_key(o->issuer, o->subject, key, o->days, load_kek(global));
      need(write_file_atomic(o->out, as_bytes(cert.pem())));
      std::cout << "certified key index " << o->device.index << ": " << cert.subject().to_string()
                << "\n";
      print_field("certificate", o->out);
    });
  }
}

}  // namespace eseal::cli
