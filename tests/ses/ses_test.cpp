// GB/T 38540 seals and seal signatures made by us: build, encode, decode, verify, and every
// check failing when what it guards is broken.
#include <gtest/gtest.h>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "crypto/digest.h"
#include "pki/test_ca.h"
#include "ses/seal_type.h"
#include "ses/verify.h"

namespace eseal::ses {
namespace {

using pki::test::kNow;
using std::chrono::days;

struct Parties {
  pki::test::IssuedKey root =
      pki::test::issue(pki::CertificateProfile::kRootCa, "C=CN,O=电子印章测试,CN=测试根CA", nullptr,
                       kNow - days(30), kNow + days(3650));
  pki::test::IssuedKey maker =
      pki::test::issue(pki::CertificateProfile::kSealMaker, "C=CN,O=制章中心,CN=制章者", &root);
  pki::test::IssuedKey signer = pki::test::issue(
      pki::CertificateProfile::kSeal, "C=CN,O=某某市人力资源和社会保障局,CN=公章", &root);
  pki::test::IssuedKey stranger =
      pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,O=别的单位,CN=公章", &root);
};

const Parties& parties() {
  static const Parties p;
  return p;
}

SealInfo sample_info() {
  SealInfo info;
  info.es_id = "44030000012345";
  info.type = 5;
  info.name = "某某市人力资源和社会保障局合同专用章";
  info.signer_certs = {parties().signer.cert.der()};
  info.create_date = kNow;
  info.valid_start = kNow;
  info.valid_end = kNow + days(365);
  info.picture = {"PNG", to_bytes("\x89PNG picture bytes"), 42, 42};
  info.ext_datas = {{"1.2.156.10197.6.7.2.2.1", false, to_bytes("2.1")}};
  return info;
}

SesSeal sample_seal() {
  auto seal = make_seal(sample_info(), parties().maker.cert, parties().maker.key);
  EXPECT_TRUE(seal.ok()) << (seal.ok() ? "" : seal.error().message);
  return *seal;
}

TrustPolicy trust() {
  static const std::vector<pki::Certificate> roots{parties().root.cert};
  return {roots, {}, {}};
}

CheckResult result_of(const Verdict& v, std::string_view name) {
  const Check* c = v.find(name);
  EXPECT_NE(c, nullptr) << name;
  return c ? c->result : CheckResult::kSkipped;
}

std::string finding_of(const Verdict& v, std::string_view name) {
  const Check* c = v.find(name);
  EXPECT_NE(c, nullptr) << name;
  return c ? c->finding : "";
}

const Bytes kHash = crypto::sm3(as_bytes("the protected data"));

TEST(SealType, TableHasTheProductCodes) {
  std::vector<int> codes;
  for (const SealType& t : seal_types()) codes.push_back(t.code);
  EXPECT_EQ(codes, (std::vector<int>{1, 2, 3, 4, 5, 6, 99}));
  EXPECT_EQ(find_seal_type(3)->default_template, "oval");
  EXPECT_EQ(find_seal_type(4)->default_template, "square");
  EXPECT_EQ(find_seal_type(5)->purpose, "合同专用章");
  EXPECT_FALSE(find_seal_type(7).has_value());
}

TEST(Oid, RoundTripsDottedForm) {
  auto content = asn1::oid::encode_content(asn1::oid::kSm3WithSm2);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(asn1::encode(asn1::tag::kObjectIdentifier, *content),
            (Bytes{0x06, 0x08, 0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x83, 0x75}));
  EXPECT_EQ(*asn1::oid::decode_content(*content), asn1::oid::kSm3WithSm2);
  EXPECT_FALSE(asn1::oid::encode_content("1").ok());
  EXPECT_FALSE(asn1::oid::encode_content("3.1").ok());
  EXPECT_FALSE(asn1::oid::encode_content("1.2..3").ok());
  EXPECT_FALSE(asn1::oid::decode_content(Bytes{0x2A, 0x81}).ok()) << "truncated arc";
  EXPECT_FALSE(asn1::oid::decode_content(Bytes{0x2A, 0x80, 0x01}).ok()) << "non-minimal arc";
}

TEST(Seal, MakesAV4SealThatDecodesFieldByField) {
  SesSeal seal = sample_seal();
  EXPECT_EQ(seal.version, SesVersion::kV4);
  const SealInfo& info = seal.info;
  SealInfo want = sample_info();
  EXPECT_EQ(info.header_id, "ES");
  EXPECT_EQ(info.header_version, 4);
  EXPECT_EQ(info.vid, kDefaultVendorId);
  EXPECT_EQ(info.es_id, want.es_id);
  EXPECT_EQ(info.type, 5);
  EXPECT_EQ(info.name, want.name);
  EXPECT_EQ(info.cert_list_type, 1);
  EXPECT_EQ(info.signer_certs, want.signer_certs);
  EXPECT_EQ(info.create_date, kNow);
  EXPECT_EQ(info.valid_end, want.valid_end);
  EXPECT_EQ(info.picture.data, want.picture.data);
  EXPECT_EQ(info.picture.width_mm, 42);
  ASSERT_EQ(info.ext_datas.size(), 1u);
  EXPECT_EQ(info.ext_datas[0].id, "1.2.156.10197.6.7.2.2.1");
  EXPECT_EQ(seal.maker_cert, parties().maker.cert.der());
  EXPECT_EQ(seal.signature_algorithm, asn1::oid::kSm3WithSm2);
  EXPECT_EQ(seal.maker_signed, *encode_seal_info(want)) << "the maker signs SES_SealInfo alone";
  EXPECT_TRUE(crypto::sm2_signature_der_to_raw(seal.maker_signature).ok()) << "DER r,s";
  EXPECT_EQ(seal.encoded.at(0), 0x30);
}

TEST(Seal, WritesExtDataCriticalExplicitlyAndTheSignatureWithoutUnusedBits) {
  SesSeal seal = sample_seal();
  Bytes critical_false{0x01, 0x01, 0x00, 0x04, 0x03, '2', '.', '1'};
  EXPECT_NE(std::search(seal.encoded.begin(), seal.encoded.end(), critical_false.begin(),
                        critical_false.end()),
            seal.encoded.end());
  // The last element is the BIT STRING: 03 len 00 30 ...
  auto outer = asn1::parse_single(seal.encoded, asn1::tag::kSequence);
  ASSERT_TRUE(outer.ok());
  asn1::Reader r(outer->content);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(r.next().ok());
  auto bits = r.expect(asn1::tag::kBitString);
  ASSERT_TRUE(bits.ok());
  EXPECT_EQ(bits->content[0], 0x00);
  EXPECT_EQ(bits->content[1], 0x30);
  EXPECT_TRUE(r.empty());
}

TEST(Seal, ValidSealPassesEveryCheck) {
  Verdict v = verify_seal(sample_seal(), kNow + days(1), trust());
  for (const Check& c : v.checks) {
    EXPECT_EQ(c.result, CheckResult::kPassed) << c.name << ": " << c.detail;
  }
  EXPECT_TRUE(v.valid());
}

TEST(Seal, WithoutTrustAnchorsTheChainIsSkippedAndTheVerdictIndeterminate) {
  Verdict v = verify_seal(sample_seal(), kNow, {});
  EXPECT_EQ(result_of(v, "maker-chain"), CheckResult::kSkipped);
  EXPECT_EQ(finding_of(v, "maker-chain"), "no-chain-checked");
  Outcome o = v.outcome();
  EXPECT_EQ(o.indication, Indication::kIndeterminate);
  EXPECT_EQ(o.findings, std::vector<std::string>{"no-chain-checked"});
  EXPECT_FALSE(v.valid());
}

TEST(Verdict, TheWorstCheckDecidesAndEachFindingIsNamedOnce) {
  Verdict v;
  v.checks = {Check::passed("a", ""), Check::skipped("time-stamp", "none")};
  EXPECT_EQ(v.outcome().indication, Indication::kValid) << "a skipped check without a finding";
  EXPECT_TRUE(v.outcome().findings.empty());
  v.checks.push_back(Check::skipped("signer-chain", "").with_finding("no-chain-checked"));
  v.checks.push_back(Check::indeterminate("seal.maker-chain", "no-chain-checked", ""));
  EXPECT_EQ(v.outcome().indication, Indication::kIndeterminate);
  EXPECT_EQ(v.outcome().findings, std::vector<std::string>{"no-chain-checked"});
  v.checks.push_back(Check::failed("data-hash", "mismatch"));
  v.checks.push_back(Check::failed("signer-chain", "").with_finding("cert-revoked"));
  Outcome o = v.outcome();
  EXPECT_EQ(o.indication, Indication::kFailed);
  EXPECT_EQ(o.findings,
            (std::vector<std::string>{"no-chain-checked", "data-hash", "cert-revoked"}));
  Outcome document;
  document.add(Indication::kIndeterminate, "unknown-root");
  document.add(o);
  EXPECT_EQ(document.indication, Indication::kFailed);
  EXPECT_EQ(document.findings.size(), 4u);
  EXPECT_EQ(indication_name(Indication::kIndeterminate), "indeterminate");
}

TEST(Seal, TamperedInfoFailsTheMakerSignature) {
  SesSeal seal = sample_seal();
  Bytes bytes = seal.encoded;
  auto at = std::search(bytes.begin(), bytes.end(), seal.info.es_id.begin(), seal.info.es_id.end());
  ASSERT_NE(at, bytes.end());
  *at = '5';
  auto tampered = decode_seal(bytes);
  ASSERT_TRUE(tampered.ok());
  Verdict v = verify_seal(*tampered, kNow, trust());
  EXPECT_EQ(result_of(v, "maker-signature"), CheckResult::kFailed);
  EXPECT_FALSE(v.valid());
}

TEST(Seal, OutsideItsValidityWindowIsInvalid) {
  SesSeal seal = sample_seal();
  EXPECT_EQ(result_of(verify_seal(seal, kNow - days(1), trust()), "validity"),
            CheckResult::kFailed);
  EXPECT_EQ(result_of(verify_seal(seal, kNow + days(366), trust()), "validity"),
            CheckResult::kFailed);
}

TEST(Seal, AnotherRootLeavesTheMakerChainIndeterminate) {
  auto other = pki::test::issue(pki::CertificateProfile::kRootCa, "C=CN,CN=别的根", nullptr);
  std::vector<pki::Certificate> roots{other.cert};
  Verdict v = verify_seal(sample_seal(), kNow, {roots, {}, {}});
  EXPECT_EQ(result_of(v, "maker-chain"), CheckResult::kIndeterminate);
  EXPECT_EQ(finding_of(v, "maker-chain"), "unknown-root");
  EXPECT_EQ(v.outcome().indication, Indication::kIndeterminate);
}

// createDate is the maker's claim: a certificate not valid then is a finding, not a failure.
TEST(Seal, AMakerCertificateNotValidWhenTheSealWasMadeIsIndeterminate) {
  for (auto [created, finding] :
       {std::pair{kNow + days(400), "seal-maker-cert-expired-at-seal-making"},
        std::pair{kNow - days(5), "seal-maker-cert-not-yet-valid-at-seal-making"}}) {
    SealInfo info = sample_info();
    info.create_date = created;
    info.valid_start = info.create_date;
    info.valid_end = info.create_date + days(10);
    auto seal = make_seal(info, parties().maker.cert, parties().maker.key);
    ASSERT_TRUE(seal.ok());
    Verdict v = verify_seal(*seal, info.create_date, trust());
    EXPECT_EQ(result_of(v, "maker-certificate"), CheckResult::kIndeterminate) << finding;
    EXPECT_EQ(finding_of(v, "maker-certificate"), finding);
    EXPECT_EQ(finding_of(v, "maker-chain"), finding) << "the chain fails for the same reason";
    EXPECT_EQ(v.outcome().indication, Indication::kIndeterminate) << finding;
    EXPECT_EQ(v.outcome().findings, std::vector<std::string>{finding});
  }
}

TEST(Seal, RefusesToProduceWhatIsNotAConformingV4Seal) {
  auto make = [](auto edit) {
    SealInfo info = sample_info();
    edit(info);
    return make_seal(info, parties().maker.cert, parties().maker.key);
  };
  EXPECT_FALSE(make([](SealInfo& i) { i.name.clear(); }).ok());
  EXPECT_FALSE(make([](SealInfo& i) { i.es_id = "印章"; }).ok()) << "esID is IA5String";
  EXPECT_FALSE(make([](SealInfo& i) { i.es_id.clear(); }).ok());
  EXPECT_FALSE(make([](SealInfo& i) { i.signer_certs.clear(); }).ok());
  EXPECT_FALSE(make([](SealInfo& i) { i.signer_certs = {to_bytes("junk")}; }).ok());
  EXPECT_FALSE(make([](SealInfo& i) { i.picture.data.clear(); }).ok());
  EXPECT_FALSE(make([](SealInfo& i) { i.picture.width_mm = 0; }).ok());
  EXPECT_FALSE(make([](SealInfo& i) { i.valid_end = i.valid_start - days(1); }).ok());
  EXPECT_FALSE(make([](SealInfo& i) { i.header_version = 1; }).ok());
  EXPECT_FALSE(make([](SealInfo& i) { i.cert_list_type = 2; }).ok());
  EXPECT_FALSE(make([](SealInfo& i) { i.ext_datas[0].id = "not.an.oid"; }).ok());
}

TEST(Seal, TwoPhaseMakingWithAnExternalSignerGivesTheSameKindOfSeal) {
  auto info_der = encode_seal_info(sample_info());
  ASSERT_TRUE(info_der.ok());
  // What a crypto device receives: e = SM3(Z || SES_SealInfo), and it returns r||s.
  auto e = crypto::sm2_signing_digest(parties().maker.key.public_key(), *info_der);
  ASSERT_TRUE(e.ok());
  auto der = crypto::sm2_sign_digest(parties().maker.key, *e);
  ASSERT_TRUE(der.ok());
  auto raw = crypto::sm2_signature_der_to_raw(*der);
  ASSERT_TRUE(raw.ok());
  auto seal = assemble_seal(*info_der, parties().maker.cert, *raw);
  ASSERT_TRUE(seal.ok()) << seal.error().message;
  EXPECT_EQ(seal->maker_signature, *der) << "stored as DER";
  EXPECT_TRUE(verify_seal(*seal, kNow, trust()).valid());
}

TEST(Seal, ListsItsSignersByCertificateOrByDigest) {
  SesSeal seal = sample_seal();
  EXPECT_TRUE(check_signer_listed(seal, parties().signer.cert).ok());
  auto stranger = check_signer_listed(seal, parties().stranger.cert);
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(stranger.error().message.find("does not list the signer's certificate"),
            std::string::npos)
      << stranger.error().message;
  EXPECT_NE(stranger.error().message.find("别的单位"), std::string::npos);

  // certListType 2, as seals made elsewhere may be: a digest of the certificate.
  seal.info.cert_list_type = 2;
  seal.info.signer_certs.clear();
  seal.info.signer_cert_digests = {{"sha256", crypto::sha256(parties().signer.cert.der())}};
  EXPECT_TRUE(check_signer_listed(seal, parties().signer.cert).ok());
  EXPECT_FALSE(check_signer_listed(seal, parties().stranger.cert).ok());
}

TEST(Signature, MakesAV4SignatureThatVerifies) {
  SesSeal seal = sample_seal();
  Time signed_at = kNow + days(2);
  auto s = make_signature(seal, signed_at, kHash, "/Doc_0/Signs/Sign_0/Signature.xml",
                          parties().signer.cert, parties().signer.key);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->version, SesVersion::kV4);
  EXPECT_EQ(s->tbs_version, 4);
  EXPECT_EQ(s->seal.encoded, seal.encoded) << "the seal is embedded byte for byte";
  EXPECT_EQ(s->time_info, signed_at);
  EXPECT_EQ(s->data_hash, kHash);
  EXPECT_EQ(s->property_info, "/Doc_0/Signs/Sign_0/Signature.xml");
  EXPECT_EQ(s->signer_cert, parties().signer.cert.der());
  EXPECT_FALSE(s->time_stamp.has_value());
  Verdict v = verify_signature(*s, trust(), kHash);
  for (const Check& c : v.checks) {
    if (c.name == "time-stamp") continue;
    EXPECT_EQ(c.result, CheckResult::kPassed) << c.name << ": " << c.detail;
  }
  EXPECT_TRUE(v.valid());
  auto again = decode_signature(s->encoded);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->signer_signed, s->signer_signed);
}

