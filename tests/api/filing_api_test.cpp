// Filing with the national platform (LD/T 01.4 §5.2) between two eseal instances on loopback:
// the platform (a server with the filing door on its own data folder) and the seal-making
// system (its own data folder, seal and user CA) filing a seal with it over real HTTP through
// api::ldt::FilingClient — push unit, challenge, seal code, upload, checkResult, the package
// opened with the seal's encryption key and compared field by field, receipt, status published
// (207), revoked with a reason (209) — and the status query and revocation list on both sides.
// Then every operation's refusals, and the seed's appendix A examples.
#include <gtest/gtest.h>

#include <filesystem>

#include "api/http_client.h"
#include "api/json.h"
#include "api/json_text.h"
#include "api/ldt/envelope.h"
#include "api/ldt/filing.h"
#include "api/ldt/filing_client.h"
#include "api/ldt/routes.h"
#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "keys/key_file.h"
#include "keys/soft_keystore.h"
#include "service/store_platform.h"
#include "store/store.h"
#include "support/registered_seal.h"
#include "support/sealing_parties.h"

namespace eseal::api::ldt {
namespace {

using eseal::test::parties;
namespace filing = service::filing;

keys::Kek test_kek() {
  return keys::Kek(crypto::SecureBytes{'k', 'e', 'k', '-', 'f', 'i', 'l', 'e'});
}

std::string random_hex() {
  return crypto::to_hex(*crypto::random_bytes(16));
}

// One eseal instance: a data folder, its store and platform, and a server with the LD/T door
// answering filing as the platform.
class Instance {
 public:
  explicit Instance(const pki::test::IssuedKey& platform_key)
      : dir_(std::filesystem::temp_directory_path() / ("eseal-filing-" + random_hex())) {
    std::filesystem::create_directories(dir_ / "platform");
    const auto& p = parties();
    keys::Kek kek = test_kek();
    write("platform/ca.pem", p.root.cert.pem());
    write("platform/lock.pem", platform_key.cert.pem());
    write("platform/lock.key", *keys::encrypt_private_key(platform_key.key, kek));
    write("platform/seal-maker.pem", p.maker.cert.pem());
    write("platform/seal-maker.key", *keys::encrypt_private_key(p.maker.key, kek));
    // A user CA younger and shorter-lived than the seals' signer: the seal's encryption
    // certificate must fit inside it.
    static const auto user_ca =
        pki::test::issue(pki::CertificateProfile::kRootCa, "C=CN,CN=测试用户CA", nullptr,
                         now_utc() - std::chrono::minutes(1), now_utc() + std::chrono::days(30));
    write("platform/user-ca.pem", user_ca.cert.pem());
    write("platform/user-ca.key", *keys::encrypt_private_key(user_ca.key, kek));
    write("signer.key", *keys::encrypt_private_key(p.signer.key, kek));
    store_ = std::move(*store::open_store(dir_, kek));
    platform_ = std::make_unique<service::StorePlatform>(*store_, kek, dir_);
    registry_ = std::make_unique<filing::FilingRegistry>(*store_);
    door_ = std::make_unique<FilingDoor>(FilingDoor{*registry_, platform_->platform()});
    adapter_ = std::make_unique<Adapter>(platform_->platform(), Options{}, door_.get());
    ServerOptions options;
    options.port = 0;
    options.workers = 2;
    server_ = std::make_unique<Server>(options);
    add_routes(*server_, *adapter_);
    EXPECT_TRUE(server_->start());
  }
  ~Instance() {
    server_->stop();
    server_->wait();
    std::filesystem::remove_all(dir_);
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/seal/v1/electricSeal";
  }
  store::Store& store() { return *store_; }
  service::StorePlatform& platform() { return *platform_; }
  filing::FilingRegistry& registry() { return *registry_; }
  const std::filesystem::path& dir() const { return dir_; }

