// DB4403/T 383.4 over real HTTP: the Shenzhen door on a loopback port beside the COSS doors (the
// phone that scans is a COSS phone, mobile/phone.h), an app with DB4403 credentials, an
// organization whose seals were issued to the phone's certificate through a grant, and requests
// encrypted and signed as a third-party system sends them. Every function succeeds on PDF and on
// OFD where it applies, and each refusal comes back with its appendix B code.
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/json.h"
#include "api/json_text.h"
#include "api/sz/codes.h"
#include "api/sz/envelope.h"
#include "api/sz/routes.h"
#include "base/file.h"
#include "coss_world.h"
#include "crypto/digest.h"
#include "crypto/random.h"
#include "image/qr_code.h"
#include "keys/key_file.h"
#include "keys/skf.h"
#include "ofd/package.h"
#include "ofd/writer.h"
#include "pki/issue.h"
#include "service/device_keys.h"
#include "service/held_signatures.h"
#include "service/seal_registration.h"
#include "service/stored_files.h"
#include "service/sz_grants.h"
#include "service/time_stamping.h"
#include "service/verification.h"
#include "ses/verify.h"
#include "support/blank_pdf.h"
#include "support/process.h"
#include "support/sealing_parties.h"
#include "support/text_ofd.h"

namespace eseal::api::sz {
namespace {

using coss::test::kPin;

constexpr const char* kCreditCode = "91440300000000166W";
constexpr const char* kSystemId = "CIS2021-7-27";

using eseal::test::text_ofd;

std::string b64(ByteView b) {
  return crypto::to_base64(b);
}

std::string uuid() {
  std::string h = crypto::to_hex(*crypto::random_bytes(16));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

struct Answer {
  std::string code, msg;
  std::unique_ptr<rapidjson::Document> data;
  bool ok() const { return code == "T000000"; }
  std::string field(const char* name) const {
    if (!data || !data->IsObject() || !data->HasMember(name) || !(*data)[name].IsString())
      return "";
    return (*data)[name].GetString();
  }
};

class SzTest : public coss::test::PhoneTest {
 protected:
  SzTest() {
    holder_ = enrol();
    keys::Kek kek = coss::test::test_kek();
    // Trust: the user CA (phones, the seal maker, the TSA) and the test parties' root.
    const auto& p = eseal::test::parties();
    std::string roots =
        to_string(*read_file(world_.dir() / "platform" / "user-ca.pem")) + p.root.cert.pem();
    EXPECT_TRUE(write_file_atomic(world_.dir() / "platform" / "ca.pem", as_bytes(roots), 0600));

    secrets_ = *store::AppSecrets::generate(false, true);
    store::App app;
    app.id = *store::new_id();
    app.syscode = kSystemId;
    app.name = "深圳第三方系统";
    app.scopes = {"*"};
    app.created = app.rotated = now_utc();
    EXPECT_TRUE(
        world_.store().apps().add(app, secrets_, {now_utc(), "cli:test", "app.add", "", "", ""}));
    app_id_ = app.id;

    grants_ =
        std::make_unique<service::SzGrants>(world_.store(), world_.platform(), world_.platform());
    auto org = grants_->organization("深圳市演示科技有限公司", kCreditCode, now_utc(), "cli:test");
    EXPECT_TRUE(org.ok());
    org_id_ = org->id;
    auto grant =
        grants_->add({app_id_, org_id_, holder_.user_id, true, now_utc() + std::chrono::days(30)},
                     now_utc(), "cli:test");
    EXPECT_TRUE(grant.ok()) << grant.error().message;
    grant_ = grant->first;
    grant_code_ = grant->second;
    auto seals = grants_->issue_seals(grant_, {1, 2, 4}, now_utc(), "cli:test");
    EXPECT_TRUE(seals.ok()) << seals.error().message;
    for (const auto& s : *seals) seal_ids_[static_cast<int>(s.seal.info.type)] = s.id;
    server_seal_ = add_server_seal(kek);

    held_ = std::make_unique<service::HeldSignatures>(world_.store());
    files_ = std::make_unique<service::StoredFiles>(world_.store());
    usb_logins_ = std::make_unique<service::UsbKeyLogins>(world_.store());
    eseal::tsa::Settings tsa_settings;
    tsa_settings.policy = "2.999.1.1";
    time_stamps_ = std::make_unique<service::LocalTimeStampAuthority>(
        *world_.platform().tsa_signer(), tsa_settings, world_.platform());
    Options options;
    options.public_url = world_.url();
    options.signing.time_stamps = time_stamps_.get();
    options.max_file_size = 2u << 20;
    options.max_picture_pixels = 2'000'000;
    adapter_ = std::make_unique<Adapter>(Services{world_.platform().platform(), world_.jobs(),
                                                  *grants_, *held_, *files_, *usb_logins_},
                                         options);
    ServerOptions server;
    server.port = 0;
    server.workers = 2;
    server_ = std::make_unique<Server>(server);
    add_routes(*server_, *adapter_);
    EXPECT_TRUE(server_->start());
  }
  ~SzTest() override {
    server_->stop();
    server_->wait();
  }

  Keys keys() const {
    return {secrets_.sz_app_key, Bytes(secrets_.sz_sm4_key.begin(), secrets_.sz_sm4_key.end()),
            Bytes(secrets_.sz_mac_key.begin(), secrets_.sz_mac_key.end())};
  }

  std::string post(const std::string& function, const std::string& body) {
    HttpClient client("127.0.0.1", server_->port());
    Headers headers;
    headers.set("Content-Type", "application/json");
    auto r = client.post("/sz/v1/" + function, body, headers);
    EXPECT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 200);
    return r.ok() ? r->body : "";
  }

  Answer read(const std::string& body, const Keys& keys) {
    auto reply = read_response(keys, body);
    EXPECT_TRUE(reply.ok()) << body;
    if (!reply) return {};
    return {reply->code, reply->msg, std::move(reply->data)};
  }

  // `function` with `content` (a JSON object's text), encrypted and signed with the app's keys.
  Answer call(const std::string& function, const std::string& content) {
    return read(post(function, *build_request(keys(), uuid(), content)), keys());
  }

  // The grant's fields and `more` (each with a leading comma).
  std::string with_grant(const std::string& more = "", bool org = true) const {
    return R"({"grantCode":")" + grant_code_ + R"(","systemID":")" + kSystemId + "\"" +
           (org ? R"(,"organizationCode":")" + std::string(kCreditCode) + "\"" : "") + more + "}";
  }

  // A seal of the test parties whose key the platform holds: centralized signing's.
  std::string add_server_seal(const keys::Kek& kek) {
    const auto& p = eseal::test::parties();
    auto key_file = world_.dir() / "server-signer.key";
    EXPECT_TRUE(
        write_file_atomic(key_file, as_bytes(*keys::encrypt_private_key(p.signer.key, kek)), 0600));
    store::SealRecord record;
    record.id = p.seal.info.es_id;
    record.name = p.seal.info.name;
    record.type = p.seal.info.type;
    record.org_id = org_id_;
    record.app_id = app_id_;
    record.signer_dn = p.signer.cert.subject().to_string();
    record.seal_sm3 = *world_.store().blobs().put(p.seal.encoded);
    record.cert_id = store::CertificateRecord::from(p.signer.cert).id;
    record.key_id = "file:" + key_file.string();
    record.valid_start = p.seal.info.valid_start;
    record.valid_end = p.seal.info.valid_end;
    record.created = record.updated = now_utc();
    store::KeyRecord key{record.key_id, key_file.string(),
                         crypto::to_hex(p.signer.key.public_key().point()), now_utc()};
    EXPECT_TRUE(
        world_.store().seals().add({record, store::CertificateRecord::from(p.signer.cert), key},
                                   {now_utc(), "test", "seal.register", record.id, "", ""}));
    return record.id;
  }

