// A COSS server for the API tests: a data folder with a user CA, an app with COSS credentials
// (the manual's appId), the business and mobile doors on a loopback port, and requests signed
// as a business system signs them.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "api/coss/envelope.h"
#include "api/coss/mobile.h"
#include "api/coss/routes.h"
#include "api/http_client.h"
#include "api/json.h"
#include "api/server.h"
#include "crypto/encoding.h"
#include "keys/key_pair_files.h"
#include "mobile/phone.h"
#include "service/store_platform.h"
#include "store/store.h"
#include "support/platform_ca.h"
#include "support/process.h"

namespace eseal::api::coss::test {

inline keys::Kek test_kek() {
  return keys::Kek(crypto::SecureBytes{'c', 'o', 's', 's', '-', 'a', 'p', 'i'});
}

class World {
 public:
  World() {
    keys::Kek kek = test_kek();
    store_ = std::move(*store::open_store(dir_.path(), kek));
    platform_ = std::make_unique<service::StorePlatform>(*store_, kek, dir_.path());
    users_ = std::make_unique<service::CossUsers>(*store_);
    keys_ = std::make_unique<service::CossKeys>(*store_, *platform_, *platform_);
    jobs_ =
        std::make_unique<service::SignJobs>(*store_, *keys_, *platform_, callback_body(*platform_));
    sms_ = std::make_unique<service::Sms>(*store_);
    write_user_ca(kek);
    auto tsa = platform_->tsa_signer();
    EXPECT_TRUE(tsa.ok());
    eseal::tsa::Settings tsa_settings;
    tsa_settings.policy = "2.999.1.1";
    time_stamps_ =
        std::make_unique<service::LocalTimeStampAuthority>(*tsa, tsa_settings, *platform_);
    certificates_ =
        std::make_unique<service::CossCertificates>(*store_, *keys_, *platform_, *platform_);
    auto_sign_ = std::make_unique<service::AutoSigning>(*store_, *keys_, *jobs_, *platform_);
    delegations_ = std::make_unique<service::Delegations>(*store_);
    adapter_ = std::make_unique<Adapter>(Services{*platform_,
                                                  *users_,
                                                  *keys_,
                                                  *jobs_,
                                                  *sms_,
                                                  *certificates_,
                                                  *auto_sign_,
                                                  *delegations_,
                                                  time_stamps_.get(),
                                                  {(*tsa)->certificate()}});
    mobile_ = std::make_unique<MobileAdapter>(*platform_, *keys_, *jobs_, *platform_, *auto_sign_,
                                              *delegations_, *platform_);
    secrets_ = *store::AppSecrets::generate(true);
    store::App app;
    app.id = *store::new_id();
    app.syscode = "APP_0157E810F6894BEEB4DEC70331720557";
    app.name = "业务系统";
    app.scopes = {"*"};
    app.created = app.rotated = now_utc();
    EXPECT_TRUE(
        store_->apps().add(app, secrets_, {now_utc(), "cli:test", "app.add", "", "", ""}).ok());
    ServerOptions options;
    options.port = 0;
    options.workers = 2;
    server_ = std::make_unique<Server>(options);
    add_routes(*server_, *adapter_);
    add_mobile_routes(*server_, *mobile_);
    EXPECT_TRUE(server_->start());
  }
  ~World() {
    server_->stop();
    server_->wait();
  }