  // An LD/T app with the certificate of `key`; its secrets.
  store::AppSecrets add_app(const std::string& syscode, const pki::Certificate& cert) {
    store::AppSecrets secrets = *store::AppSecrets::generate();
    store::App app;
    app.id = *store::new_id();
    app.syscode = syscode;
    app.name = syscode;
    app.cert_pem = cert.pem();
    app.scopes = {"*"};
    app.created = app.rotated = now_utc();
    EXPECT_TRUE(store_->apps().add(app, secrets, {now_utc(), "test", "app.add", syscode, "", ""}));
    return secrets;
  }
  service::Caller caller(const std::string& syscode) {
    return service::StorePlatform::caller_of(*store_->apps().find(syscode), "ldt");
  }

  // The test parties' seal under `id`, with the signer's key.
  void add_seal(const std::string& id) {
    const auto& p = parties();
    ses::SealInfo info = p.seal.info;
    info.es_id = id;
    eseal::test::register_seal(*store_, *ses::make_seal(info, p.maker.cert, p.maker.key),
                               dir_ / "signer.key");
  }

 private:
  void write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(write_file_atomic(dir_ / name, as_bytes(text), 0600));
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<service::StorePlatform> platform_;
  std::unique_ptr<filing::FilingRegistry> registry_;
  std::unique_ptr<FilingDoor> door_;
  std::unique_ptr<Adapter> adapter_;
  std::unique_ptr<Server> server_;
};

const pki::test::IssuedKey& platform_key() {
  static const auto key = pki::test::issue(pki::CertificateProfile::kSeal,
                                           "C=CN,O=国家政务服务平台,CN=印章备案", &parties().root);
  return key;
}
const pki::test::IssuedKey& maker_system_key() {
  static const auto key = pki::test::issue(
      pki::CertificateProfile::kSeal, "C=CN,O=某省人社厅,CN=电子印章制作系统", &parties().root);
  return key;
}

// The platform and the seal-making system, and the maker's credentials at the platform.
struct Pair {
  Instance platform{platform_key()};
  Instance maker{maker_system_key()};
  store::AppSecrets secrets = platform.add_app("MAKERSYS", maker_system_key().cert);
  filing::FilingRegistry::NewAccount account =
      *platform.registry().add_account(platform.caller("MAKERSYS"), "DBAdmin", now_utc());

