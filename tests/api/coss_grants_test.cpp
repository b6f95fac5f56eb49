// Auto-sign and delegation over real HTTP (manual §3.4.3, §3.4.5): a grant needs the user's
// co-signed consent and the escrowed share, signs only inside its window, for its app and up to
// its count, and its share is gone once it ends however it ends; a delegate signs the grantor's
// jobs with their own key, and the result carries the grantor's co-signed statement.
#include <gtest/gtest.h>

#include "api/coss/wording.h"
#include "coss_world.h"
#include "crypto/sm2.h"
#include "pki/signature_check.h"
#include "service/auto_sign.h"
#include "support/blank_pdf.h"

namespace eseal::api::coss {
namespace {

using test::data_field;
using test::message_in;
using test::status_of;

constexpr std::string_view kLisi =
    R"({"userName":"李四","idType":"SF","idNumber":"11010519491231002X",
        "mobile":"13800138000","department":"QT","uniqueId":"E-002"})";

class CossGrantsTest : public test::PhoneTest {
 protected:
  std::string user_field(const std::string& user_id) { return R"({"userId":")" + user_id + "\""; }
  rapidjson::Document auto_sign(const std::string& user_id, std::string_view data,
                                const std::string& extra = "") {
    return world_.call("autoSign", user_field(user_id) +
                                       R"(,"dataType":"DATA",)"
                                       R"("algo":"SM3withSM2","data":")" +
                                       crypto::to_base64(as_bytes(data)) + "\"" + extra + "}");
  }
  // startAutoSign and the phone's consent with its escrowed share.
  std::string grant(test::Enrolled& user, int seconds, int count) {
    auto started = world_.call("startAutoSign", user_field(user.user_id) + R"(,"timeRegion":")" +
                                                    std::to_string(seconds) + R"(","maxCount":")" +
                                                    std::to_string(count) + "\"}");
    EXPECT_EQ(status_of(started), 200) << message_in(started);
    std::string job = data_field(started, "signDataId");
    mobile::Phone phone(wallet_);
    auto granted = phone.grant_auto_sign(user.account, job, test::kPin);
    EXPECT_TRUE(granted.ok()) << granted.error().message;
    EXPECT_EQ(granted.ok() ? granted->status : "", "ACTIVE");
    return granted.ok() ? granted->id : "";
  }
  bool share_held(const std::string& grant_id) {
    return world_.store().coss_keys().escrow_share(grant_id).ok();
  }
};

