// The native REST API over real HTTP: a server on a loopback port with the REST door on a store
// in a temporary data folder, one console account per role, and the platform's seal maker,
// signer and trust anchors. Every route is described by the OpenAPI document and the document
// by the routes; every route × every role (and no one) gets exactly what the role allows; state
// changes need the session's CSRF token; repeated failures lock an account; bad input is
// {"error","message"}; and a seal administrator, an operator, a visitor and an auditor each do
// their part of the platform's work.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <set>

#include "api/http_client.h"
#include "api/ldt/filing_client.h"
#include "api/rest/routes.h"
#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "keys/key_file.h"
#include "keys/signer.h"
#include "ofd/copy.h"
#include "ofd/document.h"
#include "ofd/package.h"
#include "service/organizations.h"
#include "service/store_platform.h"
#include "ses/seal.h"
#include "store/store.h"
#include "support/blank_pdf.h"
#include "support/process.h"
#include "support/registered_seal.h"
#include "support/sealing_parties.h"
#include "support/text_ofd.h"

namespace eseal::api::rest {
namespace {

using eseal::test::parties;

const std::vector<std::string> kRoles = {"admin", "seal-admin", "operator", "auditor"};

keys::Kek test_kek() {
  return keys::Kek(crypto::SecureBytes{'k', 'e', 'k', '-', 'r', 'e', 's', 't'});
}

std::string password_of(const std::string& role) {
  return "password-of-" + role;
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  EXPECT_FALSE(d.HasParseError()) << text.substr(0, 200);
  return d;
}

class World {
 public:
  World()
      : dir_(std::filesystem::temp_directory_path() /
             ("eseal-rest-" + crypto::to_hex(*crypto::random_bytes(8)))) {
    std::filesystem::create_directories(dir_ / "platform");
    const auto& p = parties();
    keys::Kek kek = test_kek();
    write("platform/ca.pem", p.root.cert.pem());
    write("platform/lock.pem", p.signer.cert.pem());
    write("platform/lock.key", *keys::encrypt_private_key(p.signer.key, kek));
    write("platform/seal-maker.pem", p.maker.cert.pem());
    write("platform/seal-maker.key", *keys::encrypt_private_key(p.maker.key, kek));
    write("signer.key", *keys::encrypt_private_key(p.signer.key, kek));
    store_ = std::move(*store::open_store(dir_, test_kek()));
    eseal::test::register_seal(*store_, p.seal, dir_ / "signer.key");
    platform_ = std::make_unique<service::StorePlatform>(*store_, test_kek(), dir_);
    service::ConsoleSettings settings;
    settings.kdf_memory_kib = 1024;
    settings.kdf_passes = 1;
    console_ = std::make_unique<service::Console>(*store_, settings);
    for (const std::string& role : kRoles) {
      EXPECT_TRUE(console_->create(role, role, role, password_of(role), "test", now_utc()).ok());
    }
    users_ = std::make_unique<service::CossUsers>(*store_);
    keys_ = std::make_unique<service::CossKeys>(*store_, *platform_, *platform_);
    jobs_ = std::make_unique<service::SignJobs>(*store_, *keys_, *platform_);
    // Filing upward, to a platform that is not there: nothing answers on port 1.
    ldt::UpstreamOptions upstream{"http://127.0.0.1:1/seal/v1/electricSeal",
                                  {"MAKERSYS", "authcode", Bytes(32, 0x5a),
                                   std::move(*keys::KeySigner::make(p.signer.key, p.signer.cert))},
                                  p.root.cert};
    upstream.timeout = std::chrono::seconds(5);
    upstream_ = std::move(*ldt::FilingClient::create(std::move(upstream)));
    filing_ = std::make_unique<service::filing::FilingRun>(*store_, *platform_, *platform_,
                                                           test_kek(), *upstream_);
    adapter_ = std::make_unique<Adapter>(
        Services{platform_->platform(), *console_, *store_, *jobs_, *users_, filing_.get()},
        Options{});
    ServerOptions options;
    options.port = 0;
    options.workers = 2;
    server_ = std::make_unique<Server>(options);
    routes_ = adapter_->add_routes(*server_);
    EXPECT_TRUE(server_->start());
  }
  ~World() {
    server_->stop();
    server_->wait();
    std::filesystem::remove_all(dir_);
  }
  HttpClient client() const { return HttpClient("127.0.0.1", server_->port()); }
  const std::vector<RouteInfo>& routes() const { return routes_; }
  const Server& server() const { return *server_; }
  store::Store& store() { return *store_; }
  service::Console& console() { return *console_; }
  service::CossUsers& users() { return *users_; }
  service::SignJobs& jobs() { return *jobs_; }
  const std::string& seal_id() const { return parties().seal.info.es_id; }