  UpstreamOptions options() {
    UpstreamOptions o{
        platform.url(),
        {"MAKERSYS", secrets.authcode, Bytes(secrets.hmac_key.begin(), secrets.hmac_key.end()),
         std::move(*keys::KeySigner::make(maker_system_key().key, maker_system_key().cert))},
        platform_key().cert};
    o.username = account.username;
    o.password = account.password;
    o.salt = account.salt;
    o.client_id = account.client_id;
    o.client_secret = account.client_secret;
    return o;
  }
  std::unique_ptr<FilingClient> client() { return std::move(*FilingClient::create(options())); }
  filing::FilingRun run(filing::Upstream& upstream) {
    return filing::FilingRun(maker.store(), maker.platform(), maker.platform(), test_kek(),
                             upstream);
  }
};

Pair& pair() {
  static Pair p;
  return p;
}

filing::FilingRun::Details details() {
  filing::FilingRun::Details d;
  d.area = "110";
  d.district = "110101";
  d.maker_code = "91110000MA0000001X";
  d.record.jbr_xm = "张三";
  d.record.jbr_zjlx = "111";
  d.record.jbr_zjhm = "110101199001011234";
  d.record.yzzzdw_dwmc = "某某刻章有限公司";
  d.record.yzsydw_dwmc = "某某市测试单位";
  d.record.yzsydw_tyshxydm = "12110000000000001A";
  return d;
}

TEST(FilingApiTest, TwoInstancesFileASealEndToEndAndRevokeIt) {
  Pair& p = pair();
  auto client = p.client();
  // The maker unit, pushed with its certificate.
  ASSERT_TRUE(client->push_unit({{"mspUnitCode", "91110000MA0000001X"},
                                 {"mspSn", "190"},
                                 {"mspUnitNameCn", "某某刻章有限公司"},
                                 {"keyPlus", crypto::to_base64(maker_system_key().cert.der())}}));
  auto units = p.platform.registry().units();
  ASSERT_TRUE(units);
  ASSERT_EQ(units->size(), 1u);
  EXPECT_EQ(units->front().serial, 190);

  p.maker.add_seal("FILE-ME-1");
  auto run = p.run(*client);
  std::vector<std::string> progress;
  auto code = run.run(
      "FILE-ME-1", details(), now_utc(),
      [&](const std::string& step, const std::string&) { progress.push_back(step); }, "cli:test");
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_EQ(code->size(), 14u);
  EXPECT_TRUE(code->starts_with("110000")) << *code;
  std::vector<std::string> expected = filing::FilingRun::steps();
  expected.push_back("done");
  EXPECT_EQ(progress, expected);

  // The package, fetched again and opened with the seal's encryption key: the record as filed.
  auto record = p.run(*client).find("FILE-ME-1", now_utc());
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->state, "DONE");
  auto fields = *service::read_fields((*record)->payload);
  auto task = client->result(filing::TaskType::kFiling, fields["taskId"]);
  ASSERT_TRUE(task) << task.error().message;
  ASSERT_EQ(task->items.size(), 1u);
  ASSERT_TRUE(task->items[0].package);
  auto keystore = keys::SoftKeystore::open(p.maker.dir() / "keys", test_kek());
  auto enc_key = keystore->get(fields["encKey"]);
  ASSERT_TRUE(enc_key);
  auto opened = eseal::filing::open_package(*task->items[0].package, *enc_key);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->data.yzbm, *code);
  EXPECT_EQ(opened->data.yzmc, parties().seal.info.name);
  EXPECT_EQ(opened->data.jbr_xm, "张三");
  EXPECT_EQ(opened->data.yzsydw_tyshxydm, "12110000000000001A");
  EXPECT_EQ(opened->data.yzzzdwbm, "91110000MA0000001X");
  EXPECT_EQ(opened->data.device_code, fields["deviceCode"]);
  EXPECT_EQ(*eseal::filing::decrypt_device_code(opened->data_key, fields["encDeviceCode"]),
            fields["deviceCode"]);
  // Another key does not open it.
  EXPECT_FALSE(eseal::filing::open_package(*task->items[0].package, platform_key().key));

  // Published (207): valid on the platform's public query, and on the maker's own record.
  auto status = client->status(*code, parties().seal.info.name, now_utc());
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_STREQ((*status)["data"][0]["sealStatus"].GetString(), "1");
  auto here = p.maker.registry().status(*code, "", now_utc(), now_utc());
  ASSERT_TRUE(here);
  EXPECT_TRUE(here->valid);

  // Revoked as lost (209): invalid on both sides, the maker's seal lost, in both lists.
  filing::Revocation lost{3, "印章丢失", 2, now_utc(), now_utc()};
  auto revoked = run.revoke("FILE-ME-1", lost, now_utc() + std::chrono::seconds(1), "cli:test");
  ASSERT_TRUE(revoked) << revoked.error().message;
  Time later = now_utc() + std::chrono::seconds(2);
  auto after = p.platform.registry().status(*code, "", later, later);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->valid);
  EXPECT_EQ(after->state, "LOST");
  auto on_maker = p.maker.registry().status(*code, "", later, later);
  ASSERT_TRUE(on_maker);
  EXPECT_FALSE(on_maker->valid);
  EXPECT_EQ(p.maker.store().seals().find("FILE-ME-1")->status, store::SealStatus::kLost);
  auto list = client->revocations(now_utc() - std::chrono::hours(1),
                                  now_utc() + std::chrono::hours(1), 10, 1);
  ASSERT_TRUE(list) << list.error().message;  // its signature checked by the client
  const auto& entries = (*list)["data"][0]["revocationList"];
  ASSERT_GE(entries.Size(), 1u);
  bool listed = false;
  for (const auto& e : entries.GetArray()) listed = listed || e["sealCode"].GetString() == *code;
  EXPECT_TRUE(listed);
  auto maker_list = p.maker.registry().revocations(Time{}, later + std::chrono::hours(1), 10, 1);
  ASSERT_TRUE(maker_list);
  EXPECT_EQ(maker_list->total, 1);
  auto public_status = client->status(*code, "", later);
  ASSERT_TRUE(public_status);
  EXPECT_STREQ((*public_status)["data"][0]["sealStatus"].GetString(), "0");

  // Revoking twice is refused, here and at the platform (item 7).
  EXPECT_FALSE(run.revoke("FILE-ME-1", lost, now_utc(), "cli:test"));
  auto token = client->challenge("1212121212121212");
  ASSERT_TRUE(token);
  auto twice =
      client->revoke(*token, {{{*code, fields["deviceCode"], fields["encDeviceCode"]},
                               filing::Revocation{3, "印章丢失", 2, now_utc(), now_utc()}}});
  ASSERT_TRUE(twice) << twice.error().message;
  EXPECT_EQ(client->result(filing::TaskType::kRevocation, *twice)->items.at(0).error_code, "7");
}

