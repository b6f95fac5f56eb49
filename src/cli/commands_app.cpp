// eseal app add | list | show | rotate | disable | enable: integrating apps and their credentials
// in the store: LD/T 01.4 (syscode, authcode, HMAC key, the app's certificate); with
// --family coss, COSS (appId = syscode, secureCode); with --family sz, DB4403/T 383.4
// (systemID = syscode, appKey, SM4 key, MAC key). Secrets are printed once, when made.
#include <algorithm>
#include <iostream>
#include <optional>

#include "base/file.h"
#include "cli/app_file.h"
#include "cli/commands.h"
#include "cli/store_support.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "service/apps.h"

namespace eseal::cli {
namespace {

void print_secrets(const store::AppSecrets& secrets, bool ldt, const std::string& syscode) {
  if (ldt) {
    print_field("authcode", secrets.authcode);
    print_field("hmac key", crypto::to_base64(secrets.hmac_key));
  }
  if (!secrets.secure_code.empty()) print_field("secureCode", secrets.secure_code);
  if (!secrets.sz_app_key.empty()) {
    // The four DB4403 settings together, as the integrator enters them.
    print_field("systemID", syscode);
    print_field("appKey", secrets.sz_app_key);
    print_field("sm4 key", crypto::to_hex(secrets.sz_sm4_key));
    print_field("mac key", crypto::to_base64(secrets.sz_mac_key));
  }
  std::cout << "The secrets above are shown only now: hand them to the app.\n";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

struct AddOptions {
  std::string data_dir = kDefaultDataDir;
  std::string name, syscode, cert, ca, issuer, subject, out, scopes = "*";
  std::string save, key, url = "http://127.0.0.1:8080/seal/v1/electricSeal";
  std::vector<std::string> families{"ldt"};
  int days = 730;
  bool force = false;
};

bool has(const std::vector<std::string>& families, const char* family) {
  return std::find(families.begin(), families.end(), family) != families.end();
}

void run_add(const AddOptions& o, const GlobalOptions& global) {
  bool ldt = has(o.families, "ldt");
  std::string syscode = o.syscode.empty() ? need(service::new_syscode(o.families)) : o.syscode;
  service::NewApp request{o.name, o.families, syscode, o.scopes};
  need(service::check_new_app(request));
  keys::Kek kek = data_folder_kek(global, o.data_dir);
  auto store = open_data_store(o.data_dir, kek);
  // Refused before a certificate is issued for it.
  if (store->apps().find(syscode).ok()) {
    fail(Error::invalid_input("syscode " + syscode + " is already taken"));
  }

  if (!o.save.empty() && (!ldt || (!o.cert.empty() && o.key.empty())))
    fail(Error::invalid_input(
        "--save writes an LD/T app file: give --cert with the app's --key, or --ca/--issuer"));
  std::string key_note, cert_file = o.cert, key_file = o.key;
  std::optional<pki::Certificate> cert = [&]() -> std::optional<pki::Certificate> {
    if (!o.cert.empty()) {
      if (!o.ca.empty() || !o.issuer.empty()) {
        fail(Error::invalid_input("give --cert, or --ca/--issuer to issue one, not both"));
      }
      return read_certificate(o.cert);
    }
    if (o.ca.empty() && o.issuer.empty()) {
      // COSS and DB4403 requests are authenticated with their keys alone.
      if (!ldt) return std::nullopt;
      fail(
          Error::invalid_input("give the app's certificate (--cert P.pem), or a CA to issue one "
                               "(--ca D or --issuer P)"));
    }
    IssuerFiles issuer =
        o.ca.empty() ? IssuerFiles::with_prefix(o.issuer) : IssuerFiles::in_folder(o.ca);
    std::string prefix =
        o.out.empty() ? (std::filesystem::path(o.data_dir) / "apps" / syscode).string() : o.out;
    std::string subject = o.subject.empty() ? "C=CN,O=" + o.name + ",CN=" + syscode : o.subject;
    pki::Certificate issued = issue_to_files(issuer, pki::CertificateProfile::kUser, subject,
                                             o.days, prefix, o.force, kek);
    key_note = prefix + ".pem (key " + prefix + ".key, encrypted under the KEK)";
    cert_file = prefix + ".pem";
    key_file = prefix + ".key";
    return issued;
  }();
  request.certificate = cert;
  service::AddedApp added =
      need(service::add_app(*store, request, operator_caller().actor(), now_utc()));
  const store::AppSecrets& secrets = added.secrets;
  std::cout << "added app \"" << o.name << "\"\n";
  print_field(ldt || !has(o.families, "coss") ? "syscode" : "appId", syscode);
  if (ldt && has(o.families, "coss")) print_field("appId", syscode + " (COSS)");
  print_field("scopes", join(added.app.scopes));
  if (cert)
    print_field("certificate", cert->subject().to_string() + ", serial " + cert->serial_hex());
  if (!key_note.empty()) print_field("files", key_note);
  print_secrets(secrets, ldt, syscode);
  if (!o.save.empty()) {
    // The app file `eseal call ldt` and `eseal filing` read (cli/app_file.h), paths absolute.
    auto absolute = [](const std::string& f) { return std::filesystem::absolute(f).string(); };
    std::string text = app_file_text(o.url, syscode, secrets.authcode, secrets.hmac_key,
                                     absolute(key_file), absolute(cert_file));
    need(write_file_atomic(o.save, as_bytes(text), 0600), "--save " + o.save);
    print_field("app file", o.save);
  }
}

void print_app(const store::App& app) {
  print_field("syscode", app.syscode);
  print_field("name", app.name);
  print_field("id", app.id);
  if (!app.org_id.empty()) print_field("organization", app.org_id);
  print_field("status", app.enabled ? "enabled" : "disabled");
  print_field("families", join(service::families_of(app)));
  if (!app.sz_app_key.empty()) print_field("appKey", app.sz_app_key);
  print_field("scopes", join(app.scopes));
  print_field("created", format_utc(app.created));
  print_field("rotated", format_utc(app.rotated));
  if (app.cert_pem.empty()) return;
  auto cert = pki::Certificate::parse(as_bytes(app.cert_pem));
  if (!cert) {
    print_field("certificate", "(unreadable: " + cert.error().message + ")");
    return;
  }
  print_field("certificate", cert->subject().to_string());
  print_field("serial", cert->serial_hex());
  print_field("cert valid",
              format_utc(cert->not_before()) + " .. " + format_utc(cert->not_after()));
}

}  // namespace

void add_app_commands(CLI::App& root, const GlobalOptions& global) {
  auto* app = root.add_subcommand("app", "Manage integrating apps and their credentials");
  app->require_subcommand(1);
  {
    auto* add = app->add_subcommand(
        "add",
        "Add an app: LD/T syscode, authcode, HMAC key and certificate, COSS appId and "
        "secureCode, DB4403 systemID, appKey, SM4 and MAC keys (secrets shown once), scopes");
    auto o = std::make_shared<AddOptions>();
    add->add_option("--name", o->name, "The business system's name")->required();
    add->add_option("--family", o->families,
                    "Credentials for: ldt (default), coss, sz (DB4403), one or several")
        ->capture_default_str();
    add->add_option("--syscode", o->syscode,
                    "Its syscode, the COSS appId and DB4403 systemID too (default: 16 random hex "
                    "digits; COSS only: APP_ and 32)");
    add->add_option("--cert", o->cert, "The app's SM2 certificate (verifies its `sign`)");
    add->add_option("--ca", o->ca, "Or issue one with a new key pair from this CA folder");
    add->add_option("--issuer", o->issuer, "Or issue one from this CA prefix (P.pem, P.key)");
    add->add_option("--subject", o->subject, "Subject of the issued certificate")
        ->default_str("C=CN,O=<name>,CN=<syscode>");
    add->add_option("--out", o->out, "Prefix for the issued certificate and key")
        ->default_str("<data-dir>/apps/<syscode>");
    add->add_option("--days", o->days, "Validity of the issued certificate")->capture_default_str();
    add->add_option("--scopes", o->scopes, "Operations it may call, comma-separated, or *")
        ->capture_default_str();
    add->add_flag("--force", o->force, "Replace existing certificate and key files");
    add->add_option("--save", o->save,
                    "Write the LD/T app file a client reads (eseal call ldt, eseal filing)");
    add->add_option("--key", o->key,
                    "With --cert and --save: the app's key file, for the app file");
    add->add_option("--url", o->url, "With --save: the server the app calls")
        ->capture_default_str();
    add_data_dir_option(*add, o->data_dir);
    add->callback([o, &global] { run_add(*o, global); });
  }
  {
    auto* list = app->add_subcommand(
        "list", "List the apps: status, families, scopes, name, DB4403 appKey (no secrets)");
    auto dir = std::make_shared<std::string>(kDefaultDataDir);
    add_data_dir_option(*list, *dir);
    list->callback([dir] {
      auto store = open_data_store(*dir);
      for (const auto& a : need(store->apps().list())) {
        std::cout << a.syscode << "  " << (a.enabled ? "enabled " : "disabled") << "  "
                  << join(service::families_of(a)) << "  " << join(a.scopes) << "  " << a.name
                  << (a.sz_app_key.empty() ? "" : "  appKey " + a.sz_app_key) << "\n";
      }
    });
  }
  {
    auto* show = app->add_subcommand("show", "Show one app (no secrets)");
    auto dir = std::make_shared<std::string>(kDefaultDataDir);
    auto syscode = std::make_shared<std::string>();
    show->add_option("syscode", *syscode, "The app's syscode")->required();
    add_data_dir_option(*show, *dir);
    show->callback([=] { print_app(need(open_data_store(*dir)->apps().find(*syscode))); });
  }
  {
    auto* rotate = app->add_subcommand("rotate", "Replace an app's secrets (shown once)");
    auto dir = std::make_shared<std::string>(kDefaultDataDir);
    auto syscode = std::make_shared<std::string>();
    rotate->add_option("syscode", *syscode, "The app's syscode")->required();
    add_data_dir_option(*rotate, *dir);
    rotate->callback([=, &global] {
      auto store = open_data_store(*dir, data_folder_kek(global, *dir));
      store::App found = need(store->apps().find(*syscode));
      store::AppSecrets secrets =
          need(service::rotate_app_secrets(*store, *syscode, operator_caller().actor(), now_utc()));
      std::cout << "rotated the secrets of app " << *syscode << "\n";
      print_secrets(secrets, !found.cert_pem.empty(), *syscode);
    });
  }
  for (bool enable : {false, true}) {
    auto* toggle = app->add_subcommand(
        enable ? "enable" : "disable",
        enable ? "Let a disabled app call again" : "Refuse every call from an app");
    auto dir = std::make_shared<std::string>(kDefaultDataDir);
    auto syscode = std::make_shared<std::string>();
    toggle->add_option("syscode", *syscode, "The app's syscode")->required();
    add_data_dir_option(*toggle, *dir);
    toggle->callback([=] {
      need(open_data_store(*dir)->apps().set_enabled(
          *syscode, enable, cli_audit(enable ? "app.enable" : "app.disable", *syscode)));
      std::cout << (enable ? "enabled" : "disabled") << " app " << *syscode << "\n";
    });
  }
}

}  // namespace eseal::cli
