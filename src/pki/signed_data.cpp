#include "pki/signed_data.h"

#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "pki/x509_support.h"

namespace eseal::pki {
namespace {

using asn1::Element;
namespace oid = asn1::oid;
namespace tag = asn1::tag;

constexpr std::uint8_t kSignedAttributesTag = tag::context_constructed(0);    // 0xA0
constexpr std::uint8_t kUnsignedAttributesTag = tag::context_constructed(1);  // 0xA1
constexpr std::uint8_t kCertificatesTag = tag::context_constructed(0);
constexpr std::uint8_t kCrlsTag = tag::context_constructed(1);
constexpr std::uint8_t kSubjectKeyIdentifierTag = tag::context_primitive(0);  // 0x80

// "SignedData.signerInfos: <message>"
Error malformed(std::string_view field, const std::string& message) {
  return Error::invalid_input(std::string(field) + ": " + message);
}

Error malformed(std::string_view field, const Error& cause) {
  std::string message = cause.message;
  if (message.find("indefinite length") != std::string::npos) {
    message += " (BER; only DER is accepted, re-encode it as DER)";
  }
  return malformed(field, message);
}

Result<std::vector<Element>> children(const Element& e, std::string_view field) {
  auto all = asn1::read_all(e.content);
  if (!all) return malformed(field, all.error());
  return all;
}

Result<std::vector<Element>> children_of(const Element& e, std::uint8_t expected,
                                         std::string_view field) {
  if (e.tag != expected) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "expected tag 0x%02x, found 0x%02x", expected, e.tag);
    return malformed(field, buf);
  }
  return children(e, field);
}

Result<std::string> object_id(const Element& e, std::string_view field) {
  if (e.tag != tag::kObjectIdentifier) return malformed(field, "not an OBJECT IDENTIFIER");
  auto dotted = oid::decode_content(e.content);
  if (!dotted) return malformed(field, dotted.error());
  return dotted;
}

// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }; SM2 and SM3 have
// no parameters, written as absent or NULL.
Result<std::string> algorithm(const Element& e, std::string_view field) {
  auto f = children_of(e, tag::kSequence, field);
  if (!f) return f.error();
  if (f->empty() || f->size() > 2) {
    return malformed(field, "has " + std::to_string(f->size()) + " fields");
  }
  if (f->size() == 2 && ((*f)[1].tag != tag::kNull || !(*f)[1].content.empty())) {
    return malformed(field, "parameters other than NULL");
  }
  return object_id((*f)[0], field);
}

std::string_view data_oid(CmsProfile profile) {
  return profile == CmsProfile::kGm ? oid::kGmData : oid::kPkcs7Data;
}

std::string_view signed_data_oid(CmsProfile profile) {
  return profile == CmsProfile::kGm ? oid::kGmSignedData : oid::kPkcs7SignedData;
}

// GM/T 0010 names SM2-1 (.301.1) here; BouncyCastle's CMS only knows SM3withSM2 (.501).
std::string_view signature_oid(CmsProfile profile) {
  return profile == CmsProfile::kGm ? oid::kSm2Sign : oid::kSm3WithSm2;
}

Bytes algorithm_identifier(std::string_view dotted) {
  return asn1::encode_sequence({oid::encode(dotted)});
}

// RFC 5652 §11.3: UTCTime for 1950..2049, GeneralizedTime otherwise.
Bytes encode_signing_time(Time t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd(day);
  int year = static_cast<int>(ymd.year());
  if (year < 1950 || year > 2049) return asn1::encode_generalized_time(t);
  std::chrono::hh_mm_ss hms(t - day);
  char buf[32];
  int n = std::snprintf(
      buf, sizeof buf, "%02d%02u%02u%02d%02d%02dZ", year % 100, static_cast<unsigned>(ymd.month()),
      static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
      static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return asn1::encode(tag::kUtcTime, as_bytes(std::string_view(buf, static_cast<std::size_t>(n))));
}

// Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue }
Bytes attribute(std::string_view type, ByteView value) {
  return asn1::encode_sequence({oid::encode(type), asn1::encode(tag::kSet, value)});
}

// X.690 §11.6: SET OF components in ascending order of their encodings, the shorter padded
// with trailing zeros. Verifiers such as BouncyCastle re-encode the signed attributes as DER
// before checking the signature, so an unsorted SET would not verify there.
bool der_set_order(const Bytes& a, const Bytes& b) {
  std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t x = i < a.size() ? a[i] : 0;
    std::uint8_t y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y;
  }
  return false;
}

