// OFD verification: every fixture of ../shared/fixtures/ofd-interop with the result its README
// gives; tampered copies of them (rewritten here with libzip); packages signed here in each
// Type="Sign" format (GB/T 35275 PKCS#9 and attached-digest forms, PKCS#7 OIDs, bare SM2), one
// of them a lock; and hostile packages refused with kInvalidInput.
#include "ofd/verify.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "ofd/report_support.h"
#include "ofd/zip_builder.h"
#include "pki/signed_data.h"
#include "pki/test_ca.h"
#include "ses/signature.h"

namespace eseal::ofd {
namespace {

using ses::CheckResult;
using ses::Indication;
using test::check;
using test::describe;
using test::entry;
using test::make_zip;
using test::result_of;
using test::with_entry;
using test::without_entry;

const std::filesystem::path kDir = std::filesystem::path(ESEAL_FIXTURE_DIR) / "ofd-interop";
const std::string kSign = "Doc_0/Signs/Sign_0/";

Bytes fixture(const std::string& name) {
  auto data = read_file(kDir / name);
  EXPECT_TRUE(data.ok()) << name;
  return data.ok() ? *data : Bytes{};
}

VerifyReport verify(ByteView zip, const VerifyOptions& options = {},
                    const ses::TrustPolicy& trust = {}) {
  auto r = verify_ofd(zip, trust, options);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : VerifyReport{};
}

std::string detail_of(const SignatureReport& s, std::string_view name) {
  const ses::Check* c = check(s, name);
  return c ? c->detail : "";
}

std::string finding_of(const SignatureReport& s, std::string_view name) {
  const ses::Check* c = check(s, name);
  return c ? c->finding : "";
}

using Findings = std::vector<std::string>;

class VerifyFixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kDir))
      GTEST_SKIP() << "../shared/fixtures is not beside the checkout";
  }
};

// What the README asks of every sealed fixture: reference digests, the signer's signature over
// TBS_Sign, the maker's over SES_SealInfo, dataHash = SM3(Signature.xml); and, for the package,
// that nothing is left uncovered.
void expect_sealed_fixture_passes(const std::string& file, const SignatureReport& s) {
  SCOPED_TRACE(file + "\n" + describe(s));
  EXPECT_EQ(s.format, "ses");
  EXPECT_EQ(s.type, "Seal");
  for (const char* name : {"references", "structure", "signer-signature", "signer-in-seal",
                           "data-hash", "seal.structure", "seal.maker-signature", "seal.picture",
                           "seal.signer-list", "stamp-annots", "package-changes"}) {
    EXPECT_EQ(result_of(s, name), CheckResult::kPassed) << name;
  }
  EXPECT_EQ(result_of(s, "signer-chain"), CheckResult::kSkipped) << "no trust anchor given";
  EXPECT_EQ(finding_of(s, "signer-chain"), "no-chain-checked");
  EXPECT_EQ(result_of(s, "seal.maker-chain"), CheckResult::kSkipped);
  EXPECT_EQ(result_of(s, "time-stamp"), CheckResult::kSkipped);
  for (const ReferenceResult& r : s.references) {
    EXPECT_EQ(r.status, ReferenceStatus::kMatches) << r.path;
  }
  EXPECT_TRUE(s.uncovered_files.empty());
  ASSERT_EQ(s.appearances.size(), 1u);
  EXPECT_EQ(s.appearances[0].page, 0);
  EXPECT_EQ(s.appearances[0].page_id, "1");
  EXPECT_FALSE(s.picture.empty());
}

