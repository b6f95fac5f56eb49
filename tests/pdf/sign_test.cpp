// Signing PDFs with seals and verifying them: each /Contents format, several signatures, every
// placement, the independent checks (qpdf --check, pdfsig), and tampering of each kind.
#include "pdf/sign.h"

#include <gtest/gtest.h>

#include <map>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>

#include "base/file.h"
#include "crypto/digest.h"
#include "image/qr_code.h"
#include "image/raster.h"
#include "pdf/document.h"
#include "pdf/verify.h"
#include "pki/test_ca.h"
#include "ses/signature.h"
#include "support/blank_pdf.h"
#include "support/process.h"
#include "support/sealing_parties.h"

namespace eseal::pdf {
namespace {

using test::blank_pdf;

using pki::test::kNow;
using test::parties;
using test::Parties;
using test::trust;

// QPDF writes a document it has open: as it was, with object streams and an xref stream, or
// encrypted.
Bytes written(QPDF& q, bool xref_stream = false, bool encrypt = false) {
  QPDFWriter w(q);
  w.setOutputMemory();
  if (xref_stream) w.setObjectStreamMode(qpdf_o_generate);
  if (encrypt)
    w.setR6EncryptionParameters("user", "owner", true, true, true, true, true, true, qpdf_r3p_full,
                                true);
  w.write();
  auto buffer = w.getBufferSharedPointer();
  return Bytes(buffer->getBuffer(), buffer->getBuffer() + buffer->getSize());
}

Bytes rewrite(ByteView pdf, bool xref_stream, bool encrypt = false) {
  QPDF q;
  q.processMemoryFile("in", reinterpret_cast<const char*>(pdf.data()), pdf.size());
  return written(q, xref_stream, encrypt);
}

std::vector<doc::PageSize> sizes(ByteView pdf) {
  auto d = Document::open(pdf);
  std::vector<doc::PageSize> out;
  for (int i = 0; i < d->page_count(); ++i)
    out.push_back({d->geometry(i).width_mm(), d->geometry(i).height_mm()});
  return out;
}

// Prepares, signs with the parties' signer and completes; empty (and a failed expectation) when a
// step fails.
Bytes sign(ByteView pdf, const SignRequest& request) {
  const Parties& p = parties();
  auto prepared = prepare_signature(pdf, request);
  EXPECT_TRUE(prepared.ok()) << (prepared.ok() ? "" : prepared.error().message);
  if (!prepared) return {};
  auto signature = crypto::sm2_sign(p.signer.key, prepared->to_be_signed);
  auto done = complete_signature(prepared->pdf, *signature);
  EXPECT_TRUE(done.ok()) << (done.ok() ? "" : done.error().message);
  EXPECT_EQ(done->size(), prepared->pdf.size()) << "complete never changes the length";
  if (!done) return {};
  // The bytes before /Contents are hashed once, by prepare, for the signed document's SM3 too.
  EXPECT_EQ(prepared->sm3_prefix.length, prepared->byte_range[1]);
  EXPECT_EQ(crypto::finish_hash(crypto::HashAlgorithm::kSm3, prepared->sm3_prefix, *done),
            crypto::sm3(*done));
  return *done;
}

Bytes sign(ByteView pdf, std::vector<doc::Stamp> stamps,
           doc::SignatureFormat format = doc::SignatureFormat::kSes, Time at = kNow) {
  const Parties& p = parties();
  return sign(pdf, {std::move(stamps), &p.seal, p.signer.cert, format, at, "同意", "深圳"});
}

std::vector<doc::Stamp> at(int page, double x = 100, double y = 200) {
  return *doc::place(doc::PositionRule{page, x, y}, std::vector<doc::PageSize>(8, {210, 297}), 40,
                     40);
}

ses::CheckResult result_of(const SignatureReport& s, std::string_view name) {
  const ses::Check* c = s.verdict.find(name);
  EXPECT_NE(c, nullptr) << name;
  return c ? c->result : ses::CheckResult::kSkipped;
}

void expect_qpdf_check(ByteView pdf) {
  test::TempDir tmp;
  auto path = tmp / "signed.pdf";
  ASSERT_TRUE(write_file_atomic(path, pdf).ok());
  auto r = test::run_command("qpdf --check '" + path.string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("No syntax or stream encoding errors"), std::string::npos) << r.output;
}

TEST(PdfSign, SesSignatureVerifiesAndPassesQpdf) {
  Bytes original = blank_pdf(2);
  Bytes signed_pdf = sign(original, at(1));
  ASSERT_FALSE(signed_pdf.empty());
  EXPECT_TRUE(std::equal(original.begin(), original.end(), signed_pdf.begin()))
      << "an incremental update never touches earlier bytes";
  auto report = verify_pdf(signed_pdf, trust());
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->signatures.size(), 1u);
  const SignatureReport& s = report->signatures[0];
  EXPECT_EQ(s.reason, "同意");  // the /Reason the signature was made with, read back
  for (const auto& c : s.verdict.checks) {
    if (c.name == "time-stamp") continue;
    EXPECT_EQ(c.result, ses::CheckResult::kPassed) << c.name << ": " << c.detail;
  }
  EXPECT_TRUE(report->valid());
  EXPECT_TRUE(report->outcome().findings.empty());
  EXPECT_EQ(s.format, "ses");
  EXPECT_EQ(s.revision, 2);
  EXPECT_EQ(report->revisions, 2);
  EXPECT_EQ(s.field_name, "Signature1");
  EXPECT_EQ(s.changes_after, ChangesAfter::kNone);
  ASSERT_EQ(s.appearances.size(), 1u);
  EXPECT_EQ(s.appearances[0].page, 1);
  EXPECT_NEAR(s.appearances[0].rect.x, 100, 0.01);
  EXPECT_NEAR(s.appearances[0].rect.y, 200, 0.01);
  EXPECT_NEAR(s.appearances[0].rect.width, 40, 0.01);
  EXPECT_EQ(s.picture_type, "PNG");
  EXPECT_EQ(s.picture, parties().seal.info.picture.data);
  EXPECT_EQ(s.signing_time, kNow);
  expect_qpdf_check(signed_pdf);
}

TEST(PdfSign, TheSesSignatureProtectsTheByteRanges) {
  Bytes signed_pdf = sign(blank_pdf(1), at(0));
  auto report = verify_pdf(signed_pdf, trust());
  ASSERT_TRUE(report.ok());
  const ByteRange& r = report->signatures[0].byte_range;
  auto container = read_contents(signed_pdf, r);
  ASSERT_TRUE(container.ok());
  auto ses_signature = ses::decode_signature(*container);
  ASSERT_TRUE(ses_signature.ok());
  crypto::Hasher h(crypto::HashAlgorithm::kSm3);
  h.update(ByteView(signed_pdf).subspan(0, r[1]));
  h.update(ByteView(signed_pdf).subspan(r[2], r[3]));
  EXPECT_EQ(ses_signature->data_hash, h.finish());
  EXPECT_EQ(ses_signature->property_info, "/ByteRange [0 " + std::to_string(r[1]) + " " +
                                              std::to_string(r[2]) + " " + std::to_string(r[3]) +
                                              "]");
  EXPECT_EQ(ses_signature->seal.encoded, parties().seal.encoded);
  EXPECT_EQ(r[2] + r[3], signed_pdf.size());
}

TEST(PdfSign, TextThatReadsLikeThePlaceholderIsLeftAlone) {
  // The page the seal goes on (written again in the update, with its /Annots) holds the
  // placeholder's text, and so do the reason and the location: only the signature dictionary's
  // own /ByteRange is fixed.
  const std::string lookalike = "/ByteRange [0 0000000000 0000000000 0000000000] /Contents <00>";
  Bytes blank = blank_pdf(1);
  QPDF q;
  q.processMemoryFile("in", reinterpret_cast<const char*>(blank.data()), blank.size());
  QPDFObjectHandle page = q.getAllPages()[0];
  page.replaceKey("/Note", QPDFObjectHandle::newString(lookalike));

  const Parties& p = parties();
  Bytes done = sign(written(q), {at(0), &p.seal, p.signer.cert, doc::SignatureFormat::kSes, kNow,
                                 lookalike, lookalike});
  ASSERT_FALSE(done.empty());
  auto report = verify_pdf(done, trust());
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->signatures.size(), 1u);
  EXPECT_TRUE(report->valid());
  EXPECT_EQ(report->signatures[0].reason, lookalike);
  expect_qpdf_check(done);
}

