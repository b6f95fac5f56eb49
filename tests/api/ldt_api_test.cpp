// LD/T 01.4 over real HTTP: a server on a loopback port with the LD/T door on a store in a
// temporary data folder, an app and its seals registered in it, and requests built and signed
// as an integrator builds them. Every operation succeeds on PDF and on OFD where it applies, and
// every refusal comes back with errorCode "0" and its own errorInfo.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <thread>

#include "api/http_client.h"
#include "api/ldt/envelope.h"
#include "api/ldt/routes.h"
#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "keys/key_file.h"
#include "ofd/writer.h"
#include "ofd/zip_builder.h"
#include "pdf/verify.h"
#include "service/documents.h"
#include "service/signing.h"
#include "service/store_platform.h"
#include "service/time_stamping.h"
#include "store/store.h"
#include "support/blank_pdf.h"
#include "support/raw_http.h"
#include "support/registered_seal.h"
#include "support/sealing_parties.h"
#include "support/text_ofd.h"

namespace eseal::api::ldt {
namespace {

using eseal::api::HttpClient;
using eseal::api::HttpResponse;
using eseal::test::parties;

constexpr const char* kPath = "/seal/v1/electricSeal";

keys::Kek test_kek() {
  return keys::Kek(crypto::SecureBytes{'k', 'e', 'k', '-', 't', 'e', 's', 't'});
}

std::string random_hex() {
  return crypto::to_hex(*crypto::random_bytes(16));
}

using eseal::test::text_ofd;

// The data folder, store, platform and server of one test program.
class World {
 public:
  World()
      : dir_(std::filesystem::temp_directory_path() / ("eseal-ldt-" + random_hex())),
        app_key_(pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,CN=测试业务系统",
                                  &parties().root)),
        other_key_(pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,CN=另一个系统",
                                    &parties().root)) {
    std::filesystem::create_directories(dir_ / "platform");
    const auto& p = parties();
    keys::Kek kek = test_kek();
    write("platform/ca.pem", p.root.cert.pem());
    write("platform/lock.pem", p.signer.cert.pem());
    write("platform/lock.key", *keys::encrypt_private_key(p.signer.key, kek));
    write("platform/seal-maker.pem", p.maker.cert.pem());
    write("platform/seal-maker.key", *keys::encrypt_private_key(p.maker.key, kek));
    write("signer.key", *keys::encrypt_private_key(p.signer.key, kek));
    // The platform's time-stamp authority: the door's signatures carry its tokens.
    auto tsa = pki::test::issue(pki::CertificateProfile::kTsa, "C=CN,CN=测试时间戳服务", &p.root);
    write("platform/tsa.pem", tsa.cert.pem());
    write("platform/tsa.key", *keys::encrypt_private_key(tsa.key, kek));
    store_ = std::move(*store::open_store(dir_, test_kek()));

    add_app("TESTAPP", app_key_, secrets_);
    add_app("OTHERAPP", other_key_, other_secrets_);
    // Only the refusal test calls as this app, so that its first refusal of a minute is its own.
    add_app("FLOODAPP", other_key_, flood_secrets_);
    add_seal(p.seal, "TESTAPP", store::SealStatus::kValid);
    frozen_id_ = add_seal(another_seal("FROZEN-1"), "TESTAPP", store::SealStatus::kFrozen);
    // The same signer's seal of another app, and the newest: asked by certDN, each app must
    // still find its own (a tie on the creation second once made this order, and the test,
    // depend on the clock).
    foreign_id_ = add_seal(another_seal("FOREIGN-1"), "OTHERAPP", store::SealStatus::kValid,
                           now_utc() + std::chrono::hours(1));

    platform_ = std::make_unique<service::StorePlatform>(*store_, test_kek(), dir_);
    eseal::tsa::Settings tsa_settings;
    tsa_settings.policy = "2.999.1.1";
    time_stamps_ = std::make_unique<service::LocalTimeStampAuthority>(*platform_->tsa_signer(),
                                                                      tsa_settings, *platform_);
    Options door;
    door.signing.time_stamps = time_stamps_.get();
    door.max_file_size = 1u << 20;  // a route limit of 3.3 MiB, below the server's 4 MiB
    door.max_signatures = 5;
    adapter_ = std::make_unique<Adapter>(platform_->platform(), door);
    ServerOptions options;
    options.port = 0;
    options.workers = 2;
    options.body_limit = 4u << 20;
    server_ = std::make_unique<Server>(options);
    add_routes(*server_, *adapter_);
    EXPECT_TRUE(server_->start());
  }
  ~World() {
    server_->stop();
    server_->wait();
    std::filesystem::remove_all(dir_);
  }

  HttpClient client() const { return HttpClient("127.0.0.1", server_->port()); }
  const std::string& frozen_id() const { return frozen_id_; }
  const std::string& foreign_id() const { return foreign_id_; }
  ClientCredentials credentials() const {
    return {"TESTAPP", secrets_.authcode, Bytes(secrets_.hmac_key.begin(), secrets_.hmac_key.end()),
            std::move(*keys::KeySigner::make(app_key_.key, app_key_.cert))};
  }
  store::Store& store() { return *store_; }
  service::Platform platform() { return platform_->platform(); }
  std::uint16_t port() const { return server_->port(); }

 private:
  void write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(write_file_atomic(dir_ / name, as_bytes(text), 0600));
  }

  void add_app(const std::string& syscode, const pki::test::IssuedKey& key,
               store::AppSecrets& secrets) {
    secrets = *store::AppSecrets::generate();
    store::App app;
    app.id = *store::new_id();
    app.syscode = syscode;
    app.name = syscode;
    app.cert_pem = key.cert.pem();
    app.scopes = {"*"};
    app.created = app.rotated = now_utc();
    ASSERT_TRUE(store_->apps().add(app, secrets, {now_utc(), "test", "app.add", syscode, "", ""}));
  }

  ses::SesSeal another_seal(const std::string& id) const {
    const auto& p = parties();
    ses::SealInfo info = p.seal.info;
    info.es_id = id;
    return *ses::make_seal(info, p.maker.cert, p.maker.key);
  }

  std::string add_seal(const ses::SesSeal& seal, const std::string& owner, store::SealStatus status,
                       Time created = now_utc()) {
    return eseal::test::register_seal(*store_, seal, dir_ / "signer.key",
                                      {store_->apps().find(owner)->id, status, created});
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  pki::test::IssuedKey app_key_, other_key_;
  store::AppSecrets secrets_, other_secrets_, flood_secrets_;
  std::string frozen_id_, foreign_id_;
  std::unique_ptr<service::StorePlatform> platform_;
  std::unique_ptr<service::LocalTimeStampAuthority> time_stamps_;
  std::unique_ptr<Adapter> adapter_;
  std::unique_ptr<Server> server_;
};