TEST(Signature, EachCheckFailsWhenItsSubjectIsWrong) {
  SesSeal seal = sample_seal();
  auto good = make_signature(seal, kNow + days(2), kHash, "doc", parties().signer.cert,
                             parties().signer.key);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(
      result_of(verify_signature(*good, trust(), crypto::sm3(as_bytes("other"))), "data-hash"),
      CheckResult::kFailed);
  Verdict without_data = verify_signature(*good, trust());
  EXPECT_EQ(result_of(without_data, "data-hash"), CheckResult::kSkipped);
  EXPECT_EQ(without_data.outcome().findings, std::vector<std::string>{"signed-data-not-given"});

  auto stranger = make_signature(seal, kNow + days(2), kHash, "doc", parties().stranger.cert,
                                 parties().stranger.key);
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(result_of(verify_signature(*stranger, trust(), kHash), "signer-in-seal"),
            CheckResult::kFailed);

  auto late = make_signature(seal, kNow + days(370), kHash, "doc", parties().signer.cert,
                             parties().signer.key);
  ASSERT_TRUE(late.ok());
  // Signed, the signer claims, after the seal and the certificate expired; no time stamp proves
  // it, so the signature is indeterminate.
  Verdict late_verdict = verify_signature(*late, trust(), kHash);
  EXPECT_EQ(result_of(late_verdict, "seal.validity"), CheckResult::kIndeterminate);
  EXPECT_EQ(finding_of(late_verdict, "seal.validity"), "seal-expired-no-timestamp");
  EXPECT_EQ(result_of(late_verdict, "signer-certificate"), CheckResult::kIndeterminate);
  EXPECT_EQ(finding_of(late_verdict, "signer-certificate"), "cert-expired-no-timestamp");
  EXPECT_EQ(finding_of(late_verdict, "signer-chain"), "cert-expired-no-timestamp");
  EXPECT_EQ(late_verdict.outcome().indication, Indication::kIndeterminate);

  // A time stamp proves the signature existed at genTime. After the periods ended it may have
  // been made earlier: still indeterminate, but not for want of a time stamp. Before the seal's
  // validity began it is older than the seal: failed.
  ProvenTime after{Check::passed("time-stamp", "test"), kNow + days(370), "TSA"};
  Verdict after_verdict = verify_signature(*good, trust(), kHash, after);
  EXPECT_EQ(finding_of(after_verdict, "seal.validity"), "seal-expired-before-time-stamp");
  EXPECT_EQ(finding_of(after_verdict, "signer-certificate"), "cert-expired-before-time-stamp");
  EXPECT_EQ(after_verdict.outcome().indication, Indication::kIndeterminate);
  ProvenTime before{Check::passed("time-stamp", "test"), seal.info.valid_start - days(1), "TSA"};
  Verdict before_verdict = verify_signature(*good, trust(), kHash, before);
  EXPECT_EQ(result_of(before_verdict, "seal.validity"), CheckResult::kFailed);
  EXPECT_EQ(finding_of(before_verdict, "seal.validity"), "seal-not-yet-valid");
  EXPECT_EQ(before_verdict.outcome().indication, Indication::kFailed);

  // The signer's key does not match the certificate it claims.
  auto forged = make_signature(seal, kNow + days(2), kHash, "doc", parties().signer.cert,
                               parties().stranger.key);
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(result_of(verify_signature(*forged, trust(), kHash), "signer-signature"),
            CheckResult::kFailed);
}