TEST_F(VerifyFixtures, TaxInvoiceV4Signed) {
  VerifyReport r = verify(fixture("v4signed.ofd"));
  ASSERT_EQ(r.signatures.size(), 1u);
  const SignatureReport& s = r.signatures[0];
  expect_sealed_fixture_passes("v4signed.ofd", s);
  EXPECT_EQ(s.id, "1");
  EXPECT_EQ(s.signature_path, "Doc_0/Signs/Sign_0/Signature.xml");
  EXPECT_EQ(s.signed_value_path, "Doc_0/Signs/Sign_0/SignedValue.dat");
  EXPECT_EQ(s.references.size(), 13u);
  EXPECT_EQ(s.check_method, "1.2.156.10197.1.401");
  EXPECT_EQ(s.provider, "gomain_eseal");
  EXPECT_EQ(result_of(s, "seal-match"), CheckResult::kSkipped) << "no Seal.esl in tax invoices";
  EXPECT_EQ(s.picture_type, "ofd");
  EXPECT_EQ(s.appearances[0].boundary.x, 90);
  EXPECT_EQ(s.appearances[0].boundary.width, 30);
  EXPECT_EQ(s.appearances[0].boundary.height, 20);
  EXPECT_FALSE(s.appearances[0].clip);
  EXPECT_EQ(s.signing_time, *parse_utc("2020-10-10T07:11:20Z"));
  EXPECT_NE(s.signer.find("CN=全国统一发票监制章国家税务总局重庆市税务局"), std::string::npos);
  EXPECT_FALSE(s.locked);
  // Every check holds at the signing time; only the chain, with no trust anchor to check it
  // against, leaves the document indeterminate.
  EXPECT_EQ(s.outcome().indication, Indication::kIndeterminate) << describe(s);
  EXPECT_EQ(s.outcome().findings, Findings{"no-chain-checked"});
  EXPECT_EQ(r.outcome().indication, Indication::kIndeterminate);
  EXPECT_EQ(r.outcome().findings, Findings{"no-chain-checked"});
  EXPECT_FALSE(r.locked());
  EXPECT_TRUE(r.uncovered_files.empty());
  EXPECT_TRUE(r.removed_files.empty());
  EXPECT_TRUE(r.warnings.empty());
}

TEST_F(VerifyFixtures, TaxInvoiceSignedFile) {
  VerifyReport r = verify(fixture("signedFile.ofd"));
  ASSERT_EQ(r.signatures.size(), 1u);
  const SignatureReport& s = r.signatures[0];
  expect_sealed_fixture_passes("signedFile.ofd", s);
  EXPECT_EQ(s.id, "2");
  EXPECT_EQ(s.picture_type, "ofd");
  EXPECT_EQ(result_of(s, "signer-certificate"), CheckResult::kPassed);
  EXPECT_EQ(result_of(s, "seal.validity"), CheckResult::kPassed);
  // A finding of the real file, not of the verifier: the seal's createDate (2019-10-11) is five
  // days before its maker's certificate became valid (2019-10-16). The maker claims createDate,
  // so this genuine invoice is indeterminate, not failed.
  EXPECT_EQ(result_of(s, "seal.maker-certificate"), CheckResult::kIndeterminate);
  EXPECT_EQ(finding_of(s, "seal.maker-certificate"),
            "seal-maker-cert-not-yet-valid-at-seal-making");
  EXPECT_NE(detail_of(s, "seal.maker-certificate").find("2019-10-16"), std::string::npos);
  EXPECT_EQ(r.outcome().indication, Indication::kIndeterminate);
  EXPECT_EQ(r.outcome().findings,
            (Findings{"no-chain-checked", "seal-maker-cert-not-yet-valid-at-seal-making"}));
}

TEST_F(VerifyFixtures, OfdrwSealSignature) {
  Bytes zip = fixture("SESV4SignDoc.ofd");
  VerifyReport r = verify(zip);
  ASSERT_EQ(r.signatures.size(), 1u);
  const SignatureReport& s = r.signatures[0];
  expect_sealed_fixture_passes("SESV4SignDoc.ofd", s);
  EXPECT_EQ(result_of(s, "seal-match"), CheckResult::kPassed);
  EXPECT_EQ(s.seal_path, "Doc_0/Signs/Sign_0/Seal.esl");
  EXPECT_EQ(s.picture_type, "PNG");
  EXPECT_EQ(s.picture.size(), 15693u);
  EXPECT_EQ(s.appearances[0].boundary.x, 50);
  EXPECT_EQ(s.appearances[0].boundary.width, 40);
  EXPECT_FALSE(s.locked);
  // This file was signed (timeInfo) on 2026-08-04, after its certificate (to 2022-04-21) and its
  // seal (to 2022-04-22) expired: a certificate-time finding against the signing time, which
  // no time stamp proves.
  EXPECT_EQ(s.signing_time, *parse_utc("2026-08-04T02:08:09Z"));
  EXPECT_EQ(result_of(s, "signer-certificate"), CheckResult::kIndeterminate);
  EXPECT_EQ(finding_of(s, "signer-certificate"), "cert-expired-no-timestamp");
  EXPECT_EQ(result_of(s, "seal.validity"), CheckResult::kIndeterminate);
  EXPECT_EQ(finding_of(s, "seal.validity"), "seal-expired-no-timestamp");
  EXPECT_EQ(result_of(s, "seal.maker-certificate"), CheckResult::kPassed);
  EXPECT_EQ(r.outcome().indication, Indication::kIndeterminate);
  EXPECT_EQ(r.outcome().findings, (Findings{"cert-expired-no-timestamp", "no-chain-checked",
                                            "seal-expired-no-timestamp"}));
  EXPECT_TRUE(r.uncovered_files.empty());
}

