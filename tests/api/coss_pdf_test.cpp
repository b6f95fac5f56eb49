// A PDF signed from a phone through the COSS door's PDF operations (manual §3.4.8): getPdfHash
// lays the user's personal seal out for their certified key, the phone signs hashSetBytes as a
// DATA job (or hashSetHashBytes as a HASH job), composePdfSeal puts the signature in, and
// verifyPdfSeal (and the service's verifier) find it valid; each refusal has its code.
#include <gtest/gtest.h>

#include "coss_world.h"
#include "service/verification.h"
#include "support/blank_pdf.h"

namespace eseal::api::coss {
namespace {

using test::data_field;
using test::message_in;
using test::status_of;

class CossPdfTest : public test::PhoneTest {
 protected:
  // getPdfHash for `user` over `pdf` with `rule` (the coordOfRuleInfo or keywordsOfRuleInfo
  // member, a leading comma included).
  rapidjson::Document pdf_hash(const std::string& user_id, ByteView pdf, const std::string& rule,
                               const std::string& extra = "") {
    return world_.call("getPdfHash", R"({"userId":")" + user_id + R"(","pdfFileStr":")" +
                                         crypto::to_base64(pdf) +
                                         R"(","configureSealInfo":{"signType":"个人签章",)"
                                         R"("signProvince":"北京","signName":"张三"})" +
                                         rule + extra + "}");
  }
  rapidjson::Document compose(const std::string& user_id, const rapidjson::Document& hash,
                              const std::string& signature) {
    return world_.call("composePdfSeal",
                       R"({"userId":")" + user_id + R"(","signValue":")" + signature +
                           R"(","pdfBytesStr":")" + data_field(hash, "pdfBytes") +
                           R"(","hashSetBytesStr":")" + data_field(hash, "hashSetBytes") + "\"}");
  }
  rapidjson::Document verify(const std::string& pdf) {
    return world_.call("verifyPdfSeal", R"({"pdfFileStr":")" + pdf + "\"}");
  }
};

constexpr const char* kRectangle =
    R"(,"coordOfRuleInfo":{"top":300,"right":600,"bottom":200,"left":350,"pageNo":1})";

TEST_F(CossPdfTest, APhoneSignsThePreparedPdfAsDataAndTheComposedPdfVerifies) {
  auto user = enrol();
  Bytes pdf = eseal::test::blank_pdf(2);
  // The manual's example: a seal 150 pt wide (a drawn seal keeps its round shape) centred in
  // the rectangle, its size in whole millimetres.
  auto hash = pdf_hash(user.user_id, pdf, kRectangle, R"(,"signWidth":150,"signHeight":120)");
  ASSERT_EQ(status_of(hash), 200) << message_in(hash);
  const auto& box = hash["data"]["rectangleBean"];
  EXPECT_NEAR(box["left"].GetDouble(), 400, 1.5);
  EXPECT_NEAR(box["right"].GetDouble(), 550, 1.5);
  EXPECT_NEAR((box["left"].GetDouble() + box["right"].GetDouble()) / 2, 475, 0.01);
  EXPECT_NEAR((box["bottom"].GetDouble() + box["top"].GetDouble()) / 2, 250, 0.01);
  EXPECT_NEAR(box["width"].GetDouble(), 150, 1.5);
  EXPECT_EQ(box["pageNo"].GetInt(), 1);
  // hashSetHashBytes is e = SM3(Z ‖ hashSetBytes) under the user's key.
  auto tbs = crypto::from_base64(data_field(hash, "hashSetBytes"));
  ASSERT_TRUE(tbs.ok());

  std::string job = add_job(user.user_id, "DATA", *tbs);
  mobile::SignedJob signed_job = sign(user, job);
  ASSERT_FALSE(signed_job.signature.empty());
  auto cert = pki::Certificate::from_der(signed_job.certificate);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(data_field(hash, "hashSetHashBytes"),
            crypto::to_base64(*crypto::sm2_signing_digest(*cert->public_key(), *tbs)));

  auto composed = compose(user.user_id, hash, crypto::to_base64(signed_job.signature));
  ASSERT_EQ(status_of(composed), 200) << message_in(composed);
  std::string sealed = composed["data"].GetString();
  auto checked = verify(sealed);
  ASSERT_EQ(status_of(checked), 200) << message_in(checked);
  EXPECT_EQ(data_field(checked, "statusCode"), "200");
  const auto& entry = checked["data"]["message"][0];
  EXPECT_EQ(std::string(entry["statusCode"].GetString()), "200");
  EXPECT_EQ(std::string(entry["commonName"].GetString()), "张三");
  EXPECT_EQ(entry["pageNo"].GetInt(), 1);
  EXPECT_EQ(std::string(entry["signCerts"][0].GetString()),
            crypto::to_base64(signed_job.certificate));
  EXPECT_EQ(std::string(entry["sigValue"].GetString()), crypto::to_base64(signed_job.signature));
  EXPECT_FALSE(entry["isTss"].GetBool());
  EXPECT_GT(std::string(entry["sealImg"].GetString()).size(), 100u);

  // The verifier of every door agrees, with the user CA as the trust anchor.
  std::vector<pki::Certificate> anchors{world_.user_ca()};
  auto summary = service::verify(*crypto::from_base64(sealed), {anchors, {}, {}}, now_utc());
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->valid());

  // A byte changed after sealing: verifyPdfSeal says 89003019 with the failed check.
  Bytes tampered = *crypto::from_base64(sealed);
  tampered[tampered.size() / 3] ^= 0x01;
  auto bad = verify(crypto::to_base64(tampered));
  ASSERT_EQ(status_of(bad), 200) << message_in(bad);
  EXPECT_EQ(data_field(bad, "statusCode"), "89003019");
}