// A revoked certificate fails the signature; a CRL out of date for the signing time only leaves
// revocation unknown.
TEST(Signature, ARevokedSignerFailsAndAStaleCrlIsIndeterminate) {
  SesSeal seal = sample_seal();
  Time signed_at = kNow + days(2);
  auto s =
      make_signature(seal, signed_at, kHash, "doc", parties().signer.cert, parties().signer.key);
  ASSERT_TRUE(s.ok());
  const auto& root = parties().root;
  auto crl = [&](Time revoked_at, Time next_update) {
    auto made = pki::issue_crl(
        {{{parties().signer.cert.serial(), revoked_at, pki::RevocationReason::kKeyCompromise}},
         kNow,
         next_update,
         1},
        root.cert, root.key);
    EXPECT_TRUE(made.ok());
    return std::vector<pki::Crl>{*made};
  };
  std::vector<pki::Certificate> roots{root.cert};
  auto revoked = crl(kNow + days(1), kNow + days(7));
  Verdict v = verify_signature(*s, {roots, {}, revoked}, kHash);
  EXPECT_EQ(result_of(v, "signer-chain"), CheckResult::kFailed);
  EXPECT_EQ(finding_of(v, "signer-chain"), "cert-revoked");
  EXPECT_EQ(v.outcome().indication, Indication::kFailed);

  auto stale = crl(kNow + days(30), kNow + days(1));
  Verdict unknown = verify_signature(*s, {roots, {}, stale}, kHash);
  EXPECT_EQ(result_of(unknown, "signer-chain"), CheckResult::kIndeterminate);
  EXPECT_EQ(finding_of(unknown, "signer-chain"), "revocation-unknown");
  EXPECT_EQ(unknown.outcome().indication, Indication::kIndeterminate);
}

