// COSS signing over real HTTP: a phone (mobile/phone.h, the library eseal-mobile runs on)
// activates from the QR payload of getAuthCode, its certificate comes from the user CA after a
// co-signed request, and DATA and HASH jobs added by the business system are signed from the
// phone; the results verify as ordinary SM2 signatures under the certificate. Each refusal has
// its chapter-4 code: limits of addSignJob, revoked, refused and expired jobs, a replayed or
// forged signComplete, a deleted device; wrong PINs stay on the phone; callbacks are signed
// with the app's secureCode and retried from the database.
#include <gtest/gtest.h>

#include <functional>
#include <mutex>

#include "api/coss/wording.h"
#include "base/file.h"
#include "cosign/two_party.h"
#include "coss_world.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "crypto/sm2_cipher.h"
#include "mobile/phone.h"
#include "pki/request.h"
#include "pki/verify.h"
#include "service/verification.h"
#include "support/blank_pdf.h"

namespace eseal::api::coss {
namespace {

using test::data_field;
using test::message_in;
using test::status_of;
using test::World;

using test::Enrolled;
using test::kPin;
using test::kUser;

// A business system's listener on a loopback port (a callback receiver, an SMS gateway): keeps
// every body POSTed to /in and answers each with the status `answer` gives for its attempt
// (1, 2, …).
class Receiver {
 public:
  explicit Receiver(std::function<int(int)> answer) : server_(options()) {
    server_.route("POST", "/in", [this, answer](const api::Request& request) {
      std::lock_guard lock(mutex_);
      bodies_.push_back(request.body);
      return Response::json(answer(static_cast<int>(bodies_.size())),
                            R"({"status":200,"message":"SUCCESS"})");
    });
    EXPECT_TRUE(server_.start());
  }
  ~Receiver() { stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/in"; }
  // Every body received, in order (answered 2xx or not).
  std::vector<std::string> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  void stop() {
    if (stopped_) return;
    stopped_ = true;
    server_.stop();
    server_.wait();
  }

 private:
  static ServerOptions options() {
    ServerOptions o;
    o.port = 0;
    return o;
  }
  Server server_;
  std::mutex mutex_;
  std::vector<std::string> bodies_;
  bool stopped_ = false;
};

Result<int> post(const std::string& url, const std::string& body) {
  return post_json(url, body, std::chrono::seconds(5));
}

class CossSigningTest : public test::PhoneTest {};

TEST_F(CossSigningTest, APhoneActivatesFromTheQrPayloadAndGetsACertificateForTheJointKey) {
  Enrolled e = enrol();
  ASSERT_FALSE(e.account.certificate.empty());
  EXPECT_EQ(e.account.mssp_id, e.user_id);
  auto cert = pki::Certificate::parse(e.account.certificate);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->public_key()->point(), e.account.p);
  EXPECT_EQ(cert->subject().get("CN"), "张三");
  EXPECT_TRUE(cert->signed_by(*world_.user_ca().public_key()));
  // The server keeps only its share: the key is ACTIVE with the same certificate.
  auto key = world_.keys().key(e.account.key_id);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->state, "ACTIVE");
  EXPECT_EQ(key->certificate, e.account.certificate);
  // The device is listed for the business system.
  auto devices = world_.call("getUserDevice", R"({"userId":")" + e.user_id + R"("})");
  ASSERT_EQ(status_of(devices), 200) << message_in(devices);
  ASSERT_EQ(devices["data"]["deviceInfos"].Size(), 1u);
  EXPECT_EQ(std::string(devices["data"]["deviceInfos"][0]["deviceName"].GetString()), "test phone");
  // The code was single use.
  auto code = world_.call("getAuthCode", R"({"userId":")" + e.user_id + R"("})");
  mobile::Phone phone(wallet_);
  std::string qr = data_field(code, "authCode");
  ASSERT_TRUE(phone.activate(qr, {"", "", "second", kPin}).ok());
  auto again = phone.activate(qr, {"", "", "third", kPin});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "89005001");
}

TEST_F(CossSigningTest, AShortPinIsRefusedBeforeTheCodeIsSpent) {
  auto added = world_.call("addUser", kUser);
  auto code = world_.call("getAuthCode", R"({"userId":")" + data_field(added, "userId") + "\"}");
  mobile::Phone phone(wallet_);
  auto refused = phone.activate(data_field(code, "authCode"), {"", "", "test phone", "123"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(phone.activate(data_field(code, "authCode"), {"", "", "test phone", kPin}).ok());
}

TEST_F(CossSigningTest, TheH5PageShowsAQrCodeAPhoneActivatesWith) {
  if (eseal::test::run_command("command -v zbarimg").exit_code != 0) {
    GTEST_SKIP() << "zbarimg (zbar-tools) is not installed";
  }
  auto added = world_.call("addUser", kUser);
  std::string user_id = data_field(added, "userId");
  auto page = world_.call_raw("getAuthCodeForH5Mini", R"({"userId":")" + user_id + R"("})");
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  ASSERT_EQ(page.body.rfind("<!DOCTYPE html>", 0), 0u) << page.body;
  const std::string marker = "data:image/png;base64,";
  auto at = page.body.find(marker);
  ASSERT_NE(at, std::string::npos);
  std::string b64 = page.body.substr(at + marker.size());
  b64 = b64.substr(0, b64.find('"'));
  eseal::test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "qr.png", *crypto::from_base64(b64)).ok());
  auto read = eseal::test::run_command("zbarimg --raw -q " + (dir.path() / "qr.png").string() +
                                       " 2>/dev/null | tail -n 1");
  std::string qr = read.output.substr(0, read.output.find_last_not_of('\n') + 1);
  mobile::Phone phone(wallet_);
  auto account = phone.activate(qr, {"", "", "scanned", kPin});
  ASSERT_TRUE(account.ok()) << account.error().message << " in " << qr;
  EXPECT_EQ(account->mssp_id, user_id);
  // A link to the same activation in the phone page, the payload percent-encoded.
  EXPECT_NE(page.body.find("/coss/h5/#qr=%7B%22id%22%3A%22APP_"), std::string::npos) << page.body;
  // Refusals stay JSON.
  auto refused = world_.call_raw("getAuthCodeForH5Mini", R"({"userId":"nobody"})");
  EXPECT_NE(refused.body.find("\"status\":89004022"), std::string::npos) << refused.body;
}

