#include "pdf/contents.h"

#include <cstring>

#include "asn1/der.h"
#include "crypto/encoding.h"
#include "pki/signed_data.h"
#include "ses/signature.h"

namespace eseal::pdf {
namespace {

// What /Contents holds between prepare and complete: SEQUENCE { IA5String marker, IA5String
// format, OCTET STRING to-be-signed, OCTET STRING signer certificate }, everything complete needs
// to build the final container once the signature arrives.
constexpr std::string_view kPendingMarker = "eseal-pending-signature";
// The longest DER SM2Signature: SEQUENCE of two 33-byte INTEGERs.
constexpr std::size_t kMaxSignatureSize = 72;

pki::CmsProfile profile_of(ContentsFormat format) {
  return format == ContentsFormat::kPkcs7 ? pki::CmsProfile::kPkcs7 : pki::CmsProfile::kGm;
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

}  // namespace

Result<ContentsFormat> parse_contents_format(std::string_view name) {
  if (name == "ses") return ContentsFormat::kSes;
  if (name == "gmcms") return ContentsFormat::kGmCms;
  if (name == "pkcs7") return ContentsFormat::kPkcs7;
  return Error::invalid_input("format \"" + std::string(name) + "\": want ses, gmcms or pkcs7");
}

std::string_view format_name(ContentsFormat format) {
  switch (format) {
    case ContentsFormat::kSes:
      return "ses";
    case ContentsFormat::kGmCms:
      return "gmcms";
    case ContentsFormat::kPkcs7:
      return "pkcs7";
  }
  return "?";
}

Result<UnsignedContents> build_unsigned_contents(ContentsFormat format, const ses::SesSeal& seal,
                                                 const pki::Certificate& signer, Time signing_time,
                                                 ByteView document_digest, std::string_view scope) {
  UnsignedContents out;
  std::size_t overhead = 0;
  if (format == ContentsFormat::kSes) {
    auto tbs = ses::encode_tbs_sign(seal, signing_time, document_digest, scope);
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
  out.container =
      asn1::encode_sequence({asn1::encode(asn1::tag::kIa5String, as_bytes(kPendingMarker)),
                             asn1::encode(asn1::tag::kIa5String, as_bytes(format_name(format))),
                             asn1::encode(asn1::tag::kOctetString, out.to_be_signed),
                             asn1::encode(asn1::tag::kOctetString, cert)});
  return out;
}

Result<Bytes> complete_contents(ByteView pending, ByteView signature) {
  auto outer = asn1::parse_single(pending, asn1::tag::kSequence);
  if (!outer) return Error::invalid_input("the document holds no prepared signature");
  asn1::Reader r(outer->content);
  auto marker = r.expect(asn1::tag::kIa5String);
  auto format_text = r.expect(asn1::tag::kIa5String);
  auto tbs = r.expect(asn1::tag::kOctetString);
  auto cert_der = r.expect(asn1::tag::kOctetString);
  if (!marker || to_string(marker->content) != kPendingMarker || !format_text || !tbs ||
      !cert_der || !r.empty()) {
    return Error::invalid_input("the document's last signature is not waiting for completion");
  }
  auto format = parse_contents_format(to_string(format_text->content));
  if (!format) return format.error();
  auto signer = pki::Certificate::from_der(cert_der->content);
  if (!signer) return signer.error();
  if (auto s = check_signature(*signer, tbs->content, signature); !s) return s.error();
  if (*format == ContentsFormat::kSes) {
    auto done = ses::assemble_signature(tbs->content, *signer, signature);
    if (!done) return done.error();
    return std::move(done->encoded);
  }
  return pki::assemble_signed_data(profile_of(*format), tbs->content, *signer, signature);
}

Result<Bytes> read_contents(ByteView pdf, const ByteRange& range) {
  std::size_t open = range[1], close = range[2];
  if (close <= open + 1 || close > pdf.size() || pdf[open] != '<' || pdf[close - 1] != '>') {
    return Error::invalid_input("/ByteRange does not frame a <hex> /Contents string");
  }
  std::string_view hex(reinterpret_cast<const char*>(pdf.data()) + open + 1, close - open - 2);
  auto bytes = crypto::from_hex(hex);
  if (!bytes) return Error::invalid_input("/Contents is not hexadecimal");
  // The DER container, without the zero padding after it.
  asn1::Reader reader(*bytes);
  auto element = reader.next();
  if (!element)
    return Error::invalid_input("/Contents holds no DER structure: " + element.error().message);
  return Bytes(element->encoded.begin(), element->encoded.end());
}

Status write_contents(Bytes& pdf, const ByteRange& range, ByteView container) {
  std::size_t capacity = (range[2] - range[1] - 2) / 2;
  if (container.size() > capacity) {
    return Error::invalid_input("the signature (" + std::to_string(container.size()) +
                                " bytes) does not fit the reserved /Contents (" +
                                std::to_string(capacity) + " bytes)");
  }
  std::string hex = crypto::to_hex(container);
  hex.append(capacity * 2 - hex.size(), '0');
  std::memcpy(pdf.data() + range[1] + 1, hex.data(), hex.size());
  return ok_status();
}

Result<FoundContents> find_last_contents(ByteView pdf) {
  std::string_view text(reinterpret_cast<const char*>(pdf.data()), pdf.size());
  std::size_t at = text.rfind("/ByteRange");
  if (at == std::string_view::npos)
    return Error::invalid_input("the PDF has no signature to complete");
  FoundContents found;
  std::size_t p = text.find('[', at);
  for (std::size_t i = 0; i < 4 && p != std::string_view::npos; ++i) {
    ++p;
    while (p < text.size() && text[p] == ' ') ++p;
    std::size_t v = 0, digits = 0;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9' && digits < 15) {
      v = v * 10 + static_cast<std::size_t>(text[p++] - '0');
      ++digits;
    }
    if (digits == 0) return Error::invalid_input("the last /ByteRange is damaged");
    found.byte_range[i] = v;
    --p;
  }
  const ByteRange& r = found.byte_range;
  if (r[0] != 0 || r[2] + r[3] != pdf.size()) {
    return Error::invalid_input(
        "the last signature does not end at the end of the file: not a prepared document");
  }
  auto container = read_contents(pdf, r);
  if (!container) return container.error();
  found.container = std::move(*container);
  return found;
}

}  // namespace eseal::pdf
