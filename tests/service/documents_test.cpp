// The format-neutral document operations: the same placement stamps a PDF and an OFD, keyword
// and cross-page seals find their places, OFD-only operations refuse PDF, and verification
// summarizes every signature with its seal and signer.
#include "service/documents.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include "ofd/document.h"
#include "ofd/package.h"
#include "ofd/package_edit.h"
#include "ofd/writer.h"
#include "ofd/zip_builder.h"
#include "service/signing.h"
#include "service/verification.h"
#include "support/blank_pdf.h"
#include "support/sealing_parties.h"
#include "support/text_ofd.h"

namespace eseal::service {
namespace {

using test::kNow;
using test::parties;

keys::Signer& signer() {
  static std::unique_ptr<keys::Signer> s =
      std::move(*keys::KeySigner::make(parties().signer.key, parties().signer.cert));
  return *s;
}

// One seal signature of the test seal by the test signer, through the one signing path.
Result<Bytes> stamp(ByteView document, const Placement& at, keys::Signer& by, Time now) {
  SealSignature request{{at}, &parties().seal, doc::SignatureFormat::kSes, "", ""};
  return sign(prepare_seal(document, request, by.certificate(), now), by);
}

Result<Bytes> add_lock(ByteView ofd) {
  return sign(prepare_lock(ofd, signer().certificate(), kNow), signer());
}

Bytes text_ofd(const std::string& text) {
  return eseal::test::text_ofd(text, kNow);
}

std::string long_text() {
  std::string text = "关于电子印章应用的通知\n";
  for (int i = 0; i < 60; ++i) text += "电子印章在政务服务中的应用试点，按照统一标准推进。\n";
  return text + "某某市测试单位（盖章）\n";
}

TEST(Documents, DetectsTheFormatByContent) {
  EXPECT_EQ(*detect_format(test::blank_pdf(1)), DocumentFormat::kPdf);
  EXPECT_EQ(*detect_format(text_ofd("正文")), DocumentFormat::kOfd);
  auto bad = detect_format(to_bytes("hello"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "not a PDF or OFD document");
  auto other_zip = detect_format(ofd::test::make_zip({{"word/document.xml", to_bytes("<w/>")}}));
  ASSERT_FALSE(other_zip.ok());
  EXPECT_EQ(other_zip.error().message, "not a PDF or OFD document");
}

// A ZIP archive the OFD package rules refuse is refused for that reason, not as an unknown
// format, so that every door can say what is wrong with it.
TEST(Documents, HostilePackagesAreRefusedForWhatTheyAre) {
  Bytes escaping = ofd::test::with_entry(text_ofd("正文"), "../../evil.sh", to_bytes("rm -rf /"));
  auto traversal = detect_format(escaping);
  ASSERT_FALSE(traversal.ok());
  EXPECT_EQ(traversal.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(traversal.error().message,
            "OFD package refused: ZIP entry \"../../evil.sh\": a \"..\" segment (path traversal)");

  Bytes bomb = text_ofd("正文");
  ASSERT_TRUE(ofd::test::patch_declared_size(bomb, "Doc_0/Document.xml", 0xF0000000u));
  auto big = detect_format(bomb);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message.rfind("OFD package refused: ZIP entry \"Doc_0/Document.xml\" "
                                      "declares 4026531840 bytes",
                                      0),
            0u)
      << big.error().message;
  auto stamped = stamp(bomb, doc::PositionRule{0, 10, 10}, signer(), kNow);
  ASSERT_FALSE(stamped.ok());
  EXPECT_EQ(stamped.error().message, big.error().message);
}

TEST(Documents, OnePlacementStampsBothFormats) {
  Placement at = doc::PositionRule{0, 100, 100};
  for (Bytes document : {test::blank_pdf(2), text_ofd("正文")}) {
    auto stamped = stamp(document, at, signer(), kNow);
    ASSERT_TRUE(stamped.ok()) << stamped.error().message;
    auto summary = verify(*stamped, test::trust(), kNow);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    SCOPED_TRACE(format_name(summary->format));
    EXPECT_TRUE(summary->valid());
    ASSERT_EQ(summary->signatures.size(), 1u);
    const SignatureSummary& s = summary->signatures[0];
    EXPECT_TRUE(s.valid());
    EXPECT_EQ(s.outcome().indication, ses::Indication::kValid);
    EXPECT_EQ(s.kind, "seal");
    EXPECT_EQ(s.seal_id, parties().seal.info.es_id);
    EXPECT_EQ(s.seal_name, parties().seal.info.name);
    EXPECT_EQ(s.signer, parties().signer.cert.subject().to_string());
  }
}

TEST(Documents, KeywordAndCrossPageSealsOnOfd) {
  Bytes document = text_ofd(long_text());
  doc::KeywordRule keyword{"测试单位（盖章）", *doc::parse_keyword_selection("last")};
  auto stamped = stamp(document, keyword, signer(), kNow);
  ASSERT_TRUE(stamped.ok()) << stamped.error().message;
  auto crossed = stamp(*stamped, doc::CrossPageRule{}, signer(), kNow);
  ASSERT_TRUE(crossed.ok()) << crossed.error().message;
  auto summary = verify(*crossed, test::trust(), kNow);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->valid());
  EXPECT_EQ(summary->signatures.size(), 2u);

  doc::KeywordRule missing{"没有的词", *doc::parse_keyword_selection("first")};
  auto r = stamp(document, missing, signer(), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("没有的词"), std::string::npos) << r.error().message;
}

TEST(Documents, LockUnlockAndCopyAreForOfdOnly) {
  Bytes sealed = *stamp(text_ofd("正文"), doc::PositionRule{0, 20, 20}, signer(), kNow);
  auto locked = add_lock(sealed);
  ASSERT_TRUE(locked.ok()) << locked.error().message;
  auto summary = verify(*locked, test::trust(), kNow);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->locked);
  ASSERT_EQ(summary->signatures.size(), 2u);
  EXPECT_EQ(summary->signatures[1].kind, "lock");
  EXPECT_FALSE(stamp(*locked, doc::PositionRule{0, 50, 50}, signer(), kNow).ok());
  auto unlocked = remove_lock(*locked, kNow);
  ASSERT_TRUE(unlocked.ok());
  EXPECT_FALSE(verify(*unlocked, test::trust(), kNow)->locked);
  auto copy = sign(
      prepare_certified_copy(sealed, {"某某银行", "贷款审批", 1}, signer().certificate(), kNow),
      signer());
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  EXPECT_TRUE(verify(*copy, test::trust(), kNow)->locked);