World& world() {
  static World w;
  return w;
}

struct Reply {
  rapidjson::Document json;
  std::string code() const { return json["message_header"]["errorCode"].GetString(); }
  std::string info() const { return json["message_header"]["errorInfo"].GetString(); }
  const rapidjson::Value& content() const { return json["message_content"]; }
  Bytes signed_data() const { return *crypto::from_base64(content()["signedData"].GetString()); }
};

Reply send(const std::string& body) {
  HttpClient client = world().client();
  HttpResponse r = *client.post(kPath, body);
  EXPECT_EQ(r.status, 200) << r.body;
  Reply reply;
  reply.json.Parse(r.body.c_str());
  EXPECT_FALSE(reply.json.HasParseError()) << r.body;
  return reply;
}

// A signed request for `operation` with `content` (JSON text), as an integrator sends it.
std::string request(const std::string& operation, const std::string& content,
                    ClientCredentials credentials = world().credentials(), Time at = now_utc(),
                    std::string random = random_hex()) {
  rapidjson::Document c;
  c.Parse(content.c_str());
  EXPECT_FALSE(c.HasParseError()) << content;
  return *build_request(credentials, operation, c, at, random);
}

Reply call(const std::string& operation, const std::string& content) {
  return send(request(operation, content));
}

std::string b64(ByteView data) {
  return crypto::to_base64(data);
}

const std::string& seal_id() {
  return parties().seal.info.es_id;
}

std::string sign_list(const std::string& fields) {
  return R"("signList":[{"sealId":")" + seal_id() + "\"," + fields + "}]";
}

// `body` with `from` replaced by `to` (once), for requests a client could not build honestly.
std::string replaced(std::string body, const std::string& from, const std::string& to) {
  std::size_t at = body.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) body.replace(at, from.size(), to);
  return body;
}

// Audit rows whose detail contains `text`.
std::vector<store::AuditRow> audit_rows(const std::string& text) {
  std::vector<store::AuditRow> out;
  auto rows = world().store().audit().list(0, 100000);
  for (const auto& row : *rows) {
    if (row.entry.detail.find(text) != std::string::npos) out.push_back(row);
  }
  return out;
}

TEST(LdtApi, SealQueries) {
  std::string dn = parties().signer.cert.subject().to_string();
  Reply got = call("getSeal", R"({"certDN":")" + dn + "\"}");
  ASSERT_EQ(got.code(), "1") << got.info();
  EXPECT_EQ(*crypto::from_base64(got.content()["Seal"].GetString()), parties().seal.encoded);
  Reply status = call("getSealStatus", R"({"certDN":")" + dn + "\"}");
  ASSERT_EQ(status.code(), "1") << status.info();
  EXPECT_STREQ(status.content()["SealStatus"].GetString(), "1");
  Reply none = call("getSeal", R"({"certDN":"C=CN,CN=没有这个人"})");
  EXPECT_EQ(none.code(), "0");
  EXPECT_EQ(none.info(), "印章不存在：C=CN,CN=没有这个人");
}

TEST(LdtApi, PositionKeywordAndPagingSealsOnPdfAndOfd) {
  Bytes pdf = eseal::test::blank_pdf(3);
  std::string text = "通知\n";
  for (int i = 0; i < 70; ++i) text += "电子印章在政务服务中的应用试点，按照统一标准推进。\n";
  Bytes ofd = text_ofd(text + "某某单位（盖章）\n");
  for (const Bytes& document : {pdf, ofd}) {
    Reply r = call("positionSealSign", R"({"data":")" + b64(document) + "\"," +
                                           sign_list(R"("pageNum":"1","zx":"100","zy":"100")") +
                                           R"(,"BIZNUM":""})");
    ASSERT_EQ(r.code(), "1") << r.info();
    EXPECT_EQ(std::string(r.content()["BIZNUM"].GetString()).rfind("BIZ", 0), 0u);
    Bytes signed_document = r.signed_data();
    Reply v = call("verifyFile", R"({"data":")" + b64(signed_document) + "\"}");
    ASSERT_EQ(v.code(), "1") << v.info();
    const auto& results = v.content()["verifySealResults"];
    ASSERT_EQ(results.Size(), 1u);
    EXPECT_STREQ(results[0]["status"].GetString(), "true");
    EXPECT_EQ(std::string(results[0]["sealId"].GetString()), seal_id());
    Reply paging = call("pagingSealSign", R"({"data":")" + b64(signed_document) + "\"," +
                                              sign_list(R"("page":"2","y":"50")") + "}");
    ASSERT_EQ(paging.code(), "1") << paging.info();
  }
  Reply kw = call("keyWordSealSign", R"({"data":")" + b64(ofd) + "\"," +
                                         sign_list(R"("keyword":"某某单位","keywordModel":"0")") +
                                         R"(,"BIZNUM":"B-1"})");
  ASSERT_EQ(kw.code(), "1") << kw.info();
  EXPECT_STREQ(kw.content()["BIZNUM"].GetString(), "B-1");
  auto docs =
      world().store().documents().find_by_biznum(world().store().apps().find("TESTAPP")->id, "B-1");
  ASSERT_TRUE(docs.ok());
  EXPECT_EQ(docs->size(), 1u);
  Reply missing =
      call("keyWordSealSign", R"({"data":")" + b64(ofd) + "\"," +
                                  sign_list(R"("keyword":"没有的词","keywordModel":"1")") + "}");
  EXPECT_EQ(missing.code(), "0");
  EXPECT_NE(missing.info().find("没有的词"), std::string::npos) << missing.info();
}

