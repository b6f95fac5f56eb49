// Stamping and locking OFD documents: seal signatures at a position, on several pages and across
// pages; several signatures; the licence lock and its removal; two-phase signing; the package
// left byte for byte as it was outside the files signing writes; a seal added to a real tax
// e-invoice; and tampering of each kind found by the verifier.
#include "ofd/sign.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "image/qr_code.h"
#include "ofd/copy.h"
#include "ofd/document.h"
#include "ofd/report_support.h"
#include "ofd/text.h"
#include "ofd/verify.h"
#include "ofd/zip_builder.h"
#include "support/sealing_parties.h"

namespace eseal::ofd {
namespace {

using eseal::test::kNow;
using eseal::test::parties;
using eseal::test::trust;
using ses::CheckResult;
using test::describe;
using test::entry;
using test::result_of;

const std::string kSigns = "Doc_0/Signs/";

// A package of `pages` empty A4 pages, as a minimal producer writes it (no prefix on OFD.xml's
// children, to exercise both forms); `max_unit_id` false: without the MaxUnitID GB/T 33190 asks
// for, as careless producers write it.
Bytes blank_ofd(int pages, bool max_unit_id = true) {
  std::string document =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Document "
      "xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:CommonData>" +
      (max_unit_id ? "<ofd:MaxUnitID>" + std::to_string(pages + 1) + "</ofd:MaxUnitID>"
                   : std::string()) +
      "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"
      "</ofd:PageArea></ofd:CommonData><ofd:Pages>";
  std::vector<test::ZipEntry> entries;
  entries.push_back({"OFD.xml", to_bytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                         "<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\" "
                                         "Version=\"1.0\" DocType=\"OFD\">\n<ofd:DocBody>"
                                         "<ofd:DocInfo><ofd:DocID>0123</ofd:DocID></ofd:DocInfo>"
                                         "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
                                         "</ofd:DocBody>\n</ofd:OFD>\n")});
  for (int i = 0; i < pages; ++i) {
    std::string page = "Pages/Page_" + std::to_string(i) + "/Content.xml";
    document += "<ofd:Page ID=\"" + std::to_string(i + 1) + "\" BaseLoc=\"" + page + "\"/>";
    entries.push_back(
        {"Doc_0/" + page, to_bytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Page "
                                   "xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content>"
                                   "<ofd:Layer ID=\"" +
                                   std::to_string(100 + i) + "\"/></ofd:Content></ofd:Page>\n")});
  }
  entries.insert(entries.begin() + 1,
                 {"Doc_0/Document.xml", to_bytes(document + "</ofd:Pages></ofd:Document>\n")});
  return test::make_zip(entries);
}

doc::Stamp at(int page, double x = 150, double y = 230) {
  doc::RectMm r{x, y, 40, 40};
  return {page, r, r, true};
}

Result<Bytes> sign_with(ByteView ofd, SignRequest request, const crypto::Sm2PrivateKey& key) {
  auto prepared = prepare_signature(ofd, request);
  if (!prepared) return prepared.error();
  auto signature = crypto::sm2_sign(key, prepared->to_be_signed);
  if (!signature) return signature.error();
  return complete_signature(prepared->ofd, *signature, kNow);
}

Bytes seal(ByteView ofd, std::vector<doc::Stamp> stamps, Time when = kNow) {
  const auto& p = parties();
  SignRequest request{SignatureKind::kSeal, std::move(stamps), &p.seal, p.signer.cert, when, 0};
  auto out = sign_with(ofd, request, p.signer.key);
  EXPECT_TRUE(out.ok()) << out.error().message;
  return out.ok() ? *out : Bytes{};
}

Result<Bytes> lock(ByteView ofd) {
  const auto& p = parties();
  SignRequest request{SignatureKind::kLock, {}, nullptr, p.signer.cert, kNow, 0};
  return sign_with(ofd, request, p.signer.key);
}

// Verified as of the tests' signing time.
VerifyReport verify(ByteView ofd) {
  VerifyOptions options;
  options.at = kNow;
  auto r = verify_ofd(ofd, trust(), options);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : VerifyReport{};
}

std::vector<std::string> files(ByteView zip) {
  auto p = Package::open(zip);
  return p.ok() ? p->files() : std::vector<std::string>{};
}