 private:
  void write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(write_file_atomic(dir_ / name, as_bytes(text), 0600));
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<service::StorePlatform> platform_;
  std::unique_ptr<service::Console> console_;
  std::unique_ptr<service::CossUsers> users_;
  std::unique_ptr<service::CossKeys> keys_;
  std::unique_ptr<service::SignJobs> jobs_;
  std::unique_ptr<ldt::FilingClient> upstream_;
  std::unique_ptr<service::filing::FilingRun> filing_;
  std::unique_ptr<Adapter> adapter_;
  std::unique_ptr<Server> server_;
  std::vector<RouteInfo> routes_;
};

World& world() {
  static World w;
  return w;
}

// A signed-in person: the session cookie and CSRF token, sent with every request.
struct Person {
  std::string cookie, csrf;

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body = "", bool json = true, bool with_csrf = true) const {
    Headers headers;
    if (!cookie.empty()) headers.add("Cookie", std::string(kSessionCookie) + "=" + cookie);
    if (with_csrf && !csrf.empty()) headers.add(kCsrfHeader, csrf);
    if (json && !body.empty()) headers.add("Content-Type", "application/json");
    HttpClient client = world().client();
    return *client.request(method, target, body, headers);
  }
};

Person sign_in(const std::string& login, const std::string& password) {
  Person person;
  HttpResponse r = person.call("POST", "/api/v1/session",
                               R"({"login":")" + login + R"(","password":")" + password + "\"}");
  EXPECT_EQ(r.status, 200) << r.body;
  std::string cookie = r.header("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  auto start = cookie.find('=') + 1;
  person.cookie = cookie.substr(start, cookie.find(';') - start);
  person.csrf = parse(r.body)["csrf"].GetString();
  return person;
}

Person as(const std::string& role) {
  return sign_in(role, password_of(role));
}

void expect_error_shape(const HttpResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  auto d = parse(r.body);
  ASSERT_TRUE(d.IsObject());
  ASSERT_TRUE(d.HasMember("error") && d.HasMember("message")) << r.body;
  EXPECT_EQ(std::string(d["error"].GetString()), code) << r.body;
  EXPECT_GT(d["message"].GetStringLength(), 0u);
}

std::string upload(const Person& person, const Bytes& document) {
  HttpResponse r = person.call("POST", "/api/v1/documents",
                               std::string(document.begin(), document.end()), false);
  EXPECT_EQ(r.status, 201) << r.body;
  return parse(r.body)["id"].GetString();
}

TEST(RestApi, TheOpenApiDocumentDescribesExactlyTheRoutes) {
  HttpResponse r = world().client().get("/api/v1/openapi.json").value();
  ASSERT_EQ(r.status, 200);
  auto doc = parse(r.body);
  EXPECT_EQ(std::string(doc["openapi"].GetString()), "3.1.0");
  std::set<std::string> described;
  for (const auto& path : doc["paths"].GetObject()) {
    for (const auto& operation : path.value.GetObject()) {
      std::string method = operation.name.GetString();
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      std::string key = method + " " + path.name.GetString();
      described.insert(key);
      const auto& o = operation.value;
      EXPECT_TRUE(o.HasMember("summary") && o["summary"].GetStringLength() > 0) << key;
      EXPECT_TRUE(o.HasMember("description") && o["description"].GetStringLength() > 0) << key;
      ASSERT_TRUE(o.HasMember("x-permission")) << key;
      bool found = false;
      for (const RouteInfo& route : world().routes()) {
        if (route.method + " " + route.path != key) continue;
        found = true;
        EXPECT_EQ(route.permission, o["x-permission"].GetString()) << key;
      }
      EXPECT_TRUE(found) << "described but not routed: " << key;
    }
  }
  // Every route the server has under /api/v1/ is described.
  for (const Route* route : world().server().router().routes()) {
    if (!route->path.starts_with("/api/v1/")) continue;
    EXPECT_TRUE(described.count(route->method + " " + route->path))
        << "routed but not described: " << route->method << " " << route->path;
  }
  EXPECT_EQ(described.size(), world().routes().size());
}

// Every route × every role, and no one: refused exactly when the role does not allow it. The
// requests carry an empty JSON object, so that a permitted change stops at its input check.
TEST(RestApi, EveryRouteAnswersEachRoleAsItsPermissionSays) {
  auto target_of = [](std::string path) {
    for (const auto& [name, value] :
         {std::pair{std::string("{id}"), world().seal_id()},
          std::pair{std::string("{login}"), std::string("auditor")},
          std::pair{std::string("{page}"), std::string("1")},
          std::pair{std::string("{kind}"), std::string("run")},
          std::pair{std::string("{code}"), std::string("0123456789ABCDEF")}}) {
      if (auto at = path.find(name); at != std::string::npos) path.replace(at, name.size(), value);
    }
    return path;
  };
  for (const RouteInfo& route : world().routes()) {
    std::string target = target_of(route.path);
    std::string body = route.method == "GET" ? "" : "{}";
    HttpResponse anonymous = Person{}.call(route.method, target, body);
    if (route.permission.empty()) {
      EXPECT_NE(anonymous.status, 401) << route.path;
      EXPECT_NE(anonymous.status, 403) << route.path;
    } else {
      expect_error_shape(anonymous, 401, "unauthenticated");
    }
    for (const std::string& role : kRoles) {
      Person person = as(role);
      HttpResponse r = person.call(route.method, target, body);
      bool allowed = route.permission.empty() || route.permission == "session" ||
                     service::role_allows(*service::parse_role(role), route.permission);
      std::string what =
          role + " " + route.method + " " + route.path + ": " + r.body.substr(0, 120);
      if (allowed) {
        EXPECT_NE(r.status, 401) << what;
        EXPECT_NE(r.status, 403) << what;
        EXPECT_LT(r.status, 500) << what;
      } else {
        expect_error_shape(r, 403, "forbidden");
      }
    }
  }
}

// The README's table of what each role may do, written out: the server's rule must match it,
// and every route's permission must be in it.
TEST(RestApi, EachRolesPermissionsAreTheReadmesTable) {
  const std::set<std::string> all(kRoles.begin(), kRoles.end());
  const std::set<std::string> staff = {"admin", "seal-admin"},
                              readers = {"admin", "seal-admin", "auditor"};
  const std::map<std::string, std::set<std::string>> table = {
      {"seals.read", all},
      {"certificates.read", readers},
      {"seals.write", staff},
      {"documents.read", all},
      {"documents.sign", {"admin", "operator"}},
      {"organizations.read", readers},
      {"organizations.write", staff},
      {"time-stamps.read", all},
      {"apps.read", {"admin", "auditor"}},
      {"accounts.read", {"admin", "auditor"}},
      {"audit.read", {"admin", "auditor"}},
      {"apps.write", {"admin"}},
      {"jobs.read", all},
      {"jobs.write", staff},
      {"users.read", readers},
      {"filing.read", readers},
      {"users.write", staff},
      {"filing.write", staff},
      {"audit.verify", {"admin", "auditor"}},
      {"accounts.write", {"admin"}}};
  for (const auto& [permission, roles] : table) {
    for (const std::string& role : kRoles) {
      EXPECT_EQ(service::role_allows(*service::parse_role(role), permission), roles.count(role) > 0)
          << role << " " << permission;
    }
  }
  for (const RouteInfo& route : world().routes()) {
    if (route.permission.empty() || route.permission == "session") continue;
    EXPECT_TRUE(table.count(route.permission))
        << route.method << " " << route.path << ": " << route.permission << " is not in the table";
  }
}

// The session cookie is Secure when the request came over HTTPS, here through a proxy that
// terminates TLS and says so.
TEST(RestApi, TheSessionCookieIsSecureBehindAnHttpsProxy) {
  auto sign_in_via = [](const char* scheme) {
    Headers headers;
    headers.add("Content-Type", "application/json");
    if (scheme) headers.add("X-Forwarded-Proto", scheme);
    HttpClient client = world().client();
    auto r = client.request("POST", "/api/v1/session",
                            R"({"login":"auditor","password":")" + password_of("auditor") + "\"}",
                            headers);
    EXPECT_EQ(r->status, 200) << r->body;
    return r->header("Set-Cookie");
  };
  EXPECT_NE(sign_in_via("https").find("; Secure"), std::string::npos);
  EXPECT_EQ(sign_in_via(nullptr).find("; Secure"), std::string::npos);
}