  Bytes pdf = test::blank_pdf(1);
  auto refused = add_lock(pdf);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("OFD documents only"), std::string::npos);
  EXPECT_FALSE(remove_lock(pdf, kNow).ok());
}

TEST(Documents, AnIndeterminateSignatureNamesItsFindings) {
  Bytes stamped = *stamp(test::blank_pdf(1), doc::PositionRule{0, 20, 20}, signer(), kNow);
  // Another trust anchor: the chain cannot be established, but nothing failed.
  auto other = pki::test::issue(pki::CertificateProfile::kRootCa, "C=CN,CN=别的根", nullptr);
  std::vector<pki::Certificate> roots{other.cert};
  auto summary = verify(stamped, {roots, {}, {}}, kNow);
  ASSERT_TRUE(summary.ok());
  EXPECT_FALSE(summary->valid());
  EXPECT_EQ(summary->outcome.indication, ses::Indication::kIndeterminate);
  ASSERT_EQ(summary->signatures.size(), 1u);
  const SignatureSummary& s = summary->signatures[0];
  EXPECT_FALSE(s.valid());
  EXPECT_EQ(s.outcome().indication, ses::Indication::kIndeterminate);
  EXPECT_EQ(s.outcome().findings, std::vector<std::string>{"unknown-root"});

  // No trust anchor at all: the chain was not checked.
  auto unchecked = verify(stamped, {}, kNow);
  ASSERT_TRUE(unchecked.ok());
  EXPECT_EQ(unchecked->signatures.at(0).outcome().findings,
            std::vector<std::string>{"no-chain-checked"});
}