TEST_F(VerifyFixtures, WholeProtectedSignatureIsALock) {
  VerifyReport r = verify(fixture("allprotected.ofd"));
  ASSERT_EQ(r.signatures.size(), 1u);
  const SignatureReport& s = r.signatures[0];
  expect_sealed_fixture_passes("allprotected.ofd", s);
  EXPECT_EQ(result_of(s, "seal-match"), CheckResult::kPassed);
  EXPECT_TRUE(s.locked);
  EXPECT_TRUE(r.locked());
  EXPECT_EQ(r.outcome().indication, Indication::kIndeterminate) << describe(s);
  EXPECT_EQ(r.outcome().findings, Findings{"no-chain-checked"});
  bool covers_signatures_xml = false;
  for (const ReferenceResult& ref : s.references) {
    covers_signatures_xml |= ref.path == "Doc_0/Signs/Signatures.xml";
  }
  EXPECT_TRUE(covers_signatures_xml);
}

// The signature carries no certificate; OFDRW made it with its test key, whose certificate is
// the signer of the other OFDRW fixtures.
TEST_F(VerifyFixtures, LegacyBareSm2Signature) {
  Bytes zip = fixture("DigitalSign.ofd");
  VerifyReport r = verify(zip);
  ASSERT_EQ(r.signatures.size(), 1u);
  const SignatureReport& s = r.signatures[0];
  SCOPED_TRACE(describe(s));
  EXPECT_EQ(s.type, "Sign");
  EXPECT_EQ(s.id, "s001");
  EXPECT_EQ(s.format, "sm2");
  EXPECT_EQ(s.check_method, "SM3");
  EXPECT_EQ(result_of(s, "references"), CheckResult::kPassed);
  EXPECT_EQ(result_of(s, "signer-signature"), CheckResult::kSkipped);
  EXPECT_NE(detail_of(s, "signer-signature").find("carries no certificate"), std::string::npos);
  EXPECT_EQ(result_of(s, "seal-match"), CheckResult::kSkipped);
  EXPECT_EQ(result_of(s, "stamp-annots"), CheckResult::kSkipped);
  EXPECT_EQ(result_of(s, "package-changes"), CheckResult::kPassed);
  // Nothing failed, but nothing verified the signature either.
  EXPECT_EQ(s.outcome().indication, Indication::kIndeterminate);
  EXPECT_EQ(s.outcome().findings, Findings{"signer-cert-missing"});
  EXPECT_EQ(r.outcome().indication, Indication::kIndeterminate);

  auto sv = ses::decode_signature(entry(fixture("SESV4SignDoc.ofd"), kSign + "SignedValue.dat"));
  ASSERT_TRUE(sv.ok());
  auto ofdrw_cert = pki::Certificate::from_der(sv->signer_cert);
  ASSERT_TRUE(ofdrw_cert.ok());
  pki::test::IssuedKey other =
      pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,O=Other,CN=Other", nullptr);
  std::vector<pki::Certificate> candidates{other.cert, *ofdrw_cert};
  VerifyOptions options;
  options.signer_certificates = candidates;
  VerifyReport with_cert = verify(zip, options);
  const SignatureReport& v = with_cert.signatures.at(0);
  SCOPED_TRACE(describe(v));
  EXPECT_EQ(result_of(v, "signer-signature"), CheckResult::kPassed);
  EXPECT_NE(v.signer.find("CN=Test Certificate"), std::string::npos);
  EXPECT_EQ(v.signing_time, *parse_utc("2020-04-22T16:22:44Z")) << "SignatureDateTime";
  EXPECT_EQ(result_of(v, "signer-certificate"), CheckResult::kPassed);
  // Given the certificate, only the chain (no trust anchor) is left open.
  EXPECT_EQ(v.outcome().findings, Findings{"no-chain-checked"});
  EXPECT_EQ(with_cert.outcome().indication, Indication::kIndeterminate);

  options.signer_certificates = std::span<const pki::Certificate>(candidates).first(1);
  VerifyReport wrong = verify(zip, options);
  EXPECT_EQ(result_of(wrong.signatures.at(0), "signer-signature"), CheckResult::kFailed);
  EXPECT_EQ(wrong.outcome().indication, Indication::kFailed);

  // A changed Signature.xml no longer verifies under the right key.
  Bytes xml = entry(zip, kSign + "Signature.xml");
  std::string text = to_string(xml);
  text.replace(text.find("2020-04-22 16:22:44"), 19, "2020-04-22 16:22:45");
  options.signer_certificates = candidates;
  VerifyReport changed = verify(with_entry(zip, kSign + "Signature.xml", to_bytes(text)), options);
  EXPECT_EQ(result_of(changed.signatures.at(0), "signer-signature"), CheckResult::kFailed);
  EXPECT_EQ(changed.outcome().indication, Indication::kFailed);
}