  // A new software USB key `name` in `dir` (ESEAL_SOFTSKF_DIR until the test ends), its
  // application logged in and a signing key made in its container "ESEAL"; app null on failure.
  struct UsbKey {
    std::shared_ptr<keys::SkfApplication> app;
    std::optional<crypto::Sm2PublicKey> key;
  };
  static UsbKey make_usb_key(const eseal::test::TempDir& dir, const std::string& name) {
    ::setenv("ESEAL_SOFTSKF_DIR", dir.path().c_str(), 1);
    auto skf = keys::SkfLibrary::load(ESEAL_SOFTSKF_PATH);
    if (!skf || !(*skf)->make_device(name, name)) return {};
    auto device = (*skf)->connect(name);
    if (!device || !(*device)->authenticate(to_bytes("1234567812345678")) ||
        !(*device)->create_application("HRSS", "88888888", "12345678", 3)) {
      return {};
    }
    auto app = (*device)->open_application("HRSS");
    if (!app || !(*app)->verify_pin("12345678") || !(*app)->create_container("ESEAL")) return {};
    auto key = (*app)->generate_key("ESEAL");
    if (!key) return {};
    return {*app, *key};
  }

  // A seal of `type` made for a new certificate of `key` (subject `dn`) and registered to the
  // organization: with a key index of the crypto device when `device` is given, else with no key
  // on the server (a USB key's). Its certificate.
  Result<pki::Certificate> org_seal(const crypto::Sm2PublicKey& key, const std::string& dn,
                                    const std::string& es_id, int type,
                                    std::optional<service::SealDeviceKey> device) {
    const auto& p = eseal::test::parties();
    Time now = now_utc();
    auto cert = pki::issue_certificate({pki::CertificateProfile::kSeal,
                                        *pki::DistinguishedName::parse(dn),
                                        key,
                                        now - std::chrono::hours(1),
                                        now + std::chrono::days(30),
                                        {}},
                                       p.root.cert, p.root.key);
    if (!cert) return cert.error();
    ses::SealInfo info = p.seal.info;
    info.es_id = es_id;
    info.type = type;
    info.signer_certs = {cert->der()};
    info.valid_start = now - std::chrono::hours(1);
    info.valid_end = now + std::chrono::days(30);
    auto seal = ses::make_seal(info, p.maker.cert, p.maker.key);
    if (!seal) return seal.error();
    service::SealToRegister what{*seal, *cert, app_id_, "", org_id_};
    auto registered =
        device ? service::register_seal(world_.store(), what, *device, "cli:test", now)
               : service::register_seal(world_.store(), what, std::nullopt, "cli:test", now);
    if (!registered) return registered.error();
    return cert;
  }

  // GENSIGN-01 for `entries` (sealDataList's objects' text, comma-joined), scene 03.
  Answer file_hash(const std::string& entries, const std::string& more = "") {
    return call("genCalculateFileHash",
                with_grant(R"(,"scene":"03","sealDataList":[)" + entries + "]" + more));
  }

  std::string entry(ByteView file, const std::string& rules, const std::string& id,
                    const std::string& type = "1") {
    return R"({"fileStr":")" + b64(file) + R"(","sealType":")" + type + R"(",)" + rules +
           R"(,"fileUniqueId":")" + id + R"(","title":"测试文件"})";
  }

  static std::string rectangle() {
    return R"("ruleType":"RECTANGLE","rectangleRule":{"page":"1","left":"300","bottom":"100","right":"450","top":"250","moveType":"CENTER"})";
  }

  coss::test::Enrolled holder_;
  store::AppSecrets secrets_;
  std::string app_id_, org_id_, grant_code_, server_seal_;
  service::SzGrant grant_;
  std::map<int, std::string> seal_ids_;
  std::unique_ptr<service::SzGrants> grants_;
  std::unique_ptr<service::HeldSignatures> held_;
  std::unique_ptr<service::StoredFiles> files_;
  std::unique_ptr<service::UsbKeyLogins> usb_logins_;
  std::unique_ptr<service::LocalTimeStampAuthority> time_stamps_;
  std::unique_ptr<Adapter> adapter_;
  std::unique_ptr<Server> server_;
};

TEST_F(SzTest, TheCodeTableIsAppendixB) {
  EXPECT_EQ(all_codes().size(), 55u);
  EXPECT_EQ(all_codes().front(), "T000000");
  EXPECT_EQ(all_codes().back(), "T999999");
  EXPECT_EQ(message(code::kBadParameter, {"sealType"}), "请求参数sealType校验失败");
  EXPECT_EQ(message(code::kBadPage, {"3", "4"}), "页码3、4错误");
  EXPECT_EQ(message(code::kNoKeyword, {"甲方"}), "未找到电子签章关键字：甲方");
  EXPECT_EQ(message(code::kFrozen, {"seal 1"}), "印章已冻结：seal 1");
}

TEST_F(SzTest, SealListAnswersEachTypeAskedFor) {
  Answer a = call("genGetSealInfoList", with_grant(R"(,"sealType":"1|2|3|4")"));
  ASSERT_TRUE(a.ok()) << a.code << " " << a.msg;
  const auto& list = (*a.data)["sealList"];
  ASSERT_EQ(list.Size(), 4u);
  std::map<std::string, std::string> status;
  for (const auto& item : list.GetArray())
    status[item["sealType"].GetString()] = item["sealStatus"].GetString();
  EXPECT_EQ(status["1"], "Y");
  EXPECT_EQ(status["2"], "Y");
  EXPECT_EQ(status["3"], "N");
  EXPECT_EQ(status["4"], "Y");
  EXPECT_GT(std::string(list[0]["sealImg"].GetString()).size(), 100u);

  // The legal representative's mark, as the business system computes it.
  auto number = world_.store().coss_users().id_number(holder_.user_id);
  std::string mark = service::id_card_mark("01", *number);
  EXPECT_TRUE(
      call("genGetSealInfoList", with_grant(R"(,"sealType":"1","idCardMark":")" + mark + "\""))
          .ok());
  EXPECT_EQ(call("genGetSealInfoList", with_grant(R"(,"sealType":"1","idCardMark":"00ff")")).code,
            "T000045");
  EXPECT_EQ(call("genGetSealInfoList", with_grant(R"(,"sealType":"8")")).code, "T000018");
  EXPECT_EQ(call("genGetSealInfoList", with_grant()).code, "T000001");
}

TEST_F(SzTest, GrantsAreChecked) {
  std::string wrong = R"({"grantCode":"0123456789abcdef0123456789abcdef","systemID":")" +
                      std::string(kSystemId) + R"(","organizationCode":")" + kCreditCode +
                      R"(","sealType":"1"})";
  EXPECT_EQ(call("genGetSealInfoList", wrong).code, "T000006");
  std::string other_org = R"({"grantCode":")" + grant_code_ + R"(","systemID":")" + kSystemId +
                          R"(","organizationCode":"91440300MA5XXXXXXX","sealType":"1"})";
  EXPECT_EQ(call("genGetSealInfoList", other_org).code, "T000003");
  ASSERT_TRUE(grants_->revoke(grant_.id, now_utc(), "cli:test").ok());
  EXPECT_EQ(call("genGetSealInfoList", with_grant(R"(,"sealType":"1")")).code, "T000005");
}