// A signing call under a BIZNUM is idempotent: a retry (a new request, so a new random, ctime and
// sign, with the same operation and content) gets the first call's document, verification code
// and all, and no second document is kept; a different placement under the same BIZNUM is a new
// document, as is the same request without a BIZNUM.
TEST(LdtApi, ARetryUnderTheSameBiznumGetsTheFirstDocument) {
  std::string pdf = b64(eseal::test::blank_pdf(1));
  auto content = [&](const std::string& zx, const std::string& biznum) {
    return R"({"data":")" + pdf + "\"," +
           sign_list(R"("pageNum":"1","zx":")" + zx + R"(","zy":"100")") +
           R"(,"verifyCode":"1","BIZNUM":")" + biznum + "\"}";
  };
  Reply first = call("positionSealSign", content("100", "RETRY-1"));
  ASSERT_EQ(first.code(), "1") << first.info();
  Reply retry = call("positionSealSign", content("100", "RETRY-1"));
  ASSERT_EQ(retry.code(), "1") << retry.info();
  EXPECT_EQ(retry.signed_data(), first.signed_data());
  EXPECT_STREQ(retry.content()["BIZNUM"].GetString(), "RETRY-1");
  EXPECT_STREQ(retry.content()["verifyCode"].GetString(),
               first.content()["verifyCode"].GetString());
  std::string app_id = world().store().apps().find("TESTAPP")->id;
  auto kept = world().store().documents().find_by_biznum(app_id, "RETRY-1");
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ(audit_rows("ok (retry: document " + kept->front().id + ")").size(), 1u);

  Reply moved = call("positionSealSign", content("110", "RETRY-1"));
  ASSERT_EQ(moved.code(), "1") << moved.info();
  EXPECT_NE(moved.signed_data(), first.signed_data());
  EXPECT_EQ(world().store().documents().find_by_biznum(app_id, "RETRY-1")->size(), 2u);
  Reply unnamed = call("positionSealSign", content("100", ""));
  Reply unnamed_again = call("positionSealSign", content("100", ""));
  EXPECT_NE(unnamed.signed_data(), unnamed_again.signed_data());
  // A verification makes no document: there is nothing to keep for its retry.
  Reply verified =
      call("verifyFile", R"({"data":")" + b64(first.signed_data()) + R"(","BIZNUM":"RETRY-1"})");
  ASSERT_EQ(verified.code(), "1") << verified.info();
  EXPECT_EQ(world().store().documents().find_by_biznum(app_id, "RETRY-1")->size(), 2u);
}

// Retries sent at once, as clients do when a node dies under them: each is answered with the
// same document, and one document is kept.
TEST(LdtApi, RetriesSentAtOnceKeepOneDocument) {
  std::string content = R"({"data":")" + b64(eseal::test::blank_pdf(1)) + "\"," +
                        sign_list(R"("pageNum":"1","zx":"60","zy":"60")") +
                        R"(,"BIZNUM":"RETRY-RACE"})";
  std::vector<std::string> bodies;
  for (int i = 0; i < 4; ++i) bodies.push_back(request("positionSealSign", content));
  std::vector<Bytes> answers(bodies.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    threads.emplace_back([&, i] {
      Reply r = send(bodies[i]);
      if (r.code() == "1") answers[i] = r.signed_data();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_FALSE(answers.front().empty());
  for (const Bytes& a : answers) EXPECT_EQ(a, answers.front());
  std::string app_id = world().store().apps().find("TESTAPP")->id;
  EXPECT_EQ(world().store().documents().find_by_biznum(app_id, "RETRY-RACE")->size(), 1u);
}

// The archive's side of a race between two nodes: the second record under a request key is
// refused with kRequestAnswered and keeps nothing; answered() reads back the first.
TEST(LdtApi, TheArchiveKeepsOneDocumentPerRequestKey) {
  service::Caller caller{"ldt", world().store().apps().find("TESTAPP")->id, "TESTAPP", {"*"}};
  std::string key(64, 'c');
  Bytes one = eseal::test::blank_pdf(1), two = eseal::test::blank_pdf(2);
  auto& archive = world().platform().documents;
  EXPECT_FALSE(archive.answered(caller, key)->has_value());
  auto id = archive.record(caller, "ARCHIVE-1", one, "sign", now_utc(), "", key);
  ASSERT_TRUE(id.ok());
  auto lost = archive.record(caller, "ARCHIVE-1", two, "sign", now_utc(), "", key);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, service::kRequestAnswered);
  auto kept = archive.answered(caller, key);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->id, *id);
  EXPECT_EQ((*kept)->document, one);
  EXPECT_EQ((*kept)->biznum, "ARCHIVE-1");
  EXPECT_EQ(world().store().documents().find_by_biznum(caller.app_id, "ARCHIVE-1")->size(), 1u);
  // The SHA-256 is kept for the public page, only with a verification code.
  EXPECT_EQ(world().store().documents().find(*id)->sha256, "");
  auto coded = archive.record(caller, "ARCHIVE-2", two, "sign", now_utc(), "0123456789ABCDEF");
  ASSERT_TRUE(coded.ok()) << coded.error().message;
  EXPECT_EQ(world().store().documents().find(*coded)->sha256, crypto::to_hex(crypto::sha256(two)));
}