TEST(FilingApiTest, RequiredFilingKeepsANewSealUnusableUntilFiled) {
  Pair& p = pair();
  p.maker.add_seal("BASIS-1");
  p.maker.platform().require_filing(true);
  service::SealDesign design;
  design.name = "某某市测试单位公章";
  design.type = 1;
  auto made =
      p.maker.platform().make_and_register(service::Caller{"cli", "", "test", {"*"}}, design,
                                           parties().signer.cert.subject().to_string(), now_utc());
  p.maker.platform().require_filing(false);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->status, "unfiled");
  auto refused = service::check_usable(*made, service::Caller{"ldt", "", "x", {"*"}}, now_utc());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, service::seal_code::kStatus);

  auto client = p.client();
  auto code = p.run(*client).run(
      made->id, details(), now_utc(), [](const std::string&, const std::string&) {}, "cli:test");
  ASSERT_TRUE(code) << code.error().message;
  auto found = p.maker.platform().find(made->id, now_utc());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, "valid");
  EXPECT_TRUE(service::check_usable(*found, service::Caller{"ldt", "", "x", {"*"}}, now_utc()));
}

// The real client, failing the first `confirms` receipts and `withdrawals` publications (209)
// before they are sent, and losing the answers of the first `lost_uploads`, `lost_updates`,
// `lost_confirms` and `lost_revocations` after the platform acted on them, as a network would.
struct Flaky : filing::Upstream {
  FilingClient& real;
  int confirms = 0, withdrawals = 0;
  int lost_uploads = 0, lost_updates = 0, lost_confirms = 0, lost_revocations = 0;
  template <typename T>
  static Result<T> lose(Result<T> answer, int& count) {
    if (count-- > 0) return Error::io("connection reset after the request was sent");
    return answer;
  }
  explicit Flaky(FilingClient& r) : real(r) {}
  Status push_unit(const service::Fields& u) override { return real.push_unit(u); }
  Result<std::string> challenge(const std::string& a) override { return real.challenge(a); }
  Result<std::string> seal_code(const std::string& t, const std::string& a) override {
    return real.seal_code(t, a);
  }
  Result<std::string> upload(const std::string& t,
                             const std::vector<filing::SealUpload>& s) override {
    return lose(real.upload(t, s), lost_uploads);
  }
  Result<std::string> update_keys(const std::string& t,
                                  const std::vector<filing::KeyUpdate>& u) override {
    return lose(real.update_keys(t, u), lost_updates);
  }
  Result<std::string> revoke(const std::string& t,
                             const std::vector<filing::RevocationRequest>& s) override {
    return lose(real.revoke(t, s), lost_revocations);
  }
  Result<filing::FilingTask> result(filing::TaskType t, const std::string& id) override {
    return real.result(t, id);
  }
  Result<std::vector<filing::ItemResult>> confirm(const std::string& t, filing::TaskType type,
                                                  const std::vector<filing::Receipt>& r) override {
    if (confirms-- > 0) return Error::io("connection reset");
    return lose(real.confirm(t, type, r), lost_confirms);
  }
  Status publish(const filing::Publication& pub) override { return real.publish(pub); }
  Status withdraw(const std::string& c, const std::string& n,
                  const filing::Revocation& r) override {
    if (withdrawals-- > 0) return Error::io("connection reset");
    return real.withdraw(c, n, r);
  }
};

