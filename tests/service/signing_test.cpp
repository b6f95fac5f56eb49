// The one signing path: prepare, a signer, complete. The two phases are independent — a signer
// in another process that answers later, and a completion from nothing but the prepared bytes,
// make the same valid document — and complete carries the time-stamp hook into every value
// format.
#include "service/signing.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "crypto/digest.h"
#include "ofd/writer.h"
#include "pdf/contents.h"
#include "pdf/verify.h"
#include "pki/signed_data.h"
#include "service/documents.h"
#include "service/verification.h"
#include "ses/signature.h"
#include "support/blank_pdf.h"
#include "support/sealing_parties.h"

namespace eseal::service {
namespace {

using test::kNow;
using test::parties;

keys::Signer& local_signer() {
  static std::unique_ptr<keys::Signer> s =
      std::move(*keys::KeySigner::make(parties().signer.key, parties().signer.cert));
  return *s;
}

// A digest-only signer that signs in a child process after a delay and hands the signature back
// through a pipe: the stand-in for a device, a phone or a person far away, with real keys.
class ForkedSigner final : public keys::Signer {
 public:
  explicit ForkedSigner(std::chrono::milliseconds delay) : delay_(delay) {}
  const pki::Certificate& certificate() const override { return parties().signer.cert; }
  int signatures_made() const { return made_; }

  Result<Bytes> sign_digest(ByteView digest) override {
    int fds[2];
    if (::pipe(fds) != 0) return Error::io("pipe");
    pid_t child = ::fork();
    if (child < 0) return Error::io("fork");
    if (child == 0) {
      ::close(fds[0]);
      std::this_thread::sleep_for(delay_);
      auto signature = crypto::sm2_sign_digest(parties().signer.key, digest);
      int status = 1;
      if (signature && ::write(fds[1], signature->data(), signature->size()) ==
                           static_cast<ssize_t>(signature->size()))
        status = 0;
      ::_exit(status);
    }
    ::close(fds[1]);
    Bytes out;
    std::uint8_t buffer[256];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
      out.insert(out.end(), buffer, buffer + n);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return Error::internal("child failed");
    ++made_;
    return out;
  }

 private:
  std::chrono::milliseconds delay_;
  int made_ = 0;
};

Bytes sample_ofd() {
  auto laid = ofd::layout_text("关于电子印章应用的通知\n某某市测试单位（盖章）", {});
  EXPECT_TRUE(laid.ok());
  return *ofd::write_ofd(laid->document, {kNow, "test"});
}

SealSignature at(std::vector<Placement> placements,
                 doc::SignatureFormat format = doc::SignatureFormat::kSes) {
  return {std::move(placements), &parties().seal, format, "", ""};
}

TEST(Signing, ASignerInAnotherProcessSignsLaterAndTheDocumentIsValid) {
  for (Bytes document : {test::blank_pdf(2), sample_ofd()}) {
    auto pending =
        prepare_seal(document, at({doc::PositionRule{0, 30, 30}}), parties().signer.cert, kNow);
    ASSERT_TRUE(pending.ok()) << pending.error().message;
    SCOPED_TRACE(format_name(pending->format));
    // What is kept between the phases is bytes: the prepared document and what is signed.
    Bytes stored = pending->document;
    Bytes to_be_signed = pending->to_be_signed;
    pending = Error::internal("forgotten");

    ForkedSigner far_away(std::chrono::milliseconds(300));
    auto started = std::chrono::steady_clock::now();
    auto signature = far_away.sign(to_be_signed);
    ASSERT_TRUE(signature.ok()) << signature.error().message;
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(300));

    auto done = complete(stored, *signature, kNow);
    ASSERT_TRUE(done.ok()) << done.error().message;
    auto summary = verify(*done, test::trust(), kNow);
    ASSERT_TRUE(summary.ok());
    EXPECT_TRUE(summary->valid());
    ASSERT_EQ(summary->signatures.size(), 1u);
    EXPECT_EQ(summary->signatures[0].seal_id, parties().seal.info.es_id);
  }
}

TEST(Signing, SignIsPrepareASignerAndComplete) {
  ForkedSigner signer(std::chrono::milliseconds(0));
  auto done = sign(
      prepare_seal(sample_ofd(), at({doc::PositionRule{0, 20, 20}}), signer.certificate(), kNow),
      signer);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(signer.signatures_made(), 1);
  EXPECT_TRUE(verify(*done, test::trust(), kNow)->valid());
}

// A signed PDF comes with SM3's state over the bytes it shares with the prepared one, which
// finishes to the signed document's SM3; an OFD, rewritten as a package, comes with none.
TEST(Signing, SignHandsOnTheHashOfWhatThePreparedPdfBeganWith) {
  ForkedSigner signer(std::chrono::milliseconds(0));
  crypto::HashedPrefix prefix;
  auto pdf = sign(prepare_seal(test::blank_pdf(1), at({doc::PositionRule{0, 20, 20}}),
                               signer.certificate(), kNow),
                  signer, {}, &prefix);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  ASSERT_TRUE(prefix.state);
  EXPECT_GT(prefix.length, test::blank_pdf(1).size());
  EXPECT_EQ(crypto::finish_hash(crypto::HashAlgorithm::kSm3, prefix, *pdf), crypto::sm3(*pdf));
  crypto::HashedPrefix none;
  auto ofd = sign(
      prepare_seal(sample_ofd(), at({doc::PositionRule{0, 20, 20}}), signer.certificate(), kNow),
      signer, {}, &none);
  ASSERT_TRUE(ofd.ok()) << ofd.error().message;
  EXPECT_FALSE(none.state);
}

TEST(Signing, ASignatureForAnotherCertificateIsCaughtAtCompletion) {
  auto other = pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,CN=别人", &parties().root);
  auto pending = prepare_seal(test::blank_pdf(1), at({doc::PositionRule{0, 20, 20}}),
                              parties().signer.cert, kNow);
  ASSERT_TRUE(pending.ok());
  auto wrong = crypto::sm2_sign(other.key, pending->to_be_signed);
  auto done = complete(pending->document, *wrong, kNow);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().kind, ErrorKind::kVerificationFailed);
  // Nor is a document without a pending signature completed.
  EXPECT_FALSE(complete(test::blank_pdf(1), *wrong, kNow).ok());
}