// Each result carries its verdict; "status" is "true" only for a valid signature, and an
// indeterminate one names its findings. The answer succeeds only when every signature is valid.
TEST(LdtApi, VerifyReportsTheVerdictOfEachSignature) {
  const auto& p = parties();
  Bytes pdf = eseal::test::blank_pdf(1);
  auto signer = std::move(*keys::KeySigner::make(p.signer.key, p.signer.cert));
  auto stamp = [&](Time at) {
    service::SealSignature request{{doc::PositionRule{0, 20, 20}}, &p.seal, {}, "", ""};
    return service::sign(service::prepare_seal(pdf, request, signer->certificate(), at), *signer);
  };
  // Signed, as the signature claims, two days before the certificate and the seal were valid.
  auto early = stamp(pki::test::kNow - std::chrono::days(2));
  ASSERT_TRUE(early.ok()) << early.error().message;
  Reply v = call("verifyFile", R"({"data":")" + b64(*early) + "\"}");
  EXPECT_EQ(v.code(), "0");
  EXPECT_EQ(v.info(), "签章验证结果不确定");
  const auto& results = v.content()["verifySealResults"];
  ASSERT_EQ(results.Size(), 1u);
  EXPECT_STREQ(results[0]["status"].GetString(), "false");
  EXPECT_STREQ(results[0]["verdict"].GetString(), "indeterminate");
  EXPECT_STREQ(results[0]["info"].GetString(),
               "验证结果不确定：cert-not-yet-valid-no-timestamp, seal-not-yet-valid-no-timestamp");
  EXPECT_STREQ(results[0]["timeStamp"].GetString(), "");

  auto good = stamp(pki::test::kNow);
  ASSERT_TRUE(good.ok());
  Reply ok = call("verifyFile", R"({"data":")" + b64(*good) + "\"}");
  ASSERT_EQ(ok.code(), "1") << ok.info();
  EXPECT_STREQ(ok.content()["verifySealResults"][0]["verdict"].GetString(), "valid");
  EXPECT_STREQ(ok.content()["verifySealResults"][0]["info"].GetString(), "验证通过");

  Bytes tampered = *good;
  std::string text = to_string(tampered);
  tampered[text.find("/MediaBox [0 0 595") + 15] = '4';
  Reply bad = call("verifyFile", R"({"data":")" + b64(tampered) + "\"}");
  EXPECT_EQ(bad.code(), "0");
  EXPECT_EQ(bad.info(), "签章验证未通过");
  EXPECT_STREQ(bad.content()["verifySealResults"][0]["verdict"].GetString(), "failed");
  EXPECT_STREQ(bad.content()["verifySealResults"][0]["status"].GetString(), "false");
}

TEST(LdtApi, TheDoorsSignaturesCarryAVerifiedTimeStamp) {
  Reply r = call("positionSealSign", R"({"data":")" + b64(eseal::test::blank_pdf(1)) + "\"," +
                                         sign_list(R"("pageNum":"1","zx":"50","zy":"50")") + "}");
  ASSERT_EQ(r.code(), "1") << r.info();
  Reply v = call("verifyFile", R"({"data":")" + b64(r.signed_data()) + "\"}");
  ASSERT_EQ(v.code(), "1") << v.info();
  const auto& result = v.content()["verifySealResults"][0];
  EXPECT_STRNE(result["timeStamp"].GetString(), "");
  EXPECT_STREQ(result["timeStampAuthority"].GetString(), "C=CN,CN=测试时间戳服务");
  auto issued = world().store().audit().list(0, 100000);
  ASSERT_TRUE(issued.ok());
  EXPECT_TRUE(std::any_of(issued->begin(), issued->end(), [](const store::AuditRow& row) {
    return row.entry.operation == "tsa.issue" && row.entry.actor == "app:TESTAPP";
  }));
}

// eseal's own verifyCode: a verification code printed with the first signature, answered and
// kept with the document's record; a value other than 0 or 1 is refused.
TEST(LdtApi, AVerificationCodeIsPrintedAndKeptWithTheRecord) {
  Reply r = call("positionSealSign", R"({"data":")" + b64(eseal::test::blank_pdf(1)) + "\"," +
                                         sign_list(R"("pageNum":"1","zx":"50","zy":"50")") +
                                         R"(,"verifyCode":"1"})");
  ASSERT_EQ(r.code(), "1") << r.info();
  ASSERT_TRUE(r.content().HasMember("verifyCode"));
  std::string code = r.content()["verifyCode"].GetString();
  auto record = world().store().documents().find_by_code(code);
  ASSERT_TRUE(record.ok()) << code;
  EXPECT_EQ(*world().store().blobs().get(record->blob_sm3), r.signed_data());
  EXPECT_NE(to_string(r.signed_data()).find("/NM (Signature1 code)"), std::string::npos);
  Reply v = call("verifyFile", R"({"data":")" + b64(r.signed_data()) + "\"}");
  EXPECT_EQ(v.code(), "1") << v.info();

  Reply none = call("positionSealSign", R"({"data":")" + b64(eseal::test::blank_pdf(1)) + "\"," +
                                            sign_list(R"("pageNum":"1","zx":"50","zy":"50")") +
                                            R"(,"verifyCode":"0"})");
  ASSERT_EQ(none.code(), "1") << none.info();
  EXPECT_FALSE(none.content().HasMember("verifyCode"));
  Reply bad = call("positionSealSign", R"({"data":")" + b64(eseal::test::blank_pdf(1)) + "\"," +
                                           sign_list(R"("pageNum":"1","zx":"50","zy":"50")") +
                                           R"(,"verifyCode":"yes"})");
  EXPECT_EQ(bad.code(), "0");
  EXPECT_EQ(bad.info(), "verifyCode应为0或1");
}

TEST(LdtApi, LicenceLockSignAndLockCopyAndVerify) {
  Bytes ofd = text_ofd("电子证照\n持证人：张三\n");
  Reply sealed =
      call("signAndLockSign", R"({"data":")" + b64(ofd) + "\"," +
                                  sign_list(R"("page":"1","x":"120","y":"40","ismain":"1")") + "}");
  ASSERT_EQ(sealed.code(), "1") << sealed.info();
  Reply verified = call("verifyEleSign",
                        R"({"data":")" + b64(sealed.signed_data()) + R"(","isSingle":"false"})");
  ASSERT_EQ(verified.code(), "1") << verified.info();
  EXPECT_EQ(verified.content()["verifySealResults"].Size(), 2u);
  Reply unlocked = call("delLockSign", R"({"data":")" + b64(sealed.signed_data()) + "\"}");
  ASSERT_EQ(unlocked.code(), "1") << unlocked.info();
  Reply locked = call("lockSign", R"({"data":")" + b64(unlocked.signed_data()) + "\"}");
  ASSERT_EQ(locked.code(), "1") << locked.info();
  Reply copy = call("watermarkAndLockSign",
                    R"({"data":")" + b64(unlocked.signed_data()) +
                        R"(","copyCreator":"某某银行","copyCause":"贷款审批","year":"1"})");
  ASSERT_EQ(copy.code(), "1") << copy.info();
  Reply copy_verified = call("verifyEleSign", R"({"data":")" + b64(copy.signed_data()) + "\"}");
  EXPECT_EQ(copy_verified.code(), "1") << copy_verified.info();
  // OFD only.
  Reply pdf = call("lockSign", R"({"data":")" + b64(eseal::test::blank_pdf(1)) + "\"}");
  EXPECT_EQ(pdf.code(), "0");
  EXPECT_EQ(pdf.info(), "该接口只支持OFD文件");
}