TEST_F(SzTest, TheEnvelopeIsAuthenticatedBeforeAnything) {
  std::string content = with_grant(R"(,"sealType":"1")");
  // A wrong bsign.
  Keys forged = keys();
  forged.mac_key[0] ^= 1;
  EXPECT_EQ(read(post("genGetSealInfoList", *build_request(forged, uuid(), content)), keys()).code,
            "T000034");
  // A used reqId: the request resent as it was is answered as before; another request under it
  // (here the same content encrypted again, so another bsign) is a replay.
  std::string used = uuid();
  std::string body = *build_request(keys(), used, content);
  Answer first = read(post("genGetSealInfoList", body), keys());
  ASSERT_TRUE(first.ok());
  Answer again = read(post("genGetSealInfoList", body), keys());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(api::compact_json(*again.data), api::compact_json(*first.data));
  Answer replay = read(post("genGetSealInfoList", *build_request(keys(), used, content)), keys());
  EXPECT_EQ(replay.code, "T000034");
  EXPECT_NE(replay.msg.find("重放"), std::string::npos);
  // So is the same request sent to another function.
  EXPECT_EQ(read(post("genGetScanStatusById", body), keys()).code, "T000034");
  // An appKey nobody has.
  Keys unknown = keys();
  unknown.app_key = "0123456789abcdef0123456789abcdef";
  std::string refused = post("genGetSealInfoList", *build_request(unknown, uuid(), content));
  EXPECT_EQ(read(refused, {}).code, "T000013");
  // Content that cannot be IV and SM4-CBC blocks (33 bytes), signed with the right MAC key.
  std::string sealed = b64(Bytes(33, 7));
  std::string id = uuid();
  std::string undecryptable = R"({"reqId":")" + id + R"(","appKey":")" + keys().app_key +
                              R"(","bsign":")" + mac(keys().mac_key, id, sealed) +
                              R"(","content":")" + sealed + "\"}";
  EXPECT_EQ(read(post("genGetSealInfoList", undecryptable), keys()).code, "T000001");
  // Content that is not JSON, and a body that is not.
  EXPECT_EQ(
      read(post("genGetSealInfoList", *build_request(keys(), uuid(), "{not json")), keys()).code,
      "T000011");
  EXPECT_EQ(read(post("genGetSealInfoList", "[1,2"), {}).code, "T000011");
}

TEST_F(SzTest, PlainRequestsNameTheirSystemAndAreStillSigned) {
  Keys plain{"", keys().sm4_key, keys().mac_key};
  std::string content = with_grant(R"(,"sealType":"2")");
  std::string body = post("genGetSealInfoList", *build_request(plain, uuid(), content));
  Answer a = read(body, plain);
  EXPECT_TRUE(a.ok()) << a.msg;
  EXPECT_NE(body.find("\"sealList\""), std::string::npos);  // data in the clear
  EXPECT_EQ(read_response({"", {}, Bytes(32, 0)}, body).error().kind,
            ErrorKind::kVerificationFailed);
}

// The seed's example of §7.2.2 as printed (spaces in keys and values, the content a one-element
// array), once its full-width punctuation is JSON's and the credentials are real.
TEST_F(SzTest, TheSeedsExampleIsAccepted) {
  std::string content = R"([{
          "grantCode":")" +
                        grant_code_ + R"(" ,
         "organizationCode":" )" +
                        std::string(kCreditCode) + R"( ",
          "systemID":"CIS2021-7-27 ",
"sealType":"1|2|3|4",
" idCardMark":" g9kk06a1498c418594d5864rrrr359842"
       }])";
  Answer a = call("genGetSealInfoList", content);
  // The seed's idCardMark is a placeholder: the grant's legal representative does not match it.
  EXPECT_EQ(a.code, "T000045");
  std::string without_mark = content.substr(0, content.find(",\n\" idCardMark")) + "}]";
  EXPECT_TRUE(call("genGetSealInfoList", without_mark).ok());
  // §10.2.2 sends its content inline; with an empty appKey that is the plain form.
  Keys plain{"", {}, keys().mac_key};
  std::string id = uuid();
  std::string inline_content = R"({ "fileName": "测试文件", "fileBase64": ")" +
                               b64(text_ofd("未签署")) + R"(", "systemID": "CIS2021-7-27" })";
  std::string body = R"({"reqId":")" + id + R"(","appKey":"","bsign":")" +
                     mac(keys().mac_key, id, inline_content) + R"(", "content": )" +
                     inline_content + "}";
  EXPECT_EQ(read(post("genFileVerify", body), plain).code, "T000042");
}

TEST_F(SzTest, FormatFileConvertsTextAndPictures) {
  std::string text = b64(as_bytes(std::string("关于电子印章的通知\n第二行")));
  Answer ofd = call("genFormatFile",
                    R"({"sourceFileType":"txt","fileB64":")" + text + R"(","destFileType":"OFD"})");
  ASSERT_TRUE(ofd.ok()) << ofd.msg;
  EXPECT_EQ(ofd.field("destFileType"), "OFD");
  auto bytes = crypto::from_base64(ofd.field("destfileB64"));
  EXPECT_EQ(*service::detect_format(*bytes), service::DocumentFormat::kOfd);
  Answer pdf = call("genFormatFile", R"({"sourceFileType":" txt ","fileB64":")" + text +
                                         R"(","destFileType":"pdf"})");
  ASSERT_TRUE(pdf.ok()) << pdf.msg;
  EXPECT_EQ(*service::detect_format(*crypto::from_base64(pdf.field("destfileB64"))),
            service::DocumentFormat::kPdf);
  EXPECT_EQ(call("genFormatFile",
                 R"({"sourceFileType":"exe","fileB64":")" + text + R"(","destFileType":"PDF"})")
                .code,
            "T000035");
  EXPECT_EQ(call("genFormatFile",
                 R"({"sourceFileType":"txt","fileB64":")" + text + R"(","destFileType":"DOC"})")
                .code,
            "T000001");
  std::string big = b64(Bytes((2u << 20) + 1, 'a'));
  EXPECT_EQ(call("genFormatFile",
                 R"({"sourceFileType":"txt","fileB64":")" + big + R"(","destFileType":"PDF"})")
                .code,
            "T000010");
  // A picture over the door's limit (2 million pixels here) is refused from its header.
  auto qr = [](int module_pixels) { return b64(*image::qr_png("eseal", module_pixels)); };
  Answer small = call("genFormatFile", R"({"sourceFileType":"png","fileB64":")" + qr(40) +
                                           R"(","destFileType":"PDF"})");  // 1160 x 1160
  EXPECT_TRUE(small.ok()) << small.code << " " << small.msg;
  Answer large = call("genFormatFile", R"({"sourceFileType":"png","fileB64":")" + qr(60) +
                                           R"(","destFileType":"OFD"})");  // 1740 x 1740
  EXPECT_EQ(large.code, "T000010");
  EXPECT_NE(large.msg.find("more than the limit of 2000000 pixels"), std::string::npos)
      << large.msg;
}