// A verification code printed with the first seal: a Stamp annotation of its page, listed in
// new annotation files and Document.xml (whose MaxUnitID counts its IDs), all covered by the
// signature; a later seal cannot add one, since the first covers Document.xml.
TEST(OfdSign, AVerificationCodeIsAnAnnotationTheFirstSealCovers) {
  auto code = image::qr_modules("https://seal.example.org/console/#/verify/K7Q2M9XW4RTB8NZC");
  ASSERT_TRUE(code.ok());
  const auto& p = parties();
  SignRequest request{SignatureKind::kSeal, {at(1)}, &p.seal, p.signer.cert, kNow, 0};
  request.marks = {{1, doc::default_code_area({210, 297}, 20), code->side, code->dark}};
  auto signed_ofd = sign_with(blank_ofd(2), request, p.signer.key);
  ASSERT_TRUE(signed_ofd.ok()) << signed_ofd.error().message;
  VerifyReport r = verify(*signed_ofd);
  SCOPED_TRACE(describe(r));
  EXPECT_TRUE(r.valid());
  std::vector<std::string> covered;
  for (const auto& ref : r.signatures[0].references) covered.push_back(ref.path);
  for (const char* f : {"Doc_0/Document.xml", "Doc_0/Annots/Annotations.xml",
                        "Doc_0/Annots/Page_1/CodeAnnotation.xml"}) {
    EXPECT_NE(std::find(covered.begin(), covered.end(), f), covered.end()) << f;
  }
  std::string document = to_string(entry(*signed_ofd, "Doc_0/Document.xml"));
  EXPECT_NE(document.find("<ofd:MaxUnitID>6</ofd:MaxUnitID>"), std::string::npos) << document;
  EXPECT_NE(document.find("<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>"),
            std::string::npos);
  std::string annots = to_string(entry(*signed_ofd, "Doc_0/Annots/Annotations.xml"));
  EXPECT_NE(annots.find("PageID=\"2\""), std::string::npos) << annots;
  std::string annot = to_string(entry(*signed_ofd, "Doc_0/Annots/Page_1/CodeAnnotation.xml"));
  EXPECT_NE(annot.find("Type=\"Stamp\""), std::string::npos) << annot;
  EXPECT_NE(annot.find("<ofd:Appearance Boundary=\"180 267 20 20\">"), std::string::npos) << annot;

  request.stamps = {at(0)};
  auto second = sign_with(*signed_ofd, request, p.signer.key);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("first signature"), std::string::npos);
  request.marks[0].area.x = 205;
  auto off = sign_with(blank_ofd(2), request, p.signer.key);
  ASSERT_FALSE(off.ok());
  EXPECT_NE(off.error().message.find("lies mostly off the page"), std::string::npos)
      << off.error().message;
}

// Without MaxUnitID, what signing adds is numbered past every ID the package already uses (the
// pages' layers here are 100 and 101), never from 1 again.
TEST(OfdSign, WithoutMaxUnitIdNewObjectsAreNumberedPastEveryIdInThePackage) {
  auto code = image::qr_modules("https://seal.example.org/console/#/verify/K7Q2M9XW4RTB8NZC");
  ASSERT_TRUE(code.ok());
  const auto& p = parties();
  SignRequest request{SignatureKind::kSeal, {at(1)}, &p.seal, p.signer.cert, kNow, 0};
  request.marks = {{1, doc::default_code_area({210, 297}, 20), code->side, code->dark}};
  auto signed_ofd = sign_with(blank_ofd(2, false), request, p.signer.key);
  ASSERT_TRUE(signed_ofd.ok()) << signed_ofd.error().message;
  EXPECT_TRUE(verify(*signed_ofd).valid());
  std::string annot = to_string(entry(*signed_ofd, "Doc_0/Annots/Page_1/CodeAnnotation.xml"));
  std::size_t at_id = annot.find(" ID=\"");
  ASSERT_NE(at_id, std::string::npos) << annot;
  EXPECT_GT(std::stol(annot.substr(at_id + 5)), 101) << annot;
}

