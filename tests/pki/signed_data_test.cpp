// SM2 SignedData (GM/T 0010 and PKCS#7 profiles): round trips, exact structure, two-phase
// signing, leniency, malformed input, and cross-checks with OpenSSL (structure only) and
// BouncyCastle's CMS (signatures, both directions).
#include "pki/signed_data.h"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <random>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "pki/test_ca.h"
#include "support/process.h"

namespace eseal::pki {
namespace {

namespace oid = asn1::oid;
namespace tag = asn1::tag;
using eseal::test::openssl_binary;
using eseal::test::run_command;
using eseal::test::TempDir;

Bytes hex(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c != ' ') compact += c;
  }
  return crypto::from_hex(compact).value();
}

// A DER tree the tests can edit and re-encode, to make the variants other producers write.
struct Node {
  std::uint8_t tag = 0;
  Bytes content;  // primitive content
  std::vector<Node> children;

  bool constructed() const { return tag & 0x20; }
  static Node parse(ByteView der) {
    auto e = asn1::Reader(der).next();
    EXPECT_TRUE(e.ok());
    return from(*e);
  }
  static Node from(const asn1::Element& e) {
    Node n{e.tag, {}, {}};
    if (!n.constructed()) {
      n.content.assign(e.content.begin(), e.content.end());
      return n;
    }
    asn1::Reader r(e.content);
    while (!r.empty()) n.children.push_back(from(r.next().value()));
    return n;
  }
  Bytes encode() const {
    if (!constructed()) return asn1::encode(tag, content);
    Bytes inner;
    for (const Node& c : children) append(inner, c.encode());
    return asn1::encode(tag, inner);
  }
  static Node primitive(ByteView encoded) { return parse(encoded); }
};

// Paths into ContentInfo{oid, [0]{SignedData{version, digests, contentInfo, [0] certs, infos}}}.
Node& signed_data(Node& content_info) {
  return content_info.children[1].children[0];
}
Node& signer_info(Node& content_info) {
  return signed_data(content_info).children.back().children[0];
}

}  // namespace

// Names the profile in test names and in CTest ("GetParam() = kGm").
void PrintTo(CmsProfile profile, std::ostream* os) {
  *os << (profile == CmsProfile::kGm ? "kGm" : "kPkcs7");
}

namespace {

class SignedDataTest : public ::testing::TestWithParam<CmsProfile> {
 protected:
  test::Hierarchy h;
  Bytes document = to_bytes("受保护的文档字节 protected document bytes");
  Bytes digest = crypto::sm3(document);

  Bytes sign(std::span<const Certificate> chain = {}) {
    auto der = sign_detached(GetParam(), digest, test::kNow, h.seal.cert, h.seal.key, chain);
    EXPECT_TRUE(der.ok()) << der.error().message;
    return *der;
  }
};

INSTANTIATE_TEST_SUITE_P(Profiles, SignedDataTest,
                         ::testing::Values(CmsProfile::kGm, CmsProfile::kPkcs7),
                         [](const ::testing::TestParamInfo<CmsProfile>& p) {
                           return p.param == CmsProfile::kGm ? "Gm" : "Pkcs7";
                         });

TEST_P(SignedDataTest, RoundTripVerifiesWithTheRightDigestOnly) {
  Bytes der = sign();
  auto sd = parse_signed_data(der);
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_EQ(sd->profile, GetParam());
  EXPECT_EQ(profile_name(sd->profile), GetParam() == CmsProfile::kGm ? "GM/T 0010" : "PKCS#7");
  EXPECT_EQ(sd->content_type, GetParam() == CmsProfile::kGm ? oid::kGmData : oid::kPkcs7Data);
  ASSERT_TRUE(sd->signer.has_value());
  EXPECT_EQ(sd->signer->der(), h.seal.cert.der());
  ASSERT_EQ(sd->certificates.size(), 1u);
  EXPECT_EQ(sd->digest_algorithm, oid::kSm3);
  EXPECT_EQ(sd->signature_algorithm,
            GetParam() == CmsProfile::kGm ? oid::kSm2Sign : oid::kSm3WithSm2);
  EXPECT_TRUE(sd->has_signed_attributes);
  EXPECT_EQ(sd->message_digest, digest);
  EXPECT_EQ(sd->signing_time, test::kNow);
  EXPECT_EQ(sd->content_type_attribute, sd->content_type);
  EXPECT_FALSE(sd->content.has_value());
  EXPECT_TRUE(sd->unsigned_attributes.empty());
  EXPECT_NE(sd->signer_id.find("serial " + h.seal.cert.serial_hex()), std::string::npos)
      << sd->signer_id;

  EXPECT_TRUE(verify_signed_data(*sd, digest).ok());
  EXPECT_TRUE(verify_signed_data(*sd, std::nullopt).ok());

  Bytes other = crypto::sm3(to_bytes("another document"));
  auto wrong = verify_signed_data(*sd, other);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kVerificationFailed);
  EXPECT_NE(wrong.error().message.find("messageDigest"), std::string::npos)
      << wrong.error().message;

  auto short_digest = verify_signed_data(*sd, ByteView(digest).first(20));
  ASSERT_FALSE(short_digest.ok());
  EXPECT_EQ(short_digest.error().kind, ErrorKind::kInvalidInput);
}