TEST(FilingApiTest, ARunInterruptedResumesFromTheLastCompletedStep) {
  Pair& p = pair();
  p.maker.add_seal("RESUME-1");
  auto client = p.client();
  Flaky flaky(*client);
  flaky.confirms = 1;  // the run stops after checkResult
  auto run = p.run(flaky);
  std::vector<std::string> steps;
  auto progress = [&](const std::string& s, const std::string&) { steps.push_back(s); };
  auto first = run.run("RESUME-1", details(), now_utc(), progress, "cli:test");
  ASSERT_FALSE(first);
  EXPECT_EQ(steps, (std::vector<std::string>{"seal-code", "encryption-key", "upload", "result"}));
  steps.clear();
  auto second = run.run("RESUME-1", details(), now_utc(), progress, "cli:test");
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(steps, (std::vector<std::string>{"resume", "confirm", "publish", "done"}));
  EXPECT_TRUE(p.platform.registry().status(*second, "", now_utc(), now_utc())->valid);

  // A key update interrupted at its receipt resumes with the key and task it had; the seal stays
  // valid meanwhile.
  flaky.confirms = 1;
  steps.clear();
  ASSERT_FALSE(run.update_key("RESUME-1", now_utc(), progress, "cli:test"));
  EXPECT_TRUE(p.platform.registry().status(*second, "", now_utc(), now_utc())->valid);
  steps.clear();
  auto updated = run.update_key("RESUME-1", now_utc(), progress, "cli:test");
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(steps, (std::vector<std::string>{"resume", "result", "confirm"}));
  EXPECT_EQ(p.platform.registry().status(*second, "", now_utc(), now_utc())->state, "ACTIVE");

  // A revocation whose publication failed resumes there, without revoking twice.
  flaky.withdrawals = 1;
  filing::Revocation revoked{0, "因密钥泄露撤销", 0, now_utc(), now_utc()};
  ASSERT_FALSE(run.revoke("RESUME-1", revoked, now_utc(), "cli:test"));
  auto again = run.revoke("RESUME-1", revoked, now_utc(), "cli:test");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(p.platform.registry().status(*second, "", now_utc(), now_utc())->state, "REVOKED");
  EXPECT_EQ(p.maker.store().seals().find("RESUME-1")->status, store::SealStatus::kRevoked);
}

// Answers lost after the platform acted: each step run again gets the platform's answer to the
// same request (a new package, the receipt confirmed, the key update, the revocation done).
TEST(FilingApiTest, AnswersLostAfterThePlatformActedAreResumed) {
  Pair& p = pair();
  p.maker.add_seal("LOST-1");
  auto client = p.client();
  Flaky flaky(*client);
  auto run = p.run(flaky);
  auto quiet = [](const std::string&, const std::string&) {};
  flaky.lost_uploads = 1;
  ASSERT_FALSE(run.run("LOST-1", details(), now_utc(), quiet, "cli:test"));
  flaky.lost_confirms = 1;
  ASSERT_FALSE(run.run("LOST-1", details(), now_utc(), quiet, "cli:test"));
  auto code = run.run("LOST-1", details(), now_utc(), quiet, "cli:test");
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_TRUE(p.platform.registry().status(*code, "", now_utc(), now_utc())->valid);

  flaky.lost_updates = 1;
  ASSERT_FALSE(run.update_key("LOST-1", now_utc(), quiet, "cli:test"));
  auto updated = run.update_key("LOST-1", now_utc(), quiet, "cli:test");
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(p.platform.registry().status(*code, "", now_utc(), now_utc())->state, "ACTIVE");

  flaky.lost_revocations = 1;
  filing::Revocation cancelled{2, "因业务终止撤销", 1, now_utc(), now_utc()};
  ASSERT_FALSE(run.revoke("LOST-1", cancelled, now_utc(), "cli:test"));
  auto revoked = run.revoke("LOST-1", cancelled, now_utc(), "cli:test");
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_EQ(p.platform.registry().status(*code, "", now_utc(), now_utc())->state, "CANCELLED");
  EXPECT_EQ(p.maker.store().seals().find("LOST-1")->status, store::SealStatus::kRevoked);
}