TEST_F(CossSigningTest, SmsActivationCodesWaitInTheOutboxWithoutAGateway) {
  auto added = world_.call("addUser", kUser);
  std::string user_id = data_field(added, "userId");
  auto sent = world_.call("getAuthCodeAndSendSMS", R"({"userId":")" + user_id + R"("})");
  ASSERT_EQ(status_of(sent), 200) << message_in(sent);
  EXPECT_EQ(message_in(sent), "短信激活码发送成功");
  std::string code = data_field(sent, "code");
  auto outbox = world_.sms().list({"OUTBOX"}, now_utc());
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ(outbox->front().mobile, "18745292611");
  EXPECT_NE(outbox->front().text.find("激活码为：" + code + "，有效期10分钟"), std::string::npos);
  // The code in the message activates a phone typed in (with the server, the appId and the
  // user's mobile number).
  mobile::Phone phone(wallet_);
  auto account =
      phone.activate(code, {world_.url(), world_.app_id(), "typed", kPin, false, "18745292611"});
  ASSERT_TRUE(account.ok()) << account.error().message;
  EXPECT_EQ(account->mssp_id, user_id);
  EXPECT_EQ(status_of(world_.call("getAuthCodeAndSendSMS", R"({"userId":"nobody"})")), 89004022);
}

TEST(CossSms, AGatewayGetsTheTemplateWithTheValuesEscapedAndItsRefusalIsRecorded) {
  Receiver gateway([](int attempt) { return attempt == 1 ? 200 : 503; });
  eseal::test::TempDir dir;
  auto store = store::open_store(dir.path(), keys::Kek(crypto::SecureBytes(32, 7)));
  ASSERT_TRUE(store.ok());
  service::SmsGateway where{gateway.url(), R"({"to":"{mobile}","msg":"{text}","sign":"eseal"})"};
  service::Sms sms(**store, where, post);
  service::Caller app{"coss", "", "APP_X", {"*"}};
  auto sent = sms.send(app, "18745292611", "激活码\"1a2b\"", now_utc());
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_EQ(sent->state, "SENT");
  auto refused = sms.send(app, "18745292611", "second", now_utc());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, service::kSmsNotSent);
  auto bodies = gateway.bodies();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0], R"({"to":"18745292611","msg":"激活码\"1a2b\"","sign":"eseal"})");
  auto failed = sms.list({"FAILED"}, now_utc());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ(failed->front().answer, "HTTP 503");
}

TEST_F(CossSigningTest, FiveWrongCodesRevokeTheActivationCode) {
  auto added = world_.call("addUser", kUser);
  std::string user_id = data_field(added, "userId");
  auto issued = world_.call("getAuthCode", R"({"userId":")" + user_id + R"("})");
  std::string code = data_field(issued, "code");
  mobile::Phone phone(wallet_);
  mobile::ActivateOptions typed{world_.url(), world_.app_id(), "typed", kPin, false, "18745292611"};
  // Another number's code, or none: refused, and not counted against this one.
  auto no_mobile = typed;
  no_mobile.mobile.clear();
  EXPECT_FALSE(phone.activate(code, no_mobile).ok());
  for (int i = 0; i < 5; ++i) {
    std::string wrong = code == "00000000" ? "11111111" : "00000000";
    auto refused = phone.activate(wrong, typed);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "89005001");
  }
  auto too_late = phone.activate(code, typed);
  ASSERT_FALSE(too_late.ok());
  EXPECT_EQ(too_late.error().code, "89005001");
  // A ticket counts the same way: its own code is then the only one it takes.
  auto again = world_.call("getAuthCode", R"({"userId":")" + user_id + R"("})");
  std::string qr = data_field(again, "authCode");
  EXPECT_TRUE(phone.activate(qr, {"", "", "scanned", kPin}).ok());
}