TEST_P(SignedDataTest, EveryTamperedSignedAttributeByteFails) {
  Bytes der = sign();
  auto sd = parse_signed_data(der);
  ASSERT_TRUE(sd.ok());
  // Flip each byte of the [0] signed attributes inside the SignedData (not its tag).
  Bytes retagged = sd->signed_bytes;
  retagged[0] = 0xA0;
  auto at = std::search(der.begin(), der.end(), retagged.begin(), retagged.end());
  ASSERT_NE(at, der.end());
  std::size_t start = static_cast<std::size_t>(at - der.begin());
  for (std::size_t i = start + 2; i < start + retagged.size(); ++i) {
    Bytes tampered = der;
    tampered[i] ^= 0x01;
    auto t = parse_signed_data(tampered);
    if (!t.ok()) continue;  // some flips break the DER itself
    auto s = verify_signed_data(*t, std::nullopt);
    ASSERT_FALSE(s.ok()) << "byte " << i;
    EXPECT_EQ(s.error().kind, ErrorKind::kVerificationFailed);
  }
  // One flip in the signing time digits, with the reason.
  Bytes time_text = to_bytes("261123120000Z");
  auto t = std::search(der.begin(), der.end(), time_text.begin(), time_text.end());
  ASSERT_NE(t, der.end());
  Bytes tampered = der;
  tampered[static_cast<std::size_t>(t - der.begin()) + 1] = '7';  // 2076 -> still a valid time
  auto parsed = parse_signed_data(tampered);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  auto s = verify_signed_data(*parsed, digest);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("does not verify"), std::string::npos) << s.error().message;
}

TEST_P(SignedDataTest, SignerMissingFromCertificatesFails) {
  Node tree = Node::parse(sign());
  Node& certificates = signed_data(tree).children[3];
  ASSERT_EQ(certificates.tag, 0xA0);
  certificates.children = {Node::parse(h.sub.cert.der()), Node::parse(h.root.cert.der())};
  auto sd = parse_signed_data(tree.encode());
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_FALSE(sd->signer.has_value());
  auto s = verify_signed_data(*sd, digest);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kVerificationFailed);
  EXPECT_NE(s.error().message.find("not among the 2 certificates"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find(h.seal.cert.serial_hex()), std::string::npos);

  // And without any certificates at all.
  signed_data(tree).children.erase(signed_data(tree).children.begin() + 3);
  auto bare = parse_signed_data(tree.encode());
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_FALSE(verify_signed_data(*bare, digest).ok());
}

TEST_P(SignedDataTest, ChainIsCarriedAndCertificatesMayComeInAnyOrder) {
  std::vector<Certificate> chain = {h.sub.cert, h.root.cert};
  Node tree = Node::parse(sign(chain));
  Node& certificates = signed_data(tree).children[3];
  ASSERT_EQ(certificates.children.size(), 3u);
  EXPECT_EQ(certificates.children[0].encode(), h.seal.cert.der()) << "signer first";
  EXPECT_EQ(certificates.children[1].encode(), h.sub.cert.der());
  EXPECT_EQ(certificates.children[2].encode(), h.root.cert.der());
  std::swap(certificates.children[0], certificates.children[2]);
  auto sd = parse_signed_data(tree.encode());
  ASSERT_TRUE(sd.ok());
  ASSERT_TRUE(sd->signer.has_value());
  EXPECT_EQ(sd->signer->der(), h.seal.cert.der());
  EXPECT_TRUE(verify_signed_data(*sd, digest).ok());
}

TEST_P(SignedDataTest, AssembleAcceptsRawSignatureAndRejectsAWrongOne) {
  auto attributes = encode_signed_attributes(GetParam(), digest, test::kNow);
  ASSERT_TRUE(attributes.ok());
  auto der_signature = crypto::sm2_sign(h.seal.key, *attributes);
  ASSERT_TRUE(der_signature.ok());
  auto raw = crypto::sm2_signature_der_to_raw(*der_signature);
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->size(), 64u);
  auto der = assemble_signed_data(GetParam(), *attributes, h.seal.cert, *raw);
  ASSERT_TRUE(der.ok()) << der.error().message;
  auto sd = parse_signed_data(*der);
  ASSERT_TRUE(sd.ok());
  EXPECT_EQ(sd->signature, *der_signature) << "stored as the DER SM2Signature";
  EXPECT_TRUE(verify_signed_data(*sd, digest).ok());

  // A signature by another key, or over other bytes, is refused when assembling.
  auto by_other_key = crypto::sm2_sign(h.sub.key, *attributes);
  ASSERT_TRUE(by_other_key.ok());
  auto refused = assemble_signed_data(GetParam(), *attributes, h.seal.cert, *by_other_key);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kVerificationFailed);
  auto over_digest = crypto::sm2_sign(h.seal.key, digest);
  ASSERT_TRUE(over_digest.ok());
  EXPECT_FALSE(assemble_signed_data(GetParam(), *attributes, h.seal.cert, *over_digest).ok());
  // Signed attributes must be a DER SET.
  Bytes retagged = *attributes;
  retagged[0] = 0xA0;
  auto not_a_set = assemble_signed_data(GetParam(), retagged, h.seal.cert, *der_signature);
  ASSERT_FALSE(not_a_set.ok());
  EXPECT_EQ(not_a_set.error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(encode_signed_attributes(GetParam(), ByteView(digest).first(31), test::kNow).ok());
}