TEST(Signing, SeveralPlacementsAreOneSignature) {
  auto done = sign(prepare_seal(test::blank_pdf(2),
                                at({doc::PositionRule{0, 20, 20}, doc::PositionRule{1, 100, 150}}),
                                local_signer().certificate(), kNow),
                   local_signer());
  ASSERT_TRUE(done.ok()) << done.error().message;
  auto report = pdf::verify_pdf(*done, test::trust());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->signatures.size(), 1u);
  ASSERT_EQ(report->signatures[0].appearances.size(), 2u);
  EXPECT_EQ(report->signatures[0].appearances[1].page, 1);
  EXPECT_TRUE(report->valid());

  auto none = prepare_seal(test::blank_pdf(1), at({}), local_signer().certificate(), kNow);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "no placement for the seal");
}

TEST(Signing, ThePdfValueFormatReasonAndLocationAreTheRequests) {
  for (auto format :
       {doc::SignatureFormat::kSes, doc::SignatureFormat::kGmCms, doc::SignatureFormat::kPkcs7}) {
    SealSignature request = at({doc::PositionRule{0, 20, 20}}, format);
    request.reason = "同意";
    request.location = "深圳";
    auto done = sign(prepare_seal(test::blank_pdf(1), request, local_signer().certificate(), kNow),
                     local_signer());
    ASSERT_TRUE(done.ok()) << done.error().message;
    auto report = pdf::verify_pdf(*done, test::trust());
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->signatures.at(0).format, doc::format_name(format));
    EXPECT_TRUE(report->valid());
    std::string text = to_string(*done);
    EXPECT_NE(text.find("/Reason"), std::string::npos);
    EXPECT_NE(text.find("/Location"), std::string::npos);
  }
}

TEST(Signing, TheLimitsBoundStampsAndOutput) {
  Limits few{1, 64u << 20, {}, {}};
  auto many = prepare_seal(test::blank_pdf(2),
                           at({doc::PositionRule{0, 20, 20}, doc::PositionRule{1, 20, 20}}),
                           local_signer().certificate(), kNow, few);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().message, "the placement makes 2 stamps, more than the limit of 1");
  Limits small{500, 1000, {}, {}};
  auto big = prepare_seal(test::blank_pdf(1), at({doc::PositionRule{0, 20, 20}}),
                          local_signer().certificate(), kNow, small);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message.rfind("the signed document would be ", 0), 0u);
  EXPECT_EQ(many.error().code, kLimitExceeded);
  EXPECT_EQ(big.error().code, kLimitExceeded);
}

