// Trusted time in the signatures eseal makes: the platform's authority (on a real store) stamps
// PDF seals in each value format and OFD seals; verification reports the proven genTime and TSA;
// a signer whose certificate had expired by the time it claims is judged at genTime, when it was
// valid; a token over other bytes fails.
#include <gtest/gtest.h>

#include "base/file.h"
#include "crypto/digest.h"
#include "keys/key_file.h"
#include "ofd/writer.h"
#include "service/signing.h"
#include "service/store_platform.h"
#include "service/time_stamping.h"
#include "service/verification.h"
#include "ses/signature.h"
#include "store/store.h"
#include "support/blank_pdf.h"
#include "support/process.h"
#include "support/sealing_parties.h"

namespace eseal::service {
namespace {

using test::kNow;
using test::parties;

keys::Kek kek() {
  return keys::Kek(crypto::SecureBytes{'t', 's', '-', 'k', 'e', 'k'});
}

// The platform's authority on a data folder: D/platform/tsa.pem and .key, tokens recorded.
class Authority {
 public:
  Authority() {
    std::filesystem::create_directories(dir_.path() / "platform");
    auto tsa =
        pki::test::issue(pki::CertificateProfile::kTsa, "C=CN,CN=测试时间戳服务", &parties().root,
                         kNow - std::chrono::days(30), kNow + std::chrono::days(365));
    EXPECT_TRUE(write_file_atomic(dir_ / "platform/tsa.pem", as_bytes(tsa.cert.pem()), 0644));
    EXPECT_TRUE(write_file_atomic(dir_ / "platform/tsa.key",
                                  as_bytes(*keys::encrypt_private_key(tsa.key, kek())), 0600));
    store_ = std::move(*store::open_store(dir_.path(), kek()));
    platform_ = std::make_unique<StorePlatform>(*store_, kek(), dir_.path());
    tsa::Settings settings;
    settings.policy = "2.999.1.1";
    authority_ =
        std::make_unique<LocalTimeStampAuthority>(*platform_->tsa_signer(), settings, *platform_);
  }
  doc::TimeStamper stamper(Time at) { return time_stamper(*authority_, "cli:test", at); }