TEST_F(CossPdfTest, AHashJobOverHashSetHashBytesAndAKeywordRuleWorkToo) {
  auto user = enrol();
  Bytes pdf = eseal::test::blank_pdf(
      3, "BT /F1 12 Tf 100 700 Td (Party A: sign here) Tj ET 0 0 1 rg 72 72 144 144 re f");
  auto hash = pdf_hash(user.user_id, pdf,
                       R"(,"keywordsOfRuleInfo":{"keyWord":"Party A","signKeywordsPosition":3,)"
                       R"("signKeywordsSearch":"1","keywordNum":1})",
                       R"(,"signSealType":"pkcs7")");
  ASSERT_EQ(status_of(hash), 200) << message_in(hash);
  // The last page's hit (counted from the last), right of the keyword.
  EXPECT_EQ(hash["data"]["rectangleBean"]["pageNo"].GetInt(), 3);
  EXPECT_GT(hash["data"]["rectangleBean"]["left"].GetDouble(), 100);
  auto e = crypto::from_base64(data_field(hash, "hashSetHashBytes"));
  ASSERT_TRUE(e.ok());
  mobile::SignedJob signed_job = sign(user, add_job(user.user_id, "HASH", *e));
  ASSERT_FALSE(signed_job.signature.empty());
  auto composed = compose(user.user_id, hash, crypto::to_base64(signed_job.signature));
  ASSERT_EQ(status_of(composed), 200) << message_in(composed);
  auto checked = verify(composed["data"].GetString());
  EXPECT_EQ(data_field(checked, "statusCode"), "200") << message_in(checked);
  EXPECT_EQ(checked["data"]["message"][0]["pageNo"].GetInt(), 3);
}

TEST_F(CossPdfTest, EachRefusalHasItsCode) {
  auto user = enrol();
  Bytes pdf = eseal::test::blank_pdf(1);
  EXPECT_EQ(status_of(pdf_hash("", pdf, kRectangle)), 89000001);
  EXPECT_EQ(status_of(pdf_hash(std::string(64, 'a'), pdf, kRectangle)), 89004022);
  EXPECT_EQ(
      status_of(world_.call("getPdfHash", R"({"userId":")" + user.user_id + R"(","pdfFileStr":")" +
                                              crypto::to_base64(pdf) + "\"" + kRectangle + "}")),
      89000001);  // no configureSealInfo
  EXPECT_EQ(status_of(pdf_hash(user.user_id, as_bytes(std::string_view("not a pdf")), kRectangle)),
            89001027);
  EXPECT_EQ(
      status_of(pdf_hash(user.user_id, pdf,
                         R"(,"coordOfRuleInfo":{"top":100,"right":50,"bottom":200,"left":350})")),
      89000001);  // left > right
  EXPECT_EQ(
      status_of(pdf_hash(
          user.user_id, pdf,
          R"(,"coordOfRuleInfo":{"top":300,"right":600,"bottom":200,"left":350,"pageNo":9})")),
      89005028);  // no such page
  EXPECT_EQ(status_of(pdf_hash(user.user_id, pdf, R"(,"keywordsOfRuleInfo":{"keyWord":"乙方"})")),
            89005028);  // no such keyword
  EXPECT_EQ(status_of(pdf_hash(user.user_id, pdf, kRectangle, R"(,"signSealType":"RSA")")),
            89000001);
  // A user without an activated device.
  auto other = world_.call("addUser", R"({"userName":"李四","idType":"SF",
      "idNumber":"11010519491231002X","mobile":"13800138000","department":"QT"})");
  ASSERT_EQ(status_of(other), 200) << message_in(other);
  EXPECT_EQ(status_of(pdf_hash(data_field(other, "userId"), pdf, kRectangle)), 89005008);

  auto hash = pdf_hash(user.user_id, pdf, kRectangle);
  ASSERT_EQ(status_of(hash), 200);
  // A signature over something else, and a pdfBytesStr that getPdfHash did not make.
  mobile::SignedJob other_job = sign(user, add_job(user.user_id, "DATA", as_bytes("别的")));
  EXPECT_EQ(status_of(compose(user.user_id, hash, crypto::to_base64(other_job.signature))),
            89003019);
  rapidjson::Document plain;
  plain.Parse((R"({"data":{"pdfBytes":")" + crypto::to_base64(pdf) + R"(","hashSetBytes":"YQ=="}})")
                  .c_str());
  EXPECT_EQ(status_of(compose(user.user_id, plain, crypto::to_base64(other_job.signature))),
            89001027);
  EXPECT_EQ(
      status_of(world_.call("composePdfSeal", R"({"userId":")" + user.user_id +
                                                  R"(","signValue":"YQ==","pdfBytesStr":"YQ=="})")),
      89000001);  // no hashSetBytesStr
  EXPECT_EQ(status_of(verify("YWJj")), 89001027);
  // A PDF without signatures verifies to no signature.
  auto none = verify(crypto::to_base64(pdf));
  EXPECT_EQ(data_field(none, "statusCode"), "89003019");
}

}  // namespace
}  // namespace eseal::api::coss