TEST_F(CossSigningTest, DataAndHashJobsSignedFromThePhoneVerifyUnderTheCertificate) {
  Enrolled e = enrol();
  mobile::Phone phone(wallet_);
  Bytes message = to_bytes("合同编号 2026-001：同意");
  std::string job = add_job(e.user_id, "DATA", message);
  auto pending = phone.jobs(e.account);
  ASSERT_TRUE(pending.ok()) << pending.error().message;
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().id, job);
  auto unsigned_result = world_.call("getSignResult", R"({"signDataId":")" + job + R"("})");
  EXPECT_EQ(data_field(unsigned_result, "jobStatus"), "UNSIGN");

  auto signed_job = phone.sign(e.account, job, kPin);
  ASSERT_TRUE(signed_job.ok()) << signed_job.error().message;
  auto result = world_.call("getSignResult", R"({"signDataId":")" + job + R"("})");
  ASSERT_EQ(status_of(result), 200) << message_in(result);
  EXPECT_EQ(data_field(result, "jobStatus"), "FINISH");
  EXPECT_EQ(data_field(result, "msspId"), e.user_id);
  auto sig = crypto::from_base64(data_field(result, "signResult"));
  auto cert = pki::Certificate::parse(*crypto::from_base64(data_field(result, "signCert")));
  ASSERT_TRUE(sig.ok() && cert.ok());
  EXPECT_TRUE(crypto::sm2_verify(*cert->public_key(), message, *sig).ok());
  // Signed once: the phone cannot sign it again.
  auto twice = phone.sign(e.account, job, kPin);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "89003009");

  // HASH: the business system's own e, signed as it is.
  Bytes e_value = *crypto::sm2_signing_digest(*cert->public_key(), as_bytes("另一份文件"));
  std::string hash_job = add_job(e.user_id, "HASH", e_value);
  ASSERT_TRUE(phone.sign(e.account, hash_job, kPin).ok());
  auto hash_result = world_.call("getSignResult", R"({"signDataId":")" + hash_job + R"("})");
  auto hash_sig = crypto::from_base64(data_field(hash_result, "signResult"));
  EXPECT_TRUE(crypto::sm2_verify_digest(*cert->public_key(), e_value, *hash_sig).ok());

  auto listed = world_.call("getSignJobOrAuthorizeJobs", R"({"userId":")" + e.user_id + R"("})");
  ASSERT_EQ(status_of(listed), 200) << message_in(listed);
  EXPECT_EQ(listed["data"]["totalNum"].GetInt64(), 2);
  EXPECT_EQ(std::string(listed["data"]["signList"][0]["status"].GetString()), "FINISH");
}

TEST_F(CossSigningTest, AWebSealJobGivesAPdfSealedWithTheUsersPersonalSealThatVerifies) {
  Enrolled e = enrol();
  Bytes pdf = eseal::test::blank_pdf(2);
  auto added = world_.call("addSignJob", R"({"userId":")" + e.user_id +
                                             R"(","title":"合同签署","dataType":"WEB_SEAL",
      "algo":"SM3withSM2","data":")" + crypto::to_base64(pdf) +
                                             R"(","coordOfRuleInfo":{"pageNo":2,"left":350,
      "bottom":200,"right":450,"top":300}})");
  ASSERT_EQ(status_of(added), 200) << message_in(added);
  std::string job = data_field(added, "signDataId");
  mobile::Phone phone(wallet_);
  auto shown = phone.show(e.account, job);
  ASSERT_TRUE(shown.ok()) << shown.error().message;
  EXPECT_EQ(shown->hash, crypto::sm3(pdf));
  auto done = phone.sign(e.account, job, kPin);
  ASSERT_TRUE(done.ok()) << done.error().message;
  auto result = world_.call("getSignResult", R"({"signDataId":")" + job + R"("})");
  ASSERT_EQ(data_field(result, "jobStatus"), "FINISH");
  auto sealed = crypto::from_base64(data_field(result, "signedFile"));
  ASSERT_TRUE(sealed.ok());
  std::vector<pki::Certificate> roots{world_.user_ca()};
  auto summary = service::verify(*sealed, {roots, {}, {}}, now_utc());
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  ASSERT_EQ(summary->signatures.size(), 1u);
  EXPECT_TRUE(summary->valid());
  // eseal's own verifyCode: the code is answered when the job is made, printed with the seal,
  // and the sealed PDF is kept with it once signed.
  auto coded = world_.call("addSignJob", R"({"userId":")" + e.user_id +
                                             R"(","title":"证明","dataType":"WEB_SEAL",
      "algo":"SM3withSM2","verifyCode":"1","data":")" +
                                             crypto::to_base64(pdf) +
                                             R"(","coordOfRuleInfo":{"pageNo":1,"left":350,
      "bottom":200,"right":450,"top":300}})");
  ASSERT_EQ(status_of(coded), 200) << message_in(coded);
  std::string code = data_field(coded, "verifyCode");
  EXPECT_EQ(code.size(), 16u);
  ASSERT_TRUE(phone.sign(e.account, data_field(coded, "signDataId"), kPin).ok());
  auto coded_result =
      world_.call("getSignResult", R"({"signDataId":")" + data_field(coded, "signDataId") + "\"}");
  auto kept = world_.store().documents().find_by_code(code);
  ASSERT_TRUE(kept.ok()) << code;
  EXPECT_EQ(*world_.store().blobs().get(kept->blob_sm3),
            *crypto::from_base64(data_field(coded_result, "signedFile")));
  EXPECT_NE(to_string(*world_.store().blobs().get(kept->blob_sm3)).find("/NM (Signature1 code)"),
            std::string::npos);
  auto not_web = world_.call("addSignJob", R"({"userId":")" + e.user_id +
                                               R"(","title":"t","dataType":"DATA","verifyCode":"1",
      "algo":"SM3withSM2","data":"5byg5LiJ"})");
  EXPECT_EQ(status_of(not_web), 89000001);
  // Without a place, or for another format, the job is refused.
  auto nowhere = world_.call("addSignJob", R"({"userId":")" + e.user_id +
                                               R"(","title":"t","dataType":"WEB_SEAL",
      "algo":"SM3withSM2","data":")" + crypto::to_base64(pdf) +
                                               "\"}");
  EXPECT_EQ(status_of(nowhere), 89000001);
  auto not_pdf = world_.call("addSignJob", R"({"userId":")" + e.user_id +
                                               R"(","title":"t","dataType":"WEB_SEAL",
      "algo":"SM3withSM2","data":"5byg5LiJ","keywordsOfRuleInfo":{"keyWord":"甲方"}})");
  EXPECT_EQ(status_of(not_pdf), 89000001);
}