TEST(OfdSign, ASealSignatureVerifiesAndCoversEveryFileButSignaturesXml) {
  Bytes original = blank_ofd(2);
  Bytes signed_ofd = seal(original, {at(1)});
  VerifyReport r = verify(signed_ofd);
  SCOPED_TRACE(describe(r));
  ASSERT_EQ(r.signatures.size(), 1u);
  const SignatureReport& s = r.signatures[0];
  EXPECT_TRUE(r.valid());
  EXPECT_FALSE(r.locked());
  EXPECT_EQ(s.type, "Seal");
  EXPECT_EQ(s.format, "ses");
  EXPECT_EQ(s.id, "s001");
  EXPECT_EQ(s.signature_path, kSigns + "Sign_0/Signature.xml");
  EXPECT_EQ(result_of(s, "signer-chain"), CheckResult::kPassed);
  EXPECT_EQ(result_of(s, "seal-match"), CheckResult::kPassed);
  ASSERT_EQ(s.appearances.size(), 1u);
  EXPECT_EQ(s.appearances[0].page, 1);
  EXPECT_EQ(s.appearances[0].page_id, "2");
  EXPECT_DOUBLE_EQ(s.appearances[0].boundary.x, 150);
  EXPECT_FALSE(s.appearances[0].clip.has_value());
  std::vector<std::string> covered;
  for (const auto& ref : s.references) covered.push_back(ref.path);
  EXPECT_EQ(covered, (std::vector<std::string>{
                         "OFD.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml",
                         "Doc_0/Pages/Page_1/Content.xml", kSigns + "Sign_0/Seal.esl"}));

  // Each CheckValue is base64 SM3 of the raw entry; the seal file is the seal.
  std::string xml = to_string(entry(signed_ofd, s.signature_path));
  for (const auto& name : covered) {
    EXPECT_NE(xml.find(crypto::to_base64(crypto::sm3(entry(signed_ofd, name)))), std::string::npos)
        << name;
  }
  EXPECT_EQ(entry(signed_ofd, kSigns + "Sign_0/Seal.esl"), parties().seal.encoded);
  EXPECT_NE(xml.find("<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>"),
            std::string::npos);
  EXPECT_NE(xml.find("CheckMethod=\"1.2.156.10197.1.401\""), std::string::npos);
}

// XML nested far deeper than any walk may recurse (pugixml parses without recursion, and the
// depth is checked without it): sealing at a position does not read the page, text extraction
// refuses it and verification cannot place the stamp on it, none running out of stack.
TEST(OfdSign, DeeplyNestedPageContentIsHandledWithoutRecursion) {
  constexpr int kDepth = 200'000;
  std::string blocks, ends;
  for (int i = 0; i < kDepth; ++i) {
    blocks += "<ofd:PageBlock ID=\"" + std::to_string(1000 + i) + "\">";
    ends += "</ofd:PageBlock>";
  }
  std::string unknown;
  for (int i = 0; i < kDepth; ++i) unknown += "<x>";
  for (int i = 0; i < kDepth; ++i) unknown += "</x>";
  Bytes page = to_bytes(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Page "
      "xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content><ofd:Layer ID=\"100\">" +
      blocks + ends + unknown + "</ofd:Layer></ofd:Content></ofd:Page>\n");
  Bytes deep = test::with_entry(blank_ofd(1), "Doc_0/Pages/Page_0/Content.xml", page);
  auto package = Package::open(deep);
  ASSERT_TRUE(package.ok()) << package.error().message;
  auto structure = read_structure(*package);
  ASSERT_TRUE(structure.ok()) << structure.error().message;
  auto runs = extract_text(*package, structure->documents.front());
  EXPECT_FALSE(runs.ok());  // PageBlocks nested beyond the limit are refused
  Bytes sealed = seal(deep, {at(0)});
  VerifyReport r = verify(sealed);
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_EQ(result_of(r.signatures[0], "data-hash"), CheckResult::kPassed) << describe(r);
  EXPECT_EQ(result_of(r.signatures[0], "stamp-geometry"), CheckResult::kFailed) << describe(r);
  EXPECT_NE(describe(r).find("Content.xml: nested deeper than 256 levels"), std::string::npos);
}

// A Boundary that is not finite once verified as valid ("nan 60 42 42"): the engine refuses to
// write one, and the verifier fails a signature that carries one. A stamp mostly off its page
// (one placement refuses, made through the engine directly as another producer might) fails.
TEST(OfdSign, AStampThatIsNotFiniteOrMostlyOffThePageFails) {
  const auto& p = parties();
  doc::RectMm nan_box{std::nan(""), 60, 42, 42};
  SignRequest request{
      SignatureKind::kSeal, {{0, nan_box, nan_box, true}}, &p.seal, p.signer.cert, kNow, 0};
  EXPECT_FALSE(prepare_signature(blank_ofd(1), request).ok());
  Bytes sealed = seal(blank_ofd(1), {at(0)});
  std::string xml = to_string(entry(sealed, kSigns + "Sign_0/Signature.xml"));
  std::size_t box = xml.find("Boundary=\"150 ");
  ASSERT_NE(box, std::string::npos) << xml;
  xml.replace(box, 14, "Boundary=\"nan ");
  VerifyReport not_finite =
      verify(test::with_entry(sealed, kSigns + "Sign_0/Signature.xml", to_bytes(xml)));
  ASSERT_EQ(not_finite.signatures.size(), 1u);
  EXPECT_EQ(result_of(not_finite.signatures[0], "signature-xml"), CheckResult::kFailed)
      << describe(not_finite);
  EXPECT_EQ(not_finite.outcome().indication, ses::Indication::kFailed);

  VerifyReport off = verify(seal(blank_ofd(1), {at(0, 200, 100)}));
  ASSERT_EQ(off.signatures.size(), 1u);
  EXPECT_EQ(result_of(off.signatures[0], "stamp-geometry"), CheckResult::kFailed) << describe(off);
  EXPECT_EQ(off.outcome().indication, ses::Indication::kFailed);
  VerifyReport fine = verify(seal(blank_ofd(1), {at(0)}));
  EXPECT_EQ(result_of(fine.signatures[0], "stamp-geometry"), CheckResult::kPassed);
}