// The issuer Name and serialNumber INTEGER of a certificate, as encoded in it.
struct IssuerAndSerial {
  Bytes issuer;  // whole Name element
  Bytes serial;  // whole INTEGER element
};

Result<IssuerAndSerial> issuer_and_serial(ByteView certificate_der) {
  auto cert = asn1::parse_single(certificate_der, tag::kSequence);
  if (!cert) return cert.error();
  asn1::Reader outer(cert->content);
  auto tbs = outer.expect(tag::kSequence);
  if (!tbs) return tbs.error();
  asn1::Reader fields(tbs->content);
  if (fields.peek_tag() == tag::context_constructed(0)) {
    if (auto version = fields.next(); !version) return version.error();
  }
  auto serial = fields.expect(tag::kInteger);
  if (!serial) return serial.error();
  auto signature = fields.expect(tag::kSequence);
  if (!signature) return signature.error();
  auto issuer = fields.expect(tag::kSequence);
  if (!issuer) return issuer.error();
  return IssuerAndSerial{{issuer->encoded.begin(), issuer->encoded.end()},
                         {serial->encoded.begin(), serial->encoded.end()}};
}

std::string describe_name(ByteView name_der) {
  const unsigned char* p = name_der.data();
  X509_NAME* name = d2i_X509_NAME(nullptr, &p, static_cast<long>(name_der.size()));
  if (!name) {
    crypto::ossl::drain_errors();
    return "(unreadable name)";
  }
  std::string text = detail::from_x509_name(name).to_string();
  X509_NAME_free(name);
  return text;
}

struct Parts {
  CmsProfile profile;
  const Certificate* signer;
  std::span<const Certificate> chain;
  std::optional<ByteView> signed_attributes;  // the DER SET (0x31)
  std::optional<ByteView> content;            // embedded content
  ByteView signature;                         // DER or r||s
  std::optional<ByteView> time_stamp;         // a token over the signature, unsigned attribute
  std::string_view content_type = {};         // eContentType; empty: the profile's data OID
  bool with_certificates = true;
  bool z = true;  // the signature is SM3withSM2 with Z; false: over SM3(signed bytes) alone
};

Result<Bytes> assemble(const Parts& p) {
  auto signature = crypto::sm2_signature_to_der(p.signature);
  if (!signature) return signature.error().with_context("signer's signature");
  auto key = p.signer->public_key();
  if (!key) return key.error().with_context("signer certificate");
  // A device or a phone that signed the wrong bytes, or with another key, is caught here rather
  // than by the relying party.
  ByteView signed_bytes = p.signed_attributes ? *p.signed_attributes : *p.content;
  Status verified = p.z ? crypto::sm2_verify(*key, signed_bytes, *signature)
                        : crypto::sm2_verify_digest(*key, crypto::sm3(signed_bytes), *signature);
  if (!verified) {
    return Error::verification_failed(
        std::string("the signature does not verify with the signer certificate's key over the ") +
        (p.signed_attributes ? "signed attributes" : "content"));
  }
  Bytes signer_der = p.signer->der();
  auto sid = issuer_and_serial(signer_der);
  if (!sid) return sid.error().with_context("signer certificate");

  Bytes sm3 = algorithm_identifier(oid::kSm3);
  std::string_view content_type = p.content_type.empty() ? data_oid(p.profile) : p.content_type;
  Bytes encapsulated =
      p.content ? asn1::encode_sequence({oid::encode(content_type),
                                         asn1::encode(tag::context_constructed(0),
                                                      asn1::encode(tag::kOctetString, *p.content))})
                : asn1::encode_sequence({oid::encode(content_type)});
  Bytes certificates = signer_der;
  for (const Certificate& c : p.chain) append(certificates, c.der());

  Bytes signer_info_content;
  append(signer_info_content, asn1::encode_integer(1));
  append(signer_info_content, asn1::encode_sequence({sid->issuer, sid->serial}));
  append(signer_info_content, sm3);
  if (p.signed_attributes) {
    Bytes retagged(p.signed_attributes->begin(), p.signed_attributes->end());
    retagged[0] = kSignedAttributesTag;
    append(signer_info_content, retagged);
  }
  append(signer_info_content, algorithm_identifier(signature_oid(p.profile)));
  append(signer_info_content, asn1::encode(tag::kOctetString, *signature));
  if (p.time_stamp) {
    Bytes attribute = asn1::encode_sequence(
        {oid::encode(oid::kTimeStampToken),
         asn1::encode(tag::kSet, Bytes(p.time_stamp->begin(), p.time_stamp->end()))});
    append(signer_info_content, asn1::encode(kUnsignedAttributesTag, attribute));
  }
  Bytes signer_info = asn1::encode(tag::kSequence, signer_info_content);

  // RFC 5652 §5.1: version 3 when the encapsulated content is not id-data.
  int version = content_type == data_oid(p.profile) ? 1 : 3;
  Bytes signed_data_content;
  append(signed_data_content, asn1::encode_integer(version));
  append(signed_data_content, asn1::encode(tag::kSet, sm3));
  append(signed_data_content, encapsulated);
  if (p.with_certificates)
    append(signed_data_content, asn1::encode(kCertificatesTag, certificates));
  append(signed_data_content, asn1::encode(tag::kSet, signer_info));
  Bytes signed_data = asn1::encode(tag::kSequence, signed_data_content);
  return asn1::encode_sequence({oid::encode(signed_data_oid(p.profile)),
                                asn1::encode(tag::context_constructed(0), signed_data)});
}