TEST_F(CossGrantsTest, AutoSignNeedsConsentAndEscrowThenSignsInsideTheCount) {
  auto user = enrol();
  EXPECT_EQ(status_of(auto_sign(user.user_id, "合同")), 89004071);
  auto started = world_.call("startAutoSign",
                             user_field(user.user_id) + R"(,"timeRegion":"1440","maxCount":"2"})");
  ASSERT_EQ(status_of(started), 200) << message_in(started);
  EXPECT_NE(data_field(started, "qrCode").find("\"o\""), std::string::npos);
  std::string statement = to_string(*crypto::from_base64(data_field(started, "data")));
  EXPECT_NE(statement.find("eseal-coss-autosign"), std::string::npos) << statement;
  EXPECT_NE(statement.find("\"maxCount\":\"2\""), std::string::npos) << statement;
  // One at a time; none signs before the phone has consented.
  EXPECT_EQ(
      status_of(world_.call("startAutoSign", user_field(user.user_id) + R"(,"timeRegion":"60"})")),
      89003024);
  EXPECT_EQ(status_of(auto_sign(user.user_id, "合同")), 89004071);
  auto region = world_.call("queryAutoSignRegion", user_field(user.user_id) + "}");
  EXPECT_EQ(data_field(region, "autoSignStatus"), "STOPPED");

  mobile::Phone phone(wallet_);
  auto granted = phone.grant_auto_sign(user.account, data_field(started, "signDataId"), test::kPin);
  ASSERT_TRUE(granted.ok()) << granted.error().message;
  EXPECT_EQ(granted->status, "ACTIVE");
  EXPECT_TRUE(share_held(granted->id));
  region = world_.call("queryAutoSignRegion", user_field(user.user_id) + "}");
  EXPECT_EQ(data_field(region, "autoSignStatus"), "STARTED");
  EXPECT_EQ(data_field(region, "endTime").size(), 16u);

  // A request the job rules refuse spends no use.
  EXPECT_EQ(status_of(world_.call("autoSign", user_field(user.user_id) +
                                                  R"(,"dataType":"DATA","algo":"SM3withSM2",)"
                                                  R"("data":"!!"})")),
            89003004);
  // Signed without the phone: an ordinary SM2 signature under the user's certificate, and the
  // job names its grant.
  auto first = auto_sign(user.user_id, "合同一");
  ASSERT_EQ(status_of(first), 200) << message_in(first);
  auto cert = pki::Certificate::parse(as_bytes(data_field(first, "signCert")));
  ASSERT_TRUE(cert.ok());
  EXPECT_TRUE(pki::check_signature(*cert, *pki::parse_signature_algorithm("SM3withSM2"),
                                   pki::Signed::kData, as_bytes("合同一"),
                                   *crypto::from_base64(data_field(first, "signResult")))
                  .ok());
  auto result =
      world_.call("getSignResult", R"({"signDataId":")" + data_field(first, "signDataId") + "\"}");
  EXPECT_EQ(data_field(result, "jobStatus"), "FINISH");
  EXPECT_EQ(data_field(result, "autoSignGrant"), granted->id);

  // Another app has no grant for the user; the second use spends the count, and the share goes.
  std::string other = world_.add_app("APP_00000000000000000000000000000002");
  EXPECT_EQ(
      status_of(world_.call_as(
          "APP_00000000000000000000000000000002", other, "autoSign",
          user_field(user.user_id) + R"(,"dataType":"DATA","algo":"SM3withSM2","data":"YQ=="})")),
      89004071);
  EXPECT_EQ(status_of(auto_sign(user.user_id, "合同二",
                                R"(,"signToken":")" + data_field(started, "signDataId") + "\"")),
            200);
  EXPECT_FALSE(share_held(granted->id));
  EXPECT_EQ(status_of(auto_sign(user.user_id, "合同三")), 89004071);
  auto grants = phone.auto_sign_grants(user.account);
  ASSERT_TRUE(grants.ok());
  EXPECT_EQ(grants->front().status, "EXHAUSTED");
  EXPECT_EQ(grants->front().used, 2);

  // The manual's limits.
  EXPECT_EQ(status_of(world_.call("startAutoSign",
                                  user_field(user.user_id) + R"(,"timeRegion":"86401"})")),
            89000001);
  EXPECT_EQ(status_of(world_.call("startAutoSign", user_field(user.user_id) + "}")), 89000001);
  EXPECT_EQ(status_of(world_.call("autoSign", user_field(user.user_id) +
                                                  R"(,"dataType":"WEB_SEAL","algo":"SM3withSM2",)"
                                                  R"("data":"YQ=="})")),
            89000001);
}

TEST_F(CossGrantsTest, TheShareIsGoneAtEndAutoSignRevocationAndExpiry) {
  auto user = enrol();
  std::string ended = grant(user, 3600, 10);
  ASSERT_TRUE(share_held(ended));
  EXPECT_EQ(status_of(world_.call("endAutoSign", user_field(user.user_id) + "}")), 200);
  EXPECT_FALSE(share_held(ended));
  EXPECT_EQ(status_of(auto_sign(user.user_id, "a")), 89004071);
  EXPECT_EQ(status_of(world_.call("endAutoSign", user_field(user.user_id) + "}")), 89005021);

  std::string revoked = grant(user, 3600, 10);
  mobile::Phone phone(wallet_);
  auto count = phone.revoke_auto_sign(user.account);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
  EXPECT_FALSE(share_held(revoked));
  EXPECT_EQ(status_of(auto_sign(user.user_id, "a")), 89004071);

  // Past its window: the sweeper destroys the share, and nothing is left in the table.
  std::string expiring = grant(user, 5, 10);
  ASSERT_TRUE(share_held(expiring));
  auto swept = world_.auto_sign().sweep(now_utc() + std::chrono::seconds(6));
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(*swept, 1);
  EXPECT_FALSE(share_held(expiring));
  EXPECT_TRUE(world_.store().coss_keys().escrow_grants()->empty());
  EXPECT_EQ(status_of(auto_sign(user.user_id, "a")), 89004071);

  // A deleted device ends its grant at the next sweep.
  std::string orphaned = grant(user, 3600, 10);
  auto devices = world_.call("getUserDevice", user_field(user.user_id) + "}");
  std::string device = devices["data"]["deviceInfos"][0]["deviceId"].GetString();
  ASSERT_EQ(status_of(world_.call("deleteUserDevice",
                                  user_field(user.user_id) + R"(,"deviceId":")" + device + "\"}")),
            200);
  ASSERT_TRUE(world_.auto_sign().sweep(now_utc()).ok());
  EXPECT_FALSE(share_held(orphaned));
}