TEST(OfdSign, FilesSigningDoesNotWriteStayByteForByteAndOfdXmlOnlyGainsSignatures) {
  Bytes original = blank_ofd(2);
  Bytes signed_ofd = seal(original, {at(0)});
  for (const auto& name : files(original)) {
    if (name == "OFD.xml") continue;
    EXPECT_EQ(entry(signed_ofd, name), entry(original, name)) << name;
  }
  std::string before = to_string(entry(original, "OFD.xml"));
  std::string after = to_string(entry(signed_ofd, "OFD.xml"));
  std::string added = "<ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures>";
  ASSERT_NE(after.find(added), std::string::npos) << after;
  EXPECT_EQ(after.erase(after.find(added), added.size()), before);
}

TEST(OfdSign, ASecondSealKeepsTheFirstValidAndContinuesTheIds) {
  Bytes once = seal(blank_ofd(2), {at(0)});
  Bytes twice = seal(once, {at(0, 20, 20), at(1, 20, 20)}, kNow + std::chrono::minutes(5));
  VerifyReport r = verify(twice);
  SCOPED_TRACE(describe(r));
  ASSERT_EQ(r.signatures.size(), 2u);
  EXPECT_TRUE(r.valid());
  EXPECT_EQ(r.signatures[0].id, "s001");
  EXPECT_EQ(r.signatures[1].id, "s003");  // s002 is the first signature's StampAnnot
  EXPECT_EQ(r.signatures[1].signature_path, kSigns + "Sign_1/Signature.xml");
  EXPECT_EQ(r.signatures[1].appearances.size(), 2u);
  std::string signatures = to_string(entry(twice, kSigns + "Signatures.xml"));
  EXPECT_NE(signatures.find("<ofd:MaxSignId>s005</ofd:MaxSignId>"), std::string::npos)
      << signatures;
  // What follows the first seal is the second's stamps, and only that.
  ASSERT_EQ(r.signatures[0].changed_regions.size(), 2u);
  EXPECT_EQ(r.signatures[0].changed_regions[1].kind, "signature");
  EXPECT_EQ(r.signatures[0].changed_regions[1].page, 1);
  EXPECT_DOUBLE_EQ(r.signatures[0].changed_regions[1].rect.x, 20);
  EXPECT_TRUE(r.signatures[1].changed_regions.empty());
  // The second seal covers the first signature's files.
  std::vector<std::string> covered;
  for (const auto& ref : r.signatures[1].references) covered.push_back(ref.path);
  for (const char* f : {"Sign_0/Signature.xml", "Sign_0/SignedValue.dat", "Sign_0/Seal.esl"})
    EXPECT_NE(std::find(covered.begin(), covered.end(), kSigns + f), covered.end()) << f;
}

TEST(OfdSign, CrossPageSlicesCarryTheirClip) {
  std::vector<doc::PageSize> pages(3, doc::PageSize{210, 297});
  auto stamps = doc::place(doc::CrossPageRule{}, pages, 40, 40);
  ASSERT_TRUE(stamps.ok());
  Bytes signed_ofd = seal(blank_ofd(3), *stamps);
  VerifyReport r = verify(signed_ofd);
  SCOPED_TRACE(describe(r));
  EXPECT_TRUE(r.valid());
  ASSERT_EQ(r.signatures.size(), 1u);
  const auto& a = r.signatures[0].appearances;
  ASSERT_EQ(a.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(a[i].page, i);
    ASSERT_TRUE(a[i].clip.has_value());
    // The visible slice ends flush with the right edge of the page.
    EXPECT_NEAR(a[i].boundary.x + a[i].clip->x + a[i].clip->width, 210, 2e-3);
    EXPECT_NEAR(a[i].clip->width, 40.0 / 3, 2e-3);
  }
  EXPECT_EQ(result_of(r.signatures[0], "cross-page"), CheckResult::kPassed);

  // A slice left off a page: the seal is incomplete, though the signature is intact.
  stamps->pop_back();
  VerifyReport partial = verify(seal(blank_ofd(3), *stamps));
  ASSERT_EQ(partial.signatures.size(), 1u);
  EXPECT_EQ(result_of(partial.signatures[0], "cross-page"), CheckResult::kFailed);
  EXPECT_FALSE(partial.valid());

  // Groups of two pages on five pages: each group, the remainder's too, is a whole seal.
  doc::CrossPageRule rule;
  rule.group = 2;
  std::vector<doc::PageSize> five(5, doc::PageSize{210, 297});
  auto grouped = doc::place(rule, five, 40, 40);
  ASSERT_TRUE(grouped.ok()) << grouped.error().message;
  VerifyReport g = verify(seal(blank_ofd(5), *grouped));
  ASSERT_EQ(g.signatures.size(), 1u);
  EXPECT_EQ(result_of(g.signatures[0], "cross-page"), CheckResult::kPassed)
      << g.signatures[0].verdict.find("cross-page")->detail;
}