// What a crypto device or a phone does: it receives e = SM3(Z || DER(SET)) only.
TEST_P(SignedDataTest, TwoPhaseSigningWithADigestOnlySigner) {
  auto attributes = encode_signed_attributes(GetParam(), digest, test::kNow);
  ASSERT_TRUE(attributes.ok());
  auto e = crypto::sm2_signing_digest(h.seal.cert.public_key().value(), *attributes);
  ASSERT_TRUE(e.ok());
  auto signature = crypto::sm2_sign_digest(h.seal.key, *e);
  ASSERT_TRUE(signature.ok());
  auto der = assemble_signed_data(GetParam(), *attributes, h.seal.cert, *signature);
  ASSERT_TRUE(der.ok()) << der.error().message;
  auto sd = parse_signed_data(*der);
  ASSERT_TRUE(sd.ok());
  EXPECT_EQ(sd->signed_bytes, *attributes);
  EXPECT_TRUE(verify_signed_data(*sd, digest).ok());
}

TEST_P(SignedDataTest, ExactStructure) {
  const bool gm = GetParam() == CmsProfile::kGm;
  Bytes der = sign();
  Node tree = Node::parse(der);
  ASSERT_EQ(tree.tag, tag::kSequence);
  ASSERT_EQ(tree.children.size(), 2u);
  EXPECT_EQ(tree.children[0].encode(), gm ? hex("06 0A 2A 81 1C CF 55 06 01 04 02 02")
                                          : hex("06 09 2A 86 48 86 F7 0D 01 07 02"));
  EXPECT_EQ(tree.children[1].tag, 0xA0);
  const Node& sd = signed_data(tree);
  ASSERT_EQ(sd.children.size(), 5u);
  EXPECT_EQ(sd.children[0].encode(), hex("02 01 01"));
  EXPECT_EQ(sd.children[1].encode(), hex("31 0C 30 0A 06 08 2A 81 1C CF 55 01 83 11"));
  EXPECT_EQ(sd.children[2].encode(), gm ? hex("30 0C 06 0A 2A 81 1C CF 55 06 01 04 02 01")
                                        : hex("30 0B 06 09 2A 86 48 86 F7 0D 01 07 01"))
      << "detached: contentInfo carries the type only";
  EXPECT_EQ(sd.children[3].tag, 0xA0);
  EXPECT_EQ(sd.children[3].children[0].encode(), h.seal.cert.der());
  EXPECT_EQ(sd.children[4].tag, tag::kSet);
  ASSERT_EQ(sd.children[4].children.size(), 1u);

  const Node& si = sd.children[4].children[0];
  ASSERT_EQ(si.children.size(), 6u);
  EXPECT_EQ(si.children[0].encode(), hex("02 01 01"));
  Node cert = Node::parse(h.seal.cert.der());
  const Node& tbs = cert.children[0];  // [0] version, serial, signature, issuer
  Bytes expected_sid = asn1::encode_sequence({tbs.children[3].encode(), tbs.children[1].encode()});
  EXPECT_EQ(si.children[1].encode(), expected_sid) << "issuerAndSerialNumber";
  EXPECT_EQ(si.children[2].encode(), hex("30 0A 06 08 2A 81 1C CF 55 01 83 11"));
  EXPECT_EQ(si.children[3].tag, 0xA0) << "[0] IMPLICIT signed attributes";
  EXPECT_EQ(si.children[4].encode(), gm ? hex("30 0B 06 09 2A 81 1C CF 55 01 82 2D 01")
                                        : hex("30 0A 06 08 2A 81 1C CF 55 01 83 75"));
  EXPECT_EQ(si.children[5].tag, tag::kOctetString);
  EXPECT_TRUE(crypto::sm2_signature_der_to_raw(si.children[5].content).ok())
      << "encryptedDigest holds a DER SM2Signature";

  // What is signed: the same attributes under tag 0x31, in DER order, signingTime a UTCTime.
  Bytes expected_attributes =
      gm ? hex("31 6A"
               "30 19 06 09 2A 86 48 86 F7 0D 01 09 03 31 0C 06 0A 2A 81 1C CF 55 06 01 04 02 01")
         : hex("31 69"
               "30 18 06 09 2A 86 48 86 F7 0D 01 09 03 31 0B 06 09 2A 86 48 86 F7 0D 01 07 01");
  append(expected_attributes, hex("30 1C 06 09 2A 86 48 86 F7 0D 01 09 05 31 0F 17 0D"));
  append(expected_attributes, to_bytes("261123120000Z"));
  append(expected_attributes, hex("30 2F 06 09 2A 86 48 86 F7 0D 01 09 04 31 22 04 20"));
  append(expected_attributes, digest);
  auto attributes = encode_signed_attributes(GetParam(), digest, test::kNow);
  ASSERT_TRUE(attributes.ok());
  EXPECT_EQ(*attributes, expected_attributes);
  Bytes in_signer_info = si.children[3].encode();
  ASSERT_EQ(in_signer_info.size(), expected_attributes.size());
  EXPECT_EQ(in_signer_info[0], 0xA0);
  EXPECT_TRUE(std::equal(in_signer_info.begin() + 1, in_signer_info.end(),
                         expected_attributes.begin() + 1));
  auto parsed = parse_signed_data(der);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->signed_bytes, expected_attributes);
}