// The end to end of issue 17: a batch of a PDF and an OFD → a QR signing task → the phone scans
// and confirms → LOGIN-02 confirmed → GENSIGN-05 → both files verify, each with a time stamp.
TEST_F(SzTest, ABatchIsSignedByScanningTheQrCode) {
  Bytes pdf = eseal::test::blank_pdf(2);
  Bytes ofd = text_ofd("合同\n甲方：深圳市演示科技有限公司（盖章）\n乙方：某某单位\n");
  std::string keyword =
      R"("ruleType":"KEYWORD","keyWordRule":[{"keyword":"科技有限公司（盖章）","moveType":"CENTER","searchOrder":"ASC","keywordIndex":"1"}])";
  std::string across =
      R"(,"acrossRule":{"position":"RIGHT","startWidthOfCutPercent":"50","offsetYOfPageTenThousand":"5000","signAllPages":"TRUE","endPage":"-1"})";
  Answer hashes =
      file_hash(entry(pdf, rectangle() + across, "pdf-1") + "," + entry(ofd, keyword, "ofd-1"));
  ASSERT_TRUE(hashes.ok()) << hashes.code << " " << hashes.msg;
  const auto& list = (*hashes.data)["fileHashList"];
  ASSERT_EQ(list.Size(), 2u);
  EXPECT_STREQ(list[0]["fileUniqueId"].GetString(), "pdf-1");
  std::string data =
      std::string(list[0]["fileHash"].GetString()) + "," + list[1]["fileHash"].GetString();

  Answer task =
      call("genGetLoginQRCode", with_grant(R"(,"scene":"03","data":")" + data + "\"", false));
  ASSERT_TRUE(task.ok()) << task.msg;
  std::string task_id = task.field("signTaskId");
  std::string qr = task.field("qrCode");
  std::string status_request = with_grant(R"(,"signTaskId":")" + task_id + "\"", false);
  EXPECT_EQ(call("genGetScanStatusById", status_request).field("scanStatus"), "0");
  EXPECT_EQ(call("genGetTaskResult", status_request).code, "T000029");

  mobile::Phone phone(wallet_);
  mobile::Account account = holder_.account;
  auto scanned = phone.scan(account, qr);
  ASSERT_TRUE(scanned.ok()) << scanned.error().message;
  EXPECT_EQ(scanned->size(), 2u);
  EXPECT_EQ(call("genGetScanStatusById", status_request).field("scanStatus"), "4");
  auto confirmed = phone.confirm(account, qr, kPin);
  ASSERT_TRUE(confirmed.ok()) << confirmed.error().message;
  EXPECT_EQ(call("genGetScanStatusById", status_request).field("scanStatus"), "1");
  Answer result = call("genGetTaskResult", status_request);
  ASSERT_TRUE(result.ok()) << result.msg;
  EXPECT_EQ(result.field("name"), "张*");
  EXPECT_EQ(result.field("idNumber"), "513436******039279");
  EXPECT_EQ(result.field("phone"), "187****2611");
  EXPECT_EQ(result.field("organizationCode"), kCreditCode);
  EXPECT_EQ(result.field("isLegalPerson"), "1");
  std::string values = result.field("signValue");
  EXPECT_EQ(std::count(values.begin(), values.end(), ','), 1);

  Answer files = call(
      "genDetachedFile",
      with_grant(
          R"(,"scene":"03","signTaskId":")" + task_id +
          R"(","sealDataList":[{"sealType":"1","fileUniqueId":"pdf-1"},{"sealType":"1","fileUniqueId":"ofd-1"}])"));
  ASSERT_TRUE(files.ok()) << files.code << " " << files.msg;
  const auto& out = (*files.data)["fileList"];
  ASSERT_EQ(out.Size(), 2u);
  for (const auto& f : out.GetArray()) {
    Bytes signed_file = *crypto::from_base64(f["fileB64"].GetString());
    auto summary = service::verify(signed_file, world_.platform().trust(), now_utc());
    ASSERT_TRUE(summary.ok());
    EXPECT_TRUE(summary->valid()) << f["fileUniqueId"].GetString();
    ASSERT_FALSE(summary->signatures.empty());
    EXPECT_TRUE(summary->signatures.front().time_stamp.has_value());
    Answer verified = call("genFileVerify", R"({"fileName":"x","fileBase64":")" +
                                                std::string(f["fileB64"].GetString()) + "\"}");
    ASSERT_TRUE(verified.ok()) << verified.code << " " << verified.msg;
    EXPECT_EQ(verified.field("verifyStatus"), "true");
    const auto& item = (*verified.data)["verifyList"][0];
    EXPECT_STREQ(item["status"].GetString(), "true");
    EXPECT_STREQ(item["sealType"].GetString(), "1");
    EXPECT_STREQ(item["organizationCode"].GetString(), kCreditCode);
    EXPECT_STREQ(item["sealUnit"].GetString(), "深圳市演示科技有限公司");
    EXPECT_STREQ(item["sigAlg"].GetString(), "SM2");
    EXPECT_STRNE(item["timeStamp"].GetString(), "");
    EXPECT_STRNE(item["sealNotAfter"].GetString(), "");
  }
  // Composing again answers the same documents; a file id nobody held is T000017.
  EXPECT_TRUE(call("genDetachedFile",
                   with_grant(R"(,"signTaskId":")" + task_id +
                              R"(","sealDataList":[{"sealType":"1","fileUniqueId":"pdf-1"}])"))
                  .ok());
  EXPECT_EQ(call("genDetachedFile", with_grant(R"(,"signTaskId":")" + task_id +
                                               R"(","sealDataList":[{"fileUniqueId":"nobody"}])"))
                .code,
            "T000017");
}

// A request resent as it was (its node killed before it answered, or its answer lost on the
// way) is answered as the first one was, on any node, and does nothing twice: one sign task.
TEST_F(SzTest, ARequestResentAsItWasIsAnsweredAsTheFirstWas) {
  std::string body = *build_request(keys(), uuid(), with_grant(R"(,"scene":"01")", false));
  Answer first = read(post("genGetLoginQRCode", body), keys());
  ASSERT_TRUE(first.ok()) << first.msg;
  auto rows = world_.store().audit().list(0, 100000)->size();
  Answer again = read(post("genGetLoginQRCode", body), keys());
  ASSERT_TRUE(again.ok()) << again.msg;
  EXPECT_EQ(again.field("signTaskId"), first.field("signTaskId"));
  EXPECT_EQ(again.field("qrCode"), first.field("qrCode"));
  // Nothing but the retry's own row was written.
  auto audit = world_.store().audit().list(0, 100000);
  ASSERT_EQ(audit->size(), rows + 1);
  EXPECT_EQ(audit->back().entry.operation, "genGetLoginQRCode");
  EXPECT_EQ(audit->back().entry.detail, "retry: answered as before");
  // A refusal is answered again as it was.
  std::string bad = *build_request(keys(), uuid(), with_grant(R"(,"scene":"09")", false));
  Answer refused = read(post("genGetLoginQRCode", bad), keys());
  EXPECT_FALSE(refused.ok());
  Answer refused_again = read(post("genGetLoginQRCode", bad), keys());
  EXPECT_EQ(refused_again.code, refused.code);
  EXPECT_EQ(refused_again.msg, refused.msg);
}