TEST_F(CossGrantsTest, AnEscrowThatIsNotTheKeysShareIsRefused) {
  auto user = enrol();
  auto started = world_.call("startAutoSign", user_field(user.user_id) + R"(,"timeRegion":"60"})");
  std::string job = data_field(started, "signDataId");
  mobile::Phone phone(wallet_);
  ASSERT_TRUE(phone.sign(user.account, job, test::kPin).ok());
  auto session = world_.keys().authenticate(user.account.token, now_utc());
  ASSERT_TRUE(session.ok()) << session.error().message;
  auto escrow_cert = world_.platform().escrow_certificate();
  ASSERT_TRUE(escrow_cert.ok()) << escrow_cert.error().message;
  auto wrong = crypto::sm2_encrypt(*escrow_cert->public_key(), Bytes(32, 0x11));
  auto refused = world_.auto_sign().grant(*session, job, *wrong, now_utc());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, service::auto_sign_code::kBadEscrow);
  EXPECT_TRUE(world_.store().coss_keys().escrow_grants()->empty());
}

TEST_F(CossGrantsTest, ADelegateSignsTheGrantorsJobsWithTheirOwnKeyAndTheStatementAsEvidence) {
  auto grantor = enrol();
  auto delegate = enrol(kLisi);
  mobile::Phone phone(wallet_);
  Time ends = now_utc() + std::chrono::hours(48);
  std::string until = china_time(ends);
  auto asked = phone.delegate(grantor.account, delegate.user_id, until, test::kPin);
  ASSERT_TRUE(asked.ok()) << asked.error().message;
  EXPECT_EQ(asked->status, "WAIT");

  auto detail = world_.call("getAuthorizedsDetail",
                            R"({"userId":")" + grantor.user_id + R"(","status":"WAIT"})");
  ASSERT_EQ(status_of(detail), 200) << message_in(detail);
  const auto& given = detail["data"]["dataList"][0];
  EXPECT_EQ(std::string(given["businessId"].GetString()), asked->id);
  EXPECT_EQ(std::string(given["authorizerName"].GetString()), "张三");
  EXPECT_EQ(std::string(given["authorizeeName"].GetString()), "李四");
  EXPECT_EQ(std::string(given["authorizeeCardType"].GetString()), "身份证(SF)");
  EXPECT_EQ(std::string(given["authorizeeJobNumber"].GetString()), "E-002");
  EXPECT_EQ(std::string(given["endTime"].GetString()), until);

  // 李四 accepts; a job for 张三 is then 李四's to sign too, with 李四's key.
  auto received = phone.delegations(delegate.account);
  ASSERT_TRUE(received.ok());
  ASSERT_EQ(received->size(), 1u);
  EXPECT_FALSE(received->front().given);
  ASSERT_TRUE(phone.answer_delegation(delegate.account, asked->id, "accept").ok());
  std::string job = add_job(grantor.user_id, "DATA", as_bytes("代签合同"));
  auto open = phone.jobs(delegate.account);
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ(open->front().id, job);
  auto signed_job = phone.sign(delegate.account, job, test::kPin);
  ASSERT_TRUE(signed_job.ok()) << signed_job.error().message;

  auto result = world_.call("getSignResult", R"({"signDataId":")" + job + "\"}");
  ASSERT_EQ(status_of(result), 200) << message_in(result);
  EXPECT_EQ(data_field(result, "msspId"), grantor.user_id);
  EXPECT_EQ(data_field(result, "authorizedUserId"), delegate.user_id);
  auto signer = pki::Certificate::parse(as_bytes(data_field(result, "signCert")));
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(signer->subject().get("CN"), "李四");
  // The evidence: 张三's statement naming 李四, co-signed by 张三's joint key.
  const auto& evidence = result["data"]["authorization"];
  EXPECT_EQ(std::string(evidence["businessId"].GetString()), asked->id);
  Bytes statement = *crypto::from_base64(evidence["statement"].GetString());
  EXPECT_NE(to_string(statement).find(delegate.user_id), std::string::npos);
  auto grantor_cert = pki::Certificate::parse(as_bytes(evidence["cert"].GetString()));
  ASSERT_TRUE(grantor_cert.ok());
  EXPECT_EQ(grantor_cert->subject().get("CN"), "张三");
  EXPECT_TRUE(pki::check_signature(*grantor_cert, *pki::parse_signature_algorithm("SM3withSM2"),
                                   pki::Signed::kData, statement,
                                   *crypto::from_base64(evidence["signature"].GetString()))
                  .ok());
  auto by_delegate = world_.call("getSignJobOrAuthorizeJobs",
                                 R"({"authorizeeUserId":")" + delegate.user_id + "\"}");
  ASSERT_EQ(status_of(by_delegate), 200) << message_in(by_delegate);
  ASSERT_EQ(by_delegate["data"]["totalNum"].GetInt(), 1);
  EXPECT_EQ(std::string(by_delegate["data"]["signList"][0]["authorizedUserName"].GetString()),
            "李四");

  // A delegate's WEB_SEAL: 李四's personal seal, its /Reason naming 张三 and the delegation,
  // which verifyPdfSeal shows.
  std::string seal_job = add_job(grantor.user_id, "WEB_SEAL", eseal::test::blank_pdf(1),
                                 R"(,"coordOfRuleInfo":{"pageNo":1,"left":100,"bottom":500,)"
                                 R"("right":200,"top":600})");
  ASSERT_TRUE(phone.sign(delegate.account, seal_job, test::kPin).ok());
  auto sealed = world_.call("getSignResult", R"({"signDataId":")" + seal_job + "\"}");
  auto verified =
      world_.call("verifyPdfSeal", R"({"pdfFileStr":")" + data_field(sealed, "signedFile") + "\"}");
  ASSERT_EQ(data_field(verified, "statusCode"), "200") << message_in(verified);
  const auto& entry = verified["data"]["message"][0];
  EXPECT_EQ(std::string(entry["commonName"].GetString()), "李四");
  EXPECT_EQ(std::string(entry["extendsData"].GetString()), "代张三签署（授权" + asked->id + "）");

  // Withdrawn: the next job is 张三's alone.
  ASSERT_TRUE(phone.answer_delegation(grantor.account, asked->id, "cancel").ok());
  std::string later = add_job(grantor.user_id, "DATA", as_bytes("下一份"));
  auto refused = phone.sign(delegate.account, later, test::kPin);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "89003002");
  auto cancelled = world_.call("getAuthorizedsDetail",
                               R"({"userId":")" + grantor.user_id + R"(","status":"CANCEL"})");
  EXPECT_EQ(cancelled["data"]["dataList"].Size(), 1u);
}