TEST(OfdSign, TheLockCoversSignaturesXmlRefusesMoreSealsAndUnlockRestoresTheSeals) {
  Bytes sealed = seal(blank_ofd(1), {at(0)});
  auto locked = lock(sealed);
  ASSERT_TRUE(locked.ok()) << locked.error().message;
  VerifyReport r = verify(*locked);
  SCOPED_TRACE(describe(r));
  ASSERT_EQ(r.signatures.size(), 2u);
  EXPECT_TRUE(r.valid());
  EXPECT_TRUE(r.locked());
  const SignatureReport& l = r.signatures[1];
  EXPECT_EQ(l.type, "Sign");
  EXPECT_EQ(l.format, "gmcms");
  EXPECT_TRUE(l.locked);
  EXPECT_TRUE(l.appearances.empty());

  const auto& p = parties();
  SignRequest more{SignatureKind::kSeal, {at(0)}, &p.seal, p.signer.cert, kNow, 0};
  auto refused = prepare_signature(*locked, more);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("locked"), std::string::npos) << refused.error().message;
  EXPECT_FALSE(lock(*locked).ok());

  auto unlocked = remove_lock(*locked, kNow);
  ASSERT_TRUE(unlocked.ok()) << unlocked.error().message;
  EXPECT_EQ(files(*unlocked), files(sealed));
  for (const auto& name : files(sealed)) {
    if (name == kSigns + "Signatures.xml") continue;
    EXPECT_EQ(entry(*unlocked, name), entry(sealed, name)) << name;
  }
  // Signatures.xml lost exactly the lock's entry; MaxSignId keeps the largest ID used.
  std::string restored = to_string(entry(*unlocked, kSigns + "Signatures.xml"));
  std::string before = to_string(entry(sealed, kSigns + "Signatures.xml"));
  EXPECT_EQ(restored.find("s003\" Type=\"Sign\""), std::string::npos) << restored;
  EXPECT_NE(restored.find("<ofd:MaxSignId>s003</ofd:MaxSignId>"), std::string::npos);
  EXPECT_EQ(restored.replace(restored.find("s003"), 4, "s002"), before);
  VerifyReport again = verify(*unlocked);
  EXPECT_TRUE(again.valid()) << describe(again);
  EXPECT_FALSE(again.locked());
  // And the document takes seals again.
  EXPECT_TRUE(verify(seal(*unlocked, {at(0, 10, 10)})).valid());
}

TEST(OfdSign, UnlockRefusesADocumentWithoutALock) {
  Bytes sealed = seal(blank_ofd(1), {at(0)});
  auto r = remove_lock(sealed, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no lock"), std::string::npos) << r.error().message;
  EXPECT_FALSE(remove_lock(blank_ofd(1), kNow).ok());
}

TEST(OfdSign, AnUnsignedDocumentCanBeLockedAlone) {
  auto locked = lock(blank_ofd(2));
  ASSERT_TRUE(locked.ok()) << locked.error().message;
  VerifyReport r = verify(*locked);
  EXPECT_TRUE(r.valid()) << describe(r);
  EXPECT_TRUE(r.locked());
}

TEST(OfdSign, CompleteChecksTheSignatureAndAPreparedPackageTakesNoOtherSignature) {
  const auto& p = parties();
  SignRequest request{SignatureKind::kSeal, {at(0)}, &p.seal, p.signer.cert, kNow, 0};
  auto prepared = prepare_signature(blank_ofd(1), request);
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  EXPECT_EQ(prepared->id, "s001");
  EXPECT_EQ(prepared->document_digest, crypto::sm3(entry(prepared->ofd, prepared->signature_path)))
      << "the digest a remote signer is shown is SM3 of the new Signature.xml";
  // Another key's signature is refused.
  auto wrong = crypto::sm2_sign(p.maker.key, prepared->to_be_signed);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(complete_signature(prepared->ofd, *wrong, kNow).ok());
  auto again = prepare_signature(prepared->ofd, request);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("never completed"), std::string::npos);
  // The verifier reports the pending value rather than passing it.
  EXPECT_FALSE(verify(prepared->ofd).valid());
  // A raw r||s signature completes it.
  auto der = crypto::sm2_sign(p.signer.key, prepared->to_be_signed);
  ASSERT_TRUE(der.ok());
  auto raw = crypto::sm2_signature_der_to_raw(*der);
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->size(), 64u);
  auto done = complete_signature(prepared->ofd, *raw, kNow);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(verify(*done).valid());
  EXPECT_FALSE(complete_signature(*done, *raw, kNow).ok()) << "nothing left to complete";
  // The engine reads no clock: the same inputs give the same bytes, another time other bytes.
  EXPECT_EQ(*complete_signature(prepared->ofd, *raw, kNow), *done);
  EXPECT_NE(*complete_signature(prepared->ofd, *raw, kNow + std::chrono::hours(24)), *done);
}