  // The answer to `operation` with `fields` (a JSON object), signed with the app's secureCode.
  rapidjson::Document call(const std::string& operation, std::string_view fields,
                           const std::string& trans_id = "") {
    return call_as(app_id(), secrets_.secure_code, operation, fields, trans_id);
  }
  rapidjson::Document call_as(const std::string& app_id, const std::string& secure_code,
                              const std::string& operation, std::string_view fields,
                              const std::string& trans_id = "") {
    auto parsed = parse_json(fields);
    EXPECT_TRUE(parsed) << fields;
    std::string id = trans_id.empty() ? "T-" + std::to_string(++calls_) : trans_id;
    return send(operation, build_request(app_id, as_bytes(secure_code), *parsed.document, id));
  }
  // Another COSS app: its secureCode.
  std::string add_app(const std::string& app_id) {
    auto secrets = *store::AppSecrets::generate(true);
    store::App app;
    app.id = *store::new_id();
    app.syscode = app_id;
    app.name = "另一个业务系统";
    app.scopes = {"*"};
    app.created = app.rotated = now_utc();
    EXPECT_TRUE(
        store_->apps().add(app, secrets, {now_utc(), "cli:test", "app.add", "", "", ""}).ok());
    return secrets.secure_code;
  }
  // The HTTP answer itself, for the operation that answers a page.
  HttpResponse call_raw(const std::string& operation, std::string_view fields) {
    auto parsed = parse_json(fields);
    HttpClient client("127.0.0.1", server_->port());
    Headers headers;
    headers.set("Content-Type", "application/json");
    auto r = client.post("/coss/service/v1/" + operation,
                         build_request(app_id(), as_bytes(secrets_.secure_code), *parsed.document,
                                       "T-" + std::to_string(++calls_)),
                         headers);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : HttpResponse{};
  }
  rapidjson::Document send(const std::string& operation, const std::string& body) {
    HttpClient client("127.0.0.1", server_->port());
    Headers headers;
    headers.set("Content-Type", "application/json");
    auto r = client.post("/coss/service/v1/" + operation, body, headers);
    EXPECT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
    rapidjson::Document d;
    d.Parse(r->body.c_str());
    EXPECT_FALSE(d.HasParseError()) << r->body;
    return d;
  }
  std::string app_id() const { return "APP_0157E810F6894BEEB4DEC70331720557"; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  const std::filesystem::path& dir() const { return dir_.path(); }
  service::SignJobs& jobs() { return *jobs_; }
  service::CossKeys& keys() { return *keys_; }
  service::Sms& sms() { return *sms_; }
  const pki::Certificate& user_ca() const { return *user_ca_; }
  // The CA's key, for certificates the tests make themselves.
  std::filesystem::path user_ca_key() const { return dir_.path() / "platform" / "user-ca.key"; }
  const std::string& secure_code() const { return secrets_.secure_code; }
  store::Store& store() { return *store_; }
  service::StorePlatform& platform() { return *platform_; }
  service::AutoSigning& auto_sign() { return *auto_sign_; }

 private:
  eseal::test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<service::StorePlatform> platform_;
  std::unique_ptr<service::CossUsers> users_;
  std::unique_ptr<service::CossKeys> keys_;
  std::unique_ptr<service::SignJobs> jobs_;
  std::unique_ptr<service::Sms> sms_;
  std::unique_ptr<service::LocalTimeStampAuthority> time_stamps_;
  std::unique_ptr<service::CossCertificates> certificates_;
  std::unique_ptr<service::AutoSigning> auto_sign_;
  std::unique_ptr<service::Delegations> delegations_;
  std::unique_ptr<Adapter> adapter_;
  std::unique_ptr<MobileAdapter> mobile_;
  std::optional<pki::Certificate> user_ca_;
  std::unique_ptr<Server> server_;
  store::AppSecrets secrets_;
  int calls_ = 0;

  // D/platform/user-ca.pem and .key, the CA of the users' certificates, the seal maker and the
  // time-stamp authority.
  void write_user_ca(const keys::Kek& kek) {
    auto ca = eseal::test::write_platform_ca(dir_.path(), kek);
    ASSERT_TRUE(ca.ok()) << ca.error().message;
    user_ca_ = *ca;
  }
};

constexpr std::string_view kUser =
    R"({"userName":"张三","idType":"SF","idNumber":"513436200005039279",
        "mobile":"18745292611","department":"QT"})";
constexpr const char* kPin = "246810";

inline int status_of(const rapidjson::Document& d) {
  return d.HasMember("status") && d["status"].IsInt() ? d["status"].GetInt() : -1;
}
inline std::string message_in(const rapidjson::Document& d) {
  return d.HasMember("message") ? d["message"].GetString() : "";
}
inline std::string data_field(const rapidjson::Document& d, const char* name) {
  if (!d.HasMember("data") || !d["data"].HasMember(name)) return "";
  return d["data"][name].GetString();
}

struct Enrolled {
  std::string user_id;
  mobile::Account account;
};

// A World and a phone (the library eseal-mobile runs on) with its wallet.
class PhoneTest : public ::testing::Test {
 protected:
  // A new user (张三 by default) whose phone has activated from getAuthCode's QR payload.
  Enrolled enrol(std::string_view user = kUser) {
    auto added = world_.call("addUser", user);
    EXPECT_EQ(status_of(added), 200) << message_in(added);
    std::string user_id = data_field(added, "userId");
    auto code = world_.call("getAuthCode", R"({"userId":")" + user_id + R"("})");
    EXPECT_EQ(status_of(code), 200) << message_in(code);
    mobile::Phone phone(wallet_);
    auto account = phone.activate(data_field(code, "authCode"), {"", "", "test phone", kPin});
    EXPECT_TRUE(account.ok()) << account.error().message;
    return {user_id, account.ok() ? *account : mobile::Account{}};
  }

  // addSignJob of `type` over `data` (and `extra` fields, each with a leading comma).
  std::string add_job(const std::string& user_id, const std::string& type, ByteView data,
                      const std::string& extra = "") {
    auto job = world_.call("addSignJob", R"({"userId":")" + user_id + R"(","title":"测试签名",
        "dataType":")" + type + R"(","algo":"SM3withSM2","data":")" +
                                             crypto::to_base64(data) + "\"" + extra + "}");
    EXPECT_EQ(status_of(job), 200) << message_in(job);
    return data_field(job, "signDataId");
  }

  // `job` signed from `user`'s phone.
  mobile::SignedJob sign(const Enrolled& user, const std::string& job) {
    mobile::Phone phone(wallet_);
    mobile::Account account = user.account;
    auto signed_job = phone.sign(account, job, kPin);
    EXPECT_TRUE(signed_job.ok()) << signed_job.error().message;
    return signed_job.ok() ? *signed_job : mobile::SignedJob{};
  }

  World world_;
  eseal::test::TempDir phone_dir_;
  mobile::Wallet wallet_{phone_dir_.path()};
};

}  // namespace eseal::api::coss::test