TEST(PdfSign, GmCmsAndPkcs7SignaturesVerify) {
  for (doc::SignatureFormat format : {doc::SignatureFormat::kGmCms, doc::SignatureFormat::kPkcs7}) {
    Bytes signed_pdf = sign(blank_pdf(1), at(0), format);
    auto report = verify_pdf(signed_pdf, trust());
    ASSERT_TRUE(report.ok());
    ASSERT_EQ(report->signatures.size(), 1u);
    const SignatureReport& s = report->signatures[0];
    EXPECT_EQ(s.format, doc::format_name(format));
    for (const auto& c : s.verdict.checks) {
      if (c.name == "seal" || c.name == "time-stamp") continue;
      EXPECT_EQ(c.result, ses::CheckResult::kPassed)
          << doc::format_name(format) << " " << c.name << ": " << c.detail;
    }
    EXPECT_TRUE(report->valid());
    expect_qpdf_check(signed_pdf);
  }
}

TEST(PdfSign, ASecondSignatureKeepsTheFirstValid) {
  Bytes once = sign(blank_pdf(2), at(0), doc::SignatureFormat::kSes, kNow);
  Bytes twice = sign(once, at(1), doc::SignatureFormat::kGmCms, kNow + std::chrono::minutes(5));
  auto report = verify_pdf(twice, trust());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->signatures.size(), 2u);
  EXPECT_EQ(report->signatures[0].field_name, "Signature1");
  EXPECT_EQ(report->signatures[1].field_name, "Signature2");
  EXPECT_EQ(report->signatures[0].revision, 2);
  EXPECT_EQ(report->signatures[1].revision, 3);
  EXPECT_EQ(report->signatures[0].changes_after, ChangesAfter::kSignaturesOrAnnotations);
  EXPECT_EQ(report->signatures[1].changes_after, ChangesAfter::kNone);
  // What the first signature does not cover is the second's stamp, and only that.
  ASSERT_EQ(report->signatures[0].changed_regions.size(), 1u);
  const doc::ChangedRegion& later = report->signatures[0].changed_regions[0];
  EXPECT_EQ(later.kind, "signature");
  EXPECT_EQ(later.page, 1);
  EXPECT_NEAR(later.rect.x, 100, 0.01);
  EXPECT_NEAR(later.rect.y, 200, 0.01);
  EXPECT_TRUE(report->signatures[1].changed_regions.empty());
  EXPECT_TRUE(report->valid());
  expect_qpdf_check(twice);
}