TEST_F(SzTest, ALoginIsASignedStatementAndCanBeCancelled) {
  Answer task = call("genGetLoginQRCode", with_grant(R"(,"scene":"01")", false));
  ASSERT_TRUE(task.ok()) << task.msg;
  std::string status_request =
      with_grant(R"(,"signTaskId":")" + task.field("signTaskId") + "\"", false);
  mobile::Phone phone(wallet_);
  mobile::Account account = holder_.account;
  ASSERT_TRUE(phone.cancel(account, task.field("qrCode"), "不是我").ok());
  EXPECT_EQ(call("genGetScanStatusById", status_request).field("scanStatus"), "3");
  EXPECT_EQ(call("genGetTaskResult", status_request).code, "T000029");

  Answer login = call("genGetLoginQRCode", with_grant(R"(,"scene":"01")", false));
  auto confirmed = phone.confirm(account, login.field("qrCode"), kPin);
  ASSERT_TRUE(confirmed.ok()) << confirmed.error().message;
  Answer result = call("genGetTaskResult",
                       with_grant(R"(,"signTaskId":")" + login.field("signTaskId") + "\"", false));
  ASSERT_TRUE(result.ok()) << result.msg;
  EXPECT_EQ(result.field("organizationName"), "深圳市演示科技有限公司");
  EXPECT_EQ(result.field("sealType"), "1|2|4");
  // The signature value verifies under the phone's certificate over the statement it signed.
  auto cert = pki::Certificate::parse(holder_.account.certificate);
  auto job =
      world_.jobs().find_group(service::Caller{"sz", app_id_, kSystemId, {"*"}},
                               *grants_->task_secret(grant_, login.field("signTaskId")), now_utc());
  ASSERT_TRUE(job.ok());
  auto key = cert->public_key();
  EXPECT_TRUE(
      crypto::sm2_verify(*key, job->front().data, *crypto::from_base64(result.field("signValue")))
          .ok());
  // Scene 04 is a USB key's login (which wants the key's mediaNo); 05, the server's crypto
  // device, logs nobody in.
  EXPECT_EQ(call("genGetLoginQRCode", with_grant(R"(,"scene":"04")", false)).code, "T000001");
  EXPECT_EQ(call("genGetLoginQRCode", with_grant(R"(,"scene":"05")", false)).code, "T000001");
  EXPECT_EQ(call("genGetLoginQRCode", with_grant(R"(,"scene":"04","searchType":"01")", false)).code,
            "T000001");
  EXPECT_EQ(call("genGetScanStatusById", with_grant(R"(,"signTaskId":"12345")", false)).code,
            "T000029");
}

TEST_F(SzTest, AnExpiredTaskSaysSo) {
  Answer task = call("genGetLoginQRCode", with_grant("", false));
  ASSERT_TRUE(task.ok());
  std::string content = with_grant(R"(,"signTaskId":")" + task.field("signTaskId") + "\"", false);
  Time later = now_utc() + std::chrono::minutes(11);
  Outcome out = adapter_->handle("genGetScanStatusById", *build_request(keys(), uuid(), content),
                                 later, world_.url());
  Answer a = read(out.body, keys());
  EXPECT_EQ(a.field("scanStatus"), "2");
  out = adapter_->handle("genGetTaskResult", *build_request(keys(), uuid(), content), later,
                         world_.url());
  EXPECT_EQ(read(out.body, keys()).code, "T000007");
}

TEST_F(SzTest, FileHashRefusesWhatItCannotDo) {
  Bytes pdf = eseal::test::blank_pdf(1);
  std::string one = entry(pdf, rectangle(), "a");
  std::string batch;
  for (int i = 0; i < 31; ++i)
    batch += (i ? "," : "") + entry(pdf, rectangle(), "f" + std::to_string(i));
  EXPECT_EQ(file_hash(batch).code, "T000001");
  EXPECT_EQ(file_hash(one + "," + entry(pdf, rectangle(), "b", "2")).code, "T000018");
  EXPECT_EQ(file_hash(entry(text_ofd("没有关键字"),
                            R"("ruleType":"KEYWORD","keyWordRule":{"keyword":"甲方"})", "k"))
                .code,
            "T000021");
  EXPECT_EQ(
      file_hash(
          entry(
              pdf,
              R"("ruleType":"RECTANGLE","rectangleRule":{"page":"3","left":"1","bottom":"1","right":"100","top":"100"})",
              "p"))
          .code,
      "T000023");
  EXPECT_EQ(file_hash(entry(as_bytes(std::string("%PDF-1.7 broken")), rectangle(), "d")).code,
            "T000012");
  EXPECT_EQ(file_hash(entry(as_bytes(std::string("not a document")), rectangle(), "u")).code,
            "T000035");
  EXPECT_EQ(file_hash(one, R"(,"searchType":"02")").code, "T000001");  // no mediaNo
  EXPECT_EQ(call("genCalculateFileHash", with_grant(R"(,"scene":"01","sealDataList":[)" + one +
                                                    "," + entry(pdf, rectangle(), "c") + "]"))
                .code,
            "T000001");
  ASSERT_TRUE(
      world_.store().seals().set_status(seal_ids_[2], store::SealStatus::kFrozen, now_utc(),
                                        {now_utc(), "test", "seal.status", seal_ids_[2], "", ""}));
  EXPECT_EQ(file_hash(entry(pdf, rectangle(), "fz", "2")).code, "T000047");
  ASSERT_TRUE(
      world_.store().seals().set_status(seal_ids_[2], store::SealStatus::kRevoked, now_utc(),
                                        {now_utc(), "test", "seal.status", seal_ids_[2], "", ""}));
  EXPECT_EQ(file_hash(entry(pdf, rectangle(), "rv", "2")).code, "T000048");
  EXPECT_EQ(file_hash(entry(pdf, rectangle(), "none", "3")).code, "T000004");
  ASSERT_TRUE(file_hash(one).ok());
  // A signature value that is not the holder's over the digest is T000024.
  EXPECT_EQ(call("genDetachedFile", with_grant(R"(,"signValue":")" + b64(Bytes(64, 1)) +
                                               R"(","sealDataList":[{"fileUniqueId":"a"}])"))
                .code,
            "T000024");
  // Held for a day: composing after it is T000007.
  std::string later_content =
      with_grant(R"(,"signValue":"AAAA","sealDataList":[{"fileUniqueId":"a"}])");
  Outcome out = adapter_->handle("genDetachedFile", *build_request(keys(), uuid(), later_content),
                                 now_utc() + std::chrono::hours(25), world_.url());
  EXPECT_EQ(read(out.body, keys()).code, "T000007");
}

// searchType 03: the organization's seal whose key is on the server's crypto device (eseal's
// software SDF device, loaded by path as a vendor's would be); genDetachedFile without a
// signature value has the device sign the digests (GENSIGN-04).
TEST_F(SzTest, TheServersCryptoDeviceSignsWithSearchType03) {
  eseal::test::TempDir device_dir;
  ::setenv("ESEAL_SOFTSDF_DIR", device_dir.path().c_str(), 1);
  auto device = std::make_shared<service::DeviceKeys>(
      service::DeviceKeySettings{ESEAL_SOFTSDF_PATH, "device-password"});
  auto opened = device->device();
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto key = (*opened)->make_key_pair(5, "device-password");
  ASSERT_TRUE(key.ok()) << key.error().message;

  auto registered = org_seal(*key, "C=CN,O=某单位,CN=财务章", "TEST-DEVICE-SEAL", 2,
                             service::SealDeviceKey{*device, 5});
  ASSERT_TRUE(registered.ok()) << registered.error().message;

  // Large enough that genDetachedFile's answer is too large to keep with its reqId.
  Bytes pdf =
      eseal::test::blank_pdf(1, "0 0 1 rg 72 72 144 144 re f\n%" + std::string(100 << 10, 'x'));
  // Type 1's seal signs on the phone only: 03 finds no device seal for it.
  EXPECT_EQ(file_hash(entry(pdf, rectangle(), "dev-1", "1"), R"(,"searchType":"03")").code,
            "T000037");
  Answer hashes = file_hash(entry(pdf, rectangle(), "dev-2", "2"), R"(,"searchType":"03")");
  ASSERT_TRUE(hashes.ok()) << hashes.code << " " << hashes.msg;

  // Without the device configured, the server cannot sign: T000037 naming it.
  std::string compose =
      with_grant(R"(,"scene":"03","sealDataList":[{"sealType":"2","fileUniqueId":"dev-2"}])");
  EXPECT_EQ(call("genDetachedFile", compose).code, "T000037");
  world_.platform().use_device_keys(device);
  std::string sent = *build_request(keys(), uuid(), compose);
  Answer files = read(post("genDetachedFile", sent), keys());
  ASSERT_TRUE(files.ok()) << files.code << " " << files.msg;
  // Resent as it was, it is done again (its answer was not kept) and answers the same file,
  // archived once.
  auto archived = world_.store().documents().list(0, 1000)->size();
  Answer again = read(post("genDetachedFile", sent), keys());
  ASSERT_TRUE(again.ok()) << again.code << " " << again.msg;
  EXPECT_STREQ((*again.data)["fileList"][0]["fileB64"].GetString(),
               (*files.data)["fileList"][0]["fileB64"].GetString());
  EXPECT_EQ(world_.store().documents().list(0, 1000)->size(), archived);
  EXPECT_EQ(world_.store().audit().list(0, 100000)->back().entry.detail,
            "T000000 操作成功 (retry, done again)");
  Bytes signed_file = *crypto::from_base64((*files.data)["fileList"][0]["fileB64"].GetString());
  auto summary = service::verify(signed_file, world_.platform().trust(), now_utc());
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->valid());
  ASSERT_EQ(summary->signatures.size(), 1u);
  EXPECT_EQ(summary->signatures.front().seal_id, "TEST-DEVICE-SEAL");
  world_.platform().use_device_keys(nullptr);
  ::unsetenv("ESEAL_SOFTSDF_DIR");
}