TEST(Signature, RefusesBadInputWhenProducing) {
  SesSeal seal = sample_seal();
  EXPECT_FALSE(encode_tbs_sign(seal, kNow, Bytes(31, 1), "doc").ok());
  EXPECT_FALSE(encode_tbs_sign(seal, kNow, kHash, "").ok());
  EXPECT_FALSE(encode_tbs_sign(seal, kNow, kHash, "文档").ok());
  auto tbs = encode_tbs_sign(seal, kNow, kHash, "doc");
  ASSERT_TRUE(tbs.ok());
  EXPECT_FALSE(assemble_signature(*tbs, parties().signer.cert, to_bytes("not a signature")).ok());
}

TEST(Signature, TimeStampIsWrittenAsExplicitTagZeroAndReadInEveryVariant) {
  SesSeal seal = sample_seal();
  auto tbs = encode_tbs_sign(seal, kNow, kHash, "doc");
  ASSERT_TRUE(tbs.ok());
  auto sig = crypto::sm2_sign(parties().signer.key, *tbs);
  ASSERT_TRUE(sig.ok());
  Bytes token = asn1::encode_sequence({asn1::oid::encode("1.2.840.113549.1.7.2")});
  auto s = assemble_signature(*tbs, parties().signer.cert, *sig, token);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(s->time_stamp.has_value());
  EXPECT_EQ(*s->time_stamp, token);
  Bytes tail = asn1::encode(0xA0, asn1::encode_bit_string(token));
  EXPECT_TRUE(std::equal(tail.rbegin(), tail.rend(), s->encoded.rbegin()));
  EXPECT_EQ(result_of(verify_signature(*s, trust(), kHash), "time-stamp"), CheckResult::kSkipped);

  Bytes cert = asn1::encode(asn1::tag::kOctetString, parties().signer.cert.der());
  Bytes alg = asn1::oid::encode(asn1::oid::kSm3WithSm2);
  Bytes value = asn1::encode_bit_string(*sig);
  Bytes implicit_content{0x00};
  append(implicit_content, token);
  for (const Bytes& variant : {asn1::encode(0x80, implicit_content), asn1::encode_bit_string(token),
                               asn1::encode(0xA0, asn1::encode(asn1::tag::kOctetString, token))}) {
    auto decoded = decode_signature(asn1::encode_sequence({*tbs, cert, alg, value, variant}));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded->time_stamp, token);
  }
  Bytes junk_token = asn1::encode(0xA0, asn1::encode_bit_string(to_bytes("junk")));
  auto junk = decode_signature(asn1::encode_sequence({*tbs, cert, alg, value, junk_token}));
  ASSERT_TRUE(junk.ok());
  EXPECT_EQ(result_of(verify_signature(*junk, trust(), kHash), "time-stamp"), CheckResult::kFailed);
}