// ---- parsing ----

constexpr std::string_view kContentInfo = "ContentInfo";
constexpr std::string_view kSignedData = "SignedData";
constexpr std::string_view kSignerInfo = "SignedData.signerInfos[0]";
constexpr std::string_view kSignedAttrs = "SignerInfo.signedAttrs";

// The single value of an attribute whose SET must hold exactly one.
Result<Element> single_value(const Element& values, std::string_view field) {
  auto v = children(values, field);
  if (!v) return v.error();
  if (v->size() != 1) return malformed(field, "has " + std::to_string(v->size()) + " values");
  return (*v)[0];
}

Status parse_signed_attributes(const Element& attrs, SignedData& out) {
  out.has_signed_attributes = true;
  out.signed_bytes.assign(attrs.encoded.begin(), attrs.encoded.end());
  out.signed_bytes[0] = tag::kSet;
  auto list = children(attrs, kSignedAttrs);
  if (!list) return list.error();
  for (const Element& a : *list) {
    auto f = children_of(a, tag::kSequence, kSignedAttrs);
    if (!f) return f.error();
    if (f->size() != 2 || (*f)[1].tag != tag::kSet) {
      return malformed(kSignedAttrs, "an Attribute is not SEQUENCE { OID, SET }");
    }
    auto type = object_id((*f)[0], kSignedAttrs);
    if (!type) return type.error();
    if (*type == oid::kPkcs9ContentType) {
      constexpr std::string_view field = "SignerInfo.signedAttrs.contentType";
      if (out.content_type_attribute) return malformed(field, "appears twice");
      auto v = single_value((*f)[1], field);
      if (!v) return v.error();
      auto value = object_id(*v, field);
      if (!value) return value.error();
      out.content_type_attribute = *value;
    } else if (*type == oid::kPkcs9MessageDigest) {
      constexpr std::string_view field = "SignerInfo.signedAttrs.messageDigest";
      if (out.message_digest) return malformed(field, "appears twice");
      auto v = single_value((*f)[1], field);
      if (!v) return v.error();
      if (v->tag != tag::kOctetString) return malformed(field, "not an OCTET STRING");
      out.message_digest = Bytes(v->content.begin(), v->content.end());
    } else if (*type == oid::kPkcs9SigningTime) {
      constexpr std::string_view field = "SignerInfo.signedAttrs.signingTime";
      if (out.signing_time) return malformed(field, "appears twice");
      auto v = single_value((*f)[1], field);
      if (!v) return v.error();
      auto t = asn1::time_value(*v);
      if (!t) return malformed(field, t.error());
      out.signing_time = *t;
    } else {
      // Covered by the signature; kept for callers (signingCertificateV2, ...).
      out.other_signed_attributes.emplace_back(
          *type, Bytes((*f)[1].encoded.begin(), (*f)[1].encoded.end()));
    }
  }
  return ok_status();
}