// A verification code printed with a signature: covered by it (the document still verifies with
// nothing changed after signing), drawn where asked, and read back by an independent renderer
// (poppler's pdftoppm) and QR reader (zbarimg).
TEST(PdfSign, AVerificationCodeIsCoveredAndScans) {
  const std::string url = "https://seal.example.org/console/#/verify/K7Q2M9XW4RTB8NZC";
  auto code = image::qr_modules(url);
  ASSERT_TRUE(code.ok());
  Bytes original = blank_pdf(2);
  doc::CodeMark mark{1, doc::default_code_area(sizes(original)[1], 24), code->side, code->dark};
  const Parties& p = parties();
  SignRequest request{at(1), &p.seal, p.signer.cert, doc::SignatureFormat::kSes, kNow, "", ""};
  request.marks = {mark};
  Bytes done = sign(original, request);
  ASSERT_FALSE(done.empty());
  auto report = verify_pdf(done, trust());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->valid());
  EXPECT_EQ(report->signatures[0].changes_after, ChangesAfter::kNone);
  expect_qpdf_check(done);

  if (test::run_command("command -v zbarimg && command -v pdftoppm").exit_code != 0)
    GTEST_SKIP() << "zbarimg (zbar-tools) or pdftoppm (poppler-utils) is not installed";
  test::TempDir tmp;
  ASSERT_TRUE(write_file_atomic(tmp / "signed.pdf", done).ok());
  auto scan = test::run_command("pdftoppm -r 150 -f 2 -l 2 -png '" + (tmp / "signed.pdf").string() +
                                "' '" + (tmp / "page").string() + "' && zbarimg -q --raw " +
                                (tmp / "page-2.png").string() + " 2>/dev/null");
  ASSERT_EQ(scan.exit_code, 0) << scan.output;
  EXPECT_NE(scan.output.find(url + "\n"), std::string::npos) << scan.output;

  // A code that would not show is refused before anything is written.
  request.marks[0].area = {200, 290, 24, 24};
  auto off = prepare_signature(original, request);
  ASSERT_FALSE(off.ok());
  EXPECT_NE(off.error().message.find("lies mostly off the page"), std::string::npos);
  request.marks[0].area = doc::default_code_area(sizes(original)[0], 20);
  request.marks[0].page = 5;
  auto missing = prepare_signature(original, request);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("page 6 does not exist"), std::string::npos)
      << missing.error().message;
}