TEST_F(CossSigningTest, FindBackGivesANewPhoneAKeyAndEndsTheLostOnes) {
  Enrolled lost = enrol();
  auto code = world_.call("getAuthCodeWithIdenVerify", R"({"userId":")" + lost.user_id +
                                                           R"(","userName":"张三","idType":"SF",
      "idNumber":"513436200005039279"})");
  ASSERT_EQ(status_of(code), 200) << message_in(code);
  eseal::test::TempDir new_phone_dir;
  mobile::Wallet new_wallet(new_phone_dir.path());
  mobile::Phone new_phone(new_wallet);
  auto found = new_phone.activate(data_field(code, "authCode"), {"", "", "new", kPin, true});
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->mssp_id, lost.user_id);
  EXPECT_EQ(world_.keys().key(lost.account.key_id)->state, "REVOKED");
  EXPECT_FALSE(world_.store().coss_keys().share(lost.account.key_id).ok());
  mobile::Phone old_phone(wallet_);
  auto old_jobs = old_phone.jobs(lost.account);
  ASSERT_FALSE(old_jobs.ok());
  EXPECT_EQ(old_jobs.error().code, "89005007");
  std::string job = add_job(lost.user_id, "DATA", as_bytes("新手机"));
  EXPECT_TRUE(new_phone.sign(*found, job, kPin).ok());
}

TEST_F(CossSigningTest, ADecryptionJobIsDecryptedOnThePhoneOnce) {
  Enrolled e = enrol();
  auto cert = pki::Certificate::parse(e.account.certificate);
  Bytes secret = to_bytes("只有手机能读");
  auto cipher = crypto::sm2_encrypt(*cert->public_key(), secret);
  ASSERT_TRUE(cipher.ok());
  auto added =
      world_.call("addDecryptJob", R"({"userId":")" + e.user_id + R"(","title":"解密","cipher":")" +
                                       crypto::to_base64(*cipher) + R"("})");
  ASSERT_EQ(status_of(added), 200) << message_in(added);
  std::string job = data_field(added, "signDataId");
  mobile::Phone phone(wallet_);
  auto wrong_kind = phone.sign(e.account, job, kPin);
  ASSERT_FALSE(wrong_kind.ok());
  EXPECT_EQ(wrong_kind.error().code, "89000001");
  auto plain = phone.decrypt(e.account, job, kPin);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(Bytes(plain->begin(), plain->end()), secret);
  auto result = world_.call("getSignResult", R"({"signDataId":")" + job + R"("})");
  EXPECT_EQ(data_field(result, "jobStatus"), "FINISH");
  auto again = phone.decrypt(e.account, job, kPin);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "89003009");
  auto bad = world_.call("addDecryptJob",
                         R"({"userId":")" + e.user_id + R"(","title":"解密","cipher":"5byg5LiJ"})");
  EXPECT_EQ(status_of(bad), 89005028);
}