Status parse_unsigned_attributes(const Element& attrs, SignedData& out) {
  constexpr std::string_view field = "SignerInfo.unsignedAttrs";
  auto list = children(attrs, field);
  if (!list) return list.error();
  for (const Element& a : *list) {
    auto f = children_of(a, tag::kSequence, field);
    if (!f) return f.error();
    if (f->size() != 2 || (*f)[1].tag != tag::kSet) {
      return malformed(field, "an Attribute is not SEQUENCE { OID, SET }");
    }
    auto type = object_id((*f)[0], field);
    if (!type) return type.error();
    out.unsigned_attributes.emplace_back(*type,
                                         Bytes((*f)[1].encoded.begin(), (*f)[1].encoded.end()));
  }
  return ok_status();
}

// Finds the certificate the SignerInfo's sid names and describes the sid.
Status match_signer(const Element& sid, SignedData& out) {
  if (sid.tag == kSubjectKeyIdentifierTag) {
    out.signer_id = "subjectKeyIdentifier " + crypto::to_hex(sid.content);
    for (const Certificate& c : out.certificates) {
      const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(c.native());
      if (ski && static_cast<std::size_t>(ASN1_STRING_length(ski)) == sid.content.size() &&
          std::equal(sid.content.begin(), sid.content.end(), ASN1_STRING_get0_data(ski))) {
        out.signer = c;
        return ok_status();
      }
    }
    return ok_status();
  }
  constexpr std::string_view field = "SignerInfo.issuerAndSerialNumber";
  auto f = children_of(sid, tag::kSequence, field);
  if (!f) return f.error();
  if (f->size() != 2 || (*f)[0].tag != tag::kSequence || (*f)[1].tag != tag::kInteger) {
    return malformed(field, "is not SEQUENCE { Name, INTEGER }");
  }
  const Element& issuer = (*f)[0];
  const Element& serial = (*f)[1];
  ByteView magnitude = serial.content;
  while (magnitude.size() > 1 && magnitude[0] == 0) magnitude = magnitude.subspan(1);
  out.signer_id =
      "issuer " + describe_name(issuer.encoded) + ", serial " + crypto::to_hex_upper(magnitude);
  for (const Certificate& c : out.certificates) {
    auto ids = issuer_and_serial(c.der());
    if (!ids) continue;
    if (std::ranges::equal(ids->issuer, issuer.encoded) &&
        std::ranges::equal(ids->serial, serial.encoded)) {
      out.signer = c;
      return ok_status();
    }
  }
  return ok_status();
}

Status parse_signer_info(const Element& e, SignedData& out) {
  auto f = children_of(e, tag::kSequence, kSignerInfo);
  if (!f) return f.error();
  std::size_t i = 0;
  auto next = [&]() -> const Element* { return i < f->size() ? &(*f)[i++] : nullptr; };
  auto peek = [&]() -> std::uint8_t { return i < f->size() ? (*f)[i].tag : 0; };
  auto missing = [](std::string_view what) {
    return malformed(kSignerInfo, "ends before " + std::string(what));
  };

  const Element* version = next();
  if (!version) return missing("version");
  if (auto v = asn1::integer_value(*version); !v) return malformed("SignerInfo.version", v.error());
  const Element* sid = next();
  if (!sid) return missing("sid");
  const Element* digest = next();
  if (!digest) return missing("digestAlgorithm");
  auto digest_oid = algorithm(*digest, "SignerInfo.digestAlgorithm");
  if (!digest_oid) return digest_oid.error();
  out.digest_algorithm = *digest_oid;
  if (peek() == kSignedAttributesTag) {
    if (auto s = parse_signed_attributes(*next(), out); !s) return s;
  }
  const Element* signature_alg = next();
  if (!signature_alg) return missing("signatureAlgorithm");
  auto signature_oid_text = algorithm(*signature_alg, "SignerInfo.signatureAlgorithm");
  if (!signature_oid_text) return signature_oid_text.error();
  out.signature_algorithm = *signature_oid_text;
  const Element* signature = next();
  if (!signature) return missing("signature");
  if (signature->tag != tag::kOctetString) {
    return malformed("SignerInfo.signature", "not an OCTET STRING");
  }
  out.signature.assign(signature->content.begin(), signature->content.end());
  if (peek() == kUnsignedAttributesTag) {
    if (auto s = parse_unsigned_attributes(*next(), out); !s) return s;
  }
  if (i != f->size()) {
    return malformed(kSignerInfo, "has " + std::to_string(f->size() - i) + " unexpected fields");
  }
  if (!out.has_signed_attributes && out.content) out.signed_bytes = *out.content;
  return match_signer(*sid, out);
}

