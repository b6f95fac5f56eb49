// Trusted time in the signatures eseal makes: the platform's authority (on a real store) stamps
// PDF seals in each value format and OFD seals; verification reports the proven genTime and TSA;
// a signer whose certificate had expired by the time it claims is judged at genTime, when it was
// valid; a token over other bytes fails.
#include <gtest/gtest.h>

#include "base/file.h"
#include "crypto/digest.h"
#include "keys/key_file.h"
#include "ofd/writer.h"
#include "pdf/long_term.h"
#include "pdf/verify.h"
#include "service/long_term.h"
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

keys::Kek ts_kek() {
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
                                  as_bytes(*keys::encrypt_private_key(tsa.key, ts_kek())), 0600));
    store_ = std::move(*store::open_store(dir_.path(), ts_kek()));
    platform_ = std::make_unique<StorePlatform>(*store_, ts_kek(), dir_.path());
    tsa::Settings settings;
    settings.policy = "2.999.1.1";
    authority_ =
        std::make_unique<LocalTimeStampAuthority>(*platform_->tsa_signer(), settings, *platform_);
  }
  doc::TimeStamper stamper(Time at) { return time_stamper(*authority_, "cli:test", at); }
  TimeStampAuthority& get() { return *authority_; }

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

// A document time stamp on a sealed PDF: the seal stays valid, the time stamp is reported as a
// signature of its own with the time it proves, and a change to what it covers fails it.
TEST(TimeStamps, ADocumentTimeStampCoversTheDocumentAndLeavesItsSealValid) {
  Authority authority;
  const auto& p = parties();
  SealSignature request{
      {doc::PositionRule{0, 40, 40}}, &p.seal, doc::SignatureFormat::kSes, "", ""};
  auto sealed = sign(prepare_seal(test::blank_pdf(1), request, p.signer.cert, kNow),
                     signer_of(p.signer), authority.stamper(kNow));
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  Time later = kNow + std::chrono::hours(1);
  auto stamped = time_stamp_pdf(*sealed, authority.get(), "cli:test", later);
  ASSERT_TRUE(stamped.ok()) << stamped.error().message;
  ASSERT_EQ(Bytes(stamped->begin(), stamped->begin() + sealed->size()), *sealed);

  auto summary = verify(*stamped, test::trust(), kNow);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->valid());
  ASSERT_EQ(summary->signatures.size(), 2u);
  EXPECT_EQ(summary->signatures[0].kind, "seal");
  const SignatureSummary& doc_stamp = summary->signatures[1];
  EXPECT_EQ(doc_stamp.kind, "time-stamp");
  EXPECT_EQ(doc_stamp.format, "doc-time-stamp");
  EXPECT_EQ(doc_stamp.time_stamp, later);
  EXPECT_EQ(doc_stamp.signer, "C=CN,CN=测试时间戳服务");
  EXPECT_EQ(doc_stamp.verdict.find("imprint")->result, ses::CheckResult::kPassed);

  // SHA-256 imprints, for authorities that know no SM3.
  auto sha256 =
      time_stamp_pdf(*sealed, authority.get(), "cli:test", later, crypto::HashAlgorithm::kSha256);
  ASSERT_TRUE(sha256.ok()) << sha256.error().message;
  auto sha256_summary = verify(*sha256, test::trust(), kNow);
  ASSERT_TRUE(sha256_summary.ok());
  EXPECT_TRUE(sha256_summary->valid());

  // The invisible widget's rectangle changed after stamping: the imprint no longer matches.
  std::string text = to_string(*stamped);
  std::size_t rect = text.rfind("/Rect [ 0 0 0 0 ]");
  ASSERT_NE(rect, std::string::npos);
  Bytes tampered = *stamped;
  tampered[rect + 15] = '1';
  auto report = pdf::verify_pdf(tampered, test::trust());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->signatures.size(), 2u);
  EXPECT_EQ(report->signatures[1].verdict.find("imprint")->result, ses::CheckResult::kFailed);
  EXPECT_EQ(report->outcome().indication, ses::Indication::kFailed);

  // A token over other bytes does not go in.
  auto prepared = pdf::prepare_document_time_stamp(*sealed);
  ASSERT_TRUE(prepared.ok());
  auto other = request_time_stamp(authority.get(), "cli:test", kNow, crypto::HashAlgorithm::kSm3,
                                  crypto::sm3(to_bytes("other")));
  ASSERT_TRUE(other.ok()) << other.error().message;
  auto refused = pdf::complete_document_time_stamp(*prepared, *other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
}

