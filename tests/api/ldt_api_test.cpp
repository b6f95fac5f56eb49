// LD/T 01.4 over real HTTP: a server on a loopback port with the LD/T door on a store in a
// temporary data folder, an app and its seals registered in it, and requests built and signed
// as an integrator builds them. Every operation succeeds on PDF and on OFD where it applies, and
// every refusal comes back with errorCode "0" and its own errorInfo.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>

#include "api/http_client.h"
#include "api/ldt/envelope.h"
#include "api/ldt/routes.h"
#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "keys/key_file.h"
#include "ofd/writer.h"
#include "ofd/zip_builder.h"
#include "service/store_platform.h"
#include "store/store.h"
#include "support/blank_pdf.h"
#include "support/sealing_parties.h"

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

Bytes text_ofd(const std::string& text) {
  auto laid = ofd::layout_text(text, {});
  return *ofd::write_ofd(laid->document, {now_utc(), ""});
}

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
    store_ = std::move(*store::open_store(dir_, test_kek()));

    add_app("TESTAPP", app_key_, secrets_);
    add_app("OTHERAPP", other_key_, other_secrets_);
    add_seal(p.seal, "TESTAPP", store::SealStatus::kValid);
    frozen_id_ = add_seal(another_seal("FROZEN-1"), "TESTAPP", store::SealStatus::kFrozen);
    foreign_id_ = add_seal(another_seal("FOREIGN-1"), "OTHERAPP", store::SealStatus::kValid);

    platform_ = std::make_unique<service::StorePlatform>(*store_, test_kek(), dir_);
    adapter_ = std::make_unique<Adapter>(*platform_, Options{});
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
            app_key_.key};
  }
  store::Store& store() { return *store_; }

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
    ASSERT_TRUE(store_->add_app(app, secrets, {now_utc(), "test", "app.add", syscode, "", ""}));
  }

  ses::SesSeal another_seal(const std::string& id) const {
    const auto& p = parties();
    ses::SealInfo info = p.seal.info;
    info.es_id = id;
    return *ses::make_seal(info, p.maker.cert, p.maker.key);
  }

  std::string add_seal(const ses::SesSeal& seal, const std::string& owner,
                       store::SealStatus status) {
    const auto& p = parties();
    auto app = store_->find_app(owner);
    store::SealRecord record;
    record.id = seal.info.es_id;
    record.name = seal.info.name;
    record.type = seal.info.type;
    record.app_id = app->id;
    record.signer_dn = p.signer.cert.subject().to_string();
    record.seal_sm3 = *store_->blobs().put(seal.encoded);
    record.cert_id = store::CertificateRecord::from(p.signer.cert).id;
    record.key_id = "file:" + (dir_ / "signer.key").string();
    record.valid_start = seal.info.valid_start;
    record.valid_end = seal.info.valid_end;
    record.status = status;
    record.created = record.updated = now_utc();
    store::KeyRecord key{record.key_id, (dir_ / "signer.key").string(),
                         crypto::to_hex(p.signer.key.public_key().point()), now_utc()};
    EXPECT_TRUE(store_->add_seal({record, store::CertificateRecord::from(p.signer.cert), key},
                                 {now_utc(), "test", "seal.register", record.id, "", ""}));
    return record.id;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  pki::test::IssuedKey app_key_, other_key_;
  store::AppSecrets secrets_, other_secrets_;
  std::string frozen_id_, foreign_id_;
  std::unique_ptr<service::StorePlatform> platform_;
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
  HttpResponse r = client.post(kPath, body);
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
      world().store().find_documents_by_biznum(world().store().find_app("TESTAPP")->id, "B-1");
  ASSERT_TRUE(docs.ok());
  EXPECT_EQ(docs->size(), 1u);
  Reply missing =
      call("keyWordSealSign", R"({"data":")" + b64(ofd) + "\"," +
                                  sign_list(R"("keyword":"没有的词","keywordModel":"1")") + "}");
  EXPECT_EQ(missing.code(), "0");
  EXPECT_NE(missing.info().find("没有的词"), std::string::npos) << missing.info();
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
  auto seal = world().store().find_seal(id);
  ASSERT_TRUE(seal.ok());
  EXPECT_EQ(seal->name, "某某单位业务专用章");
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
  bad_key.key = *crypto::Sm2PrivateKey::generate();
  EXPECT_EQ(send(request("getSeal", content, bad_key)).info(), "sign验证失败");
  Reply unknown_op = call("noSuchOperation", "{}");
  EXPECT_EQ(unknown_op.info(), "不支持的业务类型：noSuchOperation");
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
  // A package the OFD rules refuse is answered with the rule it breaks.
  Bytes escaping = ofd::test::make_zip(
      {{"OFD.xml", to_bytes("<ofd:OFD/>")}, {"../../evil.sh", to_bytes("rm -rf /")}});
  Reply hostile = call("verifyFile", R"({"data":")" + b64(escaping) + "\"}");
  EXPECT_EQ(hostile.info(),
            "OFD package refused: ZIP entry \"../../evil.sh\": a \"..\" segment (path traversal)");
  // A body over the server's limit is answered in LD/T terms.
  HttpClient client = world().client();
  HttpResponse big = client.post(kPath, std::string(5u << 20, 'x'));
  EXPECT_EQ(big.status, 413);
  rapidjson::Document d;
  d.Parse(big.body.c_str());
  ASSERT_FALSE(d.HasParseError()) << big.body;
  EXPECT_STREQ(d["message_header"]["errorCode"].GetString(), "0");
  EXPECT_STREQ(d["message_header"]["errorInfo"].GetString(), "报文超过大小限制");
}

TEST(LdtApi, EveryCallIsInTheAuditChain) {
  call("getSealStatus", R"({"certDN":"C=CN,CN=x"})");
  auto check = world().store().verify_audit();
  ASSERT_TRUE(check.ok());
  EXPECT_GT(check->rows, 0);
  EXPECT_FALSE(check->first_broken.has_value());
}

}  // namespace
}  // namespace eseal::api::ldt