Status parse_encapsulated(const Element& e, SignedData& out) {
  constexpr std::string_view field = "SignedData.contentInfo";
  auto f = children_of(e, tag::kSequence, field);
  if (!f) return f.error();
  if (f->empty() || f->size() > 2) {
    return malformed(field, "has " + std::to_string(f->size()) + " fields");
  }
  auto type = object_id((*f)[0], "SignedData.contentInfo.contentType");
  if (!type) return type.error();
  out.content_type = *type;
  if (f->size() == 2) {
    constexpr std::string_view content_field = "SignedData.contentInfo.content";
    if ((*f)[1].tag != tag::context_constructed(0)) {
      return malformed(content_field, "not [0] EXPLICIT");
    }
    auto inner = asn1::parse_single((*f)[1].content, tag::kOctetString);
    if (!inner) return malformed(content_field, inner.error());
    out.content = Bytes(inner->content.begin(), inner->content.end());
  }
  return ok_status();
}

Status parse_certificates(const Element& e, SignedData& out) {
  auto list = children(e, "SignedData.certificates");
  if (!list) return list.error();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Element& c = (*list)[i];
    // CertificateChoices other than Certificate (extended, attribute and other certificates)
    // are tagged [0]..[3] and cannot name an SM2 signer.
    if (c.tag != tag::kSequence) continue;
    auto cert = Certificate::from_der(c.encoded);
    if (!cert) {
      return malformed("SignedData.certificates[" + std::to_string(i) + "]", cert.error());
    }
    out.certificates.push_back(std::move(*cert));
  }
  return ok_status();
}

Status parse_signed_data_body(const Element& e, SignedData& out) {
  auto f = children_of(e, tag::kSequence, kSignedData);
  if (!f) return f.error();
  if (f->size() < 4) return malformed(kSignedData, "has " + std::to_string(f->size()) + " fields");
  if (auto v = asn1::integer_value((*f)[0]); !v) return malformed("SignedData.version", v.error());
  auto digests = children_of((*f)[1], tag::kSet, "SignedData.digestAlgorithms");
  if (!digests) return digests.error();
  for (const Element& d : *digests) {
    if (auto a = algorithm(d, "SignedData.digestAlgorithms"); !a) return a.error();
  }
  if (auto s = parse_encapsulated((*f)[2], out); !s) return s;
  std::size_t i = 3;
  if ((*f)[i].tag == kCertificatesTag) {
    if (auto s = parse_certificates((*f)[i], out); !s) return s;
    ++i;
  }
  if (i < f->size() && (*f)[i].tag == kCrlsTag) ++i;
  if (i + 1 != f->size()) {
    return malformed(kSignedData, i == f->size() ? "has no signerInfos"
                                                 : "has unexpected fields before signerInfos");
  }
  auto signers = children_of((*f)[i], tag::kSet, "SignedData.signerInfos");
  if (!signers) return signers.error();
  if (signers->empty()) return malformed("SignedData.signerInfos", "no signer");
  if (signers->size() > 1) {
    return malformed("SignedData.signerInfos", "has " + std::to_string(signers->size()) +
                                                   " signers; exactly one is supported");
  }
  return parse_signer_info((*signers)[0], out);
}

Error fail(const std::string& reason) {
  return Error::verification_failed(reason);
}

}  // namespace

std::string_view profile_name(CmsProfile profile) {
  return profile == CmsProfile::kGm ? "GM/T 0010" : "PKCS#7";
}

Bytes encode_attribute(std::string_view type, ByteView value) {
  return attribute(type, value);
}

