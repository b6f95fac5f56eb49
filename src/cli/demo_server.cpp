#include "cli/demo_server.h"

#include <rapidjson/document.h>
#include <toml++/toml.h>

#include <iostream>

#include "base/file.h"
#include "cli/app_file.h"
#include "cli/store_support.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "ofd/writer.h"
#include "service/coss_users.h"
#include "service/organizations.h"
#include "service/seal_registration.h"
#include "service/signing.h"
#include "service/store_platform.h"
#include "service/sz_grants.h"

namespace eseal::cli {
namespace {

// Two pages, so that the cross-page example has pages to cross.
std::string sample_text() {
  std::string text = "关于开展电子印章应用试点工作的通知\n\n各有关单位：\n";
  for (int i = 1; i <= 30; ++i) {
    text += std::to_string(i) +
            "、试点单位使用符合GB/T 38540的电子印章，在PDF和OFD文件上签章；电子证照加盖锁定签名，"
            "使用时可制作加注件。\n";
  }
  return text + "\n深圳市演示科技有限公司（盖章）\n2026年11月23日\n";
}

// A one-page A4 PDF with a line of text, written object by object with a correct xref.
Bytes sample_pdf() {
  const std::string text = "BT /F1 14 Tf 72 720 Td (eseal demo: Party A \\(Seal\\)) Tj ET";
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> "
      ">> /Contents 5 0 R >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      "<< /Length " + std::to_string(text.size()) + " >>\nstream\n" + text + "\nendstream"};
  std::string pdf = "%PDF-1.7\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return to_bytes(pdf);
}

Bytes sample_ofd(Time now) {
  auto laid = need(ofd::layout_text(sample_text(), {}), "sample OFD");
  return need(ofd::write_ofd(laid.document, {now, ""}), "sample OFD");
}

void copy_file(const std::filesystem::path& from, const std::filesystem::path& to, int mode) {
  need(write_file_atomic(to, need(read_file(from)), mode));
}

// message_content of each operation's example, without `data` (the call's --file gives it).
std::vector<std::pair<std::string, std::string>> examples(const std::string& seal_id,
                                                          const std::string& dn) {
  const std::string seal = R"("sealId":")" + seal_id + R"(")";
  return {
      {"applySeal", R"({"sealName":"深圳市演示科技有限公司业务专用章","templateName":"round",)"
                    R"("photoData":"","certDN":")" +
                        dn + R"("})"},
      {"getSeal", R"({"certDN":")" + dn + R"("})"},
      {"getSealStatus", R"({"certDN":")" + dn + R"("})"},
      {"verifyFile", "{}"},
      {"positionSealSign",
       R"({"signList":[{)" + seal + R"(,"pageNum":"1","zx":"120","zy":"60"}],"BIZNUM":""})"},
      {"keyWordSealSign",
       R"({"signList":[{)" + seal +
           R"(,"keyword":"科技有限公司（盖章）","keywordModel":"1"}],"BIZNUM":""})"},
      {"pagingSealSign", R"({"signList":[{)" + seal + R"(,"page":"2","y":"100"}],"BIZNUM":""})"},
      {"lockSign", R"({"BIZNUM":""})"},
      {"delLockSign", R"({"BIZNUM":""})"},
      {"signAndLockSign", R"({"signList":[{)" + seal +
                              R"(,"page":"1","x":"120","y":"60","ismain":"1"}],"BIZNUM":""})"},
      {"verifyEleSign", R"({"isSingle":"false","BIZNUM":""})"},
      {"watermarkAndLockSign",
       R"({"copyCreator":"某某银行","copyCause":"贷款审批","year":"1","BIZNUM":""})"},
  };
}

// Which sample document each example sends.
std::string sample_for(const std::string& operation) {
  if (operation == "applySeal" || operation == "getSeal" || operation == "getSealStatus") return "";
  if (operation == "positionSealSign") return "sample.pdf";
  if (operation == "verifyFile") return "sample-sealed.pdf";
  if (operation == "pagingSealSign") return "sample.ofd";
  if (operation == "delLockSign" || operation == "verifyEleSign") return "sample-locked.ofd";
  if (operation == "watermarkAndLockSign") return "sample-sealed.ofd";
  return "sample.ofd";
}