TEST(PdfSign, XrefStreamDocumentsGetAnXrefStreamUpdate) {
  Bytes original = rewrite(blank_pdf(2), true);
  Bytes signed_pdf = sign(original, at(0));
  std::string tail(signed_pdf.end() - 300, signed_pdf.end());
  EXPECT_NE(tail.find("/XRef"), std::string::npos);
  auto report = verify_pdf(signed_pdf, trust());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->valid());
  expect_qpdf_check(signed_pdf);
}

TEST(PdfSign, IndirectAnnotsAndFieldsArraysGetNewVersionsOfThemselves) {
  Bytes original = to_bytes(test::pdf_from_objects({
      "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.276 841.89] /Contents 4 0 R "
      "/Annots 7 0 R >>",
      "<< /Length 0 >>\nstream\n\nendstream",
      "<< /Fields 6 0 R /DA (/Helv 0 Tf 0 g) >>",
      "[]",
      "[]",
  }));
  Bytes once = sign(original, at(0));
  Bytes twice = sign(once, at(0, 20, 20), doc::SignatureFormat::kPkcs7);
  auto report = verify_pdf(twice, trust());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->signatures.size(), 2u);
  EXPECT_TRUE(report->valid());
  auto doc = Document::open(twice);
  EXPECT_EQ(doc->qpdf().getObjectByID(7, 0).getArrayNItems(), 2) << "both widgets in /Annots";
  EXPECT_EQ(doc->qpdf().getObjectByID(6, 0).getArrayNItems(), 2) << "both fields in /Fields";
  EXPECT_EQ(doc->qpdf().getObjectByID(5, 0).getKey("/SigFlags").getIntValue(), 3);
  expect_qpdf_check(twice);
}

TEST(PdfSign, CrossPageSealIsOneFieldWithASliceOnEveryPage) {
  Bytes original = blank_pdf(3);
  auto stamps = doc::place(doc::CrossPageRule{}, sizes(original), 40, 40);
  ASSERT_TRUE(stamps.ok());
  Bytes signed_pdf = sign(original, *stamps);
  auto report = verify_pdf(signed_pdf, trust());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->signatures.size(), 1u);
  const auto& shown = report->signatures[0].appearances;
  ASSERT_EQ(shown.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(shown[i].page, i);
    EXPECT_NEAR(shown[i].rect.x + shown[i].rect.width, 210, 0.01) << "flush with the right edge";
    EXPECT_NEAR(shown[i].rect.width, 40.0 / 3, 0.01);
  }
  EXPECT_TRUE(report->valid());
  expect_qpdf_check(signed_pdf);
}

TEST(PdfSign, RotatedPagesPlaceTheSealWhereTheReaderSeesIt) {
  QPDF q;
  Bytes plain = blank_pdf(1);
  q.processMemoryFile("in", reinterpret_cast<const char*>(plain.data()), plain.size());
  QPDFObjectHandle first = q.getAllPages()[0];
  first.replaceKey("/Rotate", QPDFObjectHandle::newInteger(90));
  QPDFWriter w(q);
  w.setOutputMemory();
  w.write();
  auto buffer = w.getBufferSharedPointer();
  Bytes rotated(buffer->getBuffer(), buffer->getBuffer() + buffer->getSize());
  auto stamps = doc::place(doc::PositionRule{0, 200, 20}, sizes(rotated), 40, 40);
  ASSERT_TRUE(stamps.ok()) << "the displayed page is 297 mm wide";
  Bytes signed_pdf = sign(rotated, *stamps);
  auto report = verify_pdf(signed_pdf, trust());
  ASSERT_TRUE(report.ok());
  const auto& a = report->signatures[0].appearances.at(0);
  EXPECT_NEAR(a.rect.x, 200, 0.01);
  EXPECT_NEAR(a.rect.y, 20, 0.01);
  EXPECT_TRUE(report->valid());
}