TEST(RestApi, StateChangesNeedTheSessionsCsrfToken) {
  Person admin = as("admin");
  const std::string body = R"({"login":"csrf-test","role":"auditor","password":"long enough!"})";
  expect_error_shape(admin.call("POST", "/api/v1/accounts", body, true, false), 403, "csrf");
  Person forged = admin;
  forged.csrf = std::string(64, '0');
  expect_error_shape(forged.call("POST", "/api/v1/accounts", body), 403, "csrf");
  // Another session's token does not do either.
  forged.csrf = as("admin").csrf;
  expect_error_shape(forged.call("POST", "/api/v1/accounts", body), 403, "csrf");
  EXPECT_EQ(admin.call("POST", "/api/v1/accounts", body).status, 201);
  // Reading needs none.
  EXPECT_EQ(admin.call("GET", "/api/v1/accounts", "", true, false).status, 200);
}

TEST(RestApi, RepeatedFailuresLockAnAccountAndSignOutEndsTheSession) {
  ASSERT_TRUE(world()
                  .console()
                  .create("locked-out", "", "operator", "right password", "test", now_utc())
                  .ok());
  Person nobody;
  const std::string wrong = R"({"login":"locked-out","password":"wrong password"})";
  for (int i = 0; i < 5; ++i) {
    expect_error_shape(nobody.call("POST", "/api/v1/session", wrong), 401, "bad_credentials");
  }
  expect_error_shape(nobody.call("POST", "/api/v1/session",
                                 R"({"login":"locked-out","password":"right password"})"),
                     423, "account_locked");

  Person operator_ = as("operator");
  EXPECT_EQ(operator_.call("GET", "/api/v1/session").status, 200);
  EXPECT_EQ(operator_.call("DELETE", "/api/v1/session").status, 200);
  expect_error_shape(operator_.call("GET", "/api/v1/session"), 401, "unauthenticated");
}

// A login with '@' is named percent-encoded in the path; disabling it ends its sessions at once.
TEST(RestApi, AnAdministratorDisablesAnAccountByItsEncodedLoginAndItsSessionEnds) {
  Person admin = as("admin");
  ASSERT_EQ(admin
                .call("POST", "/api/v1/accounts",
                      R"({"login":"wang@example.org","role":"operator","password":"long enough!"})")
                .status,
            201);
  Person wang = sign_in("wang@example.org", "long enough!");
  EXPECT_EQ(wang.call("GET", "/api/v1/documents").status, 200);
  HttpResponse disabled =
      admin.call("PATCH", "/api/v1/accounts/wang%40example.org", R"({"enabled":false})");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_FALSE(parse(disabled.body)["enabled"].GetBool());
  expect_error_shape(wang.call("GET", "/api/v1/documents"), 401, "unauthenticated");
  expect_error_shape(admin.call("PATCH", "/api/v1/accounts/wang%2Fexample", R"({"enabled":true})"),
                     404, "not_found");
}