TEST_P(SignedDataTest, SigningTimeOutsideUtcTimeYearsIsGeneralizedTime) {
  Time t = *parse_utc("2050-01-02T03:04:05Z");
  auto attributes = encode_signed_attributes(GetParam(), digest, t);
  ASSERT_TRUE(attributes.ok());
  Bytes generalized = hex("18 0F");
  append(generalized, to_bytes("20500102030405Z"));
  EXPECT_NE(
      std::search(attributes->begin(), attributes->end(), generalized.begin(), generalized.end()),
      attributes->end());
  auto der = sign_detached(GetParam(), digest, t, h.seal.cert, h.seal.key);
  ASSERT_TRUE(der.ok());
  auto sd = parse_signed_data(*der);
  ASSERT_TRUE(sd.ok());
  EXPECT_EQ(sd->signing_time, t);
  EXPECT_TRUE(verify_signed_data(*sd, digest).ok());
}

// Attributes as another producer may write them: GeneralizedTime in range, in a different
// order, with an attribute we do not read; signed bytes are taken as found.
TEST_P(SignedDataTest, ForeignSignedAttributesAreVerifiedAsFound) {
  Bytes time = asn1::encode_generalized_time(test::kNow);
  Bytes unknown = asn1::encode_sequence(
      {oid::encode("1.2.840.113549.1.9.52"), asn1::encode(tag::kSet, hex("30 00"))});
  Bytes content;
  append(content, asn1::encode_sequence({oid::encode(oid::kPkcs9MessageDigest),
                                         asn1::encode(tag::kSet, asn1::encode(0x04, digest))}));
  append(content, asn1::encode_sequence(
                      {oid::encode(oid::kPkcs9SigningTime), asn1::encode(tag::kSet, time)}));
  append(content, unknown);
  Bytes attributes = asn1::encode(tag::kSet, content);
  auto signature = crypto::sm2_sign(h.seal.key, attributes);
  ASSERT_TRUE(signature.ok());
  auto der = assemble_signed_data(GetParam(), attributes, h.seal.cert, *signature);
  ASSERT_TRUE(der.ok()) << der.error().message;
  auto sd = parse_signed_data(*der);
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_EQ(sd->signed_bytes, attributes);
  EXPECT_EQ(sd->signing_time, test::kNow);
  EXPECT_FALSE(sd->content_type_attribute.has_value());
  EXPECT_TRUE(verify_signed_data(*sd, digest).ok());

  // Without messageDigest there is nothing binding the data.
  Bytes no_digest = asn1::encode(
      tag::kSet,
      asn1::encode_sequence({oid::encode(oid::kPkcs9SigningTime), asn1::encode(tag::kSet, time)}));
  auto sig2 = crypto::sm2_sign(h.seal.key, no_digest);
  ASSERT_TRUE(sig2.ok());
  auto der2 = assemble_signed_data(GetParam(), no_digest, h.seal.cert, *sig2);
  ASSERT_TRUE(der2.ok());
  auto sd2 = parse_signed_data(*der2);
  ASSERT_TRUE(sd2.ok());
  auto s = verify_signed_data(*sd2, digest);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("no messageDigest"), std::string::npos) << s.error().message;

  // A duplicated messageDigest is malformed.
  Bytes twice_content = content;
  append(twice_content,
         asn1::encode_sequence({oid::encode(oid::kPkcs9MessageDigest),
                                asn1::encode(tag::kSet, asn1::encode(0x04, digest))}));
  Bytes twice = asn1::encode(tag::kSet, twice_content);
  auto sig3 = crypto::sm2_sign(h.seal.key, twice);
  ASSERT_TRUE(sig3.ok());
  auto der3 = assemble_signed_data(GetParam(), twice, h.seal.cert, *sig3);
  ASSERT_TRUE(der3.ok());
  auto sd3 = parse_signed_data(*der3);
  ASSERT_FALSE(sd3.ok());
  EXPECT_NE(sd3.error().message.find("messageDigest: appears twice"), std::string::npos)
      << sd3.error().message;
}

TEST_P(SignedDataTest, ContentTypeAttributeMustMatchTheEncapsulatedType) {
  Node tree = Node::parse(sign());
  Node& encapsulated = signed_data(tree).children[2];
  encapsulated.children[0] = Node::parse(oid::encode("1.2.840.113549.1.9.16.1.4"));
  auto sd = parse_signed_data(tree.encode());
  ASSERT_TRUE(sd.ok());
  auto s = verify_signed_data(*sd, digest);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("differs from the encapsulated content type"), std::string::npos)
      << s.error().message;
}

// Signed attributes with the content encapsulated: messageDigest must be the content's SM3.
TEST_P(SignedDataTest, AttachedContentMustMatchTheSignedDigest) {
  Node tree = Node::parse(sign());
  Node& encapsulated = signed_data(tree).children[2];
  encapsulated.children.push_back(Node::parse(
      asn1::encode(tag::context_constructed(0), asn1::encode(tag::kOctetString, document))));
  auto sd = parse_signed_data(tree.encode());
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_EQ(sd->content, document);
  EXPECT_EQ(sd->signed_bytes.front(), tag::kSet) << "the attributes are still what is signed";
  EXPECT_TRUE(verify_signed_data(*sd, std::nullopt).ok());
  EXPECT_TRUE(verify_signed_data(*sd, digest).ok());

  encapsulated.children[1] = Node::parse(asn1::encode(
      tag::context_constructed(0), asn1::encode(tag::kOctetString, to_bytes("swapped"))));
  auto swapped = parse_signed_data(tree.encode());
  ASSERT_TRUE(swapped.ok());
  auto s = verify_signed_data(*swapped, std::nullopt);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("encapsulated content"), std::string::npos) << s.error().message;
}

