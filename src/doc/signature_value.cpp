#include "doc/signature_value.h"

#include "asn1/der.h"
#include "crypto/sm2.h"
#include "pki/signed_data.h"
#include "ses/signature.h"

namespace eseal::doc {
namespace {

// The pending record: SEQUENCE { IA5String marker, IA5String format, OCTET STRING to-be-signed,
// OCTET STRING signer certificate }, everything complete needs to build the finished value once
// the signature arrives.
constexpr std::string_view kPendingMarker = "eseal-pending-signature";
// The longest DER SM2Signature: SEQUENCE of two 33-byte INTEGERs.
constexpr std::size_t kMaxSignatureSize = 72;

pki::CmsProfile profile_of(SignatureFormat format) {
  return format == SignatureFormat::kPkcs7 ? pki::CmsProfile::kPkcs7 : pki::CmsProfile::kGm;
}

Status check_signature(const pki::Certificate& signer, ByteView to_be_signed, ByteView signature) {
  auto key = signer.public_key();
  if (!key) return key.error();
  auto status = crypto::sm2_verify(*key, to_be_signed, signature);
  if (!status) {
    return status.error().with_context("the signature does not verify with " +
                                       signer.subject().to_string());
  }
  return ok_status();
}

struct PendingRecord {
  ByteView format, to_be_signed, certificate;
};

std::optional<PendingRecord> parse_pending(ByteView value) {
  auto outer = asn1::parse_single(value, asn1::tag::kSequence);
  if (!outer) return std::nullopt;
  asn1::Reader r(outer->content);
  auto marker = r.expect(asn1::tag::kIa5String);
  auto format = r.expect(asn1::tag::kIa5String);
  auto tbs = r.expect(asn1::tag::kOctetString);
  auto cert = r.expect(asn1::tag::kOctetString);
  if (!marker || to_string(marker->content) != kPendingMarker || !format || !tbs || !cert ||
      !r.empty()) {
    return std::nullopt;
  }
  return PendingRecord{format->content, tbs->content, cert->content};
}

}  // namespace

Result<SignatureFormat> parse_signature_format(std::string_view name) {
  if (name == "ses") return SignatureFormat::kSes;
  if (name == "gmcms") return SignatureFormat::kGmCms;
  if (name == "pkcs7") return SignatureFormat::kPkcs7;
  return Error::invalid_input("format \"" + std::string(name) + "\": want ses, gmcms or pkcs7");
}

std::string_view format_name(SignatureFormat format) {
  switch (format) {
    case SignatureFormat::kSes:
      return "ses";
    case SignatureFormat::kGmCms:
      return "gmcms";
    case SignatureFormat::kPkcs7:
      return "pkcs7";
  }
  return "?";
}

Result<UnsignedValue> build_unsigned_value(SignatureFormat format, const ses::SesSeal* seal,
                                           const pki::Certificate& signer, Time signing_time,
                                           ByteView document_digest, std::string_view scope) {
  UnsignedValue out;
  std::size_t overhead = 0;
  if (format == SignatureFormat::kSes) {
    if (seal == nullptr) return Error::invalid_input("an SES signature needs a seal");
    auto tbs = ses::encode_tbs_sign(*seal, signing_time, document_digest, scope);
    if (!tbs) return tbs.error();
    out.to_be_signed = std::move(*tbs);
    overhead = 64;  // cert OCTET STRING header, algorithm, BIT STRING, outer SEQUENCE
  } else {
    auto attributes =
        pki::encode_signed_attributes(profile_of(format), document_digest, signing_time);
    if (!attributes) return attributes.error();
    out.to_be_signed = std::move(*attributes);
    overhead = 512;  // ContentInfo, SignedData and SignerInfo framing, issuer and serial
  }
  Bytes cert = signer.der();
  out.final_size = out.to_be_signed.size() + cert.size() + overhead + kMaxSignatureSize;
  out.pending =
      asn1::encode_sequence({asn1::encode(asn1::tag::kIa5String, as_bytes(kPendingMarker)),
                             asn1::encode(asn1::tag::kIa5String, as_bytes(format_name(format))),
                             asn1::encode(asn1::tag::kOctetString, out.to_be_signed),
                             asn1::encode(asn1::tag::kOctetString, cert)});
  return out;
}

bool is_pending(ByteView value) {
  return parse_pending(value).has_value();
}

Result<Bytes> complete_value(ByteView pending, ByteView signature,
                             const TimeStamper& time_stamper) {
  auto record = parse_pending(pending);
  if (!record)
    return Error::invalid_input("the document's last signature is not waiting for completion");
  auto format = parse_signature_format(to_string(record->format));
  if (!format) return format.error();
  auto signer = pki::Certificate::from_der(record->certificate);
  if (!signer) return signer.error();
  if (auto s = check_signature(*signer, record->to_be_signed, signature); !s) return s.error();
  std::optional<Bytes> token;
  if (time_stamper) {
    auto der = crypto::sm2_signature_to_der(signature);
    if (!der) return der.error();
    auto stamped = time_stamper(*der);
    if (!stamped) return stamped.error().with_context("time stamp");
    token = std::move(*stamped);
  }
  auto token_view = token ? std::optional<ByteView>(*token) : std::nullopt;
  if (*format == SignatureFormat::kSes) {
    auto done = ses::assemble_signature(record->to_be_signed, *signer, signature, token_view);
    if (!done) return done.error();
    return std::move(done->encoded);
  }
  return pki::assemble_signed_data(profile_of(*format), record->to_be_signed, *signer, signature,
                                   {}, token_view);
}

}  // namespace eseal::doc