TEST(LdtApi, ApplySealMakesARegisteredSealForTheCertificate) {
  std::string dn = parties().signer.cert.subject().to_string();
  Reply r =
      call("applySeal",
           R"({"sealName":"某某单位业务专用章","templateName":"round","photoData":"","certDN":")" +
               dn + "\"}");
  ASSERT_EQ(r.code(), "1") << r.info();
  std::string id = r.content()["sealId"].GetString();
  auto seal = world().store().seals().find(id);
  ASSERT_TRUE(seal.ok());
  EXPECT_EQ(seal->name, "某某单位业务专用章");
  EXPECT_EQ(seal->type, 99);
  // The one seal maker's rules: the round template's size, validity no longer than the
  // signer's certificate.
  auto made = ses::decode_seal(*world().store().blobs().get(seal->seal_sm3));
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->info.picture.width_mm, 42);
  EXPECT_LE(made->info.valid_end, parties().signer.cert.not_after());

  Reply unknown =
      call("applySeal", R"({"sealName":"章","templateName":"round","certDN":"C=CN,CN=无人"})");
  EXPECT_EQ(unknown.info(), "证书未登记：C=CN,CN=无人");
  Reply bad_photo =
      call("applySeal", R"({"sealName":"章","templateName":"round","photoData":")" +
                            b64(to_bytes("not a picture")) + R"(","certDN":")" + dn + R"("})");
  EXPECT_EQ(bad_photo.code(), "0");
  EXPECT_EQ(bad_photo.info().rfind("picture: ", 0), 0u) << bad_photo.info();
}

TEST(LdtApi, EachHeaderFailureHasItsOwnErrorInfo) {
  ClientCredentials good = world().credentials();
  std::string content = R"({"certDN":"C=CN,CN=x"})";

  ClientCredentials unknown = good;
  unknown.syscode = "NOSUCHAPP";
  EXPECT_EQ(send(request("getSeal", content, unknown)).info(), "应用不存在：NOSUCHAPP");
  ClientCredentials bad_auth = good;
  bad_auth.authcode = "wrong";
  EXPECT_EQ(send(request("getSeal", content, bad_auth)).info(), "authcode无效");
  EXPECT_EQ(send(request("getSeal", content, good, now_utc() - std::chrono::minutes(10))).info(),
            "ctime超出允许的时间窗口");
  std::string once = request("getSeal", content, good, now_utc(), random_hex());
  EXPECT_EQ(send(once).info(), "印章不存在：C=CN,CN=x");
  EXPECT_EQ(send(once).info(), "random重复，请求被拒绝（重放）");
  ClientCredentials bad_hmac = good;
  bad_hmac.hmac_key = to_bytes("another key");
  EXPECT_EQ(send(request("getSeal", content, bad_hmac)).info(), "hmac验证失败");
  ClientCredentials bad_key = good;
  auto stranger = pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,CN=别人", nullptr);
  bad_key.signer = std::move(*keys::KeySigner::make(stranger.key, stranger.cert));
  EXPECT_EQ(send(request("getSeal", content, bad_key)).info(), "sign验证失败");
  Reply unknown_op = call("noSuchOperation", "{}");
  EXPECT_EQ(unknown_op.info(), "不支持的业务类型：noSuchOperation");
}

// A call that only reads writes once: its random and its audit row in one commit. Its replay is
// refused at that commit and leaves a refusal, not a second row for the call.
TEST(LdtApi, ACallThatOnlyReadsCommitsOnceAndItsReplayIsRefused) {
  std::string dn = parties().signer.cert.subject().to_string();
  std::string body = request("getSealStatus", R"({"certDN":")" + dn + R"(","BIZNUM":"ONE-COMMIT"})",
                             world().credentials(), now_utc(), random_hex());
  store::sql::Database& db = world().store().database();
  auto before = db.write_counts();
  EXPECT_EQ(send(body).code(), "1");
  auto after = db.write_counts();
  EXPECT_EQ(after.bodies - before.bodies, 1u);
  EXPECT_EQ(send(body).info(), "random重复，请求被拒绝（重放）");
  auto rows = world().store().audit().query({.object = "ONE-COMMIT"});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().entry.operation, "getSealStatus");
  EXPECT_EQ(rows->front().entry.detail, "ok");
}

// Appendix A's quirks with valid credentials: the header field spelled `businessstype`, values
// padded with spaces (example 16: "applySeal ", example 20: " positionSealSign").
TEST(LdtApi, TheSeedsFieldNameAndSpacingQuirksAreAccepted) {
  std::string dn = parties().signer.cert.subject().to_string();
  std::string body = request("getSealStatus", R"({"certDN":")" + dn + "\"}");
  auto replace = [&body](const std::string& from, const std::string& to) {
    std::size_t at = body.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    body.replace(at, from.size(), to);
  };
  replace(R"("businesstype":"getSealStatus")", R"("businessstype":"getSealStatus ")");
  replace(R"("certDN":")" + dn + "\"", R"("certDN" : " )" + dn + " \"");
  Reply r = send(body);
  EXPECT_EQ(r.code(), "1") << r.info();
  EXPECT_STREQ(r.json["message_header"]["businesstype"].GetString(), "getSealStatus");
}