TEST_P(SignedDataTest, LenientAlgorithmsAndStrictChecks) {
  struct Case {
    std::string_view signature_oid;
    bool null_parameters;
    bool verifies;
  };
  for (const Case& c : {Case{oid::kSm2Sign, false, true}, Case{oid::kSm3WithSm2, true, true},
                        Case{oid::kSm2, false, true}, Case{"1.2.840.10045.4.3.2", false, false}}) {
    Node tree = Node::parse(sign());
    Node& si = signer_info(tree);
    Node algorithm = Node::parse(oid::encode(c.signature_oid));
    si.children[4].children = {algorithm};
    if (c.null_parameters) si.children[4].children.push_back(Node::parse(hex("05 00")));
    auto sd = parse_signed_data(tree.encode());
    ASSERT_TRUE(sd.ok()) << sd.error().message;
    EXPECT_EQ(sd->signature_algorithm, c.signature_oid);
    auto s = verify_signed_data(*sd, digest);
    EXPECT_EQ(s.ok(), c.verifies) << c.signature_oid;
    if (!c.verifies) {
      EXPECT_NE(s.error().message.find("is not SM2"), std::string::npos) << s.error().message;
    }
  }
  Node tree = Node::parse(sign());
  signer_info(tree).children[2].children[0] = Node::parse(oid::encode("2.16.840.1.101.3.4.2.1"));
  auto sd = parse_signed_data(tree.encode());
  ASSERT_TRUE(sd.ok());
  auto s = verify_signed_data(*sd, digest);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("not SM3"), std::string::npos) << s.error().message;

  // Parameters other than NULL are malformed.
  signer_info(tree).children[2].children = {Node::parse(oid::encode(oid::kSm3)),
                                            Node::parse(hex("02 01 00"))};
  EXPECT_FALSE(parse_signed_data(tree.encode()).ok());
}

TEST_P(SignedDataTest, UnsignedAttributesAreKeptAndNotSigned) {
  Node tree = Node::parse(sign());
  Bytes value_set = asn1::encode(tag::kSet, asn1::encode(tag::kOctetString, to_bytes("seal")));
  Bytes attribute = asn1::encode_sequence({oid::encode("1.2.156.10197.6.1.4.2.9"), value_set});
  signer_info(tree).children.push_back(
      Node::parse(asn1::encode(tag::context_constructed(1), attribute)));
  auto sd = parse_signed_data(tree.encode());
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  ASSERT_EQ(sd->unsigned_attributes.size(), 1u);
  EXPECT_EQ(sd->unsigned_attributes[0].first, "1.2.156.10197.6.1.4.2.9");
  EXPECT_EQ(sd->unsigned_attributes[0].second, value_set);
  EXPECT_TRUE(verify_signed_data(*sd, digest).ok());
}

// CMS version 3 SignerInfos name the signer by subjectKeyIdentifier ([0] IMPLICIT).
TEST_P(SignedDataTest, SignerNamedBySubjectKeyIdentifier) {
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(h.seal.cert.native());
  ASSERT_NE(ski, nullptr);
  Bytes id(ASN1_STRING_get0_data(ski), ASN1_STRING_get0_data(ski) + ASN1_STRING_length(ski));
  std::vector<Certificate> chain = {h.sub.cert};
  Node tree = Node::parse(sign(chain));
  Node& si = signer_info(tree);
  si.children[0] = Node::parse(hex("02 01 03"));
  si.children[1] = Node::parse(asn1::encode(tag::context_primitive(0), id));
  auto sd = parse_signed_data(tree.encode());
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  ASSERT_TRUE(sd->signer.has_value());
  EXPECT_EQ(sd->signer->der(), h.seal.cert.der());
  EXPECT_EQ(sd->signer_id, "subjectKeyIdentifier " + crypto::to_hex(id));
  EXPECT_TRUE(verify_signed_data(*sd, digest).ok());
  id[0] ^= 1;
  si.children[1] = Node::parse(asn1::encode(tag::context_primitive(0), id));
  auto unknown = parse_signed_data(tree.encode());
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->signer.has_value());
}

TEST_P(SignedDataTest, BareSignedDataWithoutContentInfo) {
  Node tree = Node::parse(sign());
  auto sd = parse_signed_data(signed_data(tree).encode());
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_EQ(sd->profile, GetParam());
  EXPECT_TRUE(verify_signed_data(*sd, digest).ok());
}