// --- Tampering with copies of the fixtures ---------------------------------------------------

TEST_F(VerifyFixtures, RewritingThePackageUnchangedChangesNoFinding) {
  Bytes rebuilt = make_zip(test::entries_of(fixture("v4signed.ofd")));
  VerifyReport r = verify(rebuilt);
  EXPECT_EQ(r.outcome().findings, Findings{"no-chain-checked"}) << describe(r.signatures.at(0));
}

TEST_F(VerifyFixtures, AChangedPageFailsItsReference) {
  Bytes zip = fixture("v4signed.ofd");
  const std::string page = "Doc_0/Pages/Page_0/Content.xml";
  Bytes content = entry(zip, page);
  content.push_back('\n');
  VerifyReport r = verify(with_entry(zip, page, content));
  const SignatureReport& s = r.signatures.at(0);
  EXPECT_EQ(result_of(s, "references"), CheckResult::kFailed);
  EXPECT_EQ(detail_of(s, "references"), "changed: " + page);
  int changed = 0;
  for (const ReferenceResult& ref : s.references) {
    if (ref.status == ReferenceStatus::kChanged) {
      ++changed;
      EXPECT_EQ(ref.path, page);
    }
  }
  EXPECT_EQ(changed, 1);
  EXPECT_EQ(result_of(s, "signer-signature"), CheckResult::kPassed) << "the signature holds";
  EXPECT_EQ(result_of(s, "data-hash"), CheckResult::kPassed);
  EXPECT_EQ(r.outcome().indication, Indication::kFailed);
}

TEST_F(VerifyFixtures, AnAddedFileIsUncovered) {
  Bytes zip = with_entry(fixture("v4signed.ofd"), "Doc_0/Res/added.png", to_bytes("PNG?"));
  VerifyReport r = verify(zip);
  const SignatureReport& s = r.signatures.at(0);
  EXPECT_EQ(result_of(s, "references"), CheckResult::kPassed);
  EXPECT_EQ(result_of(s, "package-changes"), CheckResult::kFailed);
  EXPECT_EQ(detail_of(s, "package-changes"), "not covered: Doc_0/Res/added.png");
  EXPECT_EQ(s.uncovered_files, std::vector<std::string>{"Doc_0/Res/added.png"});
  EXPECT_EQ(r.uncovered_files, std::vector<std::string>{"Doc_0/Res/added.png"});
  EXPECT_EQ(r.outcome().indication, Indication::kFailed);
  EXPECT_EQ(r.outcome().findings,
            (Findings{"uncovered-files", "no-chain-checked", "package-changes"}));
}

TEST_F(VerifyFixtures, ARemovedFileFailsItsReference) {
  Bytes zip = without_entry(fixture("v4signed.ofd"), "Doc_0/Res/qr.png");
  VerifyReport r = verify(zip);
  const SignatureReport& s = r.signatures.at(0);
  EXPECT_EQ(result_of(s, "references"), CheckResult::kFailed);
  EXPECT_EQ(detail_of(s, "references"), "missing: Doc_0/Res/qr.png");
  EXPECT_EQ(result_of(s, "package-changes"), CheckResult::kFailed);
  EXPECT_EQ(r.removed_files, std::vector<std::string>{"Doc_0/Res/qr.png"});
  EXPECT_EQ(r.outcome().indication, Indication::kFailed);
  EXPECT_NE(std::find(r.outcome().findings.begin(), r.outcome().findings.end(), "removed-files"),
            r.outcome().findings.end());

  // Removing the page content and Document.xml is reported the same way, not refused.
  Bytes gutted =
      without_entry(without_entry(zip, "Doc_0/Pages/Page_0/Content.xml"), "Doc_0/Document.xml");
  VerifyReport g = verify(gutted);
  ASSERT_EQ(g.signatures.size(), 1u);
  EXPECT_EQ(g.removed_files.size(), 3u);
  EXPECT_EQ(g.warnings.size(), 1u);
  EXPECT_EQ(result_of(g.signatures[0], "stamp-annots"), CheckResult::kFailed) << "no pages";
}

TEST_F(VerifyFixtures, ASwappedSignedValueFailsTheDataHash) {
  Bytes other = entry(fixture("signedFile.ofd"), kSign + "SignedValue.dat");
  VerifyReport r = verify(with_entry(fixture("v4signed.ofd"), kSign + "SignedValue.dat", other));
  const SignatureReport& s = r.signatures.at(0);
  EXPECT_EQ(result_of(s, "references"), CheckResult::kPassed);
  EXPECT_EQ(result_of(s, "signer-signature"), CheckResult::kPassed) << "valid, for other data";
  EXPECT_EQ(result_of(s, "data-hash"), CheckResult::kFailed);
  EXPECT_EQ(r.outcome().indication, Indication::kFailed);
}