TEST_F(CossGrantsTest, ADelegationCanBeRefusedAndEachBadRequestHasItsCode) {
  auto grantor = enrol();
  auto delegate = enrol(kLisi);
  mobile::Phone phone(wallet_);
  std::string until = china_time(now_utc() + std::chrono::hours(2));
  // By mobile number.
  auto asked = phone.delegate(grantor.account, "13800138000", until, test::kPin);
  ASSERT_TRUE(asked.ok()) << asked.error().message;
  ASSERT_TRUE(phone.answer_delegation(delegate.account, asked->id, "refuse").ok());
  auto refused = world_.call("getAuthorizedsDetail",
                             R"({"userId":")" + delegate.user_id + R"(","status":"REFUSE"})");
  ASSERT_EQ(status_of(refused), 200);
  EXPECT_EQ(refused["data"]["othersList"].Size(), 1u);  // 李四 has a certificate
  // Answered once only; the grantor cannot accept for the grantee.
  EXPECT_FALSE(phone.answer_delegation(delegate.account, asked->id, "accept").ok());
  EXPECT_FALSE(phone.answer_delegation(grantor.account, asked->id, "accept").ok());
  // To oneself, to nobody, past or more than a year away.
  EXPECT_EQ(phone.delegate(grantor.account, grantor.user_id, until, test::kPin).error().code,
            "89005032");
  EXPECT_EQ(phone.delegate(grantor.account, "13900000000", until, test::kPin).error().code,
            "89005032");
  EXPECT_EQ(phone.delegate(grantor.account, delegate.user_id, "2020-01-01 00:00:00", test::kPin)
                .error()
                .code,
            "89005018");
  EXPECT_EQ(phone.delegate(grantor.account, delegate.user_id, "tomorrow", test::kPin).error().code,
            "89005018");
  EXPECT_EQ(status_of(world_.call("getAuthorizedsDetail",
                                  R"({"userId":")" + grantor.user_id + R"(","status":"DONE"})")),
            89000001);
  EXPECT_EQ(status_of(world_.call("getAuthorizedsDetail", R"({"status":"WAIT"})")), 89000001);
}

}  // namespace
}  // namespace eseal::api::coss