TEST(OfdSign, BadRequestsAreClearErrors) {
  const auto& p = parties();
  SignRequest request{SignatureKind::kSeal, {at(5)}, &p.seal, p.signer.cert, kNow, 0};
  auto r = prepare_signature(blank_ofd(2), request);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("page 6 does not exist"), std::string::npos);
  request.stamps.clear();
  EXPECT_FALSE(prepare_signature(blank_ofd(2), request).ok());
  request.stamps = {at(0)};
  request.document = 1;
  EXPECT_FALSE(prepare_signature(blank_ofd(2), request).ok());
  request.document = 0;
  request.seal = nullptr;
  EXPECT_FALSE(prepare_signature(blank_ofd(2), request).ok());
  EXPECT_FALSE(prepare_signature(to_bytes("not a zip"), request).ok());
}

TEST(OfdSign, ASealThatDoesNotListTheSignerIsRefused) {
  const auto& p = parties();
  SignRequest request{SignatureKind::kSeal, {at(0)}, &p.seal, p.maker.cert, kNow, 0};
  auto r = prepare_signature(blank_ofd(2), request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(r.error().message.find("does not list the signer's certificate"), std::string::npos)
      << r.error().message;
  // A lock carries no seal: any certificate may lock.
  request.kind = SignatureKind::kLock;
  request.stamps.clear();
  request.seal = nullptr;
  EXPECT_TRUE(prepare_signature(blank_ofd(2), request).ok());
}

// Tampering after signing, each found by the verifier.
class OfdTamper : public ::testing::Test {
 protected:
  Bytes signed_ofd = seal(blank_ofd(2), {at(0)});
  const std::string xml_path = kSigns + "Sign_0/Signature.xml";
};

TEST_F(OfdTamper, AChangedPageFailsItsReference) {
  std::string page = to_string(entry(signed_ofd, "Doc_0/Pages/Page_1/Content.xml"));
  page.insert(page.find("</ofd:Content>"), "<ofd:Layer ID=\"999\"/>");
  VerifyReport r =
      verify(test::with_entry(signed_ofd, "Doc_0/Pages/Page_1/Content.xml", to_bytes(page)));
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_FALSE(r.valid());
  EXPECT_EQ(result_of(r.signatures[0], "references"), CheckResult::kFailed);
  EXPECT_NE(r.signatures[0].verdict.find("references")->detail.find("Page_1/Content.xml"),
            std::string::npos);
  // Shown as the whole second page.
  ASSERT_EQ(r.signatures[0].changed_regions.size(), 1u);
  EXPECT_EQ(r.signatures[0].changed_regions[0].kind, "content");
  EXPECT_EQ(r.signatures[0].changed_regions[0].page, 1);
  EXPECT_DOUBLE_EQ(r.signatures[0].changed_regions[0].rect.height, 297);
}

TEST_F(OfdTamper, AnAddedFileIsUncovered) {
  VerifyReport r =
      verify(test::with_entry(signed_ofd, "Doc_0/Res/extra.png", to_bytes("not really")));
  EXPECT_FALSE(r.valid());
  EXPECT_EQ(r.uncovered_files, std::vector<std::string>{"Doc_0/Res/extra.png"});
}

TEST_F(OfdTamper, ARemovedStampFailsTheDataHash) {
  std::string xml = to_string(entry(signed_ofd, xml_path));
  std::size_t from = xml.find("<ofd:StampAnnot");
  xml.erase(from, xml.find("/>", from) + 2 - from);
  VerifyReport r = verify(test::with_entry(signed_ofd, xml_path, to_bytes(xml)));
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_FALSE(r.valid());
  EXPECT_EQ(result_of(r.signatures[0], "data-hash"), CheckResult::kFailed);
}

TEST_F(OfdTamper, ASwappedSealFileFailsTheSealMatch) {
  Bytes other = seal(blank_ofd(1), {at(0)});
  Bytes other_value = entry(other, kSigns + "Sign_0/SignedValue.dat");
  // Another seal file: a byte of the seal changed.
  Bytes seal_file = parties().seal.encoded;
  seal_file[seal_file.size() / 2] ^= 1;
  VerifyReport r = verify(test::with_entry(signed_ofd, kSigns + "Sign_0/Seal.esl", seal_file));
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_FALSE(r.valid());
  EXPECT_EQ(result_of(r.signatures[0], "seal-match"), CheckResult::kFailed);
  // Another signature value (same seal, same signer, another document) fails the data hash.
  r = verify(test::with_entry(signed_ofd, kSigns + "Sign_0/SignedValue.dat", other_value));
  EXPECT_FALSE(r.valid());
  EXPECT_EQ(result_of(r.signatures[0], "data-hash"), CheckResult::kFailed);
}

// A real tax e-invoice, sealed by the tax bureau, takes a second seal: both verify.
TEST(OfdSignFixtures, ASealAddedToATaxInvoiceLeavesTheBureausSealValid) {
  auto dir = std::filesystem::path(ESEAL_FIXTURE_DIR) / "ofd-interop";
  if (!std::filesystem::exists(dir))
    GTEST_SKIP() << "../shared/fixtures is not beside the checkout";
  auto invoice = read_file(dir / "v4signed.ofd");
  ASSERT_TRUE(invoice.ok());
  Bytes signed_ofd = seal(*invoice, {at(0, 120, 60)});
  auto r = verify_ofd(signed_ofd, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  SCOPED_TRACE(describe(*r));
  ASSERT_EQ(r->signatures.size(), 2u);
  EXPECT_EQ(r->signatures[1].id, "2");  // plain numbers continue as plain numbers
  // No trust anchors: only the chains are left open.
  for (const auto& s : r->signatures) {
    EXPECT_EQ(s.outcome().findings, std::vector<std::string>{"no-chain-checked"}) << s.id;
  }
  EXPECT_TRUE(r->uncovered_files.empty());
  EXPECT_EQ(r->signatures[1].signature_path, "Doc_0/Signs/Sign_1/Signature.xml");
}

// Certified copies (加注件): the copy-maker's lock over the watermarked copy, the original
// attached and verified in its turn.
Result<Bytes> certified_copy(ByteView original, const std::string& creator = "某某银行",
                             Time created = kNow) {
  const auto& p = parties();
  CopyRequest request{creator, "贷款审批", 2, created, p.signer.cert};
  auto prepared = prepare_certified_copy(original, request);
  if (!prepared) return prepared.error();
  auto signature = crypto::sm2_sign(p.signer.key, prepared->to_be_signed);
  if (!signature) return signature.error();
  return complete_signature(prepared->ofd, *signature, kNow);
}

TEST(OfdCopy, ACertifiedCopyIsLockedCarriesItsMetadataAndTheVerifiedOriginal) {
  Bytes original = seal(blank_ofd(2), {at(0), at(1, 20, 20)});
  auto copy = certified_copy(original);
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  VerifyReport r = verify(*copy);
  SCOPED_TRACE(describe(r));
  EXPECT_TRUE(r.valid());
  EXPECT_TRUE(r.locked());
  ASSERT_EQ(r.signatures.size(), 1u) << "the original's seal stays with the original";
  EXPECT_EQ(r.signatures[0].type, "Sign");
  ASSERT_TRUE(r.certified_copy.has_value());
  const CertifiedCopy& c = *r.certified_copy;
  EXPECT_EQ(c.creator, "某某银行");
  EXPECT_EQ(c.cause, "贷款审批");
  EXPECT_EQ(c.created, "2026-11-23T12:00:00Z");
  EXPECT_EQ(c.expires, "2028-11-23T12:00:00Z");
  EXPECT_TRUE(c.verdict.valid());
  ASSERT_NE(c.original, nullptr);
  EXPECT_TRUE(c.original->valid());
  EXPECT_EQ(c.original->signatures.size(), 1u);
  EXPECT_EQ(entry(*copy, c.original_path), original);

  // Every page shows the watermark; the seals show where they were, as Stamp annotations.
  std::string annotations = to_string(entry(*copy, "Doc_0/Annots/Annotations.xml"));
  for (int page = 0; page < 2; ++page) {
    std::string file = "Doc_0/Annots/Page_" + std::to_string(page) + "/CopyAnnotation.xml";
    std::string xml = to_string(entry(*copy, file));
    EXPECT_NE(xml.find("Type=\"Watermark\""), std::string::npos) << file;
    EXPECT_NE(xml.find("仅供贷款审批使用"), std::string::npos) << file;
    EXPECT_NE(xml.find("Type=\"Stamp\""), std::string::npos) << file;
  }
  EXPECT_EQ(entry(*copy, "Doc_0/CopyRes/seal_1.png"), parties().seal.info.picture.data);
  // The pages themselves are the original's, byte for byte.
  for (const char* page : {"Doc_0/Pages/Page_0/Content.xml", "Doc_0/Pages/Page_1/Content.xml"})
    EXPECT_EQ(entry(*copy, page), entry(original, page));
}

TEST(OfdCopy, AnExpiredCopyOrAChangedOriginalFails) {
  Bytes original = seal(blank_ofd(1), {at(0)});
  auto copy = certified_copy(original);
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  VerifyOptions later;
  later.at = kNow + std::chrono::days(3 * 365);
  auto expired = verify_ofd(*copy, trust(), later);
  ASSERT_TRUE(expired.ok());
  EXPECT_FALSE(expired->valid());
  EXPECT_EQ(expired->certified_copy->verdict.find("copy.validity")->result, CheckResult::kFailed);

  // The engine reads no clock: with no verification time the expiry cannot be judged.
  auto undated = verify_ofd(*copy, trust());
  ASSERT_TRUE(undated.ok());
  EXPECT_EQ(undated->outcome().indication, ses::Indication::kIndeterminate);
  EXPECT_EQ(undated->certified_copy->verdict.find("copy.validity")->finding,
            "no-verification-time");

  // Another original swapped in: the lock's reference to the attachment fails.
  Bytes other = seal(blank_ofd(1), {at(0, 10, 10)});
  VerifyReport swapped = verify(test::with_entry(*copy, "Doc_0/Attachs/original.ofd", other));
  EXPECT_FALSE(swapped.valid());
  EXPECT_EQ(result_of(swapped.signatures[0], "references"), CheckResult::kFailed);
}

TEST(OfdCopy, BadOriginalsAndRequestsAreRefused) {
  Bytes original = seal(blank_ofd(1), {at(0)});
  auto copy = certified_copy(original);
  ASSERT_TRUE(copy.ok());
  auto again = certified_copy(*copy);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("already a certified copy"), std::string::npos);
  EXPECT_FALSE(certified_copy(original, "").ok());
  std::string page = to_string(entry(original, "Doc_0/Pages/Page_0/Content.xml")) + " ";
  auto tampered =
      certified_copy(test::with_entry(original, "Doc_0/Pages/Page_0/Content.xml", to_bytes(page)));
  ASSERT_FALSE(tampered.ok());
  EXPECT_NE(tampered.error().message.find("do not all verify"), std::string::npos);
}

// A real tax e-invoice (with its own attachments, annotations and custom tags) as the original.
TEST(OfdCopyFixtures, ACertifiedCopyOfATaxInvoice) {
  auto dir = std::filesystem::path(ESEAL_FIXTURE_DIR) / "ofd-interop";
  if (!std::filesystem::exists(dir))
    GTEST_SKIP() << "../shared/fixtures is not beside the checkout";
  auto invoice = read_file(dir / "v4signed.ofd");
  ASSERT_TRUE(invoice.ok());
  auto copy = certified_copy(*invoice);
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  // No trust anchors: the bureau's root is not ours, so its chain is not judged, and the
  // original, and with it the copy, is indeterminate.
  auto verified = verify_ofd(*copy, {});
  ASSERT_TRUE(verified.ok());
  const VerifyReport& r = *verified;
  SCOPED_TRACE(describe(r));
  EXPECT_EQ(r.outcome().indication, ses::Indication::kIndeterminate);
  ASSERT_TRUE(r.certified_copy && r.certified_copy->original);
  EXPECT_EQ(r.certified_copy->original->outcome().findings,
            std::vector<std::string>{"no-chain-checked"});
  const ses::Check* original = r.certified_copy->verdict.find("copy.original");
  ASSERT_NE(original, nullptr);
  EXPECT_EQ(original->result, CheckResult::kIndeterminate);
  EXPECT_EQ(original->finding, "copy-original-indeterminate");
  // The invoice's own attachment stays listed beside the original.
  std::string attachments = to_string(entry(*copy, "Doc_0/Attachs/Attachments.xml"));
  EXPECT_NE(attachments.find("original_invoice.xml"), std::string::npos);
  EXPECT_NE(attachments.find("Usage=\"original\""), std::string::npos);
  std::string page_annots = to_string(entry(*copy, "Doc_0/Annots/Page_0/Annotation.xml"));
  EXPECT_NE(page_annots.find("Type=\"Watermark\""), std::string::npos) << page_annots;
}

}  // namespace
}  // namespace eseal::ofd