Bytes encode_attribute_set(std::vector<Bytes> attributes) {
  std::sort(attributes.begin(), attributes.end(), der_set_order);
  Bytes content;
  for (const Bytes& a : attributes) append(content, a);
  return asn1::encode(tag::kSet, content);
}

Result<Bytes> assemble_encapsulated(const EncapsulatedSignedData& e) {
  if (auto set = asn1::parse_single(e.signed_attributes, tag::kSet); !set) {
    return set.error().with_context("signed attributes (a DER SET, tag 0x31)");
  }
  Parts parts{CmsProfile::kPkcs7, &e.signer,   e.chain,     e.signed_attributes,
              e.content,          e.signature, std::nullopt};
  parts.content_type = e.content_type;
  parts.with_certificates = e.with_certificates;
  parts.z = e.z;
  return assemble(parts);
}

Result<Bytes> encode_signed_attributes(CmsProfile profile, ByteView digest, Time signing_time) {
  if (digest.size() != 32) {
    return Error::invalid_input("the message digest must be 32 bytes of SM3, not " +
                                std::to_string(digest.size()));
  }
  return encode_attribute_set({
      attribute(oid::kPkcs9ContentType, oid::encode(data_oid(profile))),
      attribute(oid::kPkcs9SigningTime, encode_signing_time(signing_time)),
      attribute(oid::kPkcs9MessageDigest, asn1::encode(tag::kOctetString, digest)),
  });
}

Result<Bytes> assemble_signed_data(CmsProfile profile, ByteView signed_attributes_der,
                                   const Certificate& signer, ByteView signature,
                                   std::span<const Certificate> chain,
                                   std::optional<ByteView> time_stamp) {
  if (auto set = asn1::parse_single(signed_attributes_der, tag::kSet); !set) {
    return set.error().with_context("signed attributes (a DER SET, tag 0x31)");
  }
  return assemble(
      {profile, &signer, chain, signed_attributes_der, std::nullopt, signature, time_stamp});
}

Result<Bytes> sign_detached(CmsProfile profile, ByteView digest, Time signing_time,
                            const Certificate& signer, const crypto::Sm2PrivateKey& key,
                            std::span<const Certificate> chain) {
  auto attributes = encode_signed_attributes(profile, digest, signing_time);
  if (!attributes) return attributes.error();
  auto signature = crypto::sm2_sign(key, *attributes);
  if (!signature) return signature.error();
  return assemble_signed_data(profile, *attributes, signer, *signature, chain);
}

Result<Bytes> assemble_signed_data_without_attributes(CmsProfile profile, ByteView content,
                                                      const Certificate& signer, ByteView signature,
                                                      std::span<const Certificate> chain) {
  if (content.empty()) return Error::invalid_input("the content to sign is empty");
  return assemble({profile, &signer, chain, std::nullopt, content, signature, std::nullopt});
}

Result<Bytes> sign_without_attributes(CmsProfile profile, ByteView content,
                                      const Certificate& signer, const crypto::Sm2PrivateKey& key,
                                      std::span<const Certificate> chain) {
  auto signature = crypto::sm2_sign(key, content);
  if (!signature) return signature.error();
  return assemble_signed_data_without_attributes(profile, content, signer, *signature, chain);
}

Result<SignedData> parse_signed_data(ByteView der) {
  // A PDF /Contents string is zero-padded to its reserved size; the padding is outside the
  // DER and outside what any signature or digest covers.
  if (!der.empty() && der[0] == tag::kSequence) {
    if (auto first = asn1::Reader(der).next();
        first && first->encoded.size() < der.size() &&
        std::ranges::all_of(der.subspan(first->encoded.size()),
                            [](std::uint8_t b) { return b == 0; })) {
      der = first->encoded;
    }
  }
  auto outer = asn1::parse_single(der, tag::kSequence);
  if (!outer) return malformed(kContentInfo, outer.error());
  auto f = children(*outer, kContentInfo);
  if (!f) return f.error();
  SignedData out;
  if (!f->empty() && (*f)[0].tag == tag::kInteger) {
    // A bare SignedData (OFDRW before 2022 wrote SignedValue.dat this way).
    if (auto s = parse_signed_data_body(*outer, out); !s) return s.error();
    if (out.content_type == oid::kGmData) {
      out.profile = CmsProfile::kGm;
    } else if (out.content_type == oid::kPkcs7Data) {
      out.profile = CmsProfile::kPkcs7;
    } else {
      return malformed(kSignedData, "without ContentInfo, and content type " + out.content_type +
                                        " is neither GM/T 0010 nor PKCS#7 data");
    }
    return out;
  }
  if (f->size() != 2)
    return malformed(kContentInfo, "has " + std::to_string(f->size()) + " fields");
  auto type = object_id((*f)[0], "ContentInfo.contentType");
  if (!type) return type.error();
  if (*type == oid::kGmSignedData) {
    out.profile = CmsProfile::kGm;
  } else if (*type == oid::kPkcs7SignedData) {
    out.profile = CmsProfile::kPkcs7;
  } else {
    return malformed("ContentInfo.contentType", *type + " is not signedData");
  }
  if ((*f)[1].tag != tag::context_constructed(0)) {
    return malformed("ContentInfo.content", "not [0] EXPLICIT");
  }
  auto body = asn1::parse_single((*f)[1].content, tag::kSequence);
  if (!body) return malformed(kSignedData, body.error());
  if (auto s = parse_signed_data_body(*body, out); !s) return s.error();
  return out;
}