TEST_P(SignedDataTest, MoreThanOneSignerIsAnErrorNamingTheCount) {
  Node tree = Node::parse(sign());
  Node& infos = signed_data(tree).children.back();
  infos.children.push_back(infos.children[0]);
  infos.children.push_back(infos.children[0]);
  auto sd = parse_signed_data(tree.encode());
  ASSERT_FALSE(sd.ok());
  EXPECT_EQ(sd.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(sd.error().message.find("has 3 signers"), std::string::npos) << sd.error().message;
  infos.children.clear();
  auto none = parse_signed_data(tree.encode());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no signer"), std::string::npos) << none.error().message;
}

TEST_P(SignedDataTest, IndefiniteLengthsAreRejectedClearly) {
  Bytes der = sign();
  Node tree = Node::parse(der);
  // ContentInfo as BER: 30 80 ... 00 00.
  Bytes ber = {0x30, 0x80};
  for (const Node& c : tree.children) append(ber, c.encode());
  append(ber, Bytes{0, 0});
  auto sd = parse_signed_data(ber);
  ASSERT_FALSE(sd.ok());
  EXPECT_NE(sd.error().message.find("indefinite length"), std::string::npos) << sd.error().message;
  EXPECT_NE(sd.error().message.find("only DER"), std::string::npos) << sd.error().message;
}

TEST_P(SignedDataTest, EveryTruncationAndCorruptionIsHandled) {
  Bytes der = sign();
  for (std::size_t n = 0; n < der.size(); ++n) {
    auto sd = parse_signed_data(ByteView(der).first(n));
    EXPECT_FALSE(sd.ok()) << "prefix of " << n << " bytes";
  }
  // Inner truncations: shorten the SignedData inside a well-formed outer element.
  Node tree = Node::parse(der);
  Bytes inner = signed_data(tree).encode();
  for (std::size_t n = 0; n < inner.size(); n += 7) {
    Bytes content = tree.children[0].encode();
    append(content, asn1::encode(0xA0, ByteView(inner).first(n)));
    EXPECT_FALSE(parse_signed_data(asn1::encode(tag::kSequence, content)).ok()) << n;
  }
  // Byte flips anywhere must not crash, and parse + verify must never accept a changed
  // signature value.
  for (std::size_t i = 0; i < der.size(); ++i) {
    Bytes flipped = der;
    flipped[i] ^= 0x5A;
    auto sd = parse_signed_data(flipped);
    if (sd.ok()) (void)verify_signed_data(*sd, digest);
  }
  std::mt19937 rng(20261123);
  for (int round = 0; round < 200; ++round) {
    Bytes garbage(static_cast<std::size_t>(rng() % 300));
    for (auto& b : garbage) b = static_cast<std::uint8_t>(rng());
    if (!garbage.empty() && round % 2 == 0) garbage[0] = 0x30;
    EXPECT_FALSE(parse_signed_data(garbage).ok());
  }
  EXPECT_FALSE(parse_signed_data({}).ok());
  EXPECT_FALSE(parse_signed_data(hex("30 00")).ok());
  EXPECT_FALSE(parse_signed_data(h.seal.cert.der()).ok()) << "a certificate is not a SignedData";
  // Zero padding (a PDF /Contents string) is ignored; anything else after the DER is not.
  auto padded = der;
  padded.resize(der.size() + 300, 0);
  auto from_padded = parse_signed_data(padded);
  ASSERT_TRUE(from_padded.ok()) << from_padded.error().message;
  EXPECT_TRUE(verify_signed_data(*from_padded, digest).ok());
  padded.back() = 1;
  EXPECT_FALSE(parse_signed_data(padded).ok());
}

// The attached form without signed attributes (OFDRW GBT35275DSContainer).
TEST_P(SignedDataTest, WithoutAttributesTheContentIsSignedDirectly) {
  auto der = sign_without_attributes(GetParam(), digest, h.seal.cert, h.seal.key);
  ASSERT_TRUE(der.ok()) << der.error().message;
  Node tree = Node::parse(*der);
  Node& encapsulated = signed_data(tree).children[2];
  ASSERT_EQ(encapsulated.children.size(), 2u);
  EXPECT_EQ(encapsulated.children[1].tag, 0xA0);
  EXPECT_EQ(encapsulated.children[1].children[0].content, digest);
  EXPECT_EQ(signer_info(tree).children.size(), 5u) << "no [0] signed attributes";

  auto sd = parse_signed_data(*der);
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_FALSE(sd->has_signed_attributes);
  EXPECT_EQ(sd->content, digest);
  EXPECT_EQ(sd->signed_bytes, digest);
  EXPECT_FALSE(sd->message_digest.has_value());
  EXPECT_TRUE(crypto::sm2_verify(h.seal.cert.public_key().value(), digest, sd->signature).ok())
      << "SM3withSM2 directly over the content octets";
  EXPECT_TRUE(verify_signed_data(*sd, digest).ok()) << "content is the digest";
  auto wrong = verify_signed_data(*sd, crypto::sm3(to_bytes("other")));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kVerificationFailed);

  // The content is the document itself: matched through its SM3.
  auto whole = sign_without_attributes(GetParam(), document, h.seal.cert, h.seal.key);
  ASSERT_TRUE(whole.ok());
  auto sd_whole = parse_signed_data(*whole);
  ASSERT_TRUE(sd_whole.ok());
  EXPECT_TRUE(verify_signed_data(*sd_whole, digest).ok());
  // OFDRW's compatibility switch: the base64 text of the digest.
  auto b64 = sign_without_attributes(GetParam(), to_bytes(crypto::to_base64(digest)), h.seal.cert,
                                     h.seal.key);
  ASSERT_TRUE(b64.ok());
  auto sd_b64 = parse_signed_data(*b64);
  ASSERT_TRUE(sd_b64.ok());
  EXPECT_TRUE(verify_signed_data(*sd_b64, digest).ok());

  // A changed content fails the signature.
  Node tampered = tree;
  signed_data(tampered).children[2].children[1].children[0].content[0] ^= 1;
  auto t = parse_signed_data(tampered.encode());
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(verify_signed_data(*t, std::nullopt).ok());

  // Neither attributes nor content: nothing to check the signature over.
  Node detached = tree;
  signed_data(detached).children[2].children.pop_back();
  auto d = parse_signed_data(detached.encode());
  ASSERT_TRUE(d.ok());
  auto s = verify_signed_data(*d, digest);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("neither signed attributes nor content"), std::string::npos);

  // Two-phase: a device signs the content.
  auto e = crypto::sm2_signing_digest(h.seal.cert.public_key().value(), digest);
  ASSERT_TRUE(e.ok());
  auto signature = crypto::sm2_sign_digest(h.seal.key, *e);
  ASSERT_TRUE(signature.ok());
  auto assembled =
      assemble_signed_data_without_attributes(GetParam(), digest, h.seal.cert, *signature);
  ASSERT_TRUE(assembled.ok()) << assembled.error().message;
  auto sd2 = parse_signed_data(*assembled);
  ASSERT_TRUE(sd2.ok());
  EXPECT_TRUE(verify_signed_data(*sd2, digest).ok());
  EXPECT_FALSE(sign_without_attributes(GetParam(), {}, h.seal.cert, h.seal.key).ok());
}