TEST(LdtApi, SealAndDocumentRefusals) {
  Bytes pdf = eseal::test::blank_pdf(1);
  auto position = [&](const std::string& id) {
    return call("positionSealSign", R"({"data":")" + b64(pdf) + R"(","signList":[{"sealId":")" +
                                        id + R"(","pageNum":"1","zx":"10","zy":"10"}]})");
  };
  EXPECT_EQ(position("NO-SUCH-SEAL").info(), "印章不存在：NO-SUCH-SEAL");
  EXPECT_EQ(position(world().frozen_id()).info(), "印章状态不可用：FROZEN-1（frozen）");
  EXPECT_EQ(position(world().foreign_id()).info(), "应用无权使用该印章：FOREIGN-1");
  Reply text =
      call("positionSealSign", R"({"data":")" + b64(to_bytes("plain text")) + "\"," +
                                   sign_list(R"("pageNum":"1","zx":"10","zy":"10")") + "}");
  EXPECT_EQ(text.info(), "文件不是PDF或OFD格式");
  EXPECT_EQ(call("verifyFile", "{}").info(), "缺少参数data");
  EXPECT_EQ(call("verifyFile", R"({"data":12})").info(), "缺少参数data");
  // A package the OFD rules refuse is answered with the rule it breaks.
  Bytes escaping = ofd::test::make_zip(
      {{"OFD.xml", to_bytes("<ofd:OFD/>")}, {"../../evil.sh", to_bytes("rm -rf /")}});
  Reply hostile = call("verifyFile", R"({"data":")" + b64(escaping) + "\"}");
  EXPECT_EQ(hostile.info(),
            "OFD package refused: ZIP entry \"../../evil.sh\": a \"..\" segment (path traversal)");
  // A body over the server's limit is answered in LD/T terms.
  HttpClient client = world().client();
  HttpResponse big = *client.post(kPath, std::string(5u << 20, 'x'));
  EXPECT_EQ(big.status, 413);
  rapidjson::Document d;
  d.Parse(big.body.c_str());
  ASSERT_FALSE(d.HasParseError()) << big.body;
  EXPECT_STREQ(d["message_header"]["errorCode"].GetString(), "0");
  EXPECT_STREQ(d["message_header"]["errorInfo"].GetString(), "报文超过大小限制");
}

TEST(LdtApi, EveryCallIsInTheAuditChain) {
  call("getSealStatus", R"({"certDN":"C=CN,CN=x"})");
  auto check = world().store().audit().verify();
  ASSERT_TRUE(check.ok());
  EXPECT_GT(check->rows, 0);
  EXPECT_FALSE(check->first_broken.has_value());
}

// Review item 1: a body nested 75,000 deep crashed a worker (and the server) before any
// credential was checked. Now it is refused while parsing, and the server goes on.
TEST(LdtApi, DeepNestingIsRefusedBeforeAnythingElse) {
  std::string body = R"({"message_header":{},"message_content":{"x":)" + std::string(75'000, '[') +
                     std::string(75'000, ']') + "}}";
  Reply r = send(body);
  EXPECT_EQ(r.code(), "0");
  EXPECT_EQ(r.info(), "报文嵌套超过32层");
  std::string dn = parties().signer.cert.subject().to_string();
  EXPECT_EQ(call("getSealStatus", R"({"certDN":")" + dn + "\"}").code(), "1");
}

// Review item 2: a second `data` and `signList` placed before the signed ones had another
// document sealed under a valid sign. Duplicate keys are refused at every depth.
TEST(LdtApi, DuplicateKeysCannotSmuggleUnsignedValues) {
  Bytes signed_for = eseal::test::blank_pdf(1);
  Bytes smuggled = eseal::test::blank_pdf(2);
  std::string body =
      request("positionSealSign", R"({"data":")" + b64(signed_for) + "\"," +
                                      sign_list(R"("pageNum":"1","zx":"10","zy":"10")") + "}");
  std::string attack =
      replaced(body, R"("message_content":{)",
               R"("message_content":{"data":")" + b64(smuggled) + R"(","signList":[{"sealId":")" +
                   seal_id() + R"(","pageNum":"2","zx":"10","zy":"10"}],)");
  Reply r = send(attack);
  EXPECT_EQ(r.code(), "0");
  EXPECT_EQ(r.info(), "报文包含重复的键：data");
  // Inside a signList entry too.
  std::string nested =
      request("positionSealSign", R"({"data":")" + b64(signed_for) + "\"," +
                                      sign_list(R"("pageNum":"1","zx":"10","zy":"10")") + "}");
  Reply n = send(replaced(nested, R"("pageNum":"1")", R"("pageNum":"1","pageNum":"1")"));
  EXPECT_EQ(n.info(), "报文包含重复的键：pageNum");
  // The honest request still works.
  EXPECT_EQ(send(body).code(), "1");
}

// Review item 3: small requests that cost much memory or time.
TEST(LdtApi, RangesListsAndBodiesAreBounded) {
  // A page range far beyond the document is a range, not 300 million page numbers.
  Bytes ofd = text_ofd("某某单位（盖章）\n");
  Reply ranged = call("keyWordSealSign",
                      R"({"data":")" + b64(ofd) + "\"," +
                          sign_list(R"("keyword":"某某单位","keywordModel":"1-300000000")") + "}");
  EXPECT_EQ(ranged.code(), "1") << ranged.info();
  std::string pages = "1";
  for (int i = 0; i < 1000; ++i) pages += ",1";
  Reply listed =
      call("keyWordSealSign",
           R"({"data":")" + b64(ofd) + "\"," +
               sign_list(R"("keyword":"某某单位","keywordModel":")" + pages + "\"") + "}");
  EXPECT_EQ(listed.info(), "keywordModel的页码超过1000项");
  // More signList entries than the limit (5 in this world).
  std::string entries;
  for (int i = 0; i < 6; ++i) {
    entries += std::string(i ? "," : "") + R"({"sealId":")" + seal_id() +
               R"(","pageNum":"1","zx":"10","zy":"10"})";
  }
  Reply many = call("positionSealSign", R"({"data":")" + b64(eseal::test::blank_pdf(1)) +
                                            R"(","signList":[)" + entries + "]}");
  EXPECT_EQ(many.info(), "signList超过5项");
  // A file over the per-file limit (1 MiB here) inside a body the route accepts.
  std::string big(1'500'000, 'A');
  Reply file = call("verifyFile", R"({"data":")" + big + "\"}");
  EXPECT_EQ(file.info(), "文件超过大小限制（1 MiB）");
  // A declared body over the route's limit is refused from its header, before any of it is
  // read: an unknown caller's 300 MiB costs nothing.
  std::string answer = eseal::test::raw_exchange(
      world().port(),
      "POST /seal/v1/electricSeal HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 314572800\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 200);
  EXPECT_NE(answer.find("报文超过大小限制"), std::string::npos);
}