Status verify_signed_data(const SignedData& sd, std::optional<ByteView> expected_digest) {
  if (expected_digest && expected_digest->size() != 32) {
    return Error::invalid_input("the expected digest must be 32 bytes of SM3, not " +
                                std::to_string(expected_digest->size()));
  }
  if (!sd.signer) {
    return fail("the signer certificate (" + sd.signer_id + ") is not among the " +
                std::to_string(sd.certificates.size()) + " certificates in the SignedData");
  }
  if (sd.digest_algorithm != oid::kSm3) {
    return fail("the digest algorithm is " + oid::describe(sd.digest_algorithm) + ", not SM3");
  }
  if (sd.signature_algorithm != oid::kSm2Sign && sd.signature_algorithm != oid::kSm3WithSm2 &&
      sd.signature_algorithm != oid::kSm2) {
    return fail("the signature algorithm " + oid::describe(sd.signature_algorithm) + " is not SM2");
  }
  if (sd.has_signed_attributes) {
    if (!sd.message_digest) return fail("the signed attributes carry no messageDigest");
    if (sd.content_type_attribute && *sd.content_type_attribute != sd.content_type) {
      return fail("the signed contentType " + *sd.content_type_attribute +
                  " differs from the encapsulated content type " + sd.content_type);
    }
  } else if (!sd.content) {
    return fail(
        "neither signed attributes nor content: the signature covers detached content that "
        "this SignedData does not carry");
  }
  auto key = sd.signer->public_key();
  if (!key) return fail("the signer certificate has no SM2 key: " + key.error().message);
  if (auto s = crypto::sm2_verify(*key, sd.signed_bytes, sd.signature); !s) {
    if (s.error().kind == ErrorKind::kVerificationFailed) {
      return fail(std::string("the SM2 signature over the ") +
                  (sd.has_signed_attributes ? "signed attributes" : "content") +
                  " does not verify with the key of " + sd.signer->subject().to_string());
    }
    return fail("the signature value is not an SM2 signature: " + s.error().message);
  }
  if (sd.has_signed_attributes && sd.content &&
      !crypto::equal_constant_time(crypto::sm3(*sd.content), *sd.message_digest)) {
    return fail("messageDigest does not match the SM3 of the encapsulated content");
  }
  if (!expected_digest) return ok_status();
  if (sd.has_signed_attributes) {
    if (!crypto::equal_constant_time(*sd.message_digest, *expected_digest)) {
      return fail("messageDigest " + crypto::to_hex(*sd.message_digest) +
                  " does not match the data's SM3 " + crypto::to_hex(*expected_digest));
    }
    return ok_status();
  }
  const Bytes& content = *sd.content;
  if (crypto::equal_constant_time(content, *expected_digest) ||
      to_string(content) == crypto::to_base64(*expected_digest) ||
      crypto::equal_constant_time(crypto::sm3(content), *expected_digest)) {
    return ok_status();
  }
  return fail("the signed content (" + std::to_string(content.size()) +
              " bytes) is neither the data's SM3 " + crypto::to_hex(*expected_digest) +
              " nor data with that digest");
}

}  // namespace eseal::pki