// Long-term validation data: a signer certified by an intermediate CA that the verifier is not
// given is established through the /DSS, whose CRLs are used for revocation too; the update that
// adds it after the last signature is not an unsigned change.
TEST(TimeStamps, TheDocumentSecurityStoreCompletesPathsAndRevocation) {
  const auto& p = parties();
  auto sub = pki::test::issue(pki::CertificateProfile::kSubCa, "C=CN,CN=测试二级CA", &p.root);
  auto signer = pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,O=某单位,CN=二级合同章",
                                 &sub, kNow - std::chrono::days(1), kNow + std::chrono::days(300));
  ses::SealInfo info = p.seal.info;
  info.es_id = "SUB-1";
  info.signer_certs = {signer.cert.der()};
  auto seal = ses::make_seal(info, p.maker.cert, p.maker.key);
  ASSERT_TRUE(seal.ok());
  SealSignature request{{doc::PositionRule{0, 40, 40}}, &*seal, doc::SignatureFormat::kSes, "", ""};
  auto sealed =
      sign(prepare_seal(test::blank_pdf(1), request, signer.cert, kNow), signer_of(signer));
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  auto without = pdf::verify_pdf(*sealed, test::trust());
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->outcome().indication, ses::Indication::kIndeterminate);

  auto crl = [](const pki::test::IssuedKey& ca, std::vector<pki::RevokedCertificate> revoked) {
    return pki::issue_crl({std::move(revoked), kNow, kNow + std::chrono::days(7), 1}, ca.cert,
                          ca.key)
        ->der();
  };
  Bytes root_crl = crl(p.root, {});
  auto with_dss = add_long_term_data(*sealed, {{sub.cert.der()}, {root_crl, crl(sub, {})}});
  ASSERT_TRUE(with_dss.ok()) << with_dss.error().message;
  auto report = pdf::verify_pdf(*with_dss, test::trust());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->valid()) << report->signatures.at(0).verdict.outcome().findings.size();
  EXPECT_TRUE(report->validation_data_after);
  EXPECT_FALSE(report->unsigned_changes);
  EXPECT_EQ(report->dss_crls, 2);
  // Signer, seal maker and the intermediate CA, each once.
  EXPECT_EQ(report->dss_certificates, 3);
  auto again = add_long_term_data(*with_dss, {{sub.cert.der()}, {root_crl}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *with_dss);

  // The intermediate's CRL in the store says the signer was revoked before it signed.
  pki::RevokedCertificate revoked;
  revoked.serial = signer.cert.serial();
  revoked.revoked_at = kNow - std::chrono::hours(2);
  auto revoked_dss =
      add_long_term_data(*sealed, {{sub.cert.der()}, {root_crl, crl(sub, {revoked})}});
  ASSERT_TRUE(revoked_dss.ok());
  auto revoked_report = pdf::verify_pdf(*revoked_dss, test::trust());
  ASSERT_TRUE(revoked_report.ok());
  EXPECT_EQ(revoked_report->outcome().indication, ses::Indication::kFailed);
  EXPECT_EQ(revoked_report->signatures.at(0).verdict.find("signer-chain")->finding, "cert-revoked");
}

}  // namespace
}  // namespace eseal::service