TEST(RestApi, WorkThatWaitsAndPhoneUsersAreListed) {
  Person auditor = as("auditor");
  for (const char* target : {"/api/v1/jobs", "/api/v1/jobs?state=UNSIGN", "/api/v1/filing/run",
                             "/api/v1/filing/seal", "/api/v1/users"}) {
    HttpResponse r = auditor.call("GET", target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    EXPECT_TRUE(parse(r.body).IsObject()) << target;
  }
  expect_error_shape(auditor.call("GET", "/api/v1/filing/token"), 404, "not_found");
  expect_error_shape(auditor.call("GET", "/api/v1/jobs?offset=x"), 400, "invalid_input");
  expect_error_shape(auditor.call("GET", "/api/v1/users/nobody/devices"), 404, "not_found");
  // A console session is a task too, but not one the lists show.
  EXPECT_EQ(parse(auditor.call("GET", "/api/v1/jobs").body)["tasks"].Size(), 0u);

  // A job past its expiry is listed as expired, and listing it changes nothing: the sign jobs'
  // own reading (with the app's callback) moves it.
  store::TaskRecord job;
  job.id = *store::new_id();
  job.kind = "coss.sign";
  job.subject = "user-1";
  job.state = "UNSIGN";
  job.payload = R"({"title":"合同确认","dataType":"DATA","algo":"SM3withSM2","data":"AAAA"})";
  job.created = job.updated = now_utc() - std::chrono::minutes(20);
  job.expires = now_utc() - std::chrono::minutes(10);
  ASSERT_TRUE(
      world().store().tasks().add(job, {now_utc(), "test", "coss.sign.create", job.id, "", ""}));
  auto listed = parse(auditor.call("GET", "/api/v1/jobs").body);
  ASSERT_EQ(listed["tasks"].Size(), 1u);
  EXPECT_EQ(std::string(listed["tasks"][0]["state"].GetString()), "EXPIRE");
  EXPECT_EQ(std::string(listed["tasks"][0]["title"].GetString()), "合同确认");
  EXPECT_FALSE(listed["tasks"][0].HasMember("data"));
  EXPECT_EQ(parse(auditor.call("GET", "/api/v1/jobs?state=EXPIRE").body)["tasks"].Size(), 1u);
  EXPECT_EQ(parse(auditor.call("GET", "/api/v1/jobs?state=UNSIGN").body)["tasks"].Size(), 0u);
  EXPECT_EQ(world().store().tasks().find(job.id)->state, "UNSIGN");
}

// A seal administrator revokes a phone user's waiting sign job and freezes and thaws the user,
// whichever app they belong to; what has ended, or was deleted by its app, is a conflict.
TEST(RestApi, StaffRevokeAWaitingJobAndFreezeAPhoneUser) {
  Time now = now_utc();
  store::App record;
  record.id = *store::new_id();
  record.syscode = "APP_STAFF_TEST";
  record.name = "业务系统";
  record.scopes = {"*"};
  record.created = record.rotated = now;
  ASSERT_TRUE(world().store().apps().add(record, *store::AppSecrets::generate(true),
                                         {now, "test", "app.add", record.syscode, "", ""}));
  service::Caller app{"coss", record.id, record.syscode, {"*"}};
  auto user = world().users().add(
      app, {"张三", "SF", "11010519491231002X", "13800138000", "办公室", "", "", "N"}, now);
  ASSERT_TRUE(user.ok()) << user.error().message;
  service::NewSignJob asked;
  asked.user_id = user->id;
  asked.title = "合同确认";
  asked.data_type = "DATA";
  asked.algo = "SM3withSM2";
  asked.data_base64 = "AAAA";
  auto job = world().jobs().create(app, asked, now);
  ASSERT_TRUE(job.ok()) << job.error().message;

  Person seal_admin = as("seal-admin");
  auto listed = parse(seal_admin.call("GET", "/api/v1/jobs?state=UNSIGN").body);
  bool shown = false;
  for (const auto& t : listed["tasks"].GetArray()) {
    shown = shown || t["signDataId"].GetString() == job->id;
  }
  EXPECT_TRUE(shown) << "the list names each job by its signDataId";

  std::string revocation = "/api/v1/jobs/" + job->id + "/revocation";
  expect_error_shape(as("operator").call("POST", revocation), 403, "forbidden");
  HttpResponse revoked = seal_admin.call("POST", revocation);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(std::string(parse(revoked.body)["status"].GetString()), "REVOKE");
  EXPECT_EQ(world().jobs().find(app, job->id, now_utc())->status, "REVOKE");
  expect_error_shape(seal_admin.call("POST", revocation), 409, "conflict");
  expect_error_shape(seal_admin.call("POST", "/api/v1/jobs/SD_nothing/revocation"), 404,
                     "not_found");
  auto audit =
      world().store().audit().query({.object = job->task_id, .limit = 5, .newest_first = true});
  ASSERT_TRUE(audit.ok() && !audit->empty());
  EXPECT_EQ(audit->front().entry.actor, "console:seal-admin");
  EXPECT_NE(audit->front().entry.detail.find("platform's staff"), std::string::npos);

  std::string target = "/api/v1/users/" + user->id;
  expect_error_shape(seal_admin.call("PATCH", target, R"({"status":"DELETE"})"), 400,
                     "invalid_input");
  expect_error_shape(seal_admin.call("PATCH", "/api/v1/users/nobody", R"({"status":"LOCKED"})"),
                     404, "not_found");
  HttpResponse frozen = seal_admin.call("PATCH", target, R"({"status":"LOCKED"})");
  ASSERT_EQ(frozen.status, 200) << frozen.body;
  EXPECT_EQ(std::string(parse(frozen.body)["status"].GetString()), "LOCKED");
  EXPECT_EQ(world().users().find(app, user->id)->status, "LOCKED");
  // A frozen user gets no activation code until thawed.
  EXPECT_FALSE(world().users().issue_activation(app, user->id, std::nullopt, now_utc()).ok());
  ASSERT_EQ(seal_admin.call("PATCH", target, R"({"status":"ACTIVE"})").status, 200);
  EXPECT_TRUE(world().users().issue_activation(app, user->id, std::nullopt, now_utc()).ok());

  service::CossUsers::UserChange deletion;
  deletion.status = "DELETE";
  ASSERT_TRUE(world().users().update(app, user->id, deletion, now_utc()).ok());
  expect_error_shape(seal_admin.call("PATCH", target, R"({"status":"ACTIVE"})"), 409, "conflict");
}

// A seal made elsewhere is registered over REST as `eseal seal register` registers it: its
// maker's signature checked, a certificate it does not list refused, its esID taken once.
TEST(RestApi, ASealAdministratorRegistersASealMadeElsewhere) {
  const auto& p = parties();
  ses::SealInfo info = p.seal.info;
  info.es_id = "REST-REGISTERED-1";
  info.name = "外部制作的印章";
  Bytes der = ses::make_seal(info, p.maker.cert, p.maker.key)->encoded;
  auto body = [](const Bytes& seal, const std::string& extra = "") {
    return R"({"seal":")" + crypto::to_base64(seal) + "\"" + extra + "}";
  };
  Person seal_admin = as("seal-admin");
  const std::string route = "/api/v1/seal-registrations";
  expect_error_shape(as("operator").call("POST", route, body(der)), 403, "forbidden");
  expect_error_shape(seal_admin.call("POST", route, R"({"seal":"not base64!"})"), 400,
                     "invalid_input");
  Bytes broken = der;
  broken[broken.size() - 3] ^= 0x01;  // inside the maker's signature
  HttpResponse refused = seal_admin.call("POST", route, body(broken));
  expect_error_shape(refused, 400, "invalid_input");
  EXPECT_NE(refused.body.find("maker-signature"), std::string::npos) << refused.body;
  std::string other_pem = p.maker.cert.pem();
  std::string escaped;
  for (char ch : other_pem) escaped += ch == '\n' ? std::string("\\n") : std::string(1, ch);
  HttpResponse wrong_cert =
      seal_admin.call("POST", route, body(der, R"(,"certificate":")" + escaped + "\""));
  expect_error_shape(wrong_cert, 400, "invalid_input");
  EXPECT_NE(wrong_cert.body.find("not a signer certificate"), std::string::npos);
  expect_error_shape(seal_admin.call("POST", route, body(der, R"(,"app":"NOPE")")), 404,
                     "not_found");
  expect_error_shape(seal_admin.call("POST", route, body(der, R"(,"creditCode":"NOPE")")), 404,
                     "not_found");
  // A key index names a key of the server's crypto device, which this server has not.
  expect_error_shape(seal_admin.call("POST", route, body(der, R"(,"keyIndex":3)")), 409,
                     "no_device");
  expect_error_shape(seal_admin.call("POST", route, body(der, R"(,"keyIndex":-1)")), 400,
                     "invalid_input");

  HttpResponse made = seal_admin.call("POST", route, body(der));
  ASSERT_EQ(made.status, 201) << made.body;
  auto seal = parse(made.body);
  EXPECT_EQ(std::string(seal["id"].GetString()), "REST-REGISTERED-1");
  EXPECT_EQ(std::string(seal["status"].GetString()), "valid");
  auto record = world().store().seals().find("REST-REGISTERED-1");
  ASSERT_TRUE(record.ok());
  EXPECT_TRUE(record->key_id.empty()) << "its key stays where it is";
  EXPECT_EQ(*world().store().blobs().get(record->seal_sm3), der);
  auto audit = world().store().audit().query({.object = "REST-REGISTERED-1", .limit = 5});
  ASSERT_TRUE(audit.ok() && audit->size() == 1);
  EXPECT_EQ(audit->front().entry.operation, "seal.register");
  EXPECT_EQ(audit->front().entry.actor, "console:seal-admin");
  expect_error_shape(seal_admin.call("POST", route, body(der)), 409, "conflict");
  // Anyone may now look its status up.
  EXPECT_EQ(world().client().get("/api/v1/public/seals/REST-REGISTERED-1")->status, 200);
}