TEST(Signing, TheLimitsBoundWhatTheDocumentHolds) {
  auto one_stamp = at({doc::PositionRule{0, 20, 20}});
  Limits two_pages;
  two_pages.pdf.max_pages = 2;
  EXPECT_TRUE(
      prepare_seal(test::blank_pdf(2), one_stamp, local_signer().certificate(), kNow, two_pages)
          .ok());
  auto pages =
      prepare_seal(test::blank_pdf(3), one_stamp, local_signer().certificate(), kNow, two_pages);
  ASSERT_FALSE(pages.ok());
  EXPECT_EQ(pages.error().message, "the PDF has 3 pages, more than the limit of 2");
  EXPECT_EQ(pages.error().code, kLimitExceeded);
  Limits few_objects;
  few_objects.pdf.max_objects = 3;
  auto objects =
      prepare_seal(test::blank_pdf(3), one_stamp, local_signer().certificate(), kNow, few_objects);
  ASSERT_FALSE(objects.ok());
  EXPECT_NE(objects.error().message.find("objects, more than the limit of 3"), std::string::npos);
  EXPECT_EQ(objects.error().code, kLimitExceeded);
  Limits few_files;
  few_files.ofd.max_entries = 3;
  auto files = prepare_seal(sample_ofd(), one_stamp, local_signer().certificate(), kNow, few_files);
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.error().message.find("entries; at most 3 are accepted"), std::string::npos)
      << files.error().message;
  EXPECT_EQ(files.error().code, kLimitExceeded);
  Limits small_inflated;
  small_inflated.ofd.max_total_size = 200;
  auto inflated =
      prepare_seal(sample_ofd(), one_stamp, local_signer().certificate(), kNow, small_inflated);
  ASSERT_FALSE(inflated.ok());
  EXPECT_EQ(inflated.error().code, kLimitExceeded) << inflated.error().message;
  // The sample's files nest a few levels (OFD/DocBody/DocInfo/DocID and text within).
  Limits shallow_xml;
  shallow_xml.ofd.max_xml_depth = 3;
  auto shallow =
      prepare_seal(sample_ofd(), one_stamp, local_signer().certificate(), kNow, shallow_xml);
  ASSERT_FALSE(shallow.ok());
  EXPECT_NE(shallow.error().message.find("nested deeper than 3 levels"), std::string::npos)
      << shallow.error().message;
  EXPECT_EQ(shallow.error().code, kLimitExceeded);
}

// A token the hook returns, made over what it was given, so the test can tell it was given the
// finished signature value.
Bytes token_over(ByteView signature) {
  return asn1::encode_sequence({asn1::encode(asn1::tag::kOctetString, crypto::sm3(signature))});
}

TEST(Signing, TheTimeStampHookPutsItsTokenInEveryValueFormat) {
  for (auto format :
       {doc::SignatureFormat::kSes, doc::SignatureFormat::kGmCms, doc::SignatureFormat::kPkcs7}) {
    SCOPED_TRACE(std::string(doc::format_name(format)));
    auto pending = prepare_seal(test::blank_pdf(1), at({doc::PositionRule{0, 20, 20}}, format),
                                local_signer().certificate(), kNow);
    ASSERT_TRUE(pending.ok());
    auto signature = local_signer().sign(pending->to_be_signed);
    ASSERT_TRUE(signature.ok());
    Bytes given;
    doc::TimeStamper stamper = [&](ByteView value) -> Result<Bytes> {
      given.assign(value.begin(), value.end());
      return token_over(value);
    };
    auto done = complete(pending->document, *signature, kNow, stamper);
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ(given, *crypto::sm2_signature_to_der(*signature));

    auto contents = pdf::find_last_contents(*done);
    ASSERT_TRUE(contents.ok());
    if (format == doc::SignatureFormat::kSes) {
      auto value = ses::decode_signature(contents->container);
      ASSERT_TRUE(value.ok()) << value.error().message;
      ASSERT_TRUE(value->time_stamp.has_value());
      EXPECT_EQ(*value->time_stamp, token_over(given));
    } else {
      auto value = pki::parse_signed_data(contents->container);
      ASSERT_TRUE(value.ok()) << value.error().message;
      ASSERT_EQ(value->unsigned_attributes.size(), 1u);
      EXPECT_EQ(value->unsigned_attributes[0].first, asn1::oid::kTimeStampToken);
      EXPECT_EQ(value->unsigned_attributes[0].second,
                asn1::encode(asn1::tag::kSet, token_over(given)));
    }
  }
}

TEST(Signing, AFailingTimeStamperLeavesNothingSigned) {
  auto pending = prepare_seal(sample_ofd(), at({doc::PositionRule{0, 20, 20}}),
                              local_signer().certificate(), kNow);
  ASSERT_TRUE(pending.ok());
  auto signature = local_signer().sign(pending->to_be_signed);
  doc::TimeStamper down = [](ByteView) -> Result<Bytes> {
    return Error::io("the time-stamp authority did not answer");
  };
  auto done = complete(pending->document, *signature, kNow, down);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().message, "time stamp: the time-stamp authority did not answer");
}

TEST(Signing, LocksAndCopiesAreOfdOnly) {
  const pki::Certificate& cert = local_signer().certificate();
  Bytes pdf = test::blank_pdf(1);
  EXPECT_EQ(prepare_lock(pdf, cert, kNow).error().message,
            "this operation applies to OFD documents only");
  EXPECT_FALSE(prepare_certified_copy(pdf, {"某某银行", "贷款审批", 1}, cert, kNow).ok());
  EXPECT_FALSE(remove_lock(pdf, kNow).ok());
  auto lock = prepare_lock(sample_ofd(), cert, kNow);
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(lock->format, DocumentFormat::kOfd);
  EXPECT_EQ(lock->digest_of, "Signature.xml");
}

}  // namespace
}  // namespace eseal::service