TEST_F(VerifyFixtures, AChangedSignatureXmlFailsTheDataHash) {
  Bytes zip = fixture("v4signed.ofd");
  std::string xml = to_string(entry(zip, kSign + "Signature.xml"));
  xml.replace(xml.find("Boundary=\"90.00"), 15, "Boundary=\"10.00");
  VerifyReport r = verify(with_entry(zip, kSign + "Signature.xml", to_bytes(xml)));
  const SignatureReport& s = r.signatures.at(0);
  EXPECT_EQ(result_of(s, "data-hash"), CheckResult::kFailed);
  EXPECT_EQ(s.appearances.at(0).boundary.x, 10);
  EXPECT_EQ(r.outcome().indication, Indication::kFailed);
}

TEST_F(VerifyFixtures, AReplacedSealFileFailsSealMatch) {
  Bytes zip = fixture("SESV4SignDoc.ofd");
  VerifyReport r = verify(with_entry(zip, kSign + "Seal.esl", fixture("UserV1.esl")));
  const SignatureReport& s = r.signatures.at(0);
  EXPECT_EQ(result_of(s, "seal-match"), CheckResult::kFailed);
  EXPECT_EQ(detail_of(s, "seal-match"),
            "Doc_0/Signs/Sign_0/Seal.esl is not the seal inside the signature value");
  EXPECT_EQ(result_of(s, "references"), CheckResult::kFailed) << "it is a referenced file too";
  EXPECT_EQ(result_of(s, "signer-signature"), CheckResult::kPassed);

  EXPECT_EQ(r.outcome().indication, Indication::kFailed);

  VerifyReport gone = verify(without_entry(zip, kSign + "Seal.esl"));
  EXPECT_EQ(result_of(gone.signatures.at(0), "seal-match"), CheckResult::kFailed);
  EXPECT_EQ(gone.outcome().indication, Indication::kFailed);
}

TEST_F(VerifyFixtures, ASignatureAddedAfterALockBreaksIt) {
  Bytes zip = fixture("allprotected.ofd");
  std::string list = to_string(entry(zip, "Doc_0/Signs/Signatures.xml"));
  list.replace(list.find("<ofd:MaxSignId>"), 0,
               "<ofd:Signature ID=\"003\" BaseLoc=\"/Doc_0/Signs/Sign_1/Signature.xml\"/>");
  Bytes tampered = with_entry(zip, "Doc_0/Signs/Signatures.xml", to_bytes(list));
  tampered =
      with_entry(tampered, "Doc_0/Signs/Sign_1/Signature.xml", entry(zip, kSign + "Signature.xml"));
  VerifyReport r = verify(tampered);
  ASSERT_EQ(r.signatures.size(), 2u);
  const SignatureReport& lock = r.signatures[0];
  EXPECT_TRUE(lock.locked);
  EXPECT_EQ(result_of(lock, "references"), CheckResult::kFailed);
  EXPECT_NE(detail_of(lock, "references").find("changed: Doc_0/Signs/Signatures.xml"),
            std::string::npos);
  EXPECT_NE(detail_of(lock, "references").find("locks the package"), std::string::npos);
  EXPECT_EQ(r.outcome().indication, Indication::kFailed);
}

TEST_F(VerifyFixtures, HostilePackagesAreRefused) {
  Bytes zip = fixture("v4signed.ofd");
  auto refused = [](const Bytes& bytes, std::string_view why) {
    auto r = verify_ofd(bytes, {});
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  };
  refused(without_entry(zip, "OFD.xml"), "no OFD.xml");
  refused(with_entry(zip, "../../evil.sh", to_bytes("rm -rf /")), "path traversal");
  std::string ofd = to_string(entry(zip, "OFD.xml"));
  ofd.insert(ofd.find("<ofd:OFD"), "<!DOCTYPE ofd:OFD [<!ENTITY x SYSTEM \"/etc/passwd\">]>");
  refused(with_entry(zip, "OFD.xml", to_bytes(ofd)), "OFD.xml: declares a DOCTYPE");
  refused(Bytes(zip.begin(), zip.begin() + static_cast<long>(zip.size() / 2)), "ZIP");
  Bytes huge = zip;
  ASSERT_TRUE(test::patch_declared_size(huge, "Doc_0/Res/qr.png", 0x7FFFFFFF));
  refused(huge, "\"Doc_0/Res/qr.png\" declares 2147483647 bytes");
  VerifyOptions few;
  few.limits.max_entries = 15;
  auto r = verify_ofd(zip, {}, few);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "the ZIP central directory declares 16 entries; at most 15 are accepted");
}