// ---- OpenSSL: structure only (its CMS cannot verify SM2 with the Z value) ----

TEST(SignedDataOpenssl, OpensslCmsParsesOurPkcs7Profile) {
  test::Hierarchy h;
  Bytes digest = crypto::sm3(to_bytes("document"));
  std::vector<Certificate> chain = {h.sub.cert};
  auto der = sign_detached(CmsProfile::kPkcs7, digest, test::kNow, h.seal.cert, h.seal.key, chain);
  ASSERT_TRUE(der.ok());
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "cms.der", *der).ok());
  auto printed = run_command(openssl_binary() + " cms -cmsout -print -noout -inform DER -in " +
                             (dir / "cms.der").string());
  ASSERT_EQ(printed.exit_code, 0) << printed.output;
  for (const char* expected :
       {"contentType: pkcs7-signedData", "eContentType: pkcs7-data", "eContent: <ABSENT>",
        "signingTime", "messageDigest", "SM2-with-SM3", "sm3"}) {
    EXPECT_NE(printed.output.find(expected), std::string::npos) << expected << " in:\n"
                                                                << printed.output;
  }
  std::string first_bytes = crypto::to_hex(ByteView(digest).first(4));
  for (std::size_t at : {6, 4, 2}) first_bytes.insert(at, " ");
  EXPECT_NE(printed.output.find(first_bytes), std::string::npos) << first_bytes << " in:\n"
                                                                 << printed.output;
}

TEST(SignedDataOpenssl, OpensslAsn1parseReadsOurGmProfile) {
  test::Hierarchy h;
  auto der = sign_detached(CmsProfile::kGm, crypto::sm3(to_bytes("document")), test::kNow,
                           h.seal.cert, h.seal.key);
  ASSERT_TRUE(der.ok());
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "cms.der", *der).ok());
  auto parsed =
      run_command(openssl_binary() + " asn1parse -inform DER -in " + (dir / "cms.der").string());
  ASSERT_EQ(parsed.exit_code, 0) << parsed.output;
  for (const char* expected : {"1.2.156.10197.6.1.4.2.2", "1.2.156.10197.6.1.4.2.1", "contentType",
                               "signingTime", "UTCTIME", "messageDigest"}) {
    EXPECT_NE(parsed.output.find(expected), std::string::npos) << expected << " in:\n"
                                                               << parsed.output;
  }
}

// ---- BouncyCastle: an independent SM2 CMS implementation, both directions ----

class SignedDataBouncyCastle : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::filesystem::path java_dir = "/usr/share/java";
    for (const char* jar : {"bcprov.jar", "bcpkix.jar", "bcutil.jar"}) {
      if (!std::filesystem::exists(java_dir / jar)) {
        GTEST_SKIP() << java_dir / jar << " missing (scripts/install-deps installs it)";
      }
    }
    if (run_command("java -version").exit_code != 0) GTEST_SKIP() << "java is missing";
    java_ =
        "java -cp /usr/share/java/bcprov.jar:/usr/share/java/bcpkix.jar:"
        "/usr/share/java/bcutil.jar " +
        std::string(ESEAL_INTEROP_DIR) + "/CmsCheck.java ";
  }

  eseal::test::CommandResult bc(const std::string& arguments) {
    return run_command(java_ + arguments);
  }

  std::string java_;
  test::Hierarchy h;
  TempDir dir;
  Bytes document = to_bytes("BouncyCastle CMS interop 电子签章\n");
};