TEST(PdfTamper, AFlippedByteInASignedRangeFailsTheDigest) {
  Bytes signed_pdf = sign(blank_pdf(1), at(0));
  std::string text(signed_pdf.begin(), signed_pdf.end());
  std::size_t at_box = text.find("72 72 144 144 re");
  ASSERT_NE(at_box, std::string::npos);
  signed_pdf[at_box] = '8';
  auto report = verify_pdf(signed_pdf, trust());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->signatures.size(), 1u);
  EXPECT_EQ(result_of(report->signatures[0], "digest"), ses::CheckResult::kFailed);
  EXPECT_EQ(report->outcome().indication, ses::Indication::kFailed);
}

// Appends a hand-written incremental update that gives objects new bodies: what an editor
// that changes a signed document does.
Bytes with_update(const Bytes& pdf, const std::map<int, std::string>& bodies) {
  auto doc = Document::open(pdf);
  std::string text(pdf.begin(), pdf.end());
  std::size_t prev = std::stoul(text.substr(text.rfind("startxref") + 10));
  std::string update = "\n", xref = "xref\n";
  for (const auto& [number, body] : bodies) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n\r\n", pdf.size() + update.size());
    xref += std::to_string(number) + " 1\n" + entry;
    update += std::to_string(number) + " 0 obj\n" + body + "\nendobj\n";
  }
  std::size_t xref_at = pdf.size() + update.size();
  long long size = doc->qpdf().getTrailer().getKey("/Size").getIntValue();
  size = std::max<long long>(size, bodies.rbegin()->first + 1);
  update += xref + "trailer\n<< /Size " + std::to_string(size) + " /Root 1 0 R /Prev " +
            std::to_string(prev) + " >>\nstartxref\n" + std::to_string(xref_at) + "\n%%EOF\n";
  Bytes out = pdf;
  append(out, as_bytes(update));
  return out;
}

// The object number of the first indirect object whose dictionary has `key` `value`.
int object_with(const Bytes& pdf, const std::string& key, const std::string& value) {
  auto doc = Document::open(pdf);
  for (QPDFObjectHandle o : doc->qpdf().getAllObjects()) {
    QPDFObjectHandle d = o.isStream() ? o.getDict() : o;
    if (d.isDictionary() && d.getKey(key).unparse() == value) return o.getObjectID();
  }
  return 0;
}

ChangesAfter changes_of(const Bytes& pdf) {
  auto report = verify_pdf(pdf, trust());
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report->outcome().indication, ses::Indication::kFailed);
  return report.ok() && !report->signatures.empty() ? report->signatures[0].changes_after
                                                    : ChangesAfter::kNone;
}

TEST(PdfTamper, ChangedPageContentInALaterRevisionIsReported) {
  Bytes signed_pdf = sign(blank_pdf(1), at(0));
  Bytes modified = with_update(
      signed_pdf, {{4, "<< /Length 22 >>\nstream\n1 0 0 rg 0 0 99 99 re f\nendstream"}});
  auto report = verify_pdf(modified, trust());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->signatures.size(), 1u);
  const SignatureReport& s = report->signatures[0];
  EXPECT_EQ(result_of(s, "digest"), ses::CheckResult::kPassed) << "the signed revision is intact";
  EXPECT_EQ(result_of(s, "changes-after"), ses::CheckResult::kFailed);
  EXPECT_EQ(s.changes_after, ChangesAfter::kModified);
  // Shown as the whole page whose content changed.
  ASSERT_EQ(s.changed_regions.size(), 1u);
  EXPECT_EQ(s.changed_regions[0].kind, "content");
  EXPECT_EQ(s.changed_regions[0].page, 0);
  EXPECT_NEAR(s.changed_regions[0].rect.width, sizes(signed_pdf)[0].width_mm, 0.01);
  EXPECT_TRUE(report->unsigned_changes);
  EXPECT_EQ(report->outcome().indication, ses::Indication::kFailed);

  Bytes appended = signed_pdf;
  append(appended, as_bytes("\n% a comment after the signature\n"));
  auto report2 = verify_pdf(appended, trust());
  ASSERT_TRUE(report2.ok());
  EXPECT_TRUE(report2->unsigned_changes);
  EXPECT_EQ(report2->outcome().indication, ses::Indication::kFailed);
  EXPECT_EQ(report2->outcome().findings, std::vector<std::string>{"unsigned-changes"});
}