// --- Packages signed here ------------------------------------------------------------------

enum class Form { kGmPkcs9, kGmAttachedDigest, kPkcs7, kBareSm2 };

// A one-page package with no namespace prefix anywhere, a Type="Sign" signature whose
// References cover every file including Signatures.xml (a lock), and SignedValue.dat in `form`.
Bytes sign_package(Form form, const pki::test::Hierarchy& h, bool base64_value = false) {
  std::vector<test::ZipEntry> files{
      {"OFD.xml", to_bytes("<OFD xmlns=\"http://www.ofdspec.org/2016\" Version=\"1.0\"><DocBody>"
                           "<DocRoot>Doc_0/Document.xml</DocRoot><Signatures>/Doc_0/Signs/"
                           "Signatures.xml</Signatures></DocBody></OFD>")},
      {"Doc_0/Document.xml",
       to_bytes("<Document xmlns=\"http://www.ofdspec.org/2016\"><CommonData><PageArea>"
                "<PhysicalBox>0 0 210 297</PhysicalBox></PageArea></CommonData><Pages><Page "
                "ID=\"1\" BaseLoc=\"Pages/Page_0/Content.xml\"/></Pages></Document>")},
      {"Doc_0/Pages/Page_0/Content.xml", to_bytes("<Page><Content><Layer/></Content></Page>")},
      {"Doc_0/Signs/Signatures.xml",
       to_bytes("<Signatures><MaxSignId>1</MaxSignId><Signature ID=\"1\" Type=\"Sign\" "
                "BaseLoc=\"Sign_0/Signature.xml\"/></Signatures>")},
  };
  std::string refs;
  for (const test::ZipEntry& f : files) {
    refs += "<Reference FileRef=\"/" + f.name + "\"><CheckValue>" +
            crypto::to_base64(crypto::sm3(f.data)) + "</CheckValue></Reference>";
  }
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Signature><SignedInfo><Provider "
      "ProviderName=\"eseal-test\"/><SignatureMethod>1.2.156.10197.1.501</SignatureMethod>"
      "<SignatureDateTime>2026-11-23 12:00:00</SignatureDateTime><References "
      "CheckMethod=\"1.2.156.10197.1.401\">" +
      refs + "</References></SignedInfo><SignedValue>SignedValue.dat</SignedValue></Signature>";
  Bytes digest = crypto::sm3(to_bytes(xml));
  std::vector<pki::Certificate> chain{h.sub.cert};
  Result<Bytes> value = Error::internal("unset");
  switch (form) {
    case Form::kGmPkcs9:
      value = pki::sign_detached(pki::CmsProfile::kGm, digest, pki::test::kNow, h.seal.cert,
                                 h.seal.key, chain);
      break;
    case Form::kGmAttachedDigest:
      value = pki::sign_without_attributes(pki::CmsProfile::kGm, digest, h.seal.cert, h.seal.key,
                                           chain);
      break;
    case Form::kPkcs7:
      value = pki::sign_detached(pki::CmsProfile::kPkcs7, digest, pki::test::kNow, h.seal.cert,
                                 h.seal.key, chain);
      break;
    case Form::kBareSm2:
      value = crypto::sm2_sign(h.seal.key, to_bytes(xml));
      break;
  }
  EXPECT_TRUE(value.ok()) << value.error().message;
  files.push_back({"Doc_0/Signs/Sign_0/Signature.xml", to_bytes(xml)});
  files.push_back({"Doc_0/Signs/Sign_0/SignedValue.dat",
                   base64_value ? to_bytes(crypto::to_base64(*value)) : *value});
  return make_zip(files);
}

class SignedHere : public ::testing::TestWithParam<Form> {
 protected:
  pki::test::Hierarchy h;
};