// Filing a seal upward from the console: a new run needs its area; when the platform does not
// answer, the run stops after what it completed, says so (502), and is there to resume.
TEST(RestApi, FilingASealWithAnUpstreamThatIsNotThereStopsAndCanResume) {
  Person seal_admin = as("seal-admin");
  std::string target = "/api/v1/seals/" + world().seal_id() + "/filing";
  auto before = parse(seal_admin.call("GET", target).body);
  EXPECT_FALSE(before["filed"].GetBool());
  EXPECT_FALSE(before.HasMember("state"));
  EXPECT_EQ(before["steps"].Size(), 6u);
  expect_error_shape(as("operator").call("POST", target, "{}"), 403, "forbidden");
  expect_error_shape(seal_admin.call("POST", target, "{}"), 400, "invalid_input");
  expect_error_shape(
      seal_admin.call("POST", "/api/v1/seals/NO-SUCH-SEAL/filing", R"({"area":"440"})"), 404,
      "not_found");

  HttpResponse stopped = seal_admin.call(
      "POST", target,
      R"({"area":"440","district":"440300","makerCode":"91440300MA5DEMO02X","handlerName":"张建国"})");
  expect_error_shape(stopped, 502, "upstream_failed");
  EXPECT_NE(stopped.body.find("send it again to resume"), std::string::npos) << stopped.body;
  auto after = parse(seal_admin.call("GET", target).body);
  EXPECT_FALSE(after["filed"].GetBool());
  EXPECT_EQ(std::string(after["state"].GetString()), "RUNNING");
  EXPECT_EQ(std::string(after["area"].GetString()), "440");
  EXPECT_EQ(std::string(after["lastStep"].GetString()), "");
  // The run is listed with the filing tasks, and its start is audited with the staff member.
  auto runs = parse(seal_admin.call("GET", "/api/v1/filing/run").body);
  ASSERT_EQ(runs["tasks"].Size(), 1u);
  EXPECT_EQ(std::string(runs["tasks"][0]["subject"].GetString()), world().seal_id());
}

TEST(RestApi, BadInputIsAnErrorObjectWithItsCode) {
  Person admin = as("admin");
  expect_error_shape(admin.call("POST", "/api/v1/accounts", "login=x", false), 415,
                     "unsupported_media_type");
  expect_error_shape(admin.call("POST", "/api/v1/accounts", "{"), 400, "invalid_json");
  expect_error_shape(admin.call("POST", "/api/v1/accounts", "[]"), 400, "invalid_json");
  expect_error_shape(admin.call("POST", "/api/v1/accounts",
                                R"({"login":"x","role":"root","password":"0123456789"})"),
                     400, "invalid_input");
  expect_error_shape(admin.call("POST", "/api/v1/accounts",
                                R"({"login":"y","role":"auditor","password":"short"})"),
                     400, "invalid_input");
  expect_error_shape(admin.call("POST", "/api/v1/accounts", R"({"login":1})"), 400,
                     "invalid_input");
  expect_error_shape(
      admin.call("POST", "/api/v1/accounts",
                 R"({"login":"auditor","role":"auditor","password":"0123456789ab"})"),
      409, "conflict");
  expect_error_shape(admin.call("GET", "/api/v1/seals/NO-SUCH-SEAL"), 404, "not_found");
  expect_error_shape(admin.call("GET", "/api/v1/audit?limit=many"), 400, "invalid_input");
  expect_error_shape(admin.call("PATCH", "/api/v1/accounts/admin", R"({"enabled":false})"), 409,
                     "conflict");
  expect_error_shape(Person{}.call("POST", "/api/v1/verification", "not a document", false), 400,
                     "invalid_input");
}