TEST_F(CossSigningTest, AddSignJobRefusesWhatTheManualLimits) {
  Enrolled e = enrol();
  auto call = [&](const std::string& fields) {
    return status_of(world_.call("addSignJob", fields));
  };
  std::string common = R"("title":"t","algo":"SM3withSM2","dataType":"DATA")";
  std::string data = R"("data":"5byg5LiJ")";
  EXPECT_EQ(call("{" + common + "," + data + R"(,"expiryDate":"4321"})"), 89000001);
  EXPECT_EQ(call("{" + common + "," + data + R"(,"expiryDate":"4320"})"), 200);
  EXPECT_EQ(call("{" + common + R"(,"data":"not base64!"})"), 89003004);
  EXPECT_EQ(
      call("{" + common + R"(,"data":")" + crypto::to_base64(Bytes((1 << 20) + 1, 'x')) + R"("})"),
      89003001);
  EXPECT_EQ(call(R"({"title":"t","algo":"SM3withSM2","dataType":"PDF",)" + data + "}"), 89000001);
  EXPECT_EQ(call(R"({"title":"t","algo":"SHA1withRSA","dataType":"DATA",)" + data + "}"), 89002027);
  EXPECT_EQ(call(R"({"title":"t","algo":"SM3withSM2","dataType":"HASH",)" + data + "}"), 89000001);
  EXPECT_EQ(call("{" + common + "," + data + R"(,"userId":"nobody"})"), 89003006);
  EXPECT_EQ(call("{" + common + "," + data + R"(,"callBackUrl":"ftp://x"})"), 89000001);
  EXPECT_EQ(status_of(world_.call("getSignResult", R"({"signDataId":"SD_nope"})")), 89003002);
  (void)e;
}

TEST_F(CossSigningTest, AUserHasABoundedNumberOfUnsignedJobs) {
  Enrolled e = enrol();
  service::SignJobs jobs(world_.store(), world_.keys(), world_.platform(), nullptr, {}, 3);
  service::Caller app = world_.platform().coss(world_.app_id())->caller;
  service::NewSignJob job;
  job.user_id = e.user_id;
  job.title = "t";
  job.data_type = "DATA";
  job.algo = "SM3withSM2";
  job.data_base64 = "5byg";
  std::string first;
  for (int i = 0; i < 3; ++i) {
    auto made = jobs.create(app, job, now_utc());
    ASSERT_TRUE(made.ok()) << made.error().message;
    if (first.empty()) first = made->id;
  }
  auto refused = jobs.create(app, job, now_utc());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, service::job_code::kTooManyOpen);
  Refusal worded = refusal_of(refused.error());
  EXPECT_EQ(worded.code, 89000001);
  EXPECT_EQ(worded.detail, "该用户未签署的签名任务已达上限");
  // Another user is not held up, and a job that ends makes room.
  service::NewSignJob anyone = job;
  anyone.user_id = "";
  EXPECT_TRUE(jobs.create(app, anyone, now_utc()).ok());
  ASSERT_TRUE(jobs.revoke(app, first, now_utc()).ok());
  EXPECT_TRUE(jobs.create(app, job, now_utc()).ok());
}

TEST_F(CossSigningTest, RevokedRefusedAndExpiredJobsCannotBeSigned) {
  Enrolled e = enrol();
  mobile::Phone phone(wallet_);
  std::string revoked = add_job(e.user_id, "DATA", as_bytes("a"));
  EXPECT_EQ(status_of(world_.call("revokeSignJob", R"({"signJobId":")" + revoked + R"("})")), 200);
  auto late = phone.sign(e.account, revoked, kPin);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "89005025");
  EXPECT_EQ(status_of(world_.call("revokeSignJob", R"({"signJobId":")" + revoked + R"("})")),
            89005025);

  std::string refused = add_job(e.user_id, "DATA", as_bytes("b"));
  ASSERT_TRUE(phone.refuse(e.account, refused, "不同意").ok());
  auto result = world_.call("getSignResult", R"({"signDataId":")" + refused + R"("})");
  EXPECT_EQ(data_field(result, "jobStatus"), "REFUSE");

  std::string expiring = add_job(e.user_id, "DATA", as_bytes("c"), R"(,"expiryDate":"1")");
  auto swept = world_.jobs().sweep(now_utc() + std::chrono::minutes(2));
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1);
  auto expired = world_.call("getSignResult", R"({"signDataId":")" + expiring + R"("})");
  EXPECT_EQ(data_field(expired, "jobStatus"), "EXPIRE");
  auto too_late = phone.sign(e.account, expiring, kPin);
  ASSERT_FALSE(too_late.ok());
  EXPECT_EQ(too_late.error().code, "89003008");
}

TEST_F(CossSigningTest, WrongPinsStayOnThePhoneAndTheFifthWipesTheShare) {
  Enrolled e = enrol();
  mobile::Phone phone(wallet_);
  std::string job = add_job(e.user_id, "DATA", as_bytes("x"));
  for (int i = 1; i < mobile::kMaxPinTries; ++i) {
    auto wrong = phone.sign(e.account, job, "000000");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, mobile::kWrongPin);
  }
  // The server saw no failed signature.
  EXPECT_EQ(world_.keys().key(e.account.key_id)->failures, 0);
  auto last = phone.sign(e.account, job, "000000");
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.error().code, mobile::kShareWiped);
  auto stored = wallet_.find(e.account.key_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->sealed_share.empty());
  EXPECT_FALSE(phone.sign(*stored, job, kPin).ok());
}

// A raw client of the mobile API, to send what a tampered phone would.
class RawPhone {
 public:
  RawPhone(const World& world, const mobile::Account& account)
      : client_("127.0.0.1", static_cast<std::uint16_t>(std::stoi(world.url().substr(17)))),
        token_(account.token) {}
  rapidjson::Document call(const std::string& op, const std::string& body) {
    Headers h;
    h.set("Content-Type", "application/json");
    h.set("Authorization", "Bearer " + token_);
    auto r = client_.post("/coss/mobile/v1/" + op, body, h);
    EXPECT_TRUE(r.ok());
    rapidjson::Document d;
    d.Parse(r->body.c_str());
    return d;
  }
  std::string token_field(const rapidjson::Document& d, const char* name) {
    return d["data"][name].GetString();
  }

 private:
  HttpClient client_;
  std::string token_;
};