TEST(Documents, AFailedSignatureSaysWhichChecksFailed) {
  Bytes stamped = *stamp(test::blank_pdf(1), doc::PositionRule{0, 20, 20}, signer(), kNow);
  // A covered byte changed: the page's MediaBox.
  std::string text = to_string(stamped);
  std::size_t box = text.find("/MediaBox [0 0 595");
  ASSERT_NE(box, std::string::npos);
  text[box + 15] = '4';
  auto summary = verify(to_bytes(text), test::trust(), kNow);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->outcome.indication, ses::Indication::kFailed);
  ASSERT_EQ(summary->signatures.size(), 1u);
  const SignatureSummary& s = summary->signatures[0];
  EXPECT_EQ(s.outcome().indication, ses::Indication::kFailed);
  auto failed =
      std::find_if(s.verdict.checks.begin(), s.verdict.checks.end(),
                   [](const ses::Check& c) { return c.result == ses::CheckResult::kFailed; });
  ASSERT_NE(failed, s.verdict.checks.end());
  EXPECT_EQ(failed->name, "digest");
}

// Bookmarks: a PDF's outline items by title (nested ones too) and an OFD's Bookmarks by Name.
TEST(Documents, BookmarksTakeToTheirPages) {
  Bytes blank = eseal::test::blank_pdf(3);
  QPDF qpdf;
  qpdf.processMemoryFile("blank.pdf", reinterpret_cast<const char*>(blank.data()), blank.size());
  auto pages = QPDFPageDocumentHelper(qpdf).getAllPages();
  auto outline = [&](const std::string& title, QPDFPageObjectHelper& page) {
    auto item = QPDFObjectHandle::newDictionary();
    item.replaceKey("/Title", QPDFObjectHandle::newUnicodeString(title));
    auto dest = QPDFObjectHandle::newArray();
    dest.appendItem(page.getObjectHandle());
    dest.appendItem(QPDFObjectHandle::newName("/Fit"));
    item.replaceKey("/Dest", dest);
    return qpdf.makeIndirectObject(item);
  };
  auto chapter = outline("第一章", pages[1]);
  auto annex = outline("附件", pages[2]);
  chapter.replaceKey("/First", annex);
  chapter.replaceKey("/Last", annex);
  auto root = QPDFObjectHandle::newDictionary();
  root.replaceKey("/Type", QPDFObjectHandle::newName("/Outlines"));
  root.replaceKey("/First", chapter);
  root.replaceKey("/Last", chapter);
  qpdf.getRoot().replaceKey("/Outlines", qpdf.makeIndirectObject(root));
  QPDFWriter writer(qpdf);
  writer.setOutputMemory();
  writer.write();
  auto buffer = writer.getBufferSharedPointer();
  Bytes pdf(buffer->getBuffer(), buffer->getBuffer() + buffer->getSize());
  EXPECT_EQ(*bookmark_page(pdf, "第一章"), 1);
  EXPECT_EQ(*bookmark_page(pdf, "附件"), 2);
  EXPECT_FALSE(bookmark_page(pdf, "没有").value().has_value());
  EXPECT_FALSE(bookmark_page(blank, "第一章").value().has_value());

  std::string lines;
  for (int i = 0; i < 120; ++i) lines += "第" + std::to_string(i + 1) + "行\n";
  Bytes ofd = eseal::test::text_ofd(lines);
  auto package = ofd::Package::open(ofd);
  ASSERT_TRUE(package.ok());
  auto xml = to_string(*package->read("Doc_0/Document.xml"));
  auto structure = ofd::read_structure(*package);
  ASSERT_TRUE(structure.ok());
  ASSERT_GE(structure->documents.front().pages.size(), 2u);
  std::string second = structure->documents.front().pages[1].id;
  std::size_t end = xml.rfind("</ofd:Document>");
  ASSERT_NE(end, std::string::npos);
  xml.insert(end, "<ofd:Bookmarks><ofd:Bookmark Name=\"签章页\"><ofd:Dest Type=\"Fit\" PageID=\"" +
                      second + "\"/></ofd:Bookmark></ofd:Bookmarks>");
  auto marked = ofd::edit_package(ofd, {{{"Doc_0/Document.xml", to_bytes(xml)}}, {}, now_utc()});
  ASSERT_TRUE(marked.ok()) << marked.error().message;
  EXPECT_EQ(*bookmark_page(*marked, "签章页"), 1);
  EXPECT_FALSE(bookmark_page(*marked, "第一章").value().has_value());
}

}  // namespace
}  // namespace eseal::service