// Review item 4: "nan" and "inf" were read as lengths and written into the OFD.
TEST(LdtApi, LengthsMustBeFiniteNumbers) {
  Bytes pdf = eseal::test::blank_pdf(1);
  for (const char* value : {"nan", "inf", "-inf", "NaN"}) {
    Reply r = call(
        "positionSealSign",
        R"({"data":")" + b64(pdf) + "\"," +
            sign_list(std::string(R"("pageNum":"1","zx":")") + value + R"(","zy":"60")") + "}");
    EXPECT_EQ(r.info(), std::string("参数zx不是长度：") + value);
  }
  Reply y = call("pagingSealSign", R"({"data":")" + b64(eseal::test::blank_pdf(2)) + "\"," +
                                       sign_list(R"("page":"2","y":"inf")") + "}");
  EXPECT_EQ(y.info(), "参数y不是长度：inf");
}

// Review item 5: a request dated at the far edge of the window could be replayed once, when its
// nonce was purged while its ctime was still acceptable. Real store, explicit clock.
TEST(LdtApi, ANonceOutlivesTheLastMomentItsRequestIsAcceptable) {
  Options options;
  options.time_window = std::chrono::seconds(2);
  Adapter adapter(world().platform(), options);
  Time t = now_utc();
  std::string dn = parties().signer.cert.subject().to_string();
  // ctime two seconds ahead of the server's clock: acceptable until t + 4.
  std::string body = request("getSealStatus", R"({"certDN":")" + dn + "\"}", world().credentials(),
                             t + std::chrono::seconds(2));
  auto info = [](const Outcome& o) {
    rapidjson::Document d;
    d.Parse(o.body.c_str());
    return std::string(d["message_header"]["errorInfo"].GetString());
  };
  EXPECT_TRUE(adapter.handle(body, t).success);
  EXPECT_EQ(info(adapter.handle(body, t + std::chrono::seconds(4))),
            "random重复，请求被拒绝（重放）");
  EXPECT_EQ(info(adapter.handle(body, t + std::chrono::seconds(5))), "ctime超出允许的时间窗口");
}

// Review item 6: a forged request must not burn the random of a legitimate one; version and the
// form of random are checked.
TEST(LdtApi, OnlyAnAuthenticatedRequestConsumesItsRandom) {
  std::string dn = parties().signer.cert.subject().to_string();
  std::string content = R"({"certDN":")" + dn + "\"}";
  std::string random = random_hex();
  ClientCredentials forged = world().credentials();
  forged.hmac_key = to_bytes("guessed");
  EXPECT_EQ(send(request("getSealStatus", content, forged, now_utc(), random)).info(),
            "hmac验证失败");
  ClientCredentials wrong_key = world().credentials();
  auto stranger = pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,CN=别人", nullptr);
  wrong_key.signer = std::move(*keys::KeySigner::make(stranger.key, stranger.cert));
  EXPECT_EQ(send(request("getSealStatus", content, wrong_key, now_utc(), random)).info(),
            "sign验证失败");
  EXPECT_EQ(
      send(request("getSealStatus", content, world().credentials(), now_utc(), random)).code(),
      "1");
  std::string good = request("getSealStatus", content);
  EXPECT_EQ(send(replaced(good, R"("version":"1.0")", R"("version":"2.0")")).info(),
            "version不支持：2.0");
  EXPECT_EQ(
      send(request("getSealStatus", content, world().credentials(), now_utc(), "12345")).info(),
      "random应为32位十六进制数");
  // The hmac check compares the whole value: a prefix of the right one fails.
  std::string body = request("getSealStatus", content);
  rapidjson::Document d;
  d.Parse(body.c_str());
  std::string hmac = d["message_header"]["hmac"].GetString();
  EXPECT_EQ(send(replaced(body, hmac, hmac.substr(0, 10))).info(), "hmac验证失败");
}

// Review item 7: refusals leave a trace, bounded: one row per actor and reason per minute, the
// rest counted into the next row; a signing call's BIZNUM is in the biznum column.
TEST(LdtApi, RefusalsAreAuditedWithoutFloodingTheChain) {
  std::string content = R"({"certDN":"C=CN,CN=x"})";
  ClientCredentials bad = world().credentials();
  bad.syscode = "FLOODAPP";
  bad.authcode = "brute-force-" + random_hex();
  std::size_t before = audit_rows("refused (authcode)").size();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(send(request("getSeal", content, bad)).info(), "authcode无效");
  std::size_t after = audit_rows("refused (authcode)").size();
  EXPECT_GE(after, before + 1);
  EXPECT_LE(after, before + 2);  // a minute may turn during the loop
  ClientCredentials unknown = world().credentials();
  unknown.syscode = "NO-SUCH-" + random_hex();
  send(request("getSeal", content, unknown));
  auto rows = audit_rows("（syscode：" + unknown.syscode + "）");
  EXPECT_LE(rows.size(), 1u);  // the first of the minute under "-", or counted into it
  for (const auto& row : rows) EXPECT_EQ(row.entry.actor, "app:-");
  Reply signed_call =
      call("positionSealSign", R"({"data":")" + b64(eseal::test::blank_pdf(1)) + "\"," +
                                   sign_list(R"("pageNum":"1","zx":"10","zy":"10")") +
                                   R"(,"BIZNUM":"AUDIT-BIZ-1"})");
  ASSERT_EQ(signed_call.code(), "1") << signed_call.info();
  bool found = false;
  auto all = world().store().audit().list(0, 100000);
  for (const auto& row : *all) {
    if (row.entry.operation == "positionSealSign" && row.entry.biznum == "AUDIT-BIZ-1")
      found = true;
  }
  EXPECT_TRUE(found);
  auto check = world().store().audit().verify();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->first_broken.has_value());
}