TEST_F(CossSigningTest, TheServerRefusesReplayedForgedAndForeignSignatures) {
  Enrolled e = enrol();
  auto d1 = mobile::open_share(e.account, kPin);
  ASSERT_TRUE(d1.ok());
  std::string job_a = add_job(e.user_id, "DATA", as_bytes("A"));
  std::string job_b = add_job(e.user_id, "DATA", as_bytes("B"));
  RawPhone raw(world_, e.account);
  auto p = crypto::Sm2PublicKey::from_point(e.account.p);
  auto sign_with = [&](const std::string& job, ByteView message, std::string* session) -> Bytes {
    auto nonce = cosign::client_sign_start();
    auto prepared = raw.call("signPrepare", R"({"signDataId":")" + job + R"(","q1":")" +
                                                crypto::to_base64(nonce->q1) + "\"}");
    EXPECT_EQ(status_of(prepared), 200) << message_in(prepared);
    *session = raw.token_field(prepared, "sessionId");
    cosign::PartialSignature partial{*crypto::from_base64(raw.token_field(prepared, "r")),
                                     *crypto::from_base64(raw.token_field(prepared, "s2")),
                                     *crypto::from_base64(raw.token_field(prepared, "s3"))};
    auto e_value = crypto::sm2_signing_digest(*p, message);
    auto sig = cosign::client_sign_finish(*d1, *nonce, *e_value, partial, e.account.p);
    EXPECT_TRUE(sig.ok());
    return *sig;
  };
  auto complete = [&](const std::string& session, ByteView sig) {
    return status_of(raw.call("signComplete", R"({"sessionId":")" + session + R"(","signature":")" +
                                                  crypto::to_base64(sig) + "\"}"));
  };
  // A signature made in B's session, offered for A's: r is not A's session's.
  std::string session_a, session_b;
  Bytes sig_b = sign_with(job_b, as_bytes("B"), &session_b);
  sign_with(job_a, as_bytes("A"), &session_a);
  EXPECT_EQ(complete(session_a, sig_b), 89003019);
  // A forged s: does not verify.
  Bytes forged = sig_b;
  forged[63] ^= 1;
  EXPECT_EQ(complete(session_b, forged), 89003019);
  // Both sessions are spent by their failure; a fresh one completes, and replaying it does not.
  EXPECT_EQ(complete(session_b, sig_b), 89005013);
  Bytes good = sign_with(job_b, as_bytes("B"), &session_b);
  EXPECT_EQ(complete(session_b, good), 200);
  EXPECT_EQ(complete(session_b, good), 89005013);
  // Two failures were counted against the key, then cleared by the good signature.
  EXPECT_EQ(world_.keys().key(e.account.key_id)->failures, 0);
  // An invalid Q1 is refused before anything is signed.
  auto bad_point = raw.call("signPrepare", R"({"signDataId":")" + job_a + R"(","q1":")" +
                                               crypto::to_base64(Bytes(65, 4)) + "\"}");
  EXPECT_EQ(status_of(bad_point), 89005013);
}

TEST_F(CossSigningTest, ADeletedDeviceCanNoLongerSign) {
  Enrolled e = enrol();
  auto deleted =
      world_.call("deleteUserDevice", R"({"userId":")" + e.user_id + R"(","deviceId":")" +
                                          e.account.device_id + R"("})");
  ASSERT_EQ(status_of(deleted), 200) << message_in(deleted);
  EXPECT_EQ(message_in(deleted), "用户设备注销成功");
  auto key = world_.keys().key(e.account.key_id);
  EXPECT_EQ(key->state, "REVOKED");
  // Its server share is gone from the store.
  EXPECT_FALSE(world_.store().coss_keys().share(e.account.key_id).ok());
  mobile::Phone phone(wallet_);
  auto jobs = phone.jobs(e.account);
  ASSERT_FALSE(jobs.ok());
  EXPECT_EQ(jobs.error().code, "89005007");
}

TEST_F(CossSigningTest, CallbacksAreSignedWithTheSecureCodeAndRetriedUntilDelivered) {
  // The business system's receiver is down for the first attempt.
  Receiver receiver([](int attempt) { return attempt == 1 ? 500 : 200; });
  Enrolled e = enrol();
  std::string job =
      add_job(e.user_id, "DATA", as_bytes("cb"), R"(,"callBackUrl":")" + receiver.url() + "\"");
  mobile::Phone phone(wallet_);
  ASSERT_TRUE(phone.sign(e.account, job, kPin).ok());
  Time now = now_utc();
  EXPECT_EQ(*world_.jobs().callbacks().deliver_due(now, post), 0);
  // Not due again until the back-off has passed.
  EXPECT_EQ(*world_.jobs().callbacks().deliver_due(now + std::chrono::seconds(5), post), 0);
  EXPECT_EQ(receiver.bodies().size(), 1u);
  EXPECT_EQ(*world_.jobs().callbacks().deliver_due(now + std::chrono::seconds(11), post), 1);
  auto bodies = receiver.bodies();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0], bodies[1]);
  auto request = parse_request(bodies.back());
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(signature_matches(as_bytes(world_.secure_code()), *request));
  EXPECT_EQ(request->text("signJobId"), job);
  EXPECT_EQ(request->text("status"), "FINISH");
  EXPECT_EQ(request->text("msspId"), e.user_id);
  EXPECT_FALSE(request->text("signResult").empty());
}

// One QR code for several jobs (a batch of files): created together under one ticket, bound to
// the phone that scans first and marked scanned, then all signed or all refused from the phone.
class CossQrGroupTest : public test::PhoneTest {
 protected:
  service::Caller app() { return world_.platform().coss(world_.app_id())->caller; }

  // `n` HASH jobs over random digests, for `user_id` ("" for whoever scans).
  static std::vector<service::NewSignJob> hash_jobs(std::size_t n, const std::string& user_id = "",
                                                    bool any_app = false) {
    std::vector<service::NewSignJob> jobs;
    for (std::size_t i = 0; i < n; ++i) {
      service::NewSignJob j;
      j.user_id = user_id;
      j.title = "文件" + std::to_string(i + 1);
      j.data_type = "HASH";
      j.algo = "SM3withSM2";
      j.data_base64 = crypto::to_base64(*crypto::random_bytes(32));
      j.any_app = any_app;
      jobs.push_back(std::move(j));
    }
    return jobs;
  }