// The platform's work, each part by the role it belongs to.
TEST(RestApi, SealAdministratorOperatorVisitorAndAuditorEachDoTheirPart) {
  const std::string seal = world().seal_id();
  Person seal_admin = as("seal-admin");
  HttpResponse frozen = seal_admin.call("POST", "/api/v1/seals/" + seal + "/status",
                                        R"({"status":"frozen","reason":"印章保管人变更"})");
  ASSERT_EQ(frozen.status, 200) << frozen.body;
  EXPECT_EQ(std::string(parse(frozen.body)["status"].GetString()), "frozen");
  expect_error_shape(seal_admin.call("POST", "/api/v1/seals/" + seal + "/status",
                                     R"({"status":"unfiled","reason":"x"})"),
                     409, "conflict");

  // A frozen seal does not sign.
  Person operator_ = as("operator");
  std::string pdf = upload(operator_, eseal::test::blank_pdf(2));
  const std::string stamp_body =
      R"({"sealId":")" + seal +
      R"(","placement":{"type":"position","page":2,"xMm":100,"yMm":150}})";
  expect_error_shape(operator_.call("POST", "/api/v1/documents/" + pdf + "/stamp", stamp_body), 400,
                     "invalid_input");
  ASSERT_EQ(seal_admin
                .call("POST", "/api/v1/seals/" + seal + "/status",
                      R"({"status":"valid","reason":"保管人已确认"})")
                .status,
            200);
  auto history = parse(seal_admin.call("GET", "/api/v1/seals/" + seal + "/history").body);
  ASSERT_GE(history["history"].Size(), 2u);
  EXPECT_EQ(std::string(history["history"][0]["actor"].GetString()), "console:seal-admin");
  EXPECT_NE(std::string(history["history"][1]["detail"].GetString()).find("印章保管人变更"),
            std::string::npos);

  // The placement previewed first, by the signing rules: where the stamp goes, and a cross-page
  // seal's slice on each page.
  auto planned =
      parse(operator_.call("POST", "/api/v1/documents/" + pdf + "/placements", stamp_body).body);
  ASSERT_EQ(planned["stamps"].Size(), 1u);
  EXPECT_EQ(planned["stamps"][0]["page"].GetInt(), 2);
  EXPECT_EQ(planned["stamps"][0]["visible"]["xMm"].GetDouble(), 100);
  auto slices = parse(operator_
                          .call("POST", "/api/v1/documents/" + pdf + "/placements",
                                R"({"sealId":")" + seal + R"(","placement":{"type":"cross-page"}})")
                          .body);
  ASSERT_EQ(slices["stamps"].Size(), 2u);
  EXPECT_EQ(slices["stamps"][1]["page"].GetInt(), 2);
  expect_error_shape(
      operator_.call(
          "POST", "/api/v1/documents/" + pdf + "/placements",
          R"({"sealId":")" + seal + R"(","placement":{"type":"keyword","keyword":"无此字样"}})"),
      400, "invalid_input");

  HttpResponse stamped = operator_.call("POST", "/api/v1/documents/" + pdf + "/stamp", stamp_body);
  ASSERT_EQ(stamped.status, 201) << stamped.body;
  auto record = parse(stamped.body);
  std::string signed_id = record["id"].GetString();
  EXPECT_EQ(std::string(record["biznum"].GetString()), pdf);
  HttpResponse content = operator_.call("GET", "/api/v1/documents/" + signed_id + "/content");
  ASSERT_EQ(content.status, 200);
  EXPECT_EQ(content.header("Content-Type"), "application/pdf");
  HttpResponse page = operator_.call("GET", "/api/v1/documents/" + signed_id + "/pages/2?dpi=48");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.substr(1, 3), "PNG");

  // Anyone verifies what they were given, and sees the seal's status.
  Person visitor;
  auto report = parse(visitor.call("POST", "/api/v1/verification", content.body, false).body);
  EXPECT_TRUE(report["valid"].GetBool());
  ASSERT_EQ(report["signatures"].Size(), 1u);
  const auto& signature = report["signatures"][0];
  EXPECT_EQ(std::string(signature["sealId"].GetString()), seal);
  EXPECT_EQ(signature["page"].GetInt(), 2);
  EXPECT_GT(signature["picture"].GetStringLength(), 0u);
  EXPECT_EQ(std::string(report["sm3"].GetString()),
            crypto::to_hex(crypto::sm3(as_bytes(content.body))));
  EXPECT_EQ(std::string(report["sha256"].GetString()),
            crypto::to_hex(crypto::sha256(as_bytes(content.body))));
  std::string tampered = content.body;
  tampered[tampered.find("0 0 1 rg")] = '1';
  auto rejected = parse(visitor.call("POST", "/api/v1/verification", tampered, false).body);
  EXPECT_FALSE(rejected["valid"].GetBool());
  auto lookup = parse(visitor.call("GET", "/api/v1/public/seals/" + seal).body);
  EXPECT_EQ(std::string(lookup["status"].GetString()), "valid");

  // The auditor reads who did what and verifies the chain; changing anything is not theirs.
  Person auditor = as("auditor");
  auto rows = parse(auditor.call("GET", "/api/v1/audit?actor=console:operator&limit=10").body);
  ASSERT_GT(rows["rows"].Size(), 0u);
  EXPECT_EQ(std::string(rows["rows"][0]["operation"].GetString()), "document.stamp");
  auto check = parse(auditor.call("POST", "/api/v1/audit/verification", "{}").body);
  EXPECT_TRUE(check["intact"].GetBool());
  EXPECT_GT(check["rows"].GetInt64(), 5);
  expect_error_shape(auditor.call("POST", "/api/v1/seals/" + seal + "/status",
                                  R"({"status":"frozen","reason":"x"})"),
                     403, "forbidden");
}

// An administrator adds an app for COSS and DB4403: its secrets come once, in that answer; new
// ones replace them; a disabled app is listed so. LD/T needs the app's certificate.
TEST(RestApi, AnAdministratorAddsAnAppSeesItsSecretsOnceAndRotatesThem) {
  Person admin = as("admin");
  HttpResponse added =
      admin.call("POST", "/api/v1/apps", R"({"name":"不动产登记系统","families":["coss","sz"]})");
  ASSERT_EQ(added.status, 201) << added.body;
  auto app = parse(added.body);
  std::string syscode = app["syscode"].GetString();
  EXPECT_FALSE(syscode.starts_with("APP_")) << "with sz it is not a COSS-only appId";
  EXPECT_EQ(app["families"].Size(), 2u);
  std::string secure_code = app["secrets"]["secureCode"].GetString();
  EXPECT_EQ(secure_code.size(), 32u);
  EXPECT_EQ(std::string(app["secrets"]["systemId"].GetString()), syscode);
  EXPECT_FALSE(app["secrets"].HasMember("authcode"));
  HttpResponse listed = admin.call("GET", "/api/v1/apps");
  EXPECT_EQ(listed.body.find(secure_code), std::string::npos) << "listed without secrets";
  auto rotated = parse(admin.call("POST", "/api/v1/apps/" + syscode + "/secrets", "").body);
  EXPECT_NE(std::string(rotated["secrets"]["secureCode"].GetString()), secure_code);
  auto disabled =
      parse(admin.call("PATCH", "/api/v1/apps/" + syscode, R"({"enabled":false})").body);
  EXPECT_FALSE(disabled["enabled"].GetBool());
  expect_error_shape(admin.call("POST", "/api/v1/apps", R"({"name":"x","families":["ldt"]})"), 400,
                     "invalid_input");
  expect_error_shape(admin.call("POST", "/api/v1/apps",
                                R"({"name":"x","families":["coss"],"syscode":")" + syscode + "\"}"),
                     409, "conflict");
  expect_error_shape(admin.call("POST", "/api/v1/apps/NO-SUCH-APP/secrets", ""), 404, "not_found");
  bool audited = false;
  auto rows = world().store().audit().list(0, 100000);
  for (const auto& row : *rows) {
    audited =
        audited || (row.entry.operation == "app.rotate" && row.entry.actor == "console:admin");
    EXPECT_EQ(row.entry.detail.find(secure_code), std::string::npos) << "no secret in the log";
  }
  EXPECT_TRUE(audited);
}

