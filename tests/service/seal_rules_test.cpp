// The seal registry's one usable-seal rule, and the one seal maker, case by case.
#include <gtest/gtest.h>

#include "service/platform.h"
#include "service/seal_maker.h"
#include "ses/verify.h"
#include "support/sealing_parties.h"

namespace eseal::service {
namespace {

using test::kNow;
using test::parties;

const Caller kMe{"ldt", "APP-1", "SYS1", {"*"}};

RegisteredSeal registered() {
  const auto& p = parties();
  return {"TEST-SEAL-1", "合同专用章",
          "APP-1",       "valid",
          p.seal,        p.signer.cert.subject().to_string(),
          p.signer.cert, "soft:" + std::string(32, '0')};
}

std::string code_of(const RegisteredSeal& seal, Time at = kNow, const Caller& caller = kMe) {
  Status s = check_usable(seal, caller, at);
  return s ? "usable" : s.error().code;
}

TEST(UsableSeal, ValidOwnedAndInsideEveryWindow) {
  EXPECT_EQ(code_of(registered()), "usable");
  RegisteredSeal anyones = registered();
  anyones.owner_app_id.clear();
  EXPECT_EQ(code_of(anyones, kNow, {"ldt", "APP-2", "SYS2", {"*"}}), "usable");
}

TEST(UsableSeal, AnotherAppsSealIsNotYours) {
  EXPECT_EQ(code_of(registered(), kNow, {"ldt", "APP-2", "SYS2", {"*"}}), seal_code::kNotYours);
  auto s = check_usable(registered(), {"ldt", "APP-2", "SYS2", {"*"}}, kNow);
  EXPECT_EQ(s.error().message, "seal TEST-SEAL-1 belongs to another app");
}

TEST(UsableSeal, EveryStatusButValidIsRefused) {
  for (const char* status : {"frozen", "lost", "revoked"}) {
    RegisteredSeal seal = registered();
    seal.status = status;
    EXPECT_EQ(code_of(seal), seal_code::kStatus) << status;
    EXPECT_EQ(check_usable(seal, kMe, kNow).error().message,
              std::string("seal TEST-SEAL-1 is ") + status);
  }
  RegisteredSeal expired = registered();
  expired.status = "expired";
  EXPECT_EQ(code_of(expired), seal_code::kExpired);
}

TEST(UsableSeal, BothEndsOfTheValidityWindow) {
  const ses::SealInfo& info = parties().seal.info;
  EXPECT_EQ(code_of(registered(), info.valid_start - std::chrono::seconds(1)),
            seal_code::kNotYetValid);
  EXPECT_EQ(code_of(registered(), info.valid_start), "usable");
  EXPECT_EQ(code_of(registered(), info.valid_end), "usable");
  EXPECT_EQ(code_of(registered(), info.valid_end + std::chrono::seconds(1)), seal_code::kExpired);
}

TEST(UsableSeal, TheSignersCertificateMustBeRegisteredAndValid) {
  RegisteredSeal none = registered();
  none.signer_cert.reset();
  EXPECT_EQ(code_of(none), seal_code::kNoSigner);
  // The seal is valid for 365 days; a signer certificate that ended yesterday is not.
  RegisteredSeal ended = registered();
  ended.signer_cert =
      pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,CN=合同章", &parties().root,
                       kNow - std::chrono::days(30), kNow - std::chrono::days(1))
          .cert;
  EXPECT_EQ(code_of(ended), seal_code::kSignerCertificate);
}

keys::KeySigner& maker() {
  static auto m = std::move(*keys::KeySigner::make(parties().maker.key, parties().maker.cert));
  return *m;
}

SealDesign design() {
  SealDesign d;
  d.type = 5;
  d.name = "某某市测试单位";
  d.signers = {parties().signer.cert};
  return d;
}

TEST(SealMaker, MakesAVerifiableSealFromADesign) {
  auto seal = make_seal(design(), maker(), kNow);
  ASSERT_TRUE(seal.ok()) << seal.error().message;
  EXPECT_EQ(seal->info.type, 5);
  EXPECT_EQ(seal->info.es_id.size(), 32u);
  EXPECT_EQ(seal->info.picture.type, "PNG");
  EXPECT_EQ(seal->info.picture.width_mm, 42);  // the round template of a contract seal
  EXPECT_EQ(seal->info.picture.height_mm, 42);
  EXPECT_EQ(seal->info.valid_start, kNow);
  ses::Verdict verdict = ses::verify_seal(*seal, kNow, test::trust());
  EXPECT_TRUE(verdict.valid());
  auto svg = seal_picture_svg(design());
  ASSERT_TRUE(svg.ok());
  EXPECT_NE(svg->find("<svg"), std::string::npos);
}

TEST(SealMaker, ValidityEndsWithTheLastSignersCertificate) {
  SealDesign d = design();
  d.valid_days = 10000;
  auto seal = make_seal(d, maker(), kNow);
  ASSERT_TRUE(seal.ok());
  EXPECT_EQ(seal->info.valid_end, parties().signer.cert.not_after());
  d.valid_days = 30;
  EXPECT_EQ(make_seal(d, maker(), kNow)->info.valid_end, kNow + std::chrono::days(30));
}

TEST(SealMaker, RefusesWhatNoSealCanBe) {
  auto refused = [](SealDesign d, Time at = kNow) {
    auto seal = make_seal(d, maker(), at);
    return seal ? std::string("made") : seal.error().message;
  };
  SealDesign d = design();
  d.type = 7;
  EXPECT_EQ(refused(d), "seal type must be 1..6 or 99, not 7");
  d = design();
  d.signers.clear();
  EXPECT_EQ(refused(d), "a seal needs at least one signer certificate");
  d = design();
  d.valid_days = 0;
  EXPECT_EQ(refused(d), "validity must be a positive number of days");
  d = design();
  d.template_name = "round";
  d.picture = to_bytes("not a picture");
  EXPECT_EQ(refused(d), "give a template or a picture, not both");
  d = design();
  d.template_name = "hexagon";
  EXPECT_EQ(refused(d).rfind("template: ", 0), 0u);
  EXPECT_EQ(refused(design(), kNow + std::chrono::days(4000))
                .rfind("the seal maker's certificate is not valid now", 0),
            0u);
}

}  // namespace
}  // namespace eseal::service
