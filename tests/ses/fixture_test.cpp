// Seals and signatures made by other implementations (../shared/fixtures/ofd-interop, see its
// README): each decodes with the version and maker-signature result the README gives, and the
// signatures inside real tax e-invoices verify against the Signature.xml they protect. The OFD
// packages are opened with unzip until the OFD engine exists.
#include <gtest/gtest.h>

#include <filesystem>

#include "base/file.h"
#include "crypto/digest.h"
#include "ses/verify.h"
#include "support/process.h"

namespace eseal::ses {
namespace {

const std::filesystem::path kDir = std::filesystem::path(ESEAL_FIXTURE_DIR) / "ofd-interop";

class Fixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kDir))
      GTEST_SKIP() << "../shared/fixtures is not beside the checkout";
  }
};

Bytes read(const std::string& name) {
  auto data = read_file(kDir / name);
  EXPECT_TRUE(data.ok()) << name;
  return data.ok() ? *data : Bytes{};
}

// One entry of an OFD package, extracted with unzip.
Bytes entry(const std::string& ofd, const std::string& path, const test::TempDir& tmp) {
  auto out = tmp / (ofd + "." + std::filesystem::path(path).filename().string());
  auto r = test::run_command("unzip -p '" + (kDir / ofd).string() + "' '" + path + "' > '" +
                             out.string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto data = read_file(out);
  EXPECT_TRUE(data.ok());
  return data.ok() ? *data : Bytes{};
}

CheckResult check_result(const Verdict& v, std::string_view name) {
  const Check* c = v.find(name);
  EXPECT_NE(c, nullptr) << name;
  return c ? c->result : CheckResult::kSkipped;
}

struct SealCase {
  const char* file;
  SesVersion version;
  std::int64_t header_version;
};

TEST_F(Fixtures, SealsDecodeWithTheirVersionAndAValidMakerSignature) {
  for (const SealCase& c :
       {SealCase{"UserV1.esl", SesVersion::kV1, 1}, SealCase{"UserV4.esl", SesVersion::kV4, 4},
        SealCase{"UserV5.esl", SesVersion::kV5, 5}}) {
    auto seal = decode_seal(read(c.file));
    ASSERT_TRUE(seal.ok()) << c.file << ": " << seal.error().message;
    EXPECT_EQ(seal->version, c.version) << c.file;
    EXPECT_EQ(seal->info.header_version, c.header_version) << c.file;
    EXPECT_EQ(seal->info.picture.type, "PNG") << c.file;
    EXPECT_FALSE(seal->info.signer_certs.empty()) << c.file;
    Verdict v = verify_seal(*seal, seal->info.create_date, {});
    EXPECT_EQ(check_result(v, "maker-signature"), CheckResult::kPassed) << c.file;
    EXPECT_EQ(check_result(v, "structure"), CheckResult::kPassed) << c.file;
    EXPECT_EQ(check_result(v, "picture"), CheckResult::kPassed) << c.file;
    EXPECT_EQ(check_result(v, "signer-list"), CheckResult::kPassed) << c.file;
  }
}

TEST_F(Fixtures, TheV1SealIsSignedOverInfoCertAndAlgorithmNotInfoAlone) {
  auto seal = decode_seal(read("UserV1.esl"));
  ASSERT_TRUE(seal.ok());
  EXPECT_EQ(seal->info.name, "OFDRW测试用印章");
  EXPECT_EQ(seal->info.valid_end, *parse_utc("2022-04-22T02:18:07Z")) << "UTCTime";
  // The rebuilt SEQUENCE is longer than SES_SealInfo alone.
  EXPECT_GT(seal->maker_signed.size(), seal->info.picture.data.size() + seal->maker_cert.size());
}

TEST_F(Fixtures, ExpiredCertificatesAreATimeFindingNotAParseFailure) {
  auto seal = decode_seal(read("UserV1.esl"));
  ASSERT_TRUE(seal.ok());
  Verdict v = verify_seal(*seal, *parse_utc("2026-11-23"), {});
  EXPECT_EQ(check_result(v, "validity"), CheckResult::kFailed);
  EXPECT_EQ(check_result(v, "maker-signature"), CheckResult::kPassed);
}

TEST_F(Fixtures, StandaloneV4SignatureVerifies) {
  auto s = decode_signature(read("SignedValueV4.dat"));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->version, SesVersion::kV4);
  EXPECT_EQ(s->data_hash.size(), 32u);
  Verdict v = verify_signature(*s, {});
  EXPECT_EQ(check_result(v, "signer-signature"), CheckResult::kPassed);
  EXPECT_EQ(check_result(v, "structure"), CheckResult::kPassed);
  EXPECT_EQ(check_result(v, "seal.maker-signature"), CheckResult::kPassed);
}

// The real tax e-invoices and ofdrw's signed documents: dataHash is SM3 of Signature.xml, the
// signer signs TBS_Sign, the maker SES_SealInfo; Seal.esl, where present, is the embedded seal.
TEST_F(Fixtures, SignaturesInsideSignedOfdPackagesVerifyAgainstSignatureXml) {
  if (test::run_command("command -v unzip").exit_code != 0) GTEST_SKIP() << "unzip is missing";
  test::TempDir tmp;
  const std::string sign = "Doc_0/Signs/Sign_0/";
  for (const char* ofd :
       {"v4signed.ofd", "signedFile.ofd", "SESV4SignDoc.ofd", "allprotected.ofd"}) {
    auto s = decode_signature(entry(ofd, sign + "SignedValue.dat", tmp));
    ASSERT_TRUE(s.ok()) << ofd << ": " << s.error().message;
    EXPECT_EQ(s->version, SesVersion::kV4) << ofd;
    EXPECT_EQ(s->property_info, "/" + sign + "Signature.xml") << ofd;
    Bytes xml_hash = crypto::sm3(entry(ofd, sign + "Signature.xml", tmp));
    Verdict v = verify_signature(*s, {}, xml_hash);
    for (const char* check :
         {"structure", "signer-signature", "signer-in-seal", "data-hash", "seal.structure",
          "seal.maker-signature", "seal.picture", "seal.signer-list"}) {
      EXPECT_EQ(check_result(v, check), CheckResult::kPassed) << ofd << " " << check;
    }
  }
  auto tax = decode_signature(entry("v4signed.ofd", sign + "SignedValue.dat", tmp));
  ASSERT_TRUE(tax.ok());
  EXPECT_EQ(tax->seal.info.vid, "GOMAIN");
  EXPECT_EQ(tax->seal.info.es_id, "50011200000399");
  EXPECT_EQ(tax->seal.info.picture.type, "ofd");
  ASSERT_EQ(tax->seal.info.ext_datas.size(), 1u);
  EXPECT_EQ(tax->seal.info.ext_datas[0].id, "1.2.156.10197.6.7.2.2.1");
  EXPECT_FALSE(tax->seal.info.ext_datas[0].critical) << "written explicitly though DEFAULT";
  for (const char* ofd : {"SESV4SignDoc.ofd", "allprotected.ofd"}) {
    auto s = decode_signature(entry(ofd, sign + "SignedValue.dat", tmp));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(entry(ofd, sign + "Seal.esl", tmp), s->seal.encoded) << ofd;
  }
}

}  // namespace
}  // namespace eseal::ses