// searchType 02: the organization's seal whose certificate is a USB key's (mediaNo, its serial);
// the key signs the digest on the client (GENSIGN-03, here eseal's software USB key through the
// SKF driver) and genDetachedFile takes its signValue.
TEST_F(SzTest, AUsbKeySignsTheDigestWithSearchType02) {
  eseal::test::TempDir key_dir;
  UsbKey usb = make_usb_key(key_dir, "ukey1");
  ASSERT_TRUE(usb.app) << "no software USB key";
  auto& app = usb.app;
  auto& key = usb.key;

  auto registered = org_seal(*key, "C=CN,O=某单位,CN=USBKey章", "TEST-USBKEY-SEAL", 3, {});
  ASSERT_TRUE(registered.ok()) << registered.error().message;

  Bytes pdf = eseal::test::blank_pdf(1);
  std::string serial = registered->serial_hex();
  EXPECT_EQ(
      file_hash(entry(pdf, rectangle(), "uk-0", "3"), R"(,"searchType":"02","mediaNo":"0FF")").code,
      "T000004");
  // The serial in lower case with a leading zero names the same certificate.
  std::string lower = "0" + serial;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  Answer hashes = file_hash(entry(pdf, rectangle(), "uk-1", "3"),
                            R"(,"searchType":"02","ukeyNo":"ukey1","mediaNo":")" + lower + "\"");
  ASSERT_TRUE(hashes.ok()) << hashes.code << " " << hashes.msg;
  Bytes digest = *crypto::from_base64((*hashes.data)["fileHashList"][0]["fileHash"].GetString());
  auto signature = app->sign_digest("ESEAL", digest);
  ASSERT_TRUE(signature.ok()) << signature.error().message;

  Answer files =
      call("genDetachedFile", with_grant(R"(,"scene":"03","signValue":")" + b64(*signature) +
                                         R"(","sealDataList":[{"fileUniqueId":"uk-1"}])"));
  ASSERT_TRUE(files.ok()) << files.code << " " << files.msg;
  auto summary =
      service::verify(*crypto::from_base64((*files.data)["fileList"][0]["fileB64"].GetString()),
                      world_.platform().trust(), now_utc());
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->valid());
  EXPECT_EQ(summary->signatures.front().seal_id, "TEST-USBKEY-SEAL");
  EXPECT_EQ(summary->signatures.front().signer, "C=CN,O=某单位,CN=USBKey章");
  ::unsetenv("ESEAL_SOFTSKF_DIR");
}

// LOGIN-04: the organization's USB key signs the statement genGetLoginQRCode gives out; the
// login is who the key's certificate names, for the organization of the grant.
TEST_F(SzTest, AUsbKeyLogsInBySigningTheStatement) {
  eseal::test::TempDir key_dir;
  UsbKey usb = make_usb_key(key_dir, "ukey2");
  ASSERT_TRUE(usb.app) << "no software USB key";
  auto& app = usb.app;
  auto& key = usb.key;
  auto registered = org_seal(*key, "C=CN,O=某单位,CN=王五", "TEST-USBKEY-LOGIN", 2, {});
  ASSERT_TRUE(registered.ok()) << registered.error().message;

  EXPECT_EQ(call("genGetLoginQRCode", with_grant(R"(,"scene":"01","searchType":"02")")).code,
            "T000001");
  EXPECT_EQ(
      call("genGetLoginQRCode", with_grant(R"(,"scene":"01","searchType":"02","mediaNo":"0FF")"))
          .code,
      "T000004");
  Answer asked =
      call("genGetLoginQRCode", with_grant(R"(,"scene":"01","searchType":"02","mediaNo":")" +
                                           registered->serial_hex() + "\""));
  ASSERT_TRUE(asked.ok()) << asked.code << " " << asked.msg;
  std::string task = asked.field("signTaskId");
  std::string statement = to_string(*crypto::from_base64(asked.field("signData")));
  EXPECT_NE(statement.find("登录确认"), std::string::npos) << statement;
  EXPECT_NE(statement.find(task), std::string::npos) << statement;
  std::string by_task = R"(,"signTaskId":")" + task + "\"";
  EXPECT_EQ(call("genGetScanStatusById", with_grant(by_task)).field("scanStatus"), "0");
  EXPECT_EQ(call("genGetTaskResult", with_grant(by_task)).code, "T000029");

  // The key signs SM3(Z || statement) inside; another statement's signature is refused.
  auto z_digest = crypto::sm2_signing_digest(*key, as_bytes(statement));
  ASSERT_TRUE(z_digest.ok());
  auto signature = app->sign_digest("ESEAL", *z_digest);
  ASSERT_TRUE(signature.ok()) << signature.error().message;
  auto other = app->sign_digest("ESEAL", *crypto::sm2_signing_digest(*key, as_bytes("别的")));
  EXPECT_EQ(
      call("genGetTaskResult", with_grant(by_task + R"(,"signValue":")" + b64(*other) + "\"")).code,
      "T000024");
  Answer result =
      call("genGetTaskResult", with_grant(by_task + R"(,"signValue":")" + b64(*signature) + "\""));
  ASSERT_TRUE(result.ok()) << result.code << " " << result.msg;
  EXPECT_EQ(result.field("name"), "王五");
  EXPECT_EQ(result.field("sealType"), "2");
  EXPECT_EQ(result.field("isLegalPerson"), "-1");
  EXPECT_FALSE(result.field("organizationName").empty());
  EXPECT_EQ(call("genGetScanStatusById", with_grant(by_task)).field("scanStatus"), "1");
  // Asked again, the login answers as it was, without a signature.
  EXPECT_EQ(call("genGetTaskResult", with_grant(by_task)).field("signValue"),
            result.field("signValue"));
  ::unsetenv("ESEAL_SOFTSKF_DIR");
}