// Another app reaches nothing of this one's: not its tasks, not its seals.
TEST(FilingApiTest, AnotherAppReachesNothingOfThisOnes) {
  Pair& p = pair();
  p.maker.add_seal("MINE-1");
  auto client = p.client();
  auto run = p.run(*client);
  auto code = run.run(
      "MINE-1", details(), now_utc(), [](const std::string&, const std::string&) {}, "cli:test");
  ASSERT_TRUE(code) << code.error().message;
  auto record = *run.find("MINE-1", now_utc());
  auto fields = *service::read_fields(record->payload);

  static const auto other_key = pki::test::issue(
      pki::CertificateProfile::kSeal, "C=CN,O=另一省,CN=另一个制作系统", &parties().root);
  store::AppSecrets secrets = p.platform.add_app("OTHERSYS", other_key.cert);
  UpstreamOptions o{
      p.platform.url(),
      {"OTHERSYS", secrets.authcode, Bytes(secrets.hmac_key.begin(), secrets.hmac_key.end()),
       std::move(*keys::KeySigner::make(other_key.key, other_key.cert))},
      platform_key().cert};
  auto other = std::move(*FilingClient::create(o));
  auto task = other->result(filing::TaskType::kFiling, fields["taskId"]);
  ASSERT_FALSE(task);
  EXPECT_NE(task.error().message.find("不存在"), std::string::npos) << task.error().message;
  filing::CarrierProof proof{*code, fields["deviceCode"], fields["encDeviceCode"]};
  auto t1 = other->challenge("7777777777777777");
  ASSERT_TRUE(t1);
  auto revoke_task = other->revoke(*t1, {{proof, filing::Revocation{}}});
  ASSERT_TRUE(revoke_task) << revoke_task.error().message;
  auto revoked = other->result(filing::TaskType::kRevocation, *revoke_task);
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_EQ(revoked->items.at(0).error_code, "5");
  auto t2 = other->challenge("8888888888888888");
  auto update_task = other->update_keys(*t2, {{proof, parties().signer.cert, other_key.cert}});
  ASSERT_TRUE(update_task) << update_task.error().message;
  EXPECT_EQ(other->result(filing::TaskType::kKeyUpdate, *update_task)->items.at(0).error_code, "5");
  // Its challenge is not this app's either.
  auto t3 = other->challenge("9999999999999999");
  ASSERT_TRUE(t3);
  EXPECT_FALSE(client->seal_code(*t3, "110"));
  EXPECT_TRUE(p.platform.registry().status(*code, "", now_utc(), now_utc())->valid);
}