TEST(Decode, AcceptsRealWorldDeviations) {
  // ExtData without the DEFAULT critical, extDatas under [0], an INTEGER with a redundant
  // leading zero byte, UTCTime dates: all seen in seals made by other encoders.
  SesSeal seal = sample_seal();
  Bytes info = seal.maker_signed;
  auto parsed = asn1::parse_single(info, asn1::tag::kSequence);
  ASSERT_TRUE(parsed.ok());
  asn1::Reader r(parsed->content);
  auto header = r.next();
  auto es_id = r.next();
  auto property = r.next();
  auto picture = r.next();
  ASSERT_TRUE(header.ok() && es_id.ok() && property.ok() && picture.ok());
  Bytes ext = asn1::encode(
      0xA0,
      asn1::encode_sequence({asn1::encode_sequence(
          {asn1::oid::encode("1.2.3"), asn1::encode(asn1::tag::kOctetString, to_bytes("v"))})}));
  Bytes padded_header =
      asn1::encode_sequence({asn1::encode(asn1::tag::kIa5String, as_bytes("ES")),
                             asn1::encode(asn1::tag::kInteger, Bytes{0x00, 0x04}),
                             asn1::encode(asn1::tag::kIa5String, as_bytes("OTHER"))});
  auto utc = [](std::string_view t) { return asn1::encode(asn1::tag::kUtcTime, as_bytes(t)); };
  Bytes v1_style_property = asn1::encode_sequence(
      {asn1::encode_integer(2), asn1::encode(asn1::tag::kUtf8String, as_bytes("张三")),
       asn1::encode_sequence({asn1::encode(asn1::tag::kOctetString, parties().signer.cert.der())}),
       utc("261123120000Z"), utc("261123120000Z"), utc("491231235959Z")});
  Bytes new_info = asn1::encode_sequence(
      {padded_header, es_id->encoded, v1_style_property, picture->encoded, ext});
  auto sig = crypto::sm2_sign(parties().maker.key, new_info);
  ASSERT_TRUE(sig.ok());
  auto other = assemble_seal(new_info, parties().maker.cert, *sig);
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(other->info.header_version, 4);
  EXPECT_EQ(other->info.vid, "OTHER");
  ASSERT_EQ(other->info.ext_datas.size(), 1u);
  EXPECT_FALSE(other->info.ext_datas[0].critical);
  EXPECT_EQ(other->info.ext_datas[0].id, "1.2.3");
  EXPECT_EQ(other->info.valid_end, *parse_utc("2049-12-31T23:59:59Z"));
  EXPECT_EQ(other->info.name, "张三");
  Verdict v = verify_seal(*other, kNow, trust());
  EXPECT_EQ(result_of(v, "maker-signature"), CheckResult::kPassed)
      << "verified over the bytes as found, never re-encoded";
}