TEST_F(SzTest, VerifyAnswersTheMostSpecificCode) {
  EXPECT_EQ(call("genFileVerify", R"({"fileName":"x","fileBase64":""})").code, "T000043");
  EXPECT_EQ(call("genFileVerify",
                 R"({"fileName":"x","fileBase64":")" + b64(eseal::test::blank_pdf(1)) + "\"}")
                .code,
            "T000042");
  EXPECT_EQ(call("genFileVerify", R"({"fileName":"x","fileBase64":")" +
                                      b64(as_bytes(std::string("plain text"))) + "\"}")
                .code,
            "T000035");
}

TEST_F(SzTest, RecognizeSealReadsTheRegistry) {
  const auto& p = eseal::test::parties();
  Answer ok = call("genRecognizeRegionalsSeal", R"({"gbSealData":")" + b64(p.seal.encoded) + "\"}");
  ASSERT_TRUE(ok.ok()) << ok.code << " " << ok.msg;
  EXPECT_EQ(ok.field("sealCode"), p.seal.info.es_id);
  EXPECT_EQ(ok.field("sealStatus"), "0");
  EXPECT_EQ(ok.field("sealType"), std::to_string(p.seal.info.type));
  ASSERT_TRUE(
      world_.store().seals().set_status(server_seal_, store::SealStatus::kFrozen, now_utc(),
                                        {now_utc(), "test", "seal.status", server_seal_, "", ""}));
  Answer frozen =
      call("genRecognizeRegionalsSeal", R"({"gbSealData":")" + b64(p.seal.encoded) + "\"}");
  EXPECT_EQ(frozen.code, "T000047");
  EXPECT_EQ(frozen.field("sealStatus"), "1");
  // A seal nobody registered, one made by an unknown maker, and bytes that are no seal.
  ses::SealInfo info = p.seal.info;
  info.es_id = "NOT-FILED-1";
  auto unfiled = ses::make_seal(info, p.maker.cert, p.maker.key);
  EXPECT_EQ(
      call("genRecognizeRegionalsSeal", R"({"gbSealData":")" + b64(unfiled->encoded) + "\"}").code,
      "T000049");
  auto stranger =
      pki::test::issue(pki::CertificateProfile::kSealMaker, "C=CN,CN=无名制章者", nullptr);
  auto foreign = ses::make_seal(info, stranger.cert, stranger.key);
  EXPECT_EQ(
      call("genRecognizeRegionalsSeal", R"({"gbSealData":")" + b64(foreign->encoded) + "\"}").code,
      "T000053");
  EXPECT_EQ(call("genRecognizeRegionalsSeal", R"({"gbSealData":"AAAA"})").code, "T000041");
  EXPECT_EQ(call("genRecognizeRegionalsSeal", R"({"gbSealData":""})").code, "T000043");
  // Expired and not yet valid.
  ses::SealInfo old = p.seal.info;
  old.es_id = "OLD-1";
  old.valid_start = now_utc() - std::chrono::hours(48);
  old.valid_end = now_utc() - std::chrono::hours(24);
  auto expired = ses::make_seal(old, p.maker.cert, p.maker.key);
  EXPECT_EQ(
      call("genRecognizeRegionalsSeal", R"({"gbSealData":")" + b64(expired->encoded) + "\"}").code,
      "T000050");
  ses::SealInfo early = p.seal.info;
  early.es_id = "EARLY-1";
  early.valid_start = now_utc() + std::chrono::hours(24);
  early.valid_end = now_utc() + std::chrono::hours(48);
  auto not_yet = ses::make_seal(early, p.maker.cert, p.maker.key);
  EXPECT_EQ(
      call("genRecognizeRegionalsSeal", R"({"gbSealData":")" + b64(not_yet->encoded) + "\"}").code,
      "T000051");
}

// A centralized signature whose node died after archiving its document and before answering
// (so its reqId was not recorded): the request resent as it was answers that document, with its
// verification code, and archives no second one.
TEST_F(SzTest, ACentralizedSignatureRetriedAfterItsNodeDiedAnswersTheDocumentItArchived) {
  std::string body = *build_request(
      keys(), uuid(),
      R"({"outUserId":"1","signatoriesList":[{"x":0.3,"y":0.3,"page":1,"sealId":")" + server_seal_ +
          R"("}],"orderId":"DIED-1","verifyCode":"TRUE","fileBase64":")" +
          b64(eseal::test::blank_pdf(1)) + "\"}");
  auto sent = api::parse_json(body);
  std::string key =
      request_digest("genCentralizedSignature", (*sent.document)["bsign"].GetString());
  Bytes archived = eseal::test::blank_pdf(2);
  auto code = service::new_verification_code("http://127.0.0.1");
  service::Caller app = world_.platform().sz(keys().app_key)->caller;
  ASSERT_TRUE(world_.platform()
                  .record(app, "DIED-1", archived, "genCentralizedSignature", now_utc(), code->code,
                          key, {})
                  .ok());

  Answer retried = read(post("genCentralizedSignature", body), keys());
  ASSERT_TRUE(retried.ok()) << retried.code << " " << retried.msg;
  EXPECT_EQ(retried.field("verifyCode"), code->code);
  Answer down =
      call("genFileDownload", R"({"documentPath":")" + retried.field("layoutPath") + "\"}");
  ASSERT_TRUE(down.ok()) << down.msg;
  EXPECT_EQ(*crypto::from_base64(down.field("fileBase64")), archived);
  auto documents = world_.store().documents().list(0, 1000);
  EXPECT_EQ(std::count_if(documents->begin(), documents->end(),
                          [](const auto& d) { return d.biznum == "DIED-1"; }),
            1);
}

TEST_F(SzTest, CentralizedSigningStoresUploadsSignsAndDownloads) {
  Bytes pdf = eseal::test::blank_pdf(1);
  Answer up = call("genFileUplode", R"({"userId":"ex89nf0kt0l4q2s8s5fj1g","fileBase64":[{"0":")" +
                                        b64(pdf) + R"("}],"fileType":"1"})");
  ASSERT_TRUE(up.ok()) << up.code << " " << up.msg;
  std::string path = up.field("layoutPath");
  EXPECT_TRUE(path.starts_with("sz/"));
  Answer signed_path = call(
      "genCentralizedSignature",
      R"({"outUserId":"999999","title":"证照测试","siteId":100,"signatoriesList":[{"x":0.3,"y":0.3,"page":1,"sealId":")" +
          server_seal_ + R"("}],"orderId":"B8B7","documentPath":")" + path + "\"}");
  ASSERT_TRUE(signed_path.ok()) << signed_path.code << " " << signed_path.msg;
  Answer down = call("genFileDownload", R"({"documentPath":")" + signed_path.field("layoutPath") +
                                            R"(","siteId":"10000"})");
  ASSERT_TRUE(down.ok()) << down.msg;
  auto summary = service::verify(*crypto::from_base64(down.field("fileBase64")),
                                 world_.platform().trust(), now_utc());
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->valid());
  // By fileBase64 too, on an OFD, with eseal's own verifyCode: the code's record is the
  // signed document, which carries the code's annotation.
  Answer ofd = call("genCentralizedSignature",
                    R"({"outUserId":"1","signatoriesList":[{"x":40,"y":60,"page":1,"sealId":")" +
                        server_seal_ + R"("}],"orderId":"o2","verifyCode":"TRUE","fileBase64":")" +
                        b64(text_ofd("文件")) + "\"}");
  ASSERT_TRUE(ofd.ok()) << ofd.msg;
  EXPECT_TRUE(ofd.field("layoutPath").ends_with(".ofd"));
  auto coded = world_.store().documents().find_by_code(ofd.field("verifyCode"));
  ASSERT_TRUE(coded.ok()) << ofd.field("verifyCode");
  auto coded_ofd = world_.store().blobs().get(coded->blob_sm3);
  ASSERT_TRUE(coded_ofd.ok());
  EXPECT_TRUE(ofd::Package::open(*coded_ofd)->contains("Doc_0/Annots/Page_0/CodeAnnotation.xml"));
  EXPECT_TRUE(service::verify(*coded_ofd, world_.platform().trust(), now_utc())->valid());
  EXPECT_EQ(call("genCentralizedSignature",
                 R"({"signatoriesList":[{"x":40,"y":60,"page":1,"sealId":")" + server_seal_ +
                     R"("}],"verifyCode":"maybe","fileBase64":")" + b64(pdf) + "\"}")
                .code,
            "T000001");
  // Pictures become PDF (the seal's own picture is a PNG).
  Answer picture = call("genFileUplode", R"({"userId":"u","fileBase64":[")" +
                                             b64(eseal::test::parties().seal.info.picture.data) +
                                             R"("],"fileType":"3"})");
  ASSERT_TRUE(picture.ok()) << picture.code << " " << picture.msg;
  EXPECT_TRUE(picture.field("layoutPath").ends_with(".pdf"));
  // Paths of nobody, and bad requests.
  EXPECT_EQ(call("genFileDownload",
                 R"({"documentPath":"sz/2026/01/01/0123456789abcdef0123456789abcdef.pdf"})")
                .code,
            "T000052");
  EXPECT_EQ(call("genCentralizedSignature",
                 R"({"signatoriesList":[{"x":0.3,"y":0.3,"page":1,"sealId":")" + server_seal_ +
                     R"("}],"documentPath":"sz/x.pdf"})")
                .code,
            "T000017");
  EXPECT_EQ(call("genCentralizedSignature",
                 R"({"signatoriesList":[{"x":0.3,"y":0.3,"page":5,"sealId":")" + server_seal_ +
                     R"("}],"fileBase64":")" + b64(pdf) + "\"}")
                .code,
            "T000023");
  EXPECT_EQ(
      call("genFileUplode", R"({"userId":"u","fileBase64":[")" + b64(pdf) + R"("],"fileType":"9"})")
          .code,
      "T000035");
}