TEST_F(SignedDataBouncyCastle, BcVerifiesOurSignedData) {
  ASSERT_TRUE(write_file_atomic(dir / "content.bin", document).ok());
  Bytes digest = crypto::sm3(document);
  std::vector<Certificate> chain = {h.sub.cert, h.root.cert};
  auto pkcs7 =
      sign_detached(CmsProfile::kPkcs7, digest, test::kNow, h.seal.cert, h.seal.key, chain);
  ASSERT_TRUE(pkcs7.ok());
  ASSERT_TRUE(write_file_atomic(dir / "pkcs7.der", *pkcs7).ok());
  auto r = bc("verify " + (dir / "pkcs7.der").string() + " " + (dir / "content.bin").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("OK signer"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("signature 1.2.156.10197.1.501"), std::string::npos) << r.output;

  // Against other content BC must fail too.
  ASSERT_TRUE(write_file_atomic(dir / "other.bin", to_bytes("other content")).ok());
  auto other = bc("verify " + (dir / "pkcs7.der").string() + " " + (dir / "other.bin").string());
  EXPECT_EQ(other.exit_code, 1) << other.output;
  EXPECT_NE(other.output.find("FAILED"), std::string::npos) << other.output;

  // The attached form without signed attributes: BC verifies the encapsulated content.
  auto attached = sign_without_attributes(CmsProfile::kPkcs7, document, h.seal.cert, h.seal.key);
  ASSERT_TRUE(attached.ok());
  ASSERT_TRUE(write_file_atomic(dir / "attached.der", *attached).ok());
  auto a = bc("verify " + (dir / "attached.der").string());
  EXPECT_EQ(a.exit_code, 0) << a.output;
  EXPECT_NE(a.output.find("no signed attributes"), std::string::npos) << a.output;
}

// The GM/T 0010 profile as OFDRW and FZZ write it: BC parses the structure (the OIDs of the
// content types do not matter to it) but cannot name the SM2-1 signature algorithm .301.1.
TEST_F(SignedDataBouncyCastle, BcAndTheGmProfile) {
  ASSERT_TRUE(write_file_atomic(dir / "content.bin", document).ok());
  auto gm =
      sign_detached(CmsProfile::kGm, crypto::sm3(document), test::kNow, h.seal.cert, h.seal.key);
  ASSERT_TRUE(gm.ok());
  ASSERT_TRUE(write_file_atomic(dir / "gm.der", *gm).ok());
  auto r = bc("verify " + (dir / "gm.der").string() + " " + (dir / "content.bin").string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("Unknown signature type requested: SM3WITH1.2.156.10197.1.301.1"),
            std::string::npos)
      << r.output;

  // The same GM content types with .501, as GmSSL writes it, verify under BC.
  Node tree = Node::parse(*gm);
  signer_info(tree).children[4].children = {Node::parse(oid::encode(oid::kSm3WithSm2))};
  ASSERT_TRUE(write_file_atomic(dir / "gm501.der", tree.encode()).ok());
  auto r501 = bc("verify " + (dir / "gm501.der").string() + " " + (dir / "content.bin").string());
  EXPECT_EQ(r501.exit_code, 0) << r501.output;
  EXPECT_NE(r501.output.find("content type 1.2.156.10197.6.1.4.2.1"), std::string::npos)
      << r501.output;
}

TEST_F(SignedDataBouncyCastle, WeVerifyBcSignedData) {
  ASSERT_TRUE(write_file_atomic(dir / "content.bin", document).ok());
  auto r = bc("sign " + (dir / "content.bin").string() + " " + (dir / "bc.der").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto der = read_file(dir / "bc.der");
  ASSERT_TRUE(der.ok());
  auto sd = parse_signed_data(*der);
  ASSERT_TRUE(sd.ok()) << sd.error().message;
  EXPECT_EQ(sd->profile, CmsProfile::kPkcs7);
  EXPECT_EQ(sd->signature_algorithm, oid::kSm3WithSm2);
  EXPECT_TRUE(sd->has_signed_attributes);
  ASSERT_TRUE(sd->signer.has_value());
  EXPECT_EQ(sd->signer->subject().get("CN"), "BC CMS Signer");
  EXPECT_TRUE(sd->signing_time.has_value());
  auto s = verify_signed_data(*sd, crypto::sm3(document));
  EXPECT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(verify_signed_data(*sd, crypto::sm3(to_bytes("other"))).ok());

  // BouncyCastle's default encoding uses indefinite lengths: refused, saying why.
  auto ber = read_file(dir / "bc.der.ber");
  ASSERT_TRUE(ber.ok());
  if (*ber != *der) {
    auto b = parse_signed_data(*ber);
    ASSERT_FALSE(b.ok());
    EXPECT_NE(b.error().message.find("only DER"), std::string::npos) << b.error().message;
  }

  // BC's direct signature: encapsulated content, no signed attributes.
  auto direct = bc("sign " + (dir / "content.bin").string() + " " + (dir / "direct.der").string() +
                   " direct");
  ASSERT_EQ(direct.exit_code, 0) << direct.output;
  auto direct_der = read_file(dir / "direct.der");
  ASSERT_TRUE(direct_der.ok());
  auto sd_direct = parse_signed_data(*direct_der);
  ASSERT_TRUE(sd_direct.ok()) << sd_direct.error().message;
  EXPECT_FALSE(sd_direct->has_signed_attributes);
  EXPECT_EQ(sd_direct->content, document);
  auto sd_status = verify_signed_data(*sd_direct, crypto::sm3(document));
  EXPECT_TRUE(sd_status.ok()) << sd_status.error().message;

  // Signed attributes with the content encapsulated.
  auto attached = bc("sign " + (dir / "content.bin").string() + " " +
                     (dir / "attached.der").string() + " attached");
  ASSERT_EQ(attached.exit_code, 0) << attached.output;
  auto attached_der = read_file(dir / "attached.der");
  ASSERT_TRUE(attached_der.ok());
  auto sd_attached = parse_signed_data(*attached_der);
  ASSERT_TRUE(sd_attached.ok()) << sd_attached.error().message;
  EXPECT_TRUE(sd_attached->has_signed_attributes);
  EXPECT_EQ(sd_attached->content, document);
  auto attached_status = verify_signed_data(*sd_attached, std::nullopt);
  EXPECT_TRUE(attached_status.ok()) << attached_status.error().message;
}

}  // namespace
}  // namespace eseal::pki