// An OFD locked by the platform's lock signature, unlocked again, and made into a certified
// copy (加注件) by the signed-in operator; each a new version under the first upload's id.
TEST(RestApi, AnOperatorLocksUnlocksAndCopiesAnOfd) {
  Person operator_ = as("operator");
  std::string ofd = upload(operator_, eseal::test::text_ofd("不动产权证书\n权利人：张三\n"));
  HttpResponse locked = operator_.call("POST", "/api/v1/documents/" + ofd + "/lock", "");
  ASSERT_EQ(locked.status, 201) << locked.body;
  std::string locked_id = parse(locked.body)["id"].GetString();
  EXPECT_EQ(std::string(parse(locked.body)["biznum"].GetString()), ofd);
  auto verified =
      parse(operator_.call("GET", "/api/v1/documents/" + locked_id + "/verification").body);
  EXPECT_TRUE(verified["locked"].GetBool());
  EXPECT_EQ(std::string(verified["signatures"][0]["kind"].GetString()), "lock");
  // Locked, it takes no seal; unlocked, it does again.
  const std::string stamp = R"({"sealId":")" + world().seal_id() +
                            R"(","placement":{"type":"position","page":1,"xMm":100,"yMm":150}})";
  expect_error_shape(operator_.call("POST", "/api/v1/documents/" + locked_id + "/stamp", stamp),
                     400, "invalid_input");
  HttpResponse unlocked = operator_.call("POST", "/api/v1/documents/" + locked_id + "/unlock", "");
  ASSERT_EQ(unlocked.status, 201) << unlocked.body;
  std::string unlocked_id = parse(unlocked.body)["id"].GetString();
  EXPECT_EQ(operator_.call("POST", "/api/v1/documents/" + unlocked_id + "/stamp", stamp).status,
            201);

  HttpResponse copy = operator_.call("POST", "/api/v1/documents/" + ofd + "/copies",
                                     R"({"cause":"办理贷款","years":2})");
  ASSERT_EQ(copy.status, 201) << copy.body;
  std::string copy_id = parse(copy.body)["id"].GetString();
  HttpResponse content = operator_.call("GET", "/api/v1/documents/" + copy_id + "/content");
  auto package = ofd::Package::open(as_bytes(content.body));
  ASSERT_TRUE(package.ok());
  auto structure = ofd::read_structure(*package);
  bool creator = false;
  for (const auto& [name, value] : structure->documents[0].custom_data)
    creator = creator || (name == ofd::kCopyCreatorName && value == "operator");
  EXPECT_TRUE(creator) << "the copy names who made it";
  expect_error_shape(operator_.call("POST", "/api/v1/documents/" + ofd + "/copies",
                                    R"({"cause":"办理贷款","years":0})"),
                     400, "invalid_input");
  // A PDF has no lock signature.
  std::string pdf = upload(operator_, eseal::test::blank_pdf(1));
  expect_error_shape(operator_.call("POST", "/api/v1/documents/" + pdf + "/lock", ""), 400,
                     "invalid_input");
}

// A seal administrator adds an organization (its credit code checked) and reads the CRLs and
// the time stamps issued; an operator reads the time stamps too, with a token by its serial.
TEST(RestApi, OrganizationsCrlsAndTimeStampsAreListed) {
  Person seal_admin = as("seal-admin");
  HttpResponse added =
      seal_admin.call("POST", "/api/v1/organizations",
                      R"({"name":"某某市不动产登记中心","creditCode":"12440300MB2C92050D"})");
  ASSERT_EQ(added.status, 201) << added.body;
  auto orgs = parse(seal_admin.call("GET", "/api/v1/organizations").body);
  bool listed = false;
  for (const auto& o : orgs["organizations"].GetArray())
    listed = listed || std::string(o["creditCode"].GetString()) == "12440300MB2C92050D";
  EXPECT_TRUE(listed);
  // The same id as DB4403 grants give it: `eseal sz grant` with this code finds it.
  EXPECT_EQ(std::string(parse(added.body)["id"].GetString()),
            service::organization_id("12440300MB2C92050D"));
  expect_error_shape(seal_admin.call("POST", "/api/v1/organizations",
                                     R"({"name":"y","creditCode":"12440300MB2C92050D"})"),
                     409, "conflict");
  // An O for a 0, and a wrong check character.
  for (const char* code : {"12440300MB2C9205OD", "12440300MB2C92050Q"}) {
    expect_error_shape(seal_admin.call("POST", "/api/v1/organizations",
                                       R"({"name":"x","creditCode":")" + std::string(code) + "\"}"),
                       400, "invalid_input");
  }
  EXPECT_TRUE(parse(seal_admin.call("GET", "/api/v1/crls").body)["crls"].IsArray());

  store::TimeStampRecord stamp{"0a1b2c",
                               now_utc(),
                               "1.2.156.10197.1.401",
                               std::string(64, 'a'),
                               "app:TEST",
                               Bytes{0x30, 0x03, 0x02, 0x01, 0x01}};
  ASSERT_TRUE(
      world().store().time_stamps().add(stamp, {now_utc(), "test", "tsa.issue", "0a1b2c", "", ""}));
  Person operator_ = as("operator");
  auto stamps = parse(operator_.call("GET", "/api/v1/time-stamps").body);
  ASSERT_GE(stamps["timeStamps"].Size(), 1u);
  EXPECT_FALSE(stamps["timeStamps"][0].HasMember("token"));
  auto one = parse(operator_.call("GET", "/api/v1/time-stamps/0a1b2c").body);
  EXPECT_EQ(std::string(one["token"].GetString()), "MAMCAQE=");
  expect_error_shape(operator_.call("GET", "/api/v1/time-stamps/ffff"), 404, "not_found");
  expect_error_shape(operator_.call("POST", "/api/v1/organizations", R"({"name":"x"})"), 403,
                     "forbidden");
}