// content of each DB4403 function's example ("@file:" names a file sent in base64; eseal call sz
// adds grantCode, systemID and organizationCode from sz.toml).
std::vector<std::pair<std::string, std::string>> sz_examples(const std::string& seal_id) {
  const std::string task = R"("signTaskId":"")";
  return {
      {"genGetSealInfoList", R"({"sealType":"1|2|3|4"})"},
      {"genFormatFile",
       R"({"sourceFileType":"txt","fileB64":"@file:../sample.txt","destFileType":"OFD"})"},
      {"genGetLoginQRCode", R"({"scene":"01"})"},
      {"genGetScanStatusById", "{" + task + "}"},
      {"genGetTaskResult", "{" + task + "}"},
      {"genCalculateFileHash",
       R"({"scene":"03","searchType":"01","sealDataList":[)"
       R"({"fileStr":"@file:../sample.pdf","sealType":"1","ruleType":"RECTANGLE",)"
       R"("rectangleRule":{"page":"1","left":"330","bottom":"620","right":"450","top":"740"},)"
       R"("fileUniqueId":"demo-pdf","title":"演示PDF"},)"
       R"({"fileStr":"@file:../sample.ofd","sealType":"1","ruleType":"KEYWORD",)"
       R"("keyWordRule":{"keyword":"科技有限公司（盖章）","moveType":"CENTER","searchOrder":"ASC",)"
       R"("keywordIndex":"1"},"acrossRule":{"position":"RIGHT","signAllPages":"TRUE","endPage":"-1"},)"
       R"("fileUniqueId":"demo-ofd","title":"演示OFD"}]})"},
      {"genDetachedFile",
       R"({"scene":"03","sealDataList":[{"sealType":"1","fileUniqueId":"demo-pdf"},)"
       R"({"sealType":"1","fileUniqueId":"demo-ofd"}],)" +
           task + "}"},
      {"genFileVerify",
       R"({"fileName":"sample-sealed.pdf","fileBase64":"@file:../sample-sealed.pdf"})"},
      {"genRecognizeRegionalsSeal", R"({"gbSealData":"@file:../seals/official.esl"})"},
      {"genFileUplode",
       R"({"userId":"demo-user","fileBase64":["@file:../sample.pdf"],"fileType":"1"})"},
      {"genCentralizedSignature",
       R"({"outUserId":"demo-user","title":"演示集中签章","siteId":100,"signatoriesList":[)"
       R"({"x":0.7,"y":0.25,"page":1,"sealId":")" +
           seal_id + R"("}],"orderId":"DEMO-1","fileBase64":"@file:../sample.pdf"})"},
      {"genFileDownload", R"({"documentPath":"","siteId":"100"})"},
  };
}

// D/demo/sz-requests: one content file and one script per DB4403 function.
void write_sz_requests(const ServerDemo& d, const GlobalOptions& global,
                       const std::string& seal_id) {
  namespace fs = std::filesystem;
  need(write_file_atomic(d.demo_dir / "sample.txt", as_bytes(sample_text()), 0644));
  fs::path requests = d.demo_dir / "sz-requests";
  fs::create_directories(requests);
  for (const auto& [function, content] : sz_examples(seal_id)) {
    fs::path json = requests / (function + ".json");
    need(write_file_atomic(json, as_bytes(content + "\n"), 0644));
    bool saves = function == "genFormatFile" || function == "genDetachedFile" ||
                 function == "genFileDownload";
    std::string script = "#!/bin/sh\n# DB4403 " + function +
                         " against a running eseal serve; more fields with --set key=value\n" +
                         "exec " + global.program + " call sz " + function + " --app " +
                         (d.demo_dir / "sz.toml").string() + " --content " + json.string() +
                         (saves ? " --save " + (d.demo_dir / ("out-" + function)).string() +
                                      (function == "genFormatFile"     ? ".ofd"
                                       : function == "genFileDownload" ? ".pdf"
                                                                       : "/")
                                : "") +
                         " \"$@\"\n";
    need(write_file_atomic(requests / (function + ".sh"), as_bytes(script), 0755));
  }
}

}  // namespace

bool DemoInventory::make(const std::string& what,
                         std::initializer_list<std::filesystem::path> files, bool stale) {
  bool missing = false;
  for (const auto& file : files) missing = missing || !std::filesystem::exists(file);
  if (force_ || stale || missing) return true;
  keep(what);
  return false;
}

bool current_certificate(const std::filesystem::path& file, Time now) {
  auto pem = read_file(file);
  if (!pem) return false;
  auto cert = pki::Certificate::parse(*pem);
  return cert && cert->not_before() <= now && now <= cert->not_after();
}