 private:
  test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<StorePlatform> platform_;
  std::unique_ptr<LocalTimeStampAuthority> authority_;
};

keys::Signer& signer_of(const pki::test::IssuedKey& key) {
  static std::map<std::string, std::unique_ptr<keys::Signer>> made;
  auto& s = made[key.cert.serial_hex()];
  if (!s) s = std::move(*keys::KeySigner::make(key.key, key.cert));
  return *s;
}

Bytes sample_ofd() {
  auto laid = ofd::layout_text("时间戳测试\n", {});
  return *ofd::write_ofd(laid->document, {kNow, "test"});
}

TEST(TimeStamps, SealsInEveryFormatCarryAProvenTime) {
  Authority authority;
  struct Case {
    Bytes document;
    doc::SignatureFormat format;
  };
  for (const Case& c : {Case{test::blank_pdf(1), doc::SignatureFormat::kSes},
                        Case{test::blank_pdf(1), doc::SignatureFormat::kGmCms},
                        Case{test::blank_pdf(1), doc::SignatureFormat::kPkcs7},
                        Case{sample_ofd(), doc::SignatureFormat::kSes}}) {
    SealSignature request{{doc::PositionRule{0, 40, 40}}, &parties().seal, c.format, "", ""};
    auto signed_document = sign(prepare_seal(c.document, request, parties().signer.cert, kNow),
                                signer_of(parties().signer), authority.stamper(kNow));
    ASSERT_TRUE(signed_document.ok()) << signed_document.error().message;
    auto summary = verify(*signed_document, test::trust(), kNow);
    ASSERT_TRUE(summary.ok());
    ASSERT_EQ(summary->signatures.size(), 1u);
    const SignatureSummary& s = summary->signatures[0];
    SCOPED_TRACE(s.format);
    EXPECT_TRUE(summary->valid());
    EXPECT_EQ(s.time_stamp, kNow);
    EXPECT_EQ(s.time_stamp_authority, "C=CN,CN=测试时间戳服务");
    EXPECT_EQ(s.verdict.find("time-stamp")->result, ses::CheckResult::kPassed);
  }
}

// A signer whose certificate ends a day after kNow (and began a day before), and a seal listing
// it.
struct BriefSigner {
  pki::test::IssuedKey key;
  ses::SesSeal seal;
};
const BriefSigner& brief_signer() {
  static const BriefSigner made = [] {
    const auto& p = parties();
    auto brief =
        pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,O=某单位,CN=短期签章人", &p.root,
                         kNow - std::chrono::days(1), kNow + std::chrono::days(1));
    ses::SealInfo info = p.seal.info;
    info.es_id = "BRIEF-1";
    info.signer_certs = {brief.cert.der()};
    auto seal = ses::make_seal(info, p.maker.cert, p.maker.key);
    EXPECT_TRUE(seal.ok()) << seal.error().message;
    return BriefSigner{brief, *seal};
  }();
  return made;
}

bool has_finding(const VerifySummary& summary, std::string_view finding) {
  const auto& f = summary.outcome.findings;
  return std::find(f.begin(), f.end(), finding) != f.end();
}

TEST(TimeStamps, ASignerIsJudgedAtGenTimeNotAtTheTimeItClaims) {
  Authority authority;
  const BriefSigner& brief = brief_signer();
  SealSignature request{
      {doc::PositionRule{0, 40, 40}}, &brief.seal, doc::SignatureFormat::kSes, "", ""};
  // The signer claims a time ten days on, when its certificate had expired.
  Time claimed = kNow + std::chrono::days(10);

  auto unstamped = sign(prepare_seal(test::blank_pdf(1), request, brief.key.cert, claimed),
                        signer_of(brief.key));
  ASSERT_TRUE(unstamped.ok()) << unstamped.error().message;
  auto claimed_only = verify(*unstamped, test::trust(), kNow);
  ASSERT_TRUE(claimed_only.ok());
  EXPECT_EQ(claimed_only->outcome.indication, ses::Indication::kIndeterminate);
  EXPECT_TRUE(has_finding(*claimed_only, "cert-expired-no-timestamp"));

  // The authority vouches that the signature existed at kNow, when the certificate was valid.
  auto stamped = sign(prepare_seal(test::blank_pdf(1), request, brief.key.cert, claimed),
                      signer_of(brief.key), authority.stamper(kNow));
  ASSERT_TRUE(stamped.ok()) << stamped.error().message;
  auto proven = verify(*stamped, test::trust(), kNow);
  ASSERT_TRUE(proven.ok());
  EXPECT_TRUE(proven->valid());
  EXPECT_EQ(proven->signatures.at(0).time_stamp, kNow);
}

// A proven time outside the certificate's period is not excused as a claimed one is: before it
// began, the signature is older than the certificate (failed); after it ended, the signature may
// have been made earlier but nothing shows it (indeterminate, but not for want of a time stamp).
TEST(TimeStamps, AProvenTimeOutsideTheCertificateIsJudgedAsProven) {
  Authority authority;
  const BriefSigner& brief = brief_signer();
  for (doc::SignatureFormat format : {doc::SignatureFormat::kSes, doc::SignatureFormat::kGmCms}) {
    SCOPED_TRACE(doc::format_name(format));
    SealSignature request{{doc::PositionRule{0, 40, 40}}, &brief.seal, format, "", ""};
    auto late = sign(prepare_seal(test::blank_pdf(1), request, brief.key.cert, kNow),
                     signer_of(brief.key), authority.stamper(kNow + std::chrono::days(10)));
    ASSERT_TRUE(late.ok()) << late.error().message;
    auto after = verify(*late, test::trust(), kNow);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->outcome.indication, ses::Indication::kIndeterminate);
    EXPECT_TRUE(has_finding(*after, "cert-expired-before-time-stamp"));
    EXPECT_FALSE(has_finding(*after, "cert-expired-no-timestamp"));

    auto early = sign(prepare_seal(test::blank_pdf(1), request, brief.key.cert, kNow),
                      signer_of(brief.key), authority.stamper(kNow - std::chrono::days(5)));
    ASSERT_TRUE(early.ok()) << early.error().message;
    auto before = verify(*early, test::trust(), kNow);
    ASSERT_TRUE(before.ok());
    EXPECT_EQ(before->outcome.indication, ses::Indication::kFailed);
    EXPECT_TRUE(has_finding(*before, "cert-not-yet-valid"));
  }
}

TEST(TimeStamps, ATokenOverOtherBytesFails) {
  Authority authority;
  const auto& p = parties();
  Bytes digest = crypto::sm3(to_bytes("document"));
  auto value = ses::make_signature(p.seal, kNow, digest, "doc", p.signer.cert, p.signer.key);
  ASSERT_TRUE(value.ok());
  auto other = authority.stamper(kNow)(to_bytes("another signature"));
  ASSERT_TRUE(other.ok()) << other.error().message;
  value->time_stamp = *other;
  doc::ValueReport r;
  doc::check_ses(*value, digest, test::trust(), {"digest", "the byte ranges"}, r);
  const ses::Check* check = r.verdict.find("time-stamp");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->result, ses::CheckResult::kFailed);
  EXPECT_NE(check->detail.find("imprint"), std::string::npos) << check->detail;
  EXPECT_FALSE(r.time_stamp);
  EXPECT_EQ(r.outcome().indication, ses::Indication::kFailed);

  auto good = authority.stamper(kNow)(value->signature);
  value->time_stamp = *good;
  doc::ValueReport ok;
  doc::check_ses(*value, digest, test::trust(), {"digest", "the byte ranges"}, ok);
  EXPECT_TRUE(ok.valid());
  EXPECT_EQ(ok.time_stamp, kNow);
}

}  // namespace
}  // namespace eseal::service