// A GM/T 0031 v1 seal and signature built by hand, as the ofdrw v1 code lays them out.
TEST(Decode, ReadsAndVerifiesGmt0031V1Structures) {
  const auto& p = parties();
  auto utc = [](std::string_view t) { return asn1::encode(asn1::tag::kUtcTime, as_bytes(t)); };
  Bytes info = asn1::encode_sequence(
      {asn1::encode_sequence({asn1::encode(asn1::tag::kIa5String, as_bytes("ES")),
                              asn1::encode_integer(1),
                              asn1::encode(asn1::tag::kIa5String, as_bytes("V1TEST"))}),
       asn1::encode(asn1::tag::kIa5String, as_bytes("V1-SEAL-1")),
       asn1::encode_sequence(
           {asn1::encode_integer(1), asn1::encode(asn1::tag::kUtf8String, as_bytes("测试章")),
            asn1::encode_sequence({asn1::encode(asn1::tag::kOctetString, p.signer.cert.der())}),
            utc("261123000000Z"), utc("261123000000Z"), utc("271101000000Z")}),
       asn1::encode_sequence({asn1::encode(asn1::tag::kIa5String, as_bytes("PNG")),
                              asn1::encode(asn1::tag::kOctetString, to_bytes("png")),
                              asn1::encode_integer(40), asn1::encode_integer(40)})});
  Bytes maker_cert = asn1::encode(asn1::tag::kOctetString, p.maker.cert.der());
  Bytes alg = asn1::oid::encode(asn1::oid::kSm3WithSm2);
  auto maker_sig = crypto::sm2_sign(p.maker.key, asn1::encode_sequence({info, maker_cert, alg}));
  ASSERT_TRUE(maker_sig.ok());
  Bytes seal_der = asn1::encode_sequence(
      {info, asn1::encode_sequence({maker_cert, alg, asn1::encode_bit_string(*maker_sig)})});
  auto seal = decode_seal(seal_der);
  ASSERT_TRUE(seal.ok()) << seal.error().message;
  EXPECT_EQ(seal->version, SesVersion::kV1);
  EXPECT_EQ(result_of(verify_seal(*seal, kNow, trust()), "maker-signature"), CheckResult::kPassed);
  EXPECT_TRUE(verify_seal(*seal, kNow, trust()).valid());

  Bytes tbs = asn1::encode_sequence(
      {asn1::encode_integer(1), seal_der, asn1::encode_bit_string(as_bytes("2026-11-23 12:00:00")),
       asn1::encode_bit_string(kHash), asn1::encode(asn1::tag::kIa5String, as_bytes("doc")),
       asn1::encode(asn1::tag::kOctetString, p.signer.cert.der()), alg});
  auto signer_sig = crypto::sm2_sign(p.signer.key, tbs);
  ASSERT_TRUE(signer_sig.ok());
  // OCTET STRING where a BIT STRING is due, as some GM/T 0031-era signers write.
  Bytes signature_der =
      asn1::encode_sequence({tbs, asn1::encode(asn1::tag::kOctetString, *signer_sig)});
  auto s = decode_signature(signature_der);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->version, SesVersion::kV1);
  EXPECT_EQ(s->time_info, kNow);
  EXPECT_EQ(s->time_info_text, "2026-11-23 12:00:00");
  Verdict v = verify_signature(*s, trust(), kHash);
  for (const Check& c : v.checks) {
    if (c.name == "time-stamp") continue;
    EXPECT_EQ(c.result, CheckResult::kPassed) << c.name << ": " << c.detail;
  }
}