TEST(FilingApiTest, EveryOperationRefusesWhatItMust) {
  Pair& p = pair();
  auto client = p.client();
  // A challenge is single use.
  auto token = client->challenge("1234567890123456");
  ASSERT_TRUE(token);
  ASSERT_TRUE(client->seal_code(*token, "440"));
  auto again = client->seal_code(*token, "440");
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("tokenInfo已使用"), std::string::npos)
      << again.error().message;
  // And expires.
  auto caller = p.platform.caller("MAKERSYS");
  auto random_b = p.platform.registry().open_challenge(caller, "abcdefabcdefabcd", now_utc());
  ASSERT_TRUE(random_b);
  auto late = p.platform.registry().spend_challenge(caller, "abcdefabcdefabcd" + *random_b,
                                                    now_utc() + std::chrono::seconds(301));
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message.find("过期"), std::string::npos) << late.error().message;
  // A made-up tokenInfo.
  EXPECT_FALSE(client->seal_code("12345678901234561234567890123456", "440"));
  // Seal codes are unique per area, in sequence.
  auto c1 = p.platform.registry().allocate_code(caller, "320", now_utc());
  auto c2 = p.platform.registry().allocate_code(caller, "320", now_utc());
  ASSERT_TRUE(c1 && c2);
  EXPECT_NE(*c1, *c2);
  EXPECT_EQ(c1->substr(0, 6), "320000");
  // An unknown task.
  auto unknown = client->result(filing::TaskType::kFiling, "no-such-task");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("不存在"), std::string::npos);
  // An upload under a code nobody allocated, and a second upload under a used one.
  const auto& party = parties();
  filing::SealUpload upload{party.signer.cert, party.signer.cert, {}, "PNG", "", "110101"};
  upload.data.yzmc = "测试章";
  upload.data.yzbm = "99999999999999";
  auto t1 = client->challenge("1111111111111111");
  ASSERT_TRUE(t1);
  auto task_id = client->upload(*t1, {upload});
  ASSERT_TRUE(task_id) << task_id.error().message;
  auto result = client->result(filing::TaskType::kFiling, *task_id);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->items.at(0).error_code, "1");
  upload.data.yzbm = *c1;
  // Filed; sent again as it was (its answer lost), issued again; with another signing
  // certificate, a code filed already.
  for (const auto& [sign_cert, expected] :
       {std::pair{party.signer.cert, "0"}, {party.signer.cert, "0"}, {party.maker.cert, "2"}}) {
    upload.sign_cert = sign_cert;
    auto t = client->challenge("2222222222222222");
    auto id = client->upload(*t, {upload});
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(client->result(filing::TaskType::kFiling, *id)->items.at(0).error_code, expected);
  }
  // A receipt with the wrong device code.
  auto t3 = client->challenge("3333333333333333");
  auto receipt =
      client->confirm(*t3, filing::TaskType::kFiling, {{*task_id, {*c1, "WRONG", "WRONG"}}});
  ASSERT_TRUE(receipt);
  EXPECT_NE(receipt->at(0).error_code, "0");
  // A wrong bearer token, and a query sign that does not match.
  rapidjson::Document query;
  query.SetObject();
  auto& a = query.GetAllocator();
  query.AddMember("method", "DB.seal.status.query", a);
  query.AddMember("appKey", rapidjson::Value(p.account.client_id.c_str(), a), a);
  query.AddMember("token", "17964625-afbc-424e-bf30-a9c33989916a", a);
  query.AddMember("sealCode", rapidjson::Value(c1->c_str(), a), a);
  query.AddMember("queryTime", "2026-12-01 00:00:00", a);
  query.AddMember("timestamp", "20261201000000", a);
  std::string sign = query_sign(query);
  query.AddMember("sign", rapidjson::Value(sign.c_str(), a), a);
  auto bad_token = client->call("DB.seal.status.query", std::move(query), false);
  ASSERT_FALSE(bad_token);
  EXPECT_NE(bad_token.error().message.find("token"), std::string::npos);
  rapidjson::Document anonymous;
  anonymous.SetObject();
  auto& b = anonymous.GetAllocator();
  anonymous.AddMember("method", "DB.seal.status.query", b);
  anonymous.AddMember("sealCode", rapidjson::Value(c1->c_str(), b), b);
  anonymous.AddMember("queryTime", "2026-12-01 00:00:00", b);
  anonymous.AddMember("sign", "F82C421FC286ABF1719F957DA053CB55", b);
  auto bad_sign = client->call("DB.seal.status.query", std::move(anonymous), false);
  ASSERT_FALSE(bad_sign);
  EXPECT_NE(bad_sign.error().message.find("sign验证失败"), std::string::npos);
  // A signInfo that is not the app's signature over this content.
  rapidjson::Document forged;
  forged.SetObject();
  forged.AddMember("taskCode", "applyRandom", forged.GetAllocator());
  forged.AddMember("randomA", "4444444444444444", forged.GetAllocator());
  rapidjson::Document other;
  other.SetObject();
  other.AddMember("randomA", "5555555555555555", other.GetAllocator());
  ASSERT_TRUE(add_sign_info(
      other, *keys::KeySigner::make(maker_system_key().key, maker_system_key().cert).value()));
  forged.AddMember("signInfo", rapidjson::Value(other["signInfo"], forged.GetAllocator()),
                   forged.GetAllocator());
  auto bad_info = client->call("getRandom", std::move(forged), false);
  ASSERT_FALSE(bad_info);
  EXPECT_NE(bad_info.error().message.find("signInfo验签失败"), std::string::npos);
  // A wrong password.
  UpstreamOptions wrong = p.options();
  wrong.password = "not-the-password";
  auto bad_password = (*FilingClient::create(wrong))->token();
  ASSERT_FALSE(bad_password);
  // A client that trusts another platform key refuses the answers.
  UpstreamOptions other_platform = p.options();
  other_platform.platform_cert = party.root.cert;
  auto distrust = (*FilingClient::create(other_platform))->challenge("6666666666666666");
  ASSERT_FALSE(distrust);
  EXPECT_EQ(distrust.error().kind, ErrorKind::kVerificationFailed);
}

