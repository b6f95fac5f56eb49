// eseal demo: the product's main job on embedded defaults. It builds a CA, a seal maker's and
// signers' certificates, signs and verifies a sample payload, makes the demo organization's
// seals and a personal seal, sets up the server's data folder (demo_server.h) and says how to
// cross-check everything with OpenSSL. A second run keeps what the first made and says so;
// --force starts over.
#include <iostream>
#include <sstream>

#include "api/rest/routes.h"
#include "base/file.h"
#include "cli/commands.h"
#include "cli/demo_server.h"
#include "cli/store_support.h"
#include "crypto/encoding.h"
#include "pki/verify.h"
#include "service/console.h"
#include "ses/verify.h"

namespace eseal::cli {
namespace {

constexpr const char* kPayload =
    "eseal demo payload: 兹证明该文件由演示单位签发。This file was signed by the eseal demo.\n";

constexpr const char* kOrganization = "深圳市演示科技有限公司";
constexpr const char* kTaxNumber = "91440300MA5DEM0019";

void step(int n, const std::string& what, std::string detail, bool made = true) {
  std::string label = "[" + std::to_string(n) + "/8] " + what;
  label.append(label.size() < 31 ? 31 - label.size() : 1, ' ');
  if (!made) detail.insert(std::min(detail.find('\n'), detail.size()), " (kept)");
  std::cout << label << detail << std::endl;
}

// One web console account per role, made once; their passwords are kept beside the demo's other
// credentials (D/console.txt, 0600) so that every run can print them.
std::string console_accounts(store::Store& store, const std::filesystem::path& dir) {
  auto file = dir / "console.txt";
  std::string listing;
  service::Console console(store, api::rest::console_settings(load_configuration("")));
  for (service::Role role : service::kRoles) {
    std::string login(service::role_name(role));
    auto found = store.console_accounts().find(login);
    if (found) continue;
    if (found.error().kind != ErrorKind::kNotFound) fail(found.error());
    std::string password = need(service::generate_password());
    need(console.create(login, login, login, password, operator_caller().actor(), now_utc()));
    listing += login + "  " + password + "\n";
  }
  if (!listing.empty()) {
    auto earlier = read_file(file);
    std::string text = earlier ? std::string(earlier->begin(), earlier->end()) : "";
    need(write_file_atomic(file, as_bytes(text + listing), 0600));
  }
  auto text = read_file(file);
  return text ? std::string(text->begin(), text->end()) : "";
}

// A seal file an earlier run made that is still within its validity.
std::optional<ses::SesSeal> current_seal(const std::filesystem::path& file, Time now) {
  auto bytes = read_file(file);
  if (!bytes) return std::nullopt;
  auto seal = ses::decode_seal(*bytes);
  if (!seal || now < seal->info.valid_start || now > seal->info.valid_end) return std::nullopt;
  return std::move(*seal);
}

int run_demo(const std::filesystem::path& dir, const std::filesystem::path& data_dir, int port,
             bool force, const GlobalOptions& global) {
  std::cout << "eseal demo: working in " << dir.string() << " (key-encryption key "
            << kek_source(global, data_dir) << ")\n";
  keys::Kek kek = data_folder_kek(global, data_dir.string());
  auto store = open_data_store(data_dir.string(), kek);
  DemoInventory items(force);
  Time now = now_utc();

  auto ca_dir = dir / "ca";
  IssuerFiles ca = IssuerFiles::in_folder(ca_dir);
  bool new_ca = items.make("root CA", {ca.cert, ca.key}, !current_certificate(ca.cert, now));
  pki::Certificate root =
      new_ca ? init_ca(ca_dir, "C=CN,O=eseal 演示,CN=eseal 演示根CA", 3650, true, kek)
             : read_certificate(ca.cert);
  step(1, "root CA", ca.cert.string() + "  " + root.subject().to_string(), new_ca);

  // A certificate from the demo CA: kept unless missing, expired or the CA is new.
  auto certificate = [&](const std::string& what, const std::string& prefix,
                         pki::CertificateProfile profile, const std::string& subject, int days) {
    IssuerFiles files = IssuerFiles::with_prefix(prefix);
    bool made =
        items.make(what, {files.cert, files.key}, new_ca || !current_certificate(files.cert, now));
    return std::pair{made ? issue_to_files(ca, profile, subject, days, prefix, true, kek)
                          : read_certificate(files.cert),
                     made};
  };
  auto maker_prefix = (dir / "seal-maker").string();
  auto [maker, new_maker] =
      certificate("seal maker certificate", maker_prefix, pki::CertificateProfile::kSealMaker,
                  "C=CN,O=eseal 演示制章中心,CN=eseal 演示制章者", 1825);
  step(2, "seal maker certificate", maker_prefix + ".pem  " + maker.subject().to_string(),
       new_maker);

  auto signer_prefix = (dir / "signer").string();
  auto [signer, new_signer] =
      certificate("signer certificate", signer_prefix, pki::CertificateProfile::kSeal,
                  std::string("C=CN,O=") + kOrganization + ",CN=" + kOrganization, 730);
  auto legal_prefix = (dir / "legal-rep").string();
  bool new_legal =
      certificate("legal representative certificate", legal_prefix, pki::CertificateProfile::kSeal,
                  std::string("C=CN,O=") + kOrganization + ",CN=张建国", 730)
          .second;
  auto person_prefix = (dir / "person").string();
  bool new_person = certificate("personal certificate", person_prefix,
                                pki::CertificateProfile::kUser, "C=CN,CN=李明", 730)
                        .second;
  step(3, "signer certificates",
       signer_prefix + ".pem  " + signer.subject().to_string() + "; " + legal_prefix + ".pem; " +
           person_prefix + ".pem",
       new_signer || new_legal || new_person);

  auto payload = dir / "payload.txt";
  auto signature = dir / "payload.sig";
  bool new_signature = items.make("signed payload", {payload, signature}, new_signer);
  if (new_signature) {
    need(write_file_atomic(payload, as_bytes(kPayload), 0644));
    Bytes sig = sign_file(signer_prefix + ".key", payload, std::string(crypto::kSm2DefaultUserId),
                          false, kek);
    need(write_file_atomic(signature, sig, 0644));
  }
  step(4, "signed payload", payload.string() + " -> " + signature.string() + " (SM3withSM2, DER)",
       new_signature);

  need(verify_file_signature(signer, payload, signature, std::string(crypto::kSm2DefaultUserId)),
       "demo signature");
  std::vector<pki::Certificate> roots{root};
  need(pki::verify_chain(signer, {}, roots, {now, {}}), "signer chain");
  need(pki::verify_chain(maker, {}, roots, {now, {}}), "seal maker chain");
  step(5, "verified",
       "signature OK; signer and seal maker chain to the root at " + format_utc(now));

  // The app decides the seals' owner: a new app needs new seals (an esID is registered once).
  std::optional<DemoApp> earlier = earlier_demo_app(*store, dir);
  bool new_app = items.make("demo app" + (earlier ? " " + earlier->syscode : std::string()), {},
                            !earlier || new_ca || !current_certificate(dir / "app.pem", now));

  // The organization's four seals and a personal seal, each with its picture beside it.
  struct DemoSeal {
    const char* file;
    int type;
    const char* name;
    const char* code;
    const std::string& signer;
    bool new_signer;
  };
  const DemoSeal seals[] = {
      {"official", 1, kOrganization, "4403050012345", signer_prefix, new_signer},
      {"finance", 2, kOrganization, "4403050012346", signer_prefix, new_signer},
      {"invoice", 3, kOrganization, kTaxNumber, signer_prefix, new_signer},
      {"legal-rep", 4, "张建国印", "", legal_prefix, new_legal},
      {"personal", 99, "李明", "", person_prefix, new_person},
  };
  std::vector<ses::SesSeal> demo_seals;
  std::vector<std::pair<ses::SesSeal, std::string>> with_signers;
  std::string listing;
  bool new_seals = false;
  for (const DemoSeal& d : seals) {
    SealMakeRequest request;
    request.maker = maker_prefix;
    request.signer_certs = {d.signer + ".pem"};
    request.name = d.name;
    request.type = d.type;
    if (d.type == 99) request.template_name = "square";
    request.code = d.code;
    request.out = (dir / "seals" / (std::string(d.file) + ".esl")).string();
    request.picture_out = (dir / "seals" / (std::string(d.file) + ".png")).string();
    request.force = true;
    std::optional<ses::SesSeal> kept = current_seal(request.out, now);
    if (items.make(std::string(d.file) + " seal", {request.out, request.picture_out},
                   !kept || new_maker || d.new_signer || new_app)) {
      kept = make_seal_file(request, kek);
      new_seals = true;
    }
    demo_seals.push_back(*kept);
    with_signers.emplace_back(demo_seals.back(), d.signer);
    listing += "\n      " + request.out + "  " + std::string(d.name) + " (" +
               std::to_string(demo_seals.back().info.picture.width_mm) + " x " +
               std::to_string(demo_seals.back().info.picture.height_mm) + " mm, picture " +
               request.picture_out + ")";
  }
  step(6, "seals", "公章, 财务专用章, 发票专用章, 法定代表人名章 and a personal seal:" + listing,
       new_seals);

  // Judged now, after any were made (each seal's validity starts when it is made).
  std::vector<pki::Certificate> trusted{root};
  Time after = now_utc();
  for (const ses::SesSeal& seal : demo_seals) {
    ses::Verdict verdict = ses::verify_seal(seal, after, {trusted, {}, {}});
    for (const ses::Check& c : verdict.checks) {
      if (c.result == ses::CheckResult::kFailed) {
        fail(Error::internal("demo seal \"" + seal.info.name + "\": " + c.name + ": " + c.detail));
      }
    }
  }
  step(7, "seals verified",
       std::to_string(demo_seals.size()) +
           " seals: maker signature, maker chain, validity, picture");

  set_up_server_demo({data_dir, dir, ca_dir, maker_prefix, with_signers, port, kOrganization,
                      kTaxNumber, new_ca, new_maker, new_seals, earlier, new_app},
                     *store, items, kek, global);
  std::string coss_user = set_up_coss_demo({data_dir,
                                            dir,
                                            ca_dir,
                                            maker_prefix,
                                            {},
                                            port,
                                            kOrganization,
                                            kTaxNumber,
                                            false,
                                            false,
                                            false,
                                            std::nullopt,
                                            false},
                                           *store, items);
  std::string console_logins = console_accounts(*store, dir);
  if (!items.kept().empty()) {
    std::string kept;
    for (const auto& what : items.kept()) kept += (kept.empty() ? "" : ", ") + what;
    std::cout << "\nkept: " << kept << " (from an earlier run; --force starts over)\n";
  }

  const std::string d = dir.string();
  std::cout
      << "\nCross-check with OpenSSL (OpenSSL 3.0 needs the standard SM2 ID spelled out):\n"
      << "  openssl verify -vfyopt distid:1234567812345678 -CAfile " << d << "/ca/root.pem " << d
      << "/signer.pem " << d << "/seal-maker.pem\n"
      << "  openssl x509 -in " << d << "/signer.pem -pubkey -noout > " << d << "/signer.pub\n"
      << "  openssl pkeyutl -verify -pubin -inkey " << d << "/signer.pub -rawin -digest sm3 "
      << "-pkeyopt distid:1234567812345678 -in " << d << "/payload.txt -sigfile " << d
      << "/payload.sig\n"
      << "\nInspect a seal, field by field in the standard's order:\n"
      << "  " << global.program << " seal show " << d << "/seals/official.esl\n"
      << "  " << global.program << " seal verify " << d << "/seals/official.esl --ca " << d
      << "/ca/root.pem\n"
      << "  openssl asn1parse -inform DER -i -in " << d << "/seals/official.esl\n"
      << "\nStamp documents over HTTP (LD/T 01.4): start the server, then run any request\n"
      << "  " << global.program << " serve --data-dir " << data_dir.string() << " --port " << port
      << "\n"
      << "  sh " << d << "/requests/positionSealSign.sh   (and the 11 others beside it)\n"
      << "\nSign from a phone (COSS; user 张三 in " << d << "/coss.toml), with the server "
      << "running:\n"
      << "  " << global.program << " call coss getAuthCode --app " << d
      << "/coss.toml --set userId=" << coss_user << "\n"
      << "  eseal-mobile activate 'AUTHCODE'   (the authCode printed, as it is; asks a PIN)\n"
      << "  " << global.program << " call coss addSignJob --app " << d
      << "/coss.toml --set userId=" << coss_user
      << " --set title=合同确认 --set dataType=DATA --set algo=SM3withSM2 --set data=5ZCM5oSP\n"
      << "  eseal-mobile sign SD_…   (the signDataId printed)\n"
      << "  " << global.program << " call coss getSignResult --app " << d
      << "/coss.toml --set signDataId=SD_…\n"
      << "\nSign a batch through the Shenzhen door (DB4403; " << d
      << "/sz.toml), once the phone above is activated:\n"
      << "  " << global.program << " sz grant --app " << d << "/sz.toml --org-name "
      << kOrganization << " --credit-code " << kTaxNumber << " --user " << coss_user
      << " --legal-person --seal-types 1,2,4\n"
      << "  sh " << d << "/sz-requests/genCalculateFileHash.sh   (a PDF and an OFD: two fileHash)\n"
      << "  sh " << d << "/sz-requests/genGetLoginQRCode.sh --set data=HASH1,HASH2\n"
      << "  eseal-mobile confirm 'QRCODE'   (the qrCode printed; eseal-mobile scan shows it "
         "first)\n"
      << "  sh " << d
      << "/sz-requests/genDetachedFile.sh --set signTaskId=ID   (the signed files in " << d
      << "/out-genDetachedFile/)\n"
      << "\nThe native REST API at http://127.0.0.1:" << port
      << "/api/v1/ (described at /api/v1/openapi.json); console accounts, one per role (login  "
         "password; saved in "
      << d << "/console.txt):\n";
  std::istringstream lines(console_logins);
  for (std::string line; std::getline(lines, line);) std::cout << "  " << line << "\n";
  return kExitOk;
}

}  // namespace

void add_demo_command(CLI::App& app, const GlobalOptions& global) {
  auto* demo =
      app.add_subcommand("demo", "Create a demo CA and certificates, sign and verify a payload");
  auto dir = std::make_shared<std::string>();
  auto data_dir = std::make_shared<std::string>(kDefaultDataDir);
  auto port = std::make_shared<int>(8080);
  auto force = std::make_shared<bool>(false);
  demo->add_option("--dir", *dir,
                   "Folder for the demo's files, kept across runs (default: DATA_DIR/demo)");
  add_data_dir_option(*demo, *data_dir);
  demo->add_option("--port", *port, "Port the example requests call")->capture_default_str();
  demo->add_flag("--force", *force,
                 "Start over: a new CA and everything made from it, and a new demo app");
  demo->callback([=, &global] {
    std::filesystem::path files =
        dir->empty() ? std::filesystem::path(*data_dir) / "demo" : std::filesystem::path(*dir);
    throw CommandFailure{run_demo(files, *data_dir, *port, *force, global)};
  });
}

}  // namespace eseal::cli