// "v5" (GM/T 0031-2025 as ofdrw reads it): header version 5 and a fifth field, a time stamp.
TEST(Decode, ReadsV5SealsWithATimeStamp) {
  SealInfo info = sample_info();
  auto der = encode_seal_info(info);
  ASSERT_TRUE(der.ok());
  // Header version 5: rebuild the info with it, sign, and append [0] time stamp.
  Bytes v5_info = *der;
  Bytes v4_header = asn1::encode_sequence({asn1::encode(asn1::tag::kIa5String, as_bytes("ES")),
                                           asn1::encode_integer(4),
                                           asn1::encode(asn1::tag::kIa5String, as_bytes("ESEAL"))});
  auto at = std::search(v5_info.begin(), v5_info.end(), v4_header.begin(), v4_header.end());
  ASSERT_NE(at, v5_info.end());
  at[8] = 5;  // 30 len 16 02 'E' 'S' 02 01 [04]
  auto signature = crypto::sm2_sign(parties().maker.key, v5_info);
  ASSERT_TRUE(signature.ok());
  Bytes token = asn1::encode_sequence({asn1::encode_integer(1)});
  Bytes seal_der = asn1::encode_sequence(
      {v5_info, asn1::encode(asn1::tag::kOctetString, parties().maker.cert.der()),
       asn1::oid::encode(asn1::oid::kSm3WithSm2), asn1::encode_bit_string(*signature),
       asn1::encode(0xA0, asn1::encode_bit_string(token))});
  auto seal = decode_seal(seal_der);
  ASSERT_TRUE(seal.ok()) << seal.error().message;
  EXPECT_EQ(seal->version, SesVersion::kV5);
  EXPECT_EQ(seal->info.header_version, 5);
  EXPECT_EQ(seal->time_stamp, token);
  Verdict v = verify_seal(*seal, kNow, trust());
  EXPECT_TRUE(v.valid());
  EXPECT_EQ(result_of(v, "maker-signature"), CheckResult::kPassed);
  EXPECT_FALSE(encode_tbs_sign(*seal, kNow, kHash, "doc").ok()) << "v5 is read, never produced";
}

TEST(Decode, MalformedInputIsAClearErrorAtEveryTruncation) {
  SealInfo info = sample_info();
  info.picture.data = to_bytes("p");
  auto seal = make_seal(info, parties().maker.cert, parties().maker.key);
  ASSERT_TRUE(seal.ok());
  auto signature =
      make_signature(*seal, kNow, kHash, "doc", parties().signer.cert, parties().signer.key);
  ASSERT_TRUE(signature.ok());
  const Bytes& der = signature->encoded;
  for (std::size_t n = 0; n < der.size(); ++n) {
    auto cut = decode_signature(ByteView(der).first(n));
    ASSERT_FALSE(cut.ok()) << n;
    EXPECT_EQ(cut.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(cut.error().message.find("SES_Signature"), std::string::npos) << cut.error().message;
  }
  EXPECT_FALSE(decode_seal(signature->encoded).ok()) << "a signature is not a seal";
  EXPECT_FALSE(decode_signature(seal->encoded).ok()) << "a seal is not a signature";
  Bytes trailing = seal->encoded;
  trailing.push_back(0);
  EXPECT_FALSE(decode_seal(trailing).ok());
}

}  // namespace
}  // namespace eseal::ses