TEST(PdfTamper, ASwappedSealPictureInALaterRevisionIsReported) {
  Bytes signed_pdf = sign(blank_pdf(1), at(0));
  int picture = object_with(signed_pdf, "/SMask", "/SMask");
  picture = picture ? picture : object_with(signed_pdf, "/ColorSpace", "/DeviceRGB");
  ASSERT_NE(picture, 0);
  Bytes swapped = with_update(signed_pdf, {{picture,
                                            "<< /Type /XObject /Subtype /Image /Width 1 "
                                            "/Height 1 /ColorSpace /DeviceRGB "
                                            "/BitsPerComponent 8 /Length 3 >>\nstream\n"
                                            "\xff\x00\x00\nendstream"}});
  EXPECT_EQ(changes_of(swapped), ChangesAfter::kModified);
}

TEST(PdfTamper, AMovedWidgetInALaterRevisionIsReported) {
  Bytes signed_pdf = sign(blank_pdf(1), at(0));
  auto doc = Document::open(signed_pdf);
  int widget = object_with(signed_pdf, "/Subtype", "/Widget");
  ASSERT_NE(widget, 0);
  QPDFObjectHandle moved = doc->qpdf().getObjectByID(widget, 0).shallowCopy();
  moved.replaceKey("/Rect", QPDFObjectHandle::parse("[0 0 50 50]"));
  Bytes tampered = with_update(signed_pdf, {{widget, moved.unparse()}});
  EXPECT_EQ(changes_of(tampered), ChangesAfter::kModified);
  // Shown where the widget now is: 50 pt square in the bottom-left corner.
  auto report = verify_pdf(tampered, trust());
  ASSERT_EQ(report->signatures[0].changed_regions.size(), 1u);
  const doc::ChangedRegion& region = report->signatures[0].changed_regions[0];
  EXPECT_EQ(region.kind, "signature");
  EXPECT_NEAR(region.rect.x, 0, 0.01);
  EXPECT_NEAR(region.rect.width, 50 / kPointsPerMm, 0.01);
}

// A reference to object `number` of `doc`, which need not exist yet.
QPDFObjectHandle reference(Document& doc, int number) {
  return QPDFObjectHandle::parse(&doc.qpdf(), "[" + std::to_string(number) + " 0 R]")
      .getArrayItem(0);
}

// An annotation added later whose /Parent chain loops, and no field type anywhere on it: the
// verifier names its rectangle and does not follow the loop for ever.
TEST(PdfTamper, AnAnnotationWithALoopingParentChainIsShownAndEnds) {
  Bytes signed_pdf = sign(blank_pdf(1), at(0));
  auto doc = Document::open(signed_pdf);
  int next = static_cast<int>(doc->qpdf().getTrailer().getKey("/Size").getIntValue());
  QPDFObjectHandle page = doc->page(0).shallowCopy();
  QPDFObjectHandle annots = page.getKey("/Annots").shallowCopy();
  annots.appendItem(reference(*doc, next));
  page.replaceKey("/Annots", annots);
  std::string a = std::to_string(next), b = std::to_string(next + 1);
  Bytes looped = with_update(
      signed_pdf,
      {{doc->page(0).getObjectID(), page.unparse()},
       {next, "<< /Type /Annot /Subtype /Widget /Rect [0 0 10 10] /Parent " + b + " 0 R >>"},
       {next + 1, "<< /Parent " + a + " 0 R >>"}});
  auto report = verify_pdf(looped, trust());
  ASSERT_TRUE(report.ok()) << report.error().message;
  const auto& regions = report->signatures[0].changed_regions;
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].kind, "annotation");
  EXPECT_NEAR(regions[0].rect.width, 10 / kPointsPerMm, 0.01);
}

// A signed document whose page draws through a chain of 100,000 references, signed again: the
// later signature's check walks the chain without recursion, once, and finds nothing changed
// on the page.
TEST(PdfTamper, AReferenceChainAsLongAsTheFileIsWalkedOnTheHeap) {
  constexpr int kChain = 100000;
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.276 841.89] /Contents 4 0 R "
      "/Resources << /Properties << /Deep 5 0 R >> >> >>",
      "<< /Length 27 >>\nstream\n0 0 1 rg 72 72 144 144 re f\nendstream"};
  for (int i = 0; i < kChain; ++i) {
    objects.push_back(i + 1 < kChain ? "[" + std::to_string(6 + i) + " 0 R]" : "[]");
  }
  Bytes deep = to_bytes(test::pdf_from_objects(objects));
  Bytes twice = sign(sign(deep, at(0)), at(0, 20, 20));
  auto report = verify_pdf(twice, trust());
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->signatures.size(), 2u);
  const auto& regions = report->signatures[0].changed_regions;
  ASSERT_EQ(regions.size(), 1u) << "only the later signature's widget";
  EXPECT_EQ(regions[0].kind, "signature");
  EXPECT_TRUE(report->valid());
}

