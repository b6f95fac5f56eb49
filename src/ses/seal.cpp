#include "ses/seal.h"

#include <algorithm>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "crypto/digest.h"
#include "ses/fields.h"

namespace eseal::ses {
namespace {

using asn1::Element;
namespace tag = asn1::tag;

// Field paths in error messages, in the standard's words.
constexpr std::string_view kSeal = "SES_Seal";
constexpr std::string_view kInfo = "SES_Seal.eSealInfo";
constexpr std::string_view kHeader = "SES_Seal.eSealInfo.header";
constexpr std::string_view kProperty = "SES_Seal.eSealInfo.property";
constexpr std::string_view kCertList = "SES_Seal.eSealInfo.property.certList";
constexpr std::string_view kPicture = "SES_Seal.eSealInfo.picture";

Status decode_header(const Element& e, SealInfo& info) {
  auto f = fields::children_of(e, tag::kSequence, kHeader);
  if (!f) return f.error();
  if (f->size() != 3) {
    return fields::malformed(kHeader, "has " + std::to_string(f->size()) + " fields, not 3");
  }
  auto id = fields::text((*f)[0], "SES_Header.id");
  if (!id) return id.error();
  auto version = fields::integer((*f)[1], "SES_Header.version");
  if (!version) return version.error();
  auto vid = fields::text((*f)[2], "SES_Header.vid");
  if (!vid) return vid.error();
  info.header_id = *id;
  info.header_version = *version;
  info.vid = *vid;
  return ok_status();
}

// certList: SEQUENCE OF OCTET STRING (certificates) or SEQUENCE OF CertDigestObj, told apart by
// certListType (v4) or always certificates (v1).
Status decode_cert_list(const Element& e, SealInfo& info) {
  auto items = fields::children_of(e, tag::kSequence, kCertList);
  if (!items) return items.error();
  for (const Element& item : *items) {
    if (info.cert_list_type == 2) {
      auto parts = fields::children_of(item, tag::kSequence, "CertDigestObj");
      if (!parts) return parts.error();
      if (parts->size() != 2) return fields::malformed("CertDigestObj", "needs 2 fields");
      auto type = fields::text((*parts)[0], "CertDigestObj.type");
      if (!type) return type.error();
      auto value = fields::octets((*parts)[1], "CertDigestObj.value");
      if (!value) return value.error();
      info.signer_cert_digests.push_back({*type, std::move(*value)});
    } else {
      auto cert = fields::octets(item, kCertList);
      if (!cert) return cert.error();
      info.signer_certs.push_back(std::move(*cert));
    }
  }
  return ok_status();
}

// v4: {type, name, certListType, certList, createDate, validStart, validEnd};
// v1: the same without certListType. Told apart by the field count, not the header version.
Status decode_property(const Element& e, SealInfo& info) {
  auto f = fields::children_of(e, tag::kSequence, kProperty);
  if (!f) return f.error();
  if (f->size() != 6 && f->size() != 7) {
    return fields::malformed(kProperty, "has " + std::to_string(f->size()) + " fields");
  }
  bool with_list_type = f->size() == 7;
  auto type = fields::integer((*f)[0], "SES_ESPropertyInfo.type");
  if (!type) return type.error();
  auto name = fields::text((*f)[1], "SES_ESPropertyInfo.name");
  if (!name) return name.error();
  info.type = *type;
  info.name = *name;
  info.cert_list_type = 1;
  if (with_list_type) {
    auto list_type = fields::integer((*f)[2], "SES_ESPropertyInfo.certListType");
    if (!list_type) return list_type.error();
    if (*list_type != 1 && *list_type != 2) {
      return fields::malformed("SES_ESPropertyInfo.certListType",
                               "is " + std::to_string(*list_type) + ", not 1 or 2");
    }
    info.cert_list_type = *list_type;
  }
  std::size_t at = with_list_type ? 3 : 2;
  if (auto s = decode_cert_list((*f)[at], info); !s) return s;
  auto created = fields::time((*f)[at + 1], "SES_ESPropertyInfo.createDate");
  if (!created) return created.error();
  auto start = fields::time((*f)[at + 2], "SES_ESPropertyInfo.validStart");
  if (!start) return start.error();
  auto end = fields::time((*f)[at + 3], "SES_ESPropertyInfo.validEnd");
  if (!end) return end.error();
  info.create_date = *created;
  info.valid_start = *start;
  info.valid_end = *end;
  return ok_status();
}

Status decode_picture(const Element& e, SealPicture& picture) {
  auto f = fields::children_of(e, tag::kSequence, kPicture);
  if (!f) return f.error();
  if (f->size() != 4) {
    return fields::malformed(kPicture, "has " + std::to_string(f->size()) + " fields, not 4");
  }
  auto type = fields::text((*f)[0], "SES_ESPictrueInfo.type");
  if (!type) return type.error();
  auto data = fields::octets((*f)[1], "SES_ESPictrueInfo.data");
  if (!data) return data.error();
  auto width = fields::integer((*f)[2], "SES_ESPictrueInfo.width");
  if (!width) return width.error();
  auto height = fields::integer((*f)[3], "SES_ESPictrueInfo.height");
  if (!height) return height.error();
  picture = {*type, std::move(*data), *width, *height};
  return ok_status();
}

Result<SealInfo> decode_info(const Element& e) {
  auto f = fields::children_of(e, tag::kSequence, kInfo);
  if (!f) return f.error();
  if (f->size() != 4 && f->size() != 5) {
    return fields::malformed(kInfo, "has " + std::to_string(f->size()) + " fields, not 4 or 5");
  }
  SealInfo info;
  if (auto s = decode_header((*f)[0], info); !s) return s.error();
  auto es_id = fields::text((*f)[1], "SES_SealInfo.esID");
  if (!es_id) return es_id.error();
  info.es_id = *es_id;
  if (auto s = decode_property((*f)[2], info); !s) return s.error();
  if (auto s = decode_picture((*f)[3], info.picture); !s) return s.error();
  if (f->size() == 5) {
    auto ext = fields::ext_datas((*f)[4], "SES_SealInfo.extDatas");
    if (!ext) return ext.error();
    info.ext_datas = std::move(*ext);
  }
  return info;
}

Status check_producible(const SealInfo& info) {
  if (info.header_version != kHeaderVersion4 || info.header_id != kHeaderId) {
    return Error::invalid_input("only GB/T 38540 v4 seals (header \"ES\", version 4) are produced");
  }
  for (auto [value, field] : {std::pair{std::string_view(info.vid), "vendor ID (vid)"},
                              std::pair{std::string_view(info.es_id), "seal ID (esID)"},
                              std::pair{std::string_view(info.picture.type), "picture type"}}) {
    if (auto s = fields::check_ia5(value, field); !s) return s;
  }
  if (info.name.empty()) return Error::invalid_input("seal name is empty");
  if (info.cert_list_type != 1 || info.signer_certs.empty()) {
    return Error::invalid_input(
        "a seal lists at least one signer certificate (certListType 1 is produced)");
  }
  for (const Bytes& cert : info.signer_certs) {
    if (auto c = pki::Certificate::from_der(cert); !c) {
      return c.error().with_context("signer certificate");
    }
  }
  if (info.picture.data.empty()) return Error::invalid_input("the seal has no picture");
  if (info.picture.width_mm <= 0 || info.picture.height_mm <= 0) {
    return Error::invalid_input("the picture's display size must be positive millimetres");
  }
  if (info.valid_start > info.valid_end) {
    return Error::invalid_input("the seal's validity ends before it starts");
  }
  for (const ExtData& ext : info.ext_datas) {
    if (auto id = asn1::oid::encode_content(ext.id); !id) return id.error();
  }
  return ok_status();
}

}  // namespace

std::string_view version_name(SesVersion v) {
  switch (v) {
    case SesVersion::kV1:
      return "v1";
    case SesVersion::kV4:
      return "v4";
    case SesVersion::kV5:
      return "v5";
  }
  return "?";
}

Result<Bytes> encode_seal_info(const SealInfo& info) {
  if (auto s = check_producible(info); !s) return s.error();
  std::vector<Bytes> certs;
  for (const Bytes& cert : info.signer_certs)
    certs.push_back(asn1::encode(tag::kOctetString, cert));
  Bytes header = asn1::encode_sequence({asn1::encode(tag::kIa5String, as_bytes(info.header_id)),
                                        asn1::encode_integer(info.header_version),
                                        asn1::encode(tag::kIa5String, as_bytes(info.vid))});
  Bytes property = asn1::encode_sequence(
      {asn1::encode_integer(info.type), asn1::encode(tag::kUtf8String, as_bytes(info.name)),
       asn1::encode_integer(info.cert_list_type), asn1::encode_sequence_of(certs),
       asn1::encode_generalized_time(info.create_date),
       asn1::encode_generalized_time(info.valid_start),
       asn1::encode_generalized_time(info.valid_end)});
  Bytes picture = asn1::encode_sequence({asn1::encode(tag::kIa5String, as_bytes(info.picture.type)),
                                         asn1::encode(tag::kOctetString, info.picture.data),
                                         asn1::encode_integer(info.picture.width_mm),
                                         asn1::encode_integer(info.picture.height_mm)});
  std::vector<Bytes> parts{header, asn1::encode(tag::kIa5String, as_bytes(info.es_id)), property,
                           picture};
  if (!info.ext_datas.empty()) parts.push_back(fields::encode_ext_datas(info.ext_datas));
  return asn1::encode_sequence_of(parts);
}

Result<SesSeal> assemble_seal(ByteView seal_info_der, const pki::Certificate& maker,
                              ByteView signature) {
  auto der_signature = crypto::sm2_signature_to_der(signature);
  if (!der_signature) return der_signature.error().with_context("seal maker's signature");
  Bytes seal = asn1::encode_sequence({seal_info_der, asn1::encode(tag::kOctetString, maker.der()),
                                      asn1::oid::encode(asn1::oid::kSm3WithSm2),
                                      asn1::encode_bit_string(*der_signature)});
  return decode_seal(seal);
}

Result<SesSeal> make_seal(const SealInfo& info, const pki::Certificate& maker,
                          const crypto::Sm2PrivateKey& maker_key) {
  auto info_der = encode_seal_info(info);
  if (!info_der) return info_der.error();
  auto signature = crypto::sm2_sign(maker_key, *info_der);
  if (!signature) return signature.error();
  return assemble_seal(*info_der, maker, *signature);
}

Result<SesSeal> decode_seal(ByteView der) {
  auto outer = asn1::parse_single(der, tag::kSequence);
  if (!outer) return fields::malformed(kSeal, outer.error());
  auto f = fields::children(*outer, kSeal);
  if (!f) return f.error();
  SesSeal seal;
  seal.encoded.assign(der.begin(), der.end());
  const Element* cert = nullptr;
  const Element* algorithm = nullptr;
  const Element* signature = nullptr;
  std::vector<Element> sign_info;
  if (f->size() == 2) {
    // GM/T 0031: SESeal { esealInfo, signInfo { cert, signatureAlgorithm, signData } }.
    seal.version = SesVersion::kV1;
    auto parts = fields::children_of((*f)[1], tag::kSequence, "SES_Seal.signInfo");
    if (!parts) return parts.error();
    sign_info = std::move(*parts);
    if (sign_info.size() != 3) return fields::malformed("SES_Seal.signInfo", "needs 3 fields");
    cert = &sign_info[0];
    algorithm = &sign_info[1];
    signature = &sign_info[2];
    // The maker signs SEQUENCE { esealInfo, cert, signatureAlgorithm }, which the file does
    // not contain: rebuild it from the three elements' exact bytes.
    seal.maker_signed = asn1::encode_sequence({(*f)[0].encoded, cert->encoded, algorithm->encoded});
  } else if (f->size() == 4 || f->size() == 5) {
    cert = &(*f)[1];
    algorithm = &(*f)[2];
    signature = &(*f)[3];
    seal.maker_signed.assign((*f)[0].encoded.begin(), (*f)[0].encoded.end());
    if (f->size() == 5) {
      auto ts = fields::time_stamp((*f)[4], "SES_Seal.timeStamp");
      if (!ts) return ts.error();
      seal.time_stamp = std::move(*ts);
    }
  } else {
    return fields::malformed(kSeal, "has " + std::to_string(f->size()) + " fields");
  }
  auto info = decode_info((*f)[0]);
  if (!info) return info.error();
  seal.info = std::move(*info);
  if (seal.version != SesVersion::kV1) {
    seal.version =
        seal.info.header_version == 5 || seal.time_stamp ? SesVersion::kV5 : SesVersion::kV4;
  }
  auto maker_cert = fields::octets(*cert, "SES_Seal.cert");
  if (!maker_cert) return maker_cert.error();
  seal.maker_cert = std::move(*maker_cert);
  auto alg = fields::object_id(*algorithm, "SES_Seal.signAlgID");
  if (!alg) return alg.error();
  seal.signature_algorithm = *alg;
  auto value = fields::bit_or_octets(*signature, "SES_Seal.signedValue");
  if (!value) return value.error();
  seal.maker_signature = std::move(*value);
  return seal;
}

std::optional<std::string> signer_listing(const SealInfo& info, ByteView der) {
  if (info.cert_list_type != 2) {
    for (const Bytes& listed : info.signer_certs) {
      if (std::ranges::equal(listed, der)) return "certificate";
    }
    return std::nullopt;
  }
  for (auto [algorithm, label] : {std::pair{crypto::HashAlgorithm::kSm3, "SM3 digest"},
                                  std::pair{crypto::HashAlgorithm::kSha256, "SHA-256 digest"},
                                  std::pair{crypto::HashAlgorithm::kSha1, "SHA-1 digest"}}) {
    Bytes digest = crypto::hash(algorithm, der);
    for (const CertDigest& listed : info.signer_cert_digests) {
      if (listed.value == digest) return label;
    }
  }
  return std::nullopt;
}

Status check_signer_listed(const SesSeal& seal, const pki::Certificate& signer) {
  const SealInfo& info = seal.info;
  if (signer_listing(info, signer.der())) return ok_status();
  return Error::invalid_input("seal " + info.es_id + " (" + info.name +
                              ") does not list the signer's certificate (" +
                              signer.subject().to_string() + ") among those who may sign with it");
}

}  // namespace eseal::ses