std::optional<DemoApp> earlier_demo_app(store::Store& store, const std::filesystem::path& dir) {
  if (!std::filesystem::exists(dir / "app.toml") || !std::filesystem::exists(dir / "app.key") ||
      !std::filesystem::exists(dir / "app.pem")) {
    return std::nullopt;
  }
  toml::table table;
  try {
    table = toml::parse_file((dir / "app.toml").string());
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
  auto syscode = table["syscode"].value<std::string>();
  auto authcode = table["authcode"].value<std::string>();
  auto hmac_key = crypto::from_base64(table["hmac_key"].value_or(std::string()));
  if (!syscode || !authcode || !hmac_key) return std::nullopt;
  auto app = store.apps().find(*syscode);
  auto stored_key = store.apps().hmac_key(*syscode);
  if (!app || !app->enabled || !app->authcode_matches(*authcode) || !stored_key ||
      !crypto::equal_constant_time(*stored_key, *hmac_key)) {
    return std::nullopt;
  }
  // The same app is the demo's DB4403 system: its sz.toml must still hold its keys.
  if (app->sz_app_key.empty() || !std::filesystem::exists(dir / "sz.toml")) return std::nullopt;
  try {
    toml::table sz = toml::parse_file((dir / "sz.toml").string());
    if (sz["app_key"].value_or(std::string()) != app->sz_app_key) return std::nullopt;
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
  return DemoApp{*syscode, *authcode, crypto::to_secure(*hmac_key)};
}

void set_up_server_demo(const ServerDemo& d, store::Store& store, DemoInventory& items,
                        const keys::Kek& kek, const GlobalOptions& global) {
  namespace fs = std::filesystem;
  Time now = now_utc();
  IssuerFiles ca = IssuerFiles::in_folder(d.ca_dir);

  // The platform's own material: trust anchors, the seal maker applySeal uses, a lock signer and
  // the time-stamp authority.
  fs::path platform = d.data_dir / "platform";
  fs::create_directories(platform);
  if (items.make("platform trust anchors", {platform / "ca.pem"}, d.new_ca)) {
    copy_file(ca.cert, platform / "ca.pem", 0644);
  }
  if (items.make("platform seal maker", {platform / "seal-maker.pem", platform / "seal-maker.key"},
                 d.new_maker)) {
    copy_file(d.maker_prefix + ".pem", platform / "seal-maker.pem", 0644);
    copy_file(d.maker_prefix + ".key", platform / "seal-maker.key", 0600);
  }
  bool new_lock = items.make("platform lock signer", {platform / "lock.pem", platform / "lock.key"},
                             d.new_ca || !current_certificate(platform / "lock.pem", now));
  pki::Certificate lock = new_lock ? issue_to_files(ca, pki::CertificateProfile::kSeal,
                                                    "C=CN,O=eseal 演示平台,CN=eseal 锁定签名", 730,
                                                    (platform / "lock").string(), true, kek)
                                   : read_certificate(platform / "lock.pem");

  // The time-stamp authority: POST /tsa and the time stamps in the server's signatures.
  if (items.make("platform time-stamp authority", {platform / "tsa.pem", platform / "tsa.key"},
                 d.new_ca || !current_certificate(platform / "tsa.pem", now))) {
    issue_to_files(ca, pki::CertificateProfile::kTsa, "C=CN,O=eseal 演示平台,CN=eseal 时间戳服务",
                   730, (platform / "tsa").string(), true, kek);
  }

  // The CA of the COSS users' certificates (their two-party keys), under the demo root.
  if (items.make("platform user CA (COSS)", {platform / "user-ca.pem", platform / "user-ca.key"},
                 d.new_ca || !current_certificate(platform / "user-ca.pem", now))) {
    issue_to_files(ca, pki::CertificateProfile::kSubCa,
                   "C=CN,O=eseal 演示平台,CN=eseal 协同签名用户CA", 1825,
                   (platform / "user-ca").string(), true, kek);
  }

  // The organization's id follows from its credit code, so that a second demo run finds it.
  std::string org_id = need(service::organization_of(store, d.organization, d.credit_code,
                                                     operator_caller().actor(), now))
                           .id;

  // One app with its own key pair; a new one replaces (and disables) the earlier run's.
  DemoApp app;
  if (d.new_app) {
    app.syscode = "DEMO" + crypto::to_hex_upper(need(crypto::random_bytes(4)));
    fs::path app_prefix = d.demo_dir / "app";
    auto app_cert = issue_to_files(ca, pki::CertificateProfile::kUser,
                                   "C=CN,O=深圳市演示科技有限公司,CN=" + app.syscode, 730,
                                   app_prefix.string(), true, kek);
    store::App record;
    record.id = need(store::new_id());
    record.org_id = org_id;
    record.syscode = app.syscode;
    record.name = "演示业务系统";
    record.cert_pem = app_cert.pem();
    record.scopes = {"*"};
    record.created = record.rotated = now;
    // LD/T and DB4403 credentials: the same system calls both doors and owns the same seals.
    store::AppSecrets secrets = need(store::AppSecrets::generate(false, true));
    need(store.apps().add(record, secrets, cli_audit("app.add", app.syscode, "eseal demo")));
    app.authcode = secrets.authcode;
    app.hmac_key = secrets.hmac_key;
    std::string sz_file =
        "# eseal demo: the DB4403 credentials of app " + app.syscode +
        " (eseal call sz --app this file; keep it private)\n"
        "url = \"http://127.0.0.1:" +
        std::to_string(d.port) + "\"\napp_key = \"" + secrets.sz_app_key + "\"\nsm4_key = \"" +
        crypto::to_hex(secrets.sz_sm4_key) + "\"\nmac_key = \"" +
        crypto::to_base64(secrets.sz_mac_key) + "\"\nsystem_id = \"" + app.syscode +
        "\"\norganization_code = \"" + d.credit_code +
        "\"\n# set by `eseal sz grant … --app-file` once the seal holder's phone is activated\n"
        "grant_code = \"\"\n";
    need(write_file_atomic(d.demo_dir / "sz.toml", as_bytes(sz_file), 0600));
    if (d.earlier) {
      need(store.apps().set_enabled(
          d.earlier->syscode, false,
          cli_audit("app.disable", d.earlier->syscode, "eseal demo: replaced by " + app.syscode)));
    }
  } else {
    app = *d.earlier;
  }
  std::string url = "http://127.0.0.1:" + std::to_string(d.port) + "/seal/v1/electricSeal";
  std::string app_file = (d.demo_dir / "app.toml").string();
  need(write_file_atomic(
      app_file,
      as_bytes(app_file_text(url, app.syscode, app.authcode, app.hmac_key, "app.key", "app.pem")),
      0600));

  // The demo's seals, registered to the app with their keys (imported into the keystore).
  std::string owner = need(store.apps().find(app.syscode)).id;
  keys::SoftKeystore keystore = open_keystore(store, kek);
  std::size_t registered = 0;
  for (const auto& [seal, signer_prefix] : d.seals) {
    if (store.seals().find(seal.info.es_id)) continue;
    service::SealToRegister what{seal, read_certificate(signer_prefix + ".pem"), owner,
                                 "; eseal demo"};
    need(service::register_seal(store, what,
                                service::SealKeyFile{keystore, signer_prefix + ".key", kek},
                                operator_caller().actor(), now_utc()));
    ++registered;
  }
  if (registered < d.seals.size()) {
    items.keep(std::to_string(d.seals.size() - registered) + " registered seals");
  }

  // Sample documents for the examples: plain, sealed and locked.
  const ses::SesSeal& official = d.seals.front().first;
  pki::Certificate official_signer = read_certificate(d.seals.front().second + ".pem");
  if (items.make(
          "sample documents",
          {d.demo_dir / "sample.pdf", d.demo_dir / "sample.ofd", d.demo_dir / "sample-sealed.pdf",
           d.demo_dir / "sample-sealed.ofd", d.demo_dir / "sample-locked.ofd"},
          d.new_seals || new_lock)) {
    std::unique_ptr<keys::Signer> signer =
        read_signer(d.seals.front().second + ".key", d.seals.front().second + ".pem", kek);
    std::unique_ptr<keys::Signer> lock_signer =
        read_signer(platform / "lock.key", platform / "lock.pem", kek);
    Bytes pdf = sample_pdf();
    Bytes ofd = sample_ofd(now);
    service::SealSignature at{{doc::PositionRule{0, 120, 60}}, &official, {}, "", ""};
    auto sealed = [&](const Bytes& document) {
      return service::sign(service::prepare_seal(document, at, signer->certificate(), now),
                           *signer);
    };
    Bytes sealed_pdf = need(sealed(pdf), "sample sealed PDF");
    Bytes sealed_ofd = need(sealed(ofd), "sample sealed OFD");
    Bytes locked_ofd =
        need(service::sign(service::prepare_lock(sealed_ofd, lock, now), *lock_signer),
             "sample locked OFD");
    for (const auto& [name, bytes] : {std::pair<const char*, const Bytes&>{"sample.pdf", pdf},
                                      {"sample.ofd", ofd},
                                      {"sample-sealed.pdf", sealed_pdf},
                                      {"sample-sealed.ofd", sealed_ofd},
                                      {"sample-locked.ofd", locked_ofd}}) {
      need(write_file_atomic(d.demo_dir / name, bytes, 0644));
    }
  }

  // One ready-to-run request per operation. app.key is under the data folder's KEK.
  auto kek_file = kek_file_of(global, d.data_dir);
  std::string kek_option = kek_file ? " --kek-file " + kek_file->string() : "";
  fs::path requests = d.demo_dir / "requests";
  fs::create_directories(requests);
  std::string dn = official_signer.subject().to_string();
  for (const auto& [operation, content] : examples(official.info.es_id, dn)) {
    need(write_file_atomic(requests / (operation + ".json"), as_bytes(content + "\n"), 0644));
    std::string sample = sample_for(operation);
    std::string script = "#!/bin/sh\n# LD/T 01.4 " + operation +
                         " against a running eseal serve\n" + "exec " + global.program +
                         kek_option + " call ldt " + operation + " --app " + app_file +
                         " --content " + (requests / (operation + ".json")).string() +
                         (sample.empty() ? "" : " --file " + (d.demo_dir / sample).string()) +
                         (sample.empty() || operation.find("verify") != std::string::npos
                              ? ""
                              : " --save " + (d.demo_dir / ("out-" + operation)).string() +
                                    (sample.find(".pdf") != std::string::npos ? ".pdf" : ".ofd")) +
                         " \"$@\"\n";
    need(write_file_atomic(requests / (operation + ".sh"), as_bytes(script), 0755));
  }
  write_sz_requests(d, global, official.info.es_id);
  std::cout << "[8/8] server demo              "
            << "app " << app.syscode << (d.new_app ? "" : " (kept)") << " (" << app_file << "), "
            << d.seals.size() << " seals registered in " << d.data_dir.string() << " ("
            << registered << " new), example requests in " << requests.string() << "\n";
}

std::string set_up_coss_demo(const ServerDemo& d, store::Store& store, DemoInventory& items) {
  Time now = now_utc();
  std::filesystem::path file = d.demo_dir / "coss.toml";
  // The earlier run's app and user, while the store still has them with that secureCode.
  std::optional<std::string> earlier_app, earlier_user;
  if (std::filesystem::exists(file)) {
    try {
      toml::table table = toml::parse_file(file.string());
      auto app_id = table["app_id"].value<std::string>();
      auto code = table["secure_code"].value<std::string>();
      auto user_id = table["user_id"].value<std::string>();
      if (app_id && code && user_id) {
        auto stored = store.apps().secure_code(*app_id);
        if (stored && store.coss_users().find(*user_id) &&
            crypto::equal_constant_time(*stored, as_bytes(*code))) {
          earlier_app = *app_id;
          earlier_user = *user_id;
        }
      }
    } catch (const toml::parse_error&) {
      // Made again below.
    }
  }
  if (!items.make("COSS app and user", {file}, !earlier_user)) return *earlier_user;
  if (earlier_app) {
    need(store.apps().set_enabled(*earlier_app, false,
                                  cli_audit("app.disable", *earlier_app, "eseal demo: replaced")));
  }
  store::App record;
  record.id = need(store::new_id());
  record.syscode = "APP_" + crypto::to_hex_upper(need(crypto::random_bytes(16)));
  record.name = "演示协同签名应用";
  record.scopes = {"*"};
  record.created = record.rotated = now;
  store::AppSecrets secrets = need(store::AppSecrets::generate(true));
  need(store.apps().add(record, secrets, cli_audit("app.add", record.syscode, "eseal demo: COSS")));
  service::Caller app = service::StorePlatform::caller_of(record, "coss");
  service::CossUsers users(store);
  // The COSS manual's own example person (§2.5.4).
  service::NewUser person{"张三", "SF", "513436200005039279", "18745292611", "办公室", "", "", ""};
  service::CossUser user = need(users.add(app, person, now), "the demo's COSS user");
  std::string url = "http://127.0.0.1:" + std::to_string(d.port);
  std::string text =
      "# eseal demo: a COSS app and user (eseal call coss --app this file)\n"
      "url = \"" +
      url + "\"\napp_id = \"" + record.syscode + "\"\nsecure_code = \"" + secrets.secure_code +
      "\"\nuser_id = \"" + user.id + "\"\n";
  need(write_file_atomic(file, as_bytes(text), 0600));
  return user.id;
}

}  // namespace eseal::cli