// A later revision that adds many pages (or annotations) is shown by at most
// doc::kMaxChangedRegions regions.
TEST(PdfTamper, ThousandsOfChangesAreShownByABoundedNumberOfRegions) {
  Bytes signed_pdf = sign(blank_pdf(1), at(0));
  auto doc = Document::open(signed_pdf);
  int next = static_cast<int>(doc->qpdf().getTrailer().getKey("/Size").getIntValue());
  QPDFObjectHandle page = doc->page(0).shallowCopy();
  QPDFObjectHandle annots = page.getKey("/Annots").shallowCopy();
  std::map<int, std::string> bodies;
  for (int i = 0; i < 500; ++i) {
    annots.appendItem(reference(*doc, next + i));
    double x = 10 + (i % 50) * 10, y = 10 + (i / 50) * 10;
    bodies[next + i] = "<< /Type /Annot /Subtype /Square /Rect [" + std::to_string(x) + " " +
                       std::to_string(y) + " " + std::to_string(x + 5) + " " +
                       std::to_string(y + 5) + "] >>";
  }
  page.replaceKey("/Annots", annots);
  bodies[doc->page(0).getObjectID()] = page.unparse();
  auto report = verify_pdf(with_update(signed_pdf, bodies), trust());
  ASSERT_TRUE(report.ok()) << report.error().message;
  const auto& regions = report->signatures[0].changed_regions;
  ASSERT_EQ(regions.size(), 1u) << "one page's regions merged into one";
  EXPECT_EQ(regions[0].kind, "annotation");
  EXPECT_NEAR(regions[0].rect.width, 495 / kPointsPerMm, 0.01);
}

TEST(PdfTamper, AFlippedByteInTheWidgetFailsTheDigest) {
  // Any edit of the signed revision itself — here the widget's /Rect — breaks the digest.
  Bytes signed_pdf = sign(blank_pdf(1), at(0));
  std::string text(signed_pdf.begin(), signed_pdf.end());
  std::size_t rect = text.find("/Rect [");
  ASSERT_NE(rect, std::string::npos);
  signed_pdf[rect + 7] = signed_pdf[rect + 7] == '1' ? '2' : '1';
  auto report = verify_pdf(signed_pdf, trust());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(result_of(report->signatures[0], "digest"), ses::CheckResult::kFailed);
}

TEST(PdfSign, BadInputIsAClearError) {
  const Parties& p = parties();
  SignRequest request{at(0), &p.seal, p.signer.cert, doc::SignatureFormat::kSes, kNow, "", ""};
  EXPECT_FALSE(prepare_signature(to_bytes("not a pdf at all"), request).ok());
  auto encrypted = prepare_signature(rewrite(blank_pdf(1), false, true), request);
  ASSERT_FALSE(encrypted.ok());
  EXPECT_NE(encrypted.error().message.find("encrypted"), std::string::npos);
  request.stamps = at(5);
  EXPECT_FALSE(prepare_signature(blank_pdf(1), request).ok()) << "page 6 does not exist";
  EXPECT_FALSE(verify_pdf(to_bytes("%PDF-1.7 garbage"), trust()).ok());

  request.stamps = at(0);
  auto prepared = prepare_signature(blank_pdf(1), request);
  ASSERT_TRUE(prepared.ok());
  auto wrong = crypto::sm2_sign(p.maker.key, prepared->to_be_signed);
  EXPECT_FALSE(complete_signature(prepared->pdf, *wrong).ok()) << "a signature by another key";
  EXPECT_FALSE(complete_signature(blank_pdf(1), *wrong).ok()) << "nothing prepared";
}