// The seed's appendix A examples 3, 8, 12 and 14, as printed but for the values that must be
// real (tokenInfo, the account, the anonymous sign), are accepted.
TEST(FilingApiTest, AppendixAExamplesAreAccepted) {
  Pair& p = pair();
  auto client = p.client();
  auto send = [&](const std::string& businesstype, const std::string& content, bool sign) {
    auto parsed = parse_json(content);
    EXPECT_TRUE(parsed) << content;
    return client->call(businesstype, std::move(*parsed.document), sign);
  };
  auto random =
      send("getRandom",
           R"({"taskCode": "applyRandom", "version": "1.0", "randomA": "1234567890123456"})", true);
  ASSERT_TRUE(random) << random.error().message;
  std::string token = std::string("1234567890123456") + (*random)["randomB"].GetString();
  auto code = send("applySealCode",
                   R"({"taskCode ":"applySealCode", "version ":"1.0", "tokenInfo":")" + token +
                       R"(", "taskTypeCode":"3", "data": {"areaNumber": "110"}})",
                   true);
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_EQ(std::string((*code)["data"]["sealCode"].GetString()).substr(0, 6), "110000");
  std::string password = crypto::to_hex(crypto::sm3(as_bytes(p.account.password + p.account.salt)));
  auto oauth =
      send("DB.oauth.token",
           R"({"method":"DB.oauth.token", "username":"DBAdmin", "password":")" + password +
               R"(", "client_id":")" + p.account.client_id + R"(", "client_secret":")" +
               p.account.client_secret +
               R"(", "grant_type":"password", "version":"1.0", "timestamp":"20181031163733"})",
           false);
  ASSERT_TRUE(oauth) << oauth.error().message;
  EXPECT_STREQ((*oauth)["data"][0]["token_type"].GetString(), "bearer");
  EXPECT_GT((*oauth)["data"][0]["expires_in"].GetInt64(), 28000);
  std::string anonymous = std::string(R"({"format": "json", "method": "DB.seal.status.query",
      "queryTime": "2018-08-06 02:14:04", "sealCode": ")") +
                          (*code)["data"]["sealCode"].GetString() +
                          R"(", "sealName": "", "timestamp": "20181101203407", "type": "sync",
      "version": "1.0"})";
  auto parsed = parse_json(anonymous);
  std::string sign = query_sign(*parsed.document);
  anonymous.insert(anonymous.size() - 1, R"(, "sign": ")" + sign + "\"");
  // The code was allocated but never filed: refused as unknown. A query only reads: its random
  // and its audit row are one write.
  auto before = p.platform.store().database().write_counts();
  auto status = send("DB.seal.status.query", anonymous, false);
  EXPECT_EQ(p.platform.store().database().write_counts().bodies - before.bodies, 1u);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("未备案"), std::string::npos) << status.error().message;
}

}  // namespace
}  // namespace eseal::api::ldt