// A verification code printed with the seal: its QR code, read off the signed page by zbarimg,
// opens the public page for the document's record, which gives the stored original's hashes.
TEST(RestApi, AVerificationCodeLeadsToThePublicRecordOfTheSignedDocument) {
  Person operator_ = as("operator");
  std::string pdf = upload(operator_, eseal::test::blank_pdf(1));
  HttpResponse stamped = operator_.call(
      "POST", "/api/v1/documents/" + pdf + "/stamp",
      R"({"sealId":")" + world().seal_id() +
          R"(","placement":{"type":"position","page":1,"xMm":100,"yMm":150},"verificationCode":true})");
  ASSERT_EQ(stamped.status, 201) << stamped.body;
  auto record = parse(stamped.body);
  ASSERT_TRUE(record.HasMember("verificationCode")) << stamped.body;
  std::string code = record["verificationCode"].GetString();
  EXPECT_EQ(code.size(), 16u);
  std::string id = record["id"].GetString();
  HttpResponse content = operator_.call("GET", "/api/v1/documents/" + id + "/content");

  Person visitor;
  HttpResponse found = visitor.call("GET", "/api/v1/public/documents/" + code);
  ASSERT_EQ(found.status, 200) << found.body;
  auto original = parse(found.body);
  EXPECT_EQ(std::string(original["sm3"].GetString()),
            crypto::to_hex(crypto::sm3(as_bytes(content.body))));
  EXPECT_EQ(std::string(original["sha256"].GetString()),
            crypto::to_hex(crypto::sha256(as_bytes(content.body))));
  EXPECT_EQ(std::string(original["format"].GetString()), "pdf");
  auto report = parse(visitor.call("POST", "/api/v1/verification", content.body, false).body);
  EXPECT_TRUE(report["valid"].GetBool()) << "the code is covered by the signature";
  expect_error_shape(visitor.call("GET", "/api/v1/public/documents/0123456789ABCDEF"), 404,
                     "not_found");
  // A second seal on the signed document: for the first signature, a change shown where the
  // second stamp is.
  HttpResponse again =
      operator_.call("POST", "/api/v1/documents/" + id + "/stamp",
                     R"({"sealId":")" + world().seal_id() +
                         R"(","placement":{"type":"position","page":1,"xMm":30,"yMm":40}})");
  ASSERT_EQ(again.status, 201) << again.body;
  HttpResponse twice =
      operator_.call("GET", "/api/v1/documents/" +
                                std::string(parse(again.body)["id"].GetString()) + "/verification");
  auto both = parse(twice.body);
  ASSERT_EQ(both["signatures"].Size(), 2u) << twice.body;
  const auto& changes = both["signatures"][0]["changes"];
  ASSERT_EQ(changes.Size(), 1u) << twice.body;
  EXPECT_EQ(std::string(changes[0]["kind"].GetString()), "signature");
  EXPECT_EQ(changes[0]["page"].GetInt(), 1);
  EXPECT_EQ(changes[0]["xMm"].GetDouble(), 30);
  EXPECT_EQ(both["signatures"][1]["changes"].Size(), 0u);
  // The public page draws the page it shows the change on from the file it was given.
  HttpResponse drawn =
      visitor.call("POST", "/api/v1/verification/pages/1?dpi=30", content.body, false);
  ASSERT_EQ(drawn.status, 200) << drawn.body;
  EXPECT_EQ(drawn.header("Content-Type"), "image/png");
  EXPECT_EQ(drawn.body.substr(1, 3), "PNG");
  expect_error_shape(visitor.call("POST", "/api/v1/verification/pages/9", content.body, false), 400,
                     "invalid_input");
  expect_error_shape(visitor.call("GET", "/api/v1/public/documents/not-a-code"), 404, "not_found");

  if (eseal::test::run_command("command -v zbarimg").exit_code != 0)
    GTEST_SKIP() << "zbarimg (zbar-tools) is not installed";
  HttpResponse page = operator_.call("GET", "/api/v1/documents/" + id + "/pages/1?dpi=150");
  ASSERT_EQ(page.status, 200);
  eseal::test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "page.png", as_bytes(page.body)).ok());
  auto scan = eseal::test::run_command("zbarimg -q --raw " + (dir.path() / "page.png").string() +
                                       " 2>/dev/null");
  EXPECT_NE(scan.output.find("/console/#/verify/" + code), std::string::npos) << scan.output;
}

TEST(RestApi, ASealAdministratorMakesASealAfterPreviewingItsPicture) {
  Person seal_admin = as("seal-admin");
  const std::string design = R"({"name":"测试单位合同专用章","type":5,"template":"round"})";
  HttpResponse preview = seal_admin.call("POST", "/api/v1/seal-previews", design);
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.header("Content-Type"), "image/svg+xml");
  EXPECT_NE(preview.body.find("<svg"), std::string::npos);

  auto certificates = parse(seal_admin.call("GET", "/api/v1/certificates").body);
  ASSERT_GT(certificates["certificates"].Size(), 0u);
  std::string signer = certificates["certificates"][0]["subject"].GetString();
  HttpResponse made = seal_admin.call(
      "POST", "/api/v1/seals",
      R"({"name":"测试单位合同专用章","type":5,"template":"round","signer":")" + signer + "\"}");
  ASSERT_EQ(made.status, 201) << made.body;
  std::string id = parse(made.body)["id"].GetString();
  HttpResponse picture = seal_admin.call("GET", "/api/v1/seals/" + id + "/picture");
  EXPECT_EQ(picture.status, 200);
  EXPECT_EQ(picture.header("Content-Type"), "image/png");
  EXPECT_NE(picture.header("Content-Security-Policy").find("sandbox"), std::string::npos);
  auto detail = parse(seal_admin.call("GET", "/api/v1/seals/" + id).body);
  EXPECT_EQ(std::string(detail["seal"]["typeName"].GetString()), "合同专用章");
}

}  // namespace
}  // namespace eseal::api::rest