// A signature whose stamp lies mostly off its page (one that placement would refuse, made here
// through the engine directly, as another producer might) fails stamp-geometry.
TEST(PdfVerify, AStampMostlyOffThePageFails) {
  doc::RectMm off{200, 100, 40, 40};  // 10 of its 40 mm on a 210 mm page
  Bytes signed_pdf = sign(blank_pdf(1), {{0, off, off, true}});
  auto r = verify_pdf(signed_pdf, trust());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->signatures.size(), 1u);
  EXPECT_EQ(result_of(r->signatures[0], "stamp-geometry"), ses::CheckResult::kFailed);
  EXPECT_EQ(r->outcome().indication, ses::Indication::kFailed);
  Bytes fine = sign(blank_pdf(1), at(0));
  auto ok = verify_pdf(fine, trust());
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(result_of(ok->signatures[0], "stamp-geometry"), ses::CheckResult::kPassed);
}

TEST(PdfSign, ASealThatDoesNotListTheSignerIsRefused) {
  const Parties& p = parties();
  for (auto format : {doc::SignatureFormat::kSes, doc::SignatureFormat::kGmCms}) {
    SignRequest request{at(0), &p.seal, p.maker.cert, format, kNow, "", ""};
    auto r = prepare_signature(blank_pdf(1), request);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(r.error().message.find("does not list the signer's certificate"), std::string::npos)
        << r.error().message;
  }
}

// The seal picture's pixels are checked against the request's limit when it is decoded and when
// it comes from the decoded pictures kept for later signatures.
TEST(PdfSign, ASealPictureOverTheLimitIsRefused) {
  const Parties& p = parties();
  auto picture = image::decode_png(p.seal.info.picture.data);
  ASSERT_TRUE(picture.ok());
  const std::uint64_t pixels = static_cast<std::uint64_t>(picture->width) * picture->height;
  SignRequest request{at(0), &p.seal, p.signer.cert, doc::SignatureFormat::kSes, kNow, "", ""};
  auto expect_refused = [&] {
    request.max_picture_pixels = pixels - 1;
    auto r = prepare_signature(blank_pdf(1), request);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(r.error().message.find("seal picture"), std::string::npos) << r.error().message;
  };
  expect_refused();  // decoded
  request.max_picture_pixels = pixels;
  EXPECT_FALSE(sign(blank_pdf(1), request).empty());
  expect_refused();  // kept
}

TEST(PdfOpen, ErrorsAreInOurWordsWithoutTheFileName) {
  auto not_pdf = Document::open(to_bytes("PK\x03\x04 an OFD, perhaps"), "in.ofd");
  ASSERT_FALSE(not_pdf.ok());
  EXPECT_EQ(not_pdf.error().message, "not a PDF (no %PDF- header)");
  // QPDF's own wording (object numbers, offsets, "trailer", the name it was given) stays out.
  auto damaged = Document::open(to_bytes("%PDF-1.7\n1 0 obj << /Type /Catalog"), "in.pdf");
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(damaged.error().message, "not a readable PDF: damaged beyond repair");
  auto encrypted = Document::open(rewrite(blank_pdf(1), false, true), "in.pdf");
  ASSERT_FALSE(encrypted.ok());
  EXPECT_EQ(encrypted.error().message.find("in.pdf"), std::string::npos);
}

TEST(PdfVerify, AnUnsignedDocumentIsNotValid) {
  auto report = verify_pdf(blank_pdf(1), trust());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->signatures.empty());
  EXPECT_EQ(report->outcome().indication, ses::Indication::kFailed);
  EXPECT_EQ(report->outcome().findings, std::vector<std::string>{"no-signature"});
}

// Without a trust anchor no chain is checked: the signature is sound but indeterminate, and
// says so (issue 11 item 13).
TEST(PdfVerify, WithoutATrustAnchorTheVerdictIsIndeterminate) {
  auto report = verify_pdf(sign(blank_pdf(1), at(0)), {});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->signatures.size(), 1u);
  EXPECT_EQ(result_of(report->signatures[0], "signer-chain"), ses::CheckResult::kSkipped);
  EXPECT_EQ(result_of(report->signatures[0], "seal.maker-chain"), ses::CheckResult::kSkipped);
  EXPECT_EQ(report->outcome().indication, ses::Indication::kIndeterminate);
  EXPECT_EQ(report->outcome().findings, std::vector<std::string>{"no-chain-checked"});
  EXPECT_FALSE(report->valid());
}

}  // namespace
}  // namespace eseal::pdf