std::string form_name(const ::testing::TestParamInfo<Form>& info) {
  static const char* const kNames[] = {"GmPkcs9", "GmAttachedDigest", "Pkcs7", "BareSm2"};
  return kNames[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(Forms, SignedHere,
                         ::testing::Values(Form::kGmPkcs9, Form::kGmAttachedDigest, Form::kPkcs7,
                                           Form::kBareSm2),
                         form_name);

TEST_P(SignedHere, VerifiesWithChainAndIsALock) {
  Bytes zip = sign_package(GetParam(), h);
  std::vector<pki::Certificate> roots{h.root.cert}, signers{h.seal.cert}, subs{h.sub.cert};
  VerifyOptions options;
  if (GetParam() == Form::kBareSm2) options.signer_certificates = signers;
  ses::TrustPolicy trust{roots, subs, {}};
  VerifyReport r = verify(zip, options, trust);
  ASSERT_EQ(r.signatures.size(), 1u);
  const SignatureReport& s = r.signatures[0];
  SCOPED_TRACE(describe(s));
  const char* formats[] = {"gmcms", "gmcms", "pkcs7", "sm2"};
  EXPECT_EQ(s.format, formats[static_cast<int>(GetParam())]);
  EXPECT_EQ(s.type, "Sign");
  EXPECT_TRUE(s.locked);
  EXPECT_TRUE(r.locked());
  EXPECT_EQ(s.signing_time, pki::test::kNow);
  EXPECT_EQ(s.signer, h.seal.cert.subject().to_string());
  for (const char* name : {"references", "signer-signature", "signer-certificate", "signer-chain",
                           "package-changes"}) {
    EXPECT_EQ(result_of(s, name), CheckResult::kPassed) << name;
  }
  if (GetParam() != Form::kBareSm2) {
    EXPECT_EQ(result_of(s, "data-hash"), CheckResult::kPassed);
  }
  EXPECT_EQ(result_of(s, "seal-match"), CheckResult::kSkipped);
  EXPECT_TRUE(s.valid()) << "with the chain checked, nothing is left open";
  EXPECT_EQ(r.outcome().indication, Indication::kValid);
  EXPECT_TRUE(r.outcome().findings.empty());
  EXPECT_TRUE(s.picture.empty());

  // Tampered Signature.xml: the value no longer commits to it.
  Bytes xml = entry(zip, kSign + "Signature.xml");
  std::string text = to_string(xml);
  text.replace(text.find("eseal-test"), 10, "eseal-TEST");
  VerifyReport t = verify(with_entry(zip, kSign + "Signature.xml", to_bytes(text)), options, trust);
  EXPECT_EQ(t.outcome().indication, Indication::kFailed);
  EXPECT_EQ(result_of(t.signatures.at(0),
                      GetParam() == Form::kBareSm2 ? "signer-signature" : "data-hash"),
            CheckResult::kFailed);

  // Another root: the chain cannot be established.
  pki::test::Hierarchy other;
  std::vector<pki::Certificate> other_roots{other.root.cert};
  VerifyReport untrusted = verify(zip, options, {other_roots, subs, {}});
  EXPECT_EQ(result_of(untrusted.signatures.at(0), "signer-chain"), CheckResult::kIndeterminate);
  EXPECT_EQ(untrusted.outcome().indication, Indication::kIndeterminate);
  EXPECT_EQ(untrusted.outcome().findings, Findings{"unknown-root"});
}

TEST_P(SignedHere, SignedValueAsBase64TextIsRead) {
  std::vector<pki::Certificate> signers{h.seal.cert};
  VerifyOptions options;
  options.signer_certificates = signers;
  VerifyReport r = verify(sign_package(GetParam(), h, true), options);
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_EQ(r.outcome().findings, Findings{"no-chain-checked"}) << describe(r.signatures[0]);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("base64"), std::string::npos);
}

// A SignedData whose signer certificate is not among its certificates (here: the SignerInfo's
// serial number changed) cannot be checked: indeterminate, not failed.
TEST(SignedHereErrors, ASignedDataWithoutItsSignerCertificateIsIndeterminate) {
  pki::test::Hierarchy h;
  Bytes zip = sign_package(Form::kGmPkcs9, h);
  Bytes value = entry(zip, kSign + "SignedValue.dat");
  Bytes serial = h.seal.cert.serial();
  auto last = std::find_end(value.begin(), value.end(), serial.begin(), serial.end());
  ASSERT_NE(last, value.end());
  last[serial.size() - 1] ^= 0x01;
  std::vector<pki::Certificate> roots{h.root.cert}, subs{h.sub.cert};
  VerifyReport r = verify(with_entry(zip, kSign + "SignedValue.dat", value), {}, {roots, subs, {}});
  const SignatureReport& s = r.signatures.at(0);
  SCOPED_TRACE(describe(s));
  EXPECT_EQ(result_of(s, "signer-signature"), CheckResult::kSkipped);
  EXPECT_EQ(finding_of(s, "signer-signature"), "signer-cert-missing");
  EXPECT_EQ(r.outcome().indication, Indication::kIndeterminate);
  EXPECT_EQ(r.outcome().findings, Findings{"signer-cert-missing"});
}

TEST(SignedHereErrors, BrokenSignatureFilesAreReportedNotRefused) {
  pki::test::Hierarchy h;
  Bytes zip = sign_package(Form::kGmPkcs9, h);

  VerifyReport garbage = verify(with_entry(zip, kSign + "SignedValue.dat", to_bytes("garbage")));
  const SignatureReport& g = garbage.signatures.at(0);
  EXPECT_EQ(g.format, "unknown");
  EXPECT_EQ(result_of(g, "signed-value"), CheckResult::kFailed);
  EXPECT_EQ(result_of(g, "references"), CheckResult::kPassed);
  EXPECT_EQ(garbage.outcome().indication, Indication::kFailed);

  VerifyReport no_value = verify(without_entry(zip, kSign + "SignedValue.dat"));
  EXPECT_EQ(result_of(no_value.signatures.at(0), "signed-value"), CheckResult::kFailed);

  VerifyReport bad_xml = verify(with_entry(zip, kSign + "Signature.xml", to_bytes("<Signature")));
  ASSERT_EQ(bad_xml.signatures.size(), 1u);
  EXPECT_EQ(result_of(bad_xml.signatures[0], "signature-xml"), CheckResult::kFailed);
  EXPECT_EQ(bad_xml.signatures[0].verdict.checks.size(), 1u);
  EXPECT_EQ(bad_xml.outcome().indication, Indication::kFailed);

  VerifyReport doctype = verify(with_entry(
      zip, kSign + "Signature.xml",
      to_bytes("<!DOCTYPE S [<!ENTITY a \"aaaa\">]><Signature><SignedInfo/></Signature>")));
  EXPECT_NE(detail_of(doctype.signatures.at(0), "signature-xml").find("DOCTYPE"),
            std::string::npos);

  VerifyReport no_xml = verify(without_entry(zip, kSign + "Signature.xml"));
  EXPECT_EQ(result_of(no_xml.signatures.at(0), "signature-xml"), CheckResult::kFailed);

  // An unknown CheckMethod fails the references rather than being guessed at.
  std::string xml = to_string(entry(zip, kSign + "Signature.xml"));
  xml.replace(xml.find("1.2.156.10197.1.401"), 19, "1.2.3.4.5.6.7.8.9.10");
  VerifyReport method = verify(with_entry(zip, kSign + "Signature.xml", to_bytes(xml)));
  EXPECT_EQ(detail_of(method.signatures.at(0), "references"),
            "CheckMethod \"1.2.3.4.5.6.7.8.9.10\" is not a known digest");
}

// References hashed with each CheckMethod real files use (docs/ENCODINGS.md §4.3).
TEST(SignedHereErrors, EveryKnownCheckMethod) {
  const Bytes page = to_bytes("<Page/>");
  struct Method {
    const char* name;
    Bytes digest;
  };
  Bytes md5 = crypto::from_hex("a4117c8eda0081e2d42cb52ab0e7e065").value();  // md5("<Page/>")
  for (const Method& m :
       {Method{"SM3", crypto::sm3(page)}, Method{"1.2.156.10197.1.401", crypto::sm3(page)},
        Method{"sha256", crypto::sha256(page)},
        Method{"2.16.840.1.101.3.4.2.1", crypto::sha256(page)}, Method{"SHA1", crypto::sha1(page)},
        Method{"MD5", md5}, Method{"", md5}}) {
    std::string xml =
        std::string("<Signature><SignedInfo><References") +
        (*m.name ? std::string(" CheckMethod=\"") + m.name + "\"" : "") +
        "><Reference FileRef=\"/Doc_0/Page.xml\"><CheckValue>" + crypto::to_base64(m.digest) +
        "</CheckValue></Reference></References></SignedInfo><SignedValue>/v.dat</SignedValue>"
        "</Signature>";
    Bytes zip = make_zip(
        {{"OFD.xml", to_bytes("<OFD><DocBody><DocRoot>Doc_0/Document.xml</DocRoot><Signatures>"
                              "S.xml</Signatures></DocBody></OFD>")},
         {"Doc_0/Document.xml", to_bytes("<Document/>")},
         {"Doc_0/Page.xml", page},
         {"S.xml", to_bytes("<Signatures><Signature ID=\"1\" BaseLoc=\"Sig.xml\"/></Signatures>")},
         {"Sig.xml", to_bytes(xml)}});
    VerifyReport r = verify(zip);
    ASSERT_EQ(r.signatures.size(), 1u) << m.name;
    EXPECT_EQ(result_of(r.signatures[0], "references"), CheckResult::kPassed)
        << m.name << ": " << detail_of(r.signatures[0], "references");
  }
}

}  // namespace
}  // namespace eseal::ofd
