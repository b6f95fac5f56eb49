#include "tsa/token.h"

#include <algorithm>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "crypto/digest.h"
#include "pki/signed_data.h"

namespace eseal::tsa {
namespace {

namespace tag = asn1::tag;
namespace oid = asn1::oid;

Error malformed(std::string_view field, const std::string& why) {
  return Error::invalid_input("TSTInfo." + std::string(field) + ": " + why);
}

// GeneralName directoryName [4] (EXPLICIT: Name is a CHOICE).
Bytes directory_name(ByteView name) {
  return asn1::encode(tag::context_constructed(4), name);
}

// SigningCertificateV2 { certs { ESSCertIDv2 { sm3, SM3(certificate), IssuerSerial } } }
// (RFC 5816): the hash algorithm is written, since the default would be SHA-256.
Bytes signing_certificate_v2(const pki::Certificate& tsa) {
  Bytes issuer_serial =
      asn1::encode_sequence({asn1::encode_sequence({directory_name(tsa.issuer_der())}),
                             asn1::encode_unsigned_integer(tsa.serial())});
  Bytes cert_id = asn1::encode_sequence({asn1::encode_sequence({oid::encode(oid::kSm3)}),
                                         asn1::encode(tag::kOctetString, crypto::sm3(tsa.der())),
                                         issuer_serial});
  return asn1::encode_sequence({asn1::encode_sequence({cert_id})});
}

Bytes accuracy(int seconds) {
  return asn1::encode_sequence({asn1::encode_integer(seconds)});
}

}  // namespace

Result<TstInfo> parse_tst_info(ByteView der) {
  auto outer = asn1::parse_single(der, tag::kSequence);
  if (!outer) return outer.error().with_context("TSTInfo");
  auto f = asn1::read_all(outer->content);
  if (!f) return f.error().with_context("TSTInfo");
  if (f->size() < 5) return Error::invalid_input("TSTInfo has fewer than five fields");
  TstInfo out;
  out.encoded.assign(outer->encoded.begin(), outer->encoded.end());
  auto version = asn1::integer_value((*f)[0]);
  if (!version || *version != 1) return malformed("version", "not 1");
  if ((*f)[1].tag != tag::kObjectIdentifier) return malformed("policy", "not an OID");
  auto policy = oid::decode_content((*f)[1].content);
  if (!policy) return malformed("policy", policy.error().message);
  out.policy = *policy;
  const asn1::Element& imprint = (*f)[2];
  auto parts = imprint.tag == tag::kSequence
                   ? asn1::read_all(imprint.content)
                   : Result<std::vector<asn1::Element>>(Error::invalid_input("not a SEQUENCE"));
  if (!parts || parts->size() != 2 || (*parts)[1].tag != tag::kOctetString) {
    return malformed("messageImprint", "not { AlgorithmIdentifier, OCTET STRING }");
  }
  auto algorithm = asn1::read_all((*parts)[0].content);
  if (!algorithm || algorithm->empty() || (*algorithm)[0].tag != tag::kObjectIdentifier) {
    return malformed("messageImprint.hashAlgorithm", "no OID");
  }
  auto hash = oid::decode_content((*algorithm)[0].content);
  if (!hash) return malformed("messageImprint.hashAlgorithm", hash.error().message);
  out.imprint = {*hash, Bytes((*parts)[1].content.begin(), (*parts)[1].content.end()),
                 Bytes(imprint.encoded.begin(), imprint.encoded.end())};
  if ((*f)[3].tag != tag::kInteger) return malformed("serialNumber", "not an INTEGER");
  asn1::Reader serial_reader((*f)[3].encoded);
  auto serial = serial_reader.unsigned_integer();
  if (!serial) return malformed("serialNumber", serial.error().message);
  out.serial = *serial;
  if ((*f)[4].tag != tag::kGeneralizedTime) return malformed("genTime", "not a GeneralizedTime");
  auto gen_time = asn1::time_value((*f)[4]);
  if (!gen_time) return malformed("genTime", gen_time.error().message);
  out.gen_time = *gen_time;
  for (std::size_t i = 5; i < f->size(); ++i) {
    const asn1::Element& e = (*f)[i];
    if (e.tag == tag::kSequence) {
      auto a = asn1::read_all(e.content);
      if (!a) return malformed("accuracy", a.error().message);
      for (const asn1::Element& x : *a) {
        // millis and micros are [0] and [1] IMPLICIT INTEGER: the same content.
        auto v = asn1::integer_value({tag::kInteger, x.content, x.encoded});
        if (!v) return malformed("accuracy", v.error().message);
        int value = static_cast<int>(*v);
        if (x.tag == tag::kInteger) out.accuracy_seconds = value;
        if (x.tag == tag::context_primitive(0)) out.accuracy_millis = value;
        if (x.tag == tag::context_primitive(1)) out.accuracy_micros = value;
      }
    } else if (e.tag == tag::kInteger) {
      out.nonce = Bytes(e.encoded.begin(), e.encoded.end());
    } else if (e.tag == tag::context_constructed(0)) {
      out.has_tsa_name = true;
    }
  }
  return out;
}

Result<PreparedToken> prepare_token(const Request& request, const Settings& settings,
                                    ByteView serial, Time gen_time, const pki::Certificate& tsa) {
  if (request.policy && *request.policy != settings.policy &&
      std::find(settings.accepted_policies.begin(), settings.accepted_policies.end(),
                *request.policy) == settings.accepted_policies.end()) {
    return refusal(FailInfo::kUnacceptedPolicy, "policy " + *request.policy + " is not accepted");
  }
  for (const auto& [id, critical] : request.extensions) {
    if (critical) {
      return refusal(FailInfo::kUnacceptedExtension, "critical extension " + id + " is not known");
    }
  }
  if (serial.empty() || serial.size() > 20) {
    return refusal(FailInfo::kBadRequest, "a serial number is 1 to 20 bytes");
  }
  auto policy = oid::encode_content(settings.policy);
  if (!policy) return policy.error().with_context("the TSA policy");
  Bytes content;
  append(content, asn1::encode_integer(1));
  append(content, asn1::encode(tag::kObjectIdentifier, *policy));
  append(content, request.imprint.encoded);
  append(content, asn1::encode_unsigned_integer(serial));
  append(content, asn1::encode_generalized_time(gen_time));
  if (settings.accuracy_seconds > 0) append(content, accuracy(settings.accuracy_seconds));
  if (request.nonce) append(content, *request.nonce);
  if (settings.include_name) {
    append(content, asn1::encode(tag::context_constructed(0), directory_name(tsa.subject_der())));
  }
  PreparedToken out{
      asn1::encode(tag::kSequence, content), {}, {}, settings.z, request.cert_req, tsa};
  out.signed_attributes = pki::encode_attribute_set({
      pki::encode_attribute(oid::kPkcs9ContentType, oid::encode(oid::kTstInfo)),
      pki::encode_attribute(oid::kPkcs9MessageDigest,
                            asn1::encode(tag::kOctetString, crypto::sm3(out.tst_info))),
      pki::encode_attribute(oid::kSigningCertificateV2, signing_certificate_v2(tsa)),
  });
  out.to_be_signed = settings.z ? out.signed_attributes : crypto::sm3(out.signed_attributes);
  return out;
}

Result<Bytes> complete_token(const PreparedToken& prepared, ByteView signature,
                             std::span<const pki::Certificate> chain) {
  return pki::assemble_encapsulated({oid::kTstInfo, prepared.tst_info, prepared.signed_attributes,
                                     prepared.tsa, signature, chain, prepared.with_certificates,
                                     prepared.z});
}

}  // namespace eseal::tsa