// Another app with its own DB4403 credentials and grant: nothing of the first app's is its.
TEST_F(SzTest, AnotherAppReachesNothingOfThisOnes) {
  auto other = *store::AppSecrets::generate(false, true);
  store::App app;
  app.id = *store::new_id();
  app.syscode = "OTHER-SYSTEM";
  app.name = "另一个第三方系统";
  app.scopes = {"*"};
  app.created = app.rotated = now_utc();
  ASSERT_TRUE(
      world_.store().apps().add(app, other, {now_utc(), "cli:test", "app.add", "", "", ""}));
  Keys theirs{other.sz_app_key, Bytes(other.sz_sm4_key.begin(), other.sz_sm4_key.end()),
              Bytes(other.sz_mac_key.begin(), other.sz_mac_key.end())};
  auto as_other = [&](const std::string& function, const std::string& content) {
    return read(post(function, *build_request(theirs, uuid(), content)), theirs);
  };
  // Our grantCode, with their systemID.
  std::string ours = R"({"grantCode":")" + grant_code_ +
                     R"(","systemID":"OTHER-SYSTEM","organizationCode":")" + kCreditCode +
                     R"(","sealType":"1"})";
  EXPECT_EQ(as_other("genGetSealInfoList", ours).code, "T000006");
  // Our stored file, held file and server seal.
  Bytes pdf = eseal::test::blank_pdf(1);
  Answer up = call("genFileUplode", R"({"userId":"u","fileBase64":[")" + b64(pdf) + R"("]})");
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(
      as_other("genFileDownload", R"({"documentPath":")" + up.field("layoutPath") + "\"}").code,
      "T000052");
  EXPECT_EQ(as_other("genCentralizedSignature",
                     R"({"signatoriesList":[{"x":0.3,"y":0.3,"page":1,"sealId":")" + server_seal_ +
                         R"("}],"documentPath":")" + up.field("layoutPath") + "\"}")
                .code,
            "T000017");
  EXPECT_EQ(as_other("genCentralizedSignature",
                     R"({"signatoriesList":[{"x":0.3,"y":0.3,"page":1,"sealId":")" + server_seal_ +
                         R"("}],"fileBase64":")" + b64(pdf) + "\"}")
                .code,
            "T000003");
  ASSERT_TRUE(file_hash(entry(pdf, rectangle(), "ours")).ok());
  auto their_grant =
      grants_->add({app.id, org_id_, holder_.user_id, false, std::nullopt}, now_utc(), "cli:test");
  ASSERT_TRUE(their_grant.ok());
  std::string theirs_grant = R"({"grantCode":")" + their_grant->second +
                             R"(","systemID":"OTHER-SYSTEM","organizationCode":")" + kCreditCode;
  EXPECT_EQ(as_other("genDetachedFile", theirs_grant + R"(","signValue":")" + b64(Bytes(64, 1)) +
                                            R"(","sealDataList":[{"fileUniqueId":"ours"}]})")
                .code,
            "T000017");
  // Our task, through their grant.
  Answer task = call("genGetLoginQRCode", with_grant("", false));
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(as_other("genGetScanStatusById",
                     theirs_grant + R"(","signTaskId":")" + task.field("signTaskId") + "\"}")
                .code,
            "T000029");
}

TEST_F(SzTest, OnlyDigestsLaidOutHereAreSentToThePhone) {
  std::string stranger = b64(crypto::sm3(as_bytes(std::string("anything"))));
  EXPECT_EQ(call("genGetLoginQRCode", with_grant(R"(,"data":")" + stranger + "\"", false)).code,
            "T000001");
  std::string deep(100000, '[');
  EXPECT_EQ(call("genGetLoginQRCode", with_grant(R"(,"data":")" + deep + "\"", false)).code,
            "T000001");
  // A grant without a holder cannot open a task: whoever confirmed would pass for the
  // organization's.
  auto anyone = grants_->add({app_id_, org_id_, "", false, std::nullopt}, now_utc(), "cli:test");
  ASSERT_TRUE(anyone.ok());
  std::string content =
      R"({"grantCode":")" + anyone->second + R"(","systemID":")" + kSystemId + R"(","scene":"01"})";
  EXPECT_EQ(call("genGetLoginQRCode", content).code, "T000045");
  // Nor can it vouch for a legal representative's mark.
  std::string mark = R"({"grantCode":")" + anyone->second + R"(","systemID":")" + kSystemId +
                     R"(","organizationCode":")" + kCreditCode +
                     R"(","sealType":"1","idCardMark":"00ff"})";
  EXPECT_EQ(call("genGetSealInfoList", mark).code, "T000045");
}

// §9.2.2's example: one file at the top level, its rules in ruleInfo.
TEST_F(SzTest, OneFileAtTheTopLevelIsABatchOfOne) {
  Answer a = call(
      "genCalculateFileHash",
      with_grant(
          R"(,"scene":"01","fileStr":")" + b64(eseal::test::blank_pdf(2)) +
          R"(","sealType":"1","ruleInfo":[{"version":"01","ruleType":"RECTANGLE",)"
          R"("rectangleRule":[{"page":"1","left":"300","bottom":"100","right":"450","top":"250"}],)"
          R"("acrossRule":[{"position":"LEFT","signAllPages":"FALSE"}]}],"searchType":" 01 ")"));
  ASSERT_TRUE(a.ok()) << a.code << " " << a.msg;
  EXPECT_EQ((*a.data)["fileHashList"].Size(), 1u);
}

}  // namespace
}  // namespace eseal::api::sz