// Review item 8: appendix A's own examples, with real credentials and values.
TEST(LdtApi, TheSeedsExamplesAreAcceptedAsWritten) {
  std::string dn = parties().signer.cert.subject().to_string();
  // Examples 17 and 18: message_content inside message_header.
  auto inside = [](std::string body) {
    rapidjson::Document d;
    d.Parse(body.c_str());
    rapidjson::Value content(d["message_content"], d.GetAllocator());
    d.RemoveMember("message_content");
    d["message_header"].AddMember("message_content", content, d.GetAllocator());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    d.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
  };
  Reply got = send(inside(request("getSeal", R"({"certDN":")" + dn + "\"}")));
  EXPECT_EQ(got.code(), "1") << got.info();
  Reply status = send(inside(request("getSealStatus", R"({"certDN":")" + dn + "\"}")));
  EXPECT_EQ(status.code(), "1") << status.info();
  // Examples 23 and 24: lockSign and delLockSign the same way.
  Bytes ofd = text_ofd("电子证照\n");
  Reply locked = send(inside(request("lockSign", R"({"data":")" + b64(ofd) + "\"}")));
  ASSERT_EQ(locked.code(), "1") << locked.info();
  Reply unlocked =
      send(inside(request("delLockSign", R"({"data":")" + b64(locked.signed_data()) + "\"}")));
  EXPECT_EQ(unlocked.code(), "1") << unlocked.info();
  // Example 22: PBIZNUM for pagingSealSign.
  Reply paging =
      call("pagingSealSign", R"({"data":")" + b64(eseal::test::blank_pdf(2)) + "\"," +
                                 sign_list(R"("page":"2","y":"50")") + R"(,"PBIZNUM":"SEED-22"})");
  ASSERT_EQ(paging.code(), "1") << paging.info();
  EXPECT_STREQ(paging.content()["BIZNUM"].GetString(), "SEED-22");
  Reply both = call("pagingSealSign", R"({"data":")" + b64(eseal::test::blank_pdf(2)) + "\"," +
                                          sign_list(R"("page":"2","y":"50")") +
                                          R"(,"PBIZNUM":"A","BIZNUM":"B"})");
  EXPECT_EQ(both.info(), "参数BIZNUM与PBIZNUM重复");
  // Example 25: zx/zy for signAndLockSign.
  Reply sealed = call("signAndLockSign",
                      R"({"data":")" + b64(ofd) + "\"," +
                          sign_list(R"("page":"1","zx":"120","zy":"40","ismain":"1")") + "}");
  ASSERT_EQ(sealed.code(), "1") << sealed.info();
  Reply verified = call("verifyEleSign",
                        R"({"data":")" + b64(sealed.signed_data()) + R"(","isSingle":"false"})");
  EXPECT_EQ(verified.code(), "1") << verified.info();
}

// Review item 15: a refused request names the businesstype and syscode it carried.
TEST(LdtApi, ARefusedRequestEchoesItsHeader) {
  std::string body = request("getSeal", R"({"certDN":"x"})");
  rapidjson::Document d;
  d.Parse(body.c_str());
  std::string hmac = d["message_header"]["hmac"].GetString();
  Reply r = send(replaced(body, R"("hmac":")" + hmac + "\"", R"("hmac":"")"));
  EXPECT_EQ(r.info(), "message_header缺少hmac");
  EXPECT_STREQ(r.json["message_header"]["businesstype"].GetString(), "getSeal");
  EXPECT_STREQ(r.json["message_header"]["syscode"].GetString(), "TESTAPP");
}

// Review items 3 and 11: the deployment's PDF format, and the limits on what one signature may
// place and produce, each with its own refusal. The real store, the adapter called directly.
TEST(LdtApi, TheConfiguredFormatAndOutputLimitsApply) {
  auto answer = [](Adapter& adapter, const std::string& operation, const std::string& content) {
    Outcome o = adapter.handle(request(operation, content), now_utc());
    rapidjson::Document d;
    d.Parse(o.body.c_str());
    return d;
  };
  Bytes pdf = eseal::test::blank_pdf(1);
  std::string position =
      R"({"data":")" + b64(pdf) + "\"," + sign_list(R"("pageNum":"1","zx":"10","zy":"10")") + "}";
  api::Config config;
  config.signing.pdf_format = "pkcs7";
  auto pkcs7 = options_from(config);
  ASSERT_TRUE(pkcs7.ok()) << pkcs7.error().message;
  Adapter pkcs7_door(world().platform(), *pkcs7);
  auto signed_pdf = answer(pkcs7_door, "positionSealSign", position);
  ASSERT_STREQ(signed_pdf["message_header"]["errorCode"].GetString(), "1");
  auto report =
      pdf::verify_pdf(*crypto::from_base64(signed_pdf["message_content"]["signedData"].GetString()),
                      eseal::test::trust());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->signatures.size(), 1u);
  EXPECT_EQ(report->signatures[0].format, "pkcs7");
  config.limits.xml_depth = 20;
  auto limited = options_from(config);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->signing.limits.ofd.max_xml_depth, 20u);
  config.signing.pdf_format = "pdf";
  auto bad = options_from(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "[signing] pdf_format: \"pdf\" is not one of ses, gmcms, pkcs7");

  Options small;
  small.signing.limits.max_output_bytes = pdf.size() + 1000;  // a seal picture is larger
  Adapter small_door(world().platform(), small);
  auto too_big = answer(small_door, "positionSealSign", position);
  std::string info = too_big["message_header"]["errorInfo"].GetString();
  EXPECT_EQ(info.rfind("超出服务器限制：the signed document would be ", 0), 0u) << info;

  Options few;
  few.signing.limits.max_stamps = 2;
  Adapter few_door(world().platform(), few);
  std::string text;
  for (int i = 0; i < 3; ++i) text += "某某单位（盖章）\n";
  auto hits = answer(few_door, "keyWordSealSign",
                     R"({"data":")" + b64(text_ofd(text)) + "\"," +
                         sign_list(R"("keyword":"某某单位","keywordModel":"-1")") + "}");
  EXPECT_STREQ(hits["message_header"]["errorInfo"].GetString(),
               "超出服务器限制：the placement makes 3 stamps, more than the limit of 2");
}

}  // namespace
}  // namespace eseal::api::ldt