  // The jobs of a new group, checked to share the ticket.
  std::vector<service::SignJob> group(const std::vector<service::NewSignJob>& jobs,
                                      const Bytes& secret) {
    auto made = world_.jobs().create_group(app(), jobs, secret, now_utc());
    EXPECT_TRUE(made.ok()) << made.error().message;
    if (!made.ok()) return {};
    EXPECT_EQ(made->size(), jobs.size());
    for (const auto& job : *made) EXPECT_EQ(job.ticket, crypto::to_base64(secret));
    return *made;
  }

  // A user of another COSS app, activated on this phone.
  Enrolled enrol_elsewhere() {
    const std::string other = "APP_00000000000000000000000000000002";
    std::string code = world_.add_app(other);
    auto added = world_.call_as(other, code, "addUser", test::kUser);
    EXPECT_EQ(status_of(added), 200) << message_in(added);
    std::string user_id = data_field(added, "userId");
    auto issued = world_.call_as(other, code, "getAuthCode", R"({"userId":")" + user_id + "\"}");
    mobile::Phone phone(wallet_);
    auto account = phone.activate(data_field(issued, "authCode"), {"", "", "other", kPin});
    EXPECT_TRUE(account.ok()) << account.error().message;
    return {user_id, account.ok() ? *account : mobile::Account{}};
  }
};

TEST_F(CossQrGroupTest, AGroupIsBoundAndMarkedScannedAtOneScanAndSignedWithOnePin) {
  Enrolled e = enrol();
  Bytes secret = *crypto::random_bytes(16);
  auto jobs = hash_jobs(3);
  auto made = group(jobs, secret);
  ASSERT_EQ(made.size(), 3u);
  auto before = world_.jobs().find_group(app(), secret, now_utc());
  ASSERT_TRUE(before.ok()) << before.error().message;
  for (const auto& job : *before) {
    EXPECT_TRUE(job.user_id.empty());
    EXPECT_FALSE(job.scanned);
  }

  mobile::Phone phone(wallet_);
  // The bare ticket is taken as well as the QR payload.
  auto scanned = phone.scan(e.account, made.front().ticket);
  ASSERT_TRUE(scanned.ok()) << scanned.error().message;
  ASSERT_EQ(scanned->size(), 3u);
  auto after = world_.jobs().find_group(app(), secret, now_utc());
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*scanned)[i].id, made[i].id);  // in creation order
    EXPECT_EQ((*scanned)[i].hash, *crypto::from_base64(jobs[i].data_base64));
    EXPECT_EQ((*after)[i].id, made[i].id);
    EXPECT_EQ((*after)[i].user_id, e.user_id);
    EXPECT_EQ((*after)[i].status, "UNSIGN");
    EXPECT_TRUE((*after)[i].scanned);
    EXPECT_TRUE((*after)[i].scanned_at.has_value());
  }
  // Each mark is a task move in the audit log.
  auto audit = world_.store().audit().list(0, 10000);
  ASSERT_TRUE(audit.ok());
  int marks = 0;
  for (const auto& row : *audit) {
    if (row.entry.operation == "coss.sign.UNSIGN" &&
        row.entry.detail.find("bound to " + e.user_id + " and scanned") != std::string::npos) {
      ++marks;
    }
  }
  EXPECT_EQ(marks, 3);

  std::string payload = R"({"id":")" + world_.app_id() + R"(","sUrl":")" + world_.url() +
                        R"(/coss/mobile/v1/getServiceInfo","o":")" + made.front().ticket +
                        R"(","cv":"2.0"})";
  auto signed_jobs = phone.confirm(e.account, payload, kPin);
  ASSERT_TRUE(signed_jobs.ok()) << signed_jobs.error().message;
  ASSERT_EQ(signed_jobs->size(), 3u);
  auto cert = pki::Certificate::parse(e.account.certificate);
  ASSERT_TRUE(cert.ok());
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*signed_jobs)[i].id, made[i].id);
    EXPECT_EQ((*signed_jobs)[i].status, "FINISH");
    EXPECT_TRUE(crypto::sm2_verify_digest(*cert->public_key(),
                                          *crypto::from_base64(jobs[i].data_base64),
                                          (*signed_jobs)[i].signature)
                    .ok());
  }
  auto finished = world_.jobs().find_group(app(), secret, now_utc());
  for (const auto& job : *finished) EXPECT_EQ(job.status, "FINISH");
  // Nothing is left to confirm.
  auto again = phone.confirm(e.account, payload, kPin);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "no open job in this QR code");
}

TEST_F(CossQrGroupTest, ANamedUsersGroupIsMarkedScannedAndCancelledWhole) {
  Enrolled e = enrol();
  Bytes secret = *crypto::random_bytes(16);
  auto made = group(hash_jobs(3, e.user_id), secret);
  ASSERT_EQ(made.size(), 3u);
  mobile::Phone phone(wallet_);
  // As a JSON answer prints the QR payload, its quotes escaped.
  std::string printed =
      R"({\"id\":\")" + world_.app_id() + R"(\",\"o\":\")" + made[0].ticket + R"(\"})";
  ASSERT_TRUE(phone.cancel(e.account, printed, "不同意").ok());
  auto refused = world_.jobs().find_group(app(), secret, now_utc());
  ASSERT_TRUE(refused.ok());
  for (const auto& job : *refused) {
    EXPECT_EQ(job.status, "REFUSE");
    EXPECT_EQ(job.reason, "不同意");
    EXPECT_TRUE(job.scanned);
  }
  // A single job of addSignJob is a group of one, its qrCode scanned the same way.
  auto single = world_.call("addSignJob", R"({"title":"单个","dataType":"DATA",
      "algo":"SM3withSM2","data":")" + crypto::to_base64(as_bytes("同意")) +
                                              "\"}");
  ASSERT_EQ(status_of(single), 200) << message_in(single);
  auto one = phone.scan(e.account, data_field(single, "qrCode"));
  ASSERT_TRUE(one.ok()) << one.error().message;
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front().id, data_field(single, "signDataId"));
  auto found = world_.jobs().find(app(), one->front().id, now_utc());
  EXPECT_EQ(found->user_id, e.user_id);
  EXPECT_TRUE(found->scanned);
}

