#include "ses/signature.h"

#include "asn1/der.h"
#include "asn1/oid.h"
#include "ses/fields.h"

namespace eseal::ses {
namespace {

using asn1::Element;
namespace tag = asn1::tag;

constexpr std::string_view kSignature = "SES_Signature";
constexpr std::string_view kTbs = "SES_Signature.toSign";

// GM/T 0031 timeInfo is "a time stamp or UTCTime" in a BIT STRING; in practice text such as
// "2020-04-22 10:18:07" (ofdrw) or a DER time. Keep the text and read a time when there is one.
void decode_v1_time(const Element& e, SesSignature& out) {
  if (auto t = asn1::time_value(e)) {
    out.time_info = *t;
    out.time_info_text = to_string(e.content);
    return;
  }
  auto bytes = fields::bit_or_octets(e, "TBS_Sign.timeInfo");
  if (!bytes) return;
  out.time_info_text = to_string(*bytes);
  if (auto t = parse_utc(out.time_info_text)) {
    out.time_info = *t;
  } else if (auto inner = asn1::parse_single(*bytes, bytes->empty() ? 0 : (*bytes)[0])) {
    if (auto t2 = asn1::time_value(*inner)) out.time_info = *t2;
  }
}

// v1 TBS_Sign: {version, eseal, timeInfo, dataHash, propertyInfo, cert, signatureAlgorithm}.
// v4 TBS_Sign: {version, eseal, timeInfo, dataHash, propertyInfo, extDatas OPTIONAL}.
Status decode_tbs(const Element& e, bool v1, SesSignature& out) {
  auto f = fields::children_of(e, tag::kSequence, kTbs);
  if (!f) return f.error();
  if (v1 ? f->size() != 7 : (f->size() != 5 && f->size() != 6)) {
    return fields::malformed(kTbs, "has " + std::to_string(f->size()) + " fields");
  }
  auto version = fields::integer((*f)[0], "TBS_Sign.version");
  if (!version) return version.error();
  out.tbs_version = *version;
  auto seal = decode_seal((*f)[1].encoded);
  if (!seal) return seal.error().with_context("TBS_Sign.eseal");
  out.seal = std::move(*seal);
  if (v1) {
    decode_v1_time((*f)[2], out);
  } else {
    auto t = fields::time((*f)[2], "TBS_Sign.timeInfo");
    if (!t) return t.error();
    out.time_info = *t;
    out.time_info_text = to_string((*f)[2].content);
  }
  auto hash = fields::bit_or_octets((*f)[3], "TBS_Sign.dataHash");
  if (!hash) return hash.error();
  out.data_hash = std::move(*hash);
  auto property = fields::text((*f)[4], "TBS_Sign.propertyInfo");
  if (!property) return property.error();
  out.property_info = *property;
  if (v1) {
    auto cert = fields::octets((*f)[5], "TBS_Sign.cert");
    if (!cert) return cert.error();
    out.signer_cert = std::move(*cert);
    auto alg = fields::object_id((*f)[6], "TBS_Sign.signatureAlgorithm");
    if (!alg) return alg.error();
    out.signature_algorithm = *alg;
  } else if (f->size() == 6) {
    auto ext = fields::ext_datas((*f)[5], "TBS_Sign.extDatas");
    if (!ext) return ext.error();
    out.ext_datas = std::move(*ext);
  }
  return ok_status();
}

}  // namespace

Result<Bytes> encode_tbs_sign(const SesSeal& seal, Time signing_time, ByteView data_hash,
                              std::string_view property_info) {
  if (seal.version != SesVersion::kV4) {
    return Error::invalid_input("only v4 signatures are produced, over a v4 seal (this seal is " +
                                std::string(version_name(seal.version)) + ")");
  }
  if (data_hash.size() != 32) {
    return Error::invalid_input("the data hash must be 32 bytes of SM3, not " +
                                std::to_string(data_hash.size()));
  }
  if (auto s = fields::check_ia5(property_info, "propertyInfo"); !s) return s.error();
  return asn1::encode_sequence({asn1::encode_integer(seal.info.header_version), seal.encoded,
                                asn1::encode_generalized_time(signing_time),
                                asn1::encode_bit_string(data_hash),
                                asn1::encode(tag::kIa5String, as_bytes(property_info))});
}

Result<SesSignature> assemble_signature(ByteView tbs_der, const pki::Certificate& signer,
                                        ByteView signature, std::optional<ByteView> time_stamp) {
  auto der_signature = crypto::sm2_signature_to_der(signature);
  if (!der_signature) return der_signature.error().with_context("signer's signature");
  Bytes cert = asn1::encode(tag::kOctetString, signer.der());
  Bytes algorithm = asn1::oid::encode(asn1::oid::kSm3WithSm2);
  Bytes value = asn1::encode_bit_string(*der_signature);
  Bytes encoded;
  if (time_stamp) {
    Bytes stamp = asn1::encode(tag::context_constructed(0), asn1::encode_bit_string(*time_stamp));
    encoded = asn1::encode_sequence({tbs_der, cert, algorithm, value, stamp});
  } else {
    encoded = asn1::encode_sequence({tbs_der, cert, algorithm, value});
  }
  return decode_signature(encoded);
}

Result<SesSignature> make_signature(const SesSeal& seal, Time signing_time, ByteView data_hash,
                                    std::string_view property_info, const pki::Certificate& signer,
                                    const crypto::Sm2PrivateKey& signer_key) {
  auto tbs = encode_tbs_sign(seal, signing_time, data_hash, property_info);
  if (!tbs) return tbs.error();
  auto signature = crypto::sm2_sign(signer_key, *tbs);
  if (!signature) return signature.error();
  return assemble_signature(*tbs, signer, *signature);
}

Result<SesSignature> decode_signature(ByteView der) {
  auto outer = asn1::parse_single(der, tag::kSequence);
  if (!outer) return fields::malformed(kSignature, outer.error());
  auto f = fields::children(*outer, kSignature);
  if (!f) return f.error();
  SesSignature out;
  out.encoded.assign(der.begin(), der.end());
  const Element* value = nullptr;
  if (f->size() == 2) {
    // GM/T 0031: SES_Signature { toSign, signature }, cert and algorithm inside toSign.
    if (auto s = decode_tbs((*f)[0], true, out); !s) return s.error();
    value = &(*f)[1];
    out.version = SesVersion::kV1;
  } else if (f->size() == 4 || f->size() == 5) {
    if (auto s = decode_tbs((*f)[0], false, out); !s) return s.error();
    auto cert = fields::octets((*f)[1], "SES_Signature.cert");
    if (!cert) return cert.error();
    out.signer_cert = std::move(*cert);
    auto alg = fields::object_id((*f)[2], "SES_Signature.signatureAlgID");
    if (!alg) return alg.error();
    out.signature_algorithm = *alg;
    value = &(*f)[3];
    if (f->size() == 5) {
      if (!fields::is_time_stamp_tag((*f)[4].tag)) {
        return fields::malformed("SES_Signature.timeStamp", "unexpected tag");
      }
      auto ts = fields::time_stamp((*f)[4], "SES_Signature.timeStamp");
      if (!ts) return ts.error();
      out.time_stamp = std::move(*ts);
    }
    out.version = out.seal.info.header_version == 5 ? SesVersion::kV5 : SesVersion::kV4;
  } else {
    return fields::malformed(kSignature, "has " + std::to_string(f->size()) + " fields");
  }
  auto signature = fields::bit_or_octets(*value, "SES_Signature.signature");
  if (!signature) return signature.error();
  out.signature = std::move(*signature);
  out.signer_signed.assign((*f)[0].encoded.begin(), (*f)[0].encoded.end());
  return out;
}

}  // namespace eseal::ses