TEST_F(CossQrGroupTest, OnlyAnAnyAppGroupIsFoundByAUserOfAnotherApp) {
  Enrolled mine = enrol();
  Enrolled other = enrol_elsewhere();
  auto session = world_.keys().authenticate(other.account.token, now_utc());
  ASSERT_TRUE(session.ok()) << session.error().message;
  Bytes plain_secret = *crypto::random_bytes(16);
  auto plain = group(hash_jobs(2), plain_secret);
  auto refused = world_.jobs().resolve(*session, plain.front().ticket, now_utc());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, service::job_code::kNotFound);
  EXPECT_EQ(refused.error().message, "no job for this QR code");
  auto untouched = world_.jobs().find_group(app(), plain_secret, now_utc());
  EXPECT_TRUE(untouched->front().user_id.empty());
  EXPECT_FALSE(untouched->front().scanned);

  Bytes secret = *crypto::random_bytes(16);
  auto jobs = hash_jobs(3, "", true);
  auto made = group(jobs, secret);
  auto resolved = world_.jobs().resolve_group(*session, made.front().ticket, now_utc());
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  ASSERT_EQ(resolved->size(), 3u);
  for (const auto& job : *resolved) {
    EXPECT_TRUE(job.any_app);
    EXPECT_EQ(job.user_id, other.user_id);
    EXPECT_TRUE(job.scanned);
  }
  // The group is the first scanner's: the app's own user finds it no one else's.
  mobile::Phone phone(wallet_);
  auto late = phone.scan(mine.account, made.front().ticket);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "89003002");
  auto signed_jobs = phone.confirm(other.account, made.front().ticket, kPin);
  ASSERT_TRUE(signed_jobs.ok()) << signed_jobs.error().message;
  ASSERT_EQ(signed_jobs->size(), 3u);
  auto cert = pki::Certificate::parse(other.account.certificate);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(crypto::sm2_verify_digest(*cert->public_key(),
                                          *crypto::from_base64(jobs[i].data_base64),
                                          (*signed_jobs)[i].signature)
                    .ok());
  }
  // The business system that asked reads the results as its own jobs.
  auto result = world_.call("getSignResult", R"({"signDataId":")" + made[2].id + R"("})");
  EXPECT_EQ(data_field(result, "jobStatus"), "FINISH");
  EXPECT_EQ(data_field(result, "msspId"), other.user_id);
}

TEST_F(CossQrGroupTest, GroupsOutsideTheLimitsAreRefusedAndLeaveNothingOpen) {
  Bytes secret = *crypto::random_bytes(16);
  auto too_many = world_.jobs().create_group(app(), hash_jobs(31), secret, now_utc());
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(too_many.error().code, service::job_code::kBadGroup);
  auto none = world_.jobs().create_group(app(), {}, secret, now_utc());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, service::job_code::kBadGroup);
  for (std::size_t size : {15u, 17u}) {
    auto bad =
        world_.jobs().create_group(app(), hash_jobs(2), *crypto::random_bytes(size), now_utc());
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
    EXPECT_EQ(bad.error().code, service::job_code::kBadTicket);
  }
  auto mixed = hash_jobs(2);
  mixed[1].any_app = true;
  EXPECT_EQ(world_.jobs().create_group(app(), mixed, secret, now_utc()).error().code,
            service::job_code::kBadGroup);
  // One job refused as create() refuses it: none is made.
  auto short_hash = hash_jobs(3);
  short_hash[2].data_base64 = crypto::to_base64(*crypto::random_bytes(31));
  EXPECT_EQ(world_.jobs().create_group(app(), short_hash, secret, now_utc()).error().code,
            service::job_code::kBadHash);
  auto nothing = world_.jobs().find_group(app(), secret, now_utc());
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(nothing.error().code, service::job_code::kNotFound);
  EXPECT_EQ(world_.jobs().find_group(app(), Bytes(8), now_utc()).error().code,
            service::job_code::kBadTicket);
  // Thirty is the most, all found by one ticket.
  auto full = world_.jobs().create_group(app(), hash_jobs(30), secret, now_utc());
  ASSERT_TRUE(full.ok()) << full.error().message;
  auto found = world_.jobs().find_group(app(), secret, now_utc());
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 30u);
  for (std::size_t i = 0; i < 30; ++i) EXPECT_EQ((*found)[i].id, (*full)[i].id);
  // A ticket stands for one group only.
  EXPECT_EQ(world_.jobs().create_group(app(), hash_jobs(1), secret, now_utc()).error().code,
            service::job_code::kBadTicket);
}

}  // namespace
}  // namespace eseal::api::coss
