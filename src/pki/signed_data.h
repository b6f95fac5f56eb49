// SM2 SignedData: GM/T 0010-2012 / GB/T 35275-2017 §8 (the PKCS#7 SignedData with GM OIDs) and
// the same structure under the RFC 2315 / RFC 5652 OIDs, as PDF /Contents (docs/ENCODINGS.md §3)
// and OFD Type="Sign" SignedValue.dat (§4.5) carry it. Built and read on asn1/der.h because
// OpenSSL 3.0's CMS can neither sign with SM2 nor verify with the Z value.
//
// Every signature is SM3withSM2 under the standard user ID 1234567812345678 (GM/T 0009), so
// e = SM3(Z || signed bytes), as BouncyCastle, OFDRW and Chinese CAs compute it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/sm2.h"
#include "pki/certificate.h"

namespace eseal::pki {

// Which OIDs the structure is written with; the ASN.1 is the same.
enum class CmsProfile {
  // GM/T 0010: content types 1.2.156.10197.6.1.4.2.1 (data) / .2 (signedData), and
  // digestEncryptionAlgorithm 1.2.156.10197.1.301.1 (SM2-1), as OFDRW and FZZ write it and
  // Chinese OFD/PDF readers expect. BouncyCastle cannot verify it (see kPkcs7).
  kGm,
  // RFC 2315 / 5652: content types 1.2.840.113549.1.7.1 / .7.2, and digestEncryptionAlgorithm
  // 1.2.156.10197.1.501 (SM3withSM2), as BouncyCastle's CMSSignedDataGenerator and iText write
  // it. BouncyCastle 1.72 names the verifier from digest + encryption OID and has no name for
  // .301.1 ("Unknown signature type requested: SM3WITH1.2.156.10197.1.301.1"); the content-type
  // OIDs do not matter to it.
  kPkcs7,
};

// "GM/T 0010" or "PKCS#7".
std::string_view profile_name(CmsProfile profile);

// The DER SET OF Attribute (tag 0x31) a signer signs: contentType = the profile's data OID,
// signingTime (UTCTime; GeneralizedTime outside 1950..2049, as RFC 5652 §11.3 asks) and
// messageDigest = `digest` (32 bytes of SM3 over the protected bytes), in DER order.
Result<Bytes> encode_signed_attributes(CmsProfile profile, ByteView digest, Time signing_time);

// Completes ContentInfo{signedData, SignedData{version 1, digestAlgorithms {sm3}, contentInfo
// {data} with no content (detached), certificates [0] IMPLICIT {signer, then `chain` in order},
// signerInfos {SignerInfo{version 1, issuerAndSerialNumber, sm3, [0] IMPLICIT the signed
// attributes, digestEncryptionAlgorithm (see CmsProfile), encryptedDigest}}}}.
// `signed_attributes_der` is encode_signed_attributes' output (re-tagged 0xA0 inside, never
// re-encoded); `signature` is SM3withSM2 over exactly those bytes, DER SM2Signature or raw
// r||s (64 bytes), from any signer (a local key, a device given sm2_signing_digest's value).
// The certificates keep the signer first rather than in DER SET order: parsers that take the
// first certificate as the signer exist, and the order means nothing to the others.
// `time_stamp`, a DER time-stamp token over the signature value, goes into the SignerInfo's
// unsignedAttrs as id-aa-timeStampToken (RFC 3161 appendix A).
Result<Bytes> assemble_signed_data(CmsProfile profile, ByteView signed_attributes_der,
                                   const Certificate& signer, ByteView signature,
                                   std::span<const Certificate> chain = {},
                                   std::optional<ByteView> time_stamp = std::nullopt);

// Attribute ::= SEQUENCE { type, SET { value } }, `value` one DER element.
Bytes encode_attribute(std::string_view type, ByteView value);
// The DER SET OF `attributes` (encode_attribute's), sorted as X.690 §11.6 asks: what a signer
// signs.
Bytes encode_attribute_set(std::vector<Bytes> attributes);

// A SignedData whose encapsulated content is of another type than data (an RFC 3161 TSTInfo),
// in the RFC 5652 form: outer id-signedData, version 3, eContentType `content_type` with the
// content attached, SignerInfo with `signed_attributes` (encode_attribute_set's output), SM3 and
// SM3withSM2 (.501). `signature` is over the signed attributes: SM3withSM2 with Z (standard
// ID), or with `z` false over SM3(signed attributes) alone (the form OpenSSL 3.0 verifies); it
// is checked against the signer's key before anything is returned. The certificates (signer,
// then `chain`) are included only `with_certificates`.
struct EncapsulatedSignedData {
  std::string_view content_type;
  ByteView content;
  ByteView signed_attributes;
  const Certificate& signer;
  ByteView signature;
  std::span<const Certificate> chain = {};
  bool with_certificates = true;
  bool z = true;
};
Result<Bytes> assemble_encapsulated(const EncapsulatedSignedData& parts);

// One call with a local key: encode_signed_attributes, sm2_sign, assemble_signed_data.
// This is also the OFD "PKCS#9 form" (OFDRW GBT35275PKCS9DSContainer, the form Suwell readers
// verify; docs/ENCODINGS.md §1.6) that issue 5's licence lock signature asks for: use kGm with
// `digest` = SM3 of the raw Signature.xml bytes.
Result<Bytes> sign_detached(CmsProfile profile, ByteView digest, Time signing_time,
                            const Certificate& signer, const crypto::Sm2PrivateKey& key,
                            std::span<const Certificate> chain = {});

// The GB/T 35275 form without signed attributes (OFDRW GBT35275DSContainer, the "attached
// digest" form of docs/ENCODINGS.md §1.6): the content octets are embedded in contentInfo as
// [0] EXPLICIT OCTET STRING and SM3withSM2 covers them directly. For OFD, `content` is the
// 32-byte SM3 digest of Signature.xml. It is NOT the "PKCS#9 form" (see sign_detached).
// `signature` is over `content` itself, DER or raw r||s.
Result<Bytes> assemble_signed_data_without_attributes(CmsProfile profile, ByteView content,
                                                      const Certificate& signer, ByteView signature,
                                                      std::span<const Certificate> chain = {});
// One call with a local key: sm2_sign over `content`, then the above.
Result<Bytes> sign_without_attributes(CmsProfile profile, ByteView content,
                                      const Certificate& signer, const crypto::Sm2PrivateKey& key,
                                      std::span<const Certificate> chain = {});

// A parsed SignedData with exactly one signer. Views nothing: every field is a copy.
struct SignedData {
  CmsProfile profile = CmsProfile::kGm;  // from the outer contentType OID
  std::string content_type;              // encapsulated contentInfo.contentType, dotted
  std::vector<Certificate> certificates;
  // The SignerInfo's sid as text ("issuer C=CN,…,CN=…, serial 0A1B…", the serial as
  // Certificate::serial_hex writes it; or "subjectKeyIdentifier …"), and the certificate it
  // names among `certificates`: issuerAndSerialNumber compared byte for byte, a version 3
  // subjectKeyIdentifier with the certificate's extension.
  std::string signer_id;
  std::optional<Certificate> signer;
  std::string digest_algorithm;        // dotted OID
  std::string signature_algorithm;     // dotted OID (digestEncryptionAlgorithm)
  bool has_signed_attributes = false;  // the SignerInfo carries [0] signed attributes
  std::optional<std::string> content_type_attribute;  // signed contentType, dotted
  std::optional<Bytes> message_digest;                // signed messageDigest
  std::optional<Time> signing_time;                   // signed signingTime
  // The other signed attributes (signingCertificateV2, …): the type OID and the DER SET OF
  // AttributeValue, covered by the signature.
  std::vector<std::pair<std::string, Bytes>> other_signed_attributes;
  std::optional<Bytes> content;  // encapsulated content, if any
  // What the signature covers, exactly: with signed attributes the [0] element as found with
  // its first byte set to 0x31 (never re-encoded); without them the content octets (empty
  // when the content is detached too, which verify_signed_data refuses).
  Bytes signed_bytes;
  Bytes signature;  // encryptedDigest as found (DER SM2Signature; raw r||s is tolerated)
  // [1] unsigned attributes, kept for callers (time stamps, vendor seal pictures): the type
  // OID and the DER SET OF AttributeValue.
  std::vector<std::pair<std::string, Bytes>> unsigned_attributes;
};

// Parses either profile from DER. Lenient in: the outer ContentInfo missing (a bare SignedData,
// as older OFDRW wrote it; the profile is then told from the inner content type), content and
// signed-attribute types from either profile, signature algorithm .301.1, .501 or .301,
// AlgorithmIdentifier parameters absent or NULL, signingTime as UTCTime or GeneralizedTime,
// certificates in any order, CRLs (skipped), trailing zero bytes after the DER (the padding of
// a PDF /Contents string). Errors (kInvalidInput) name the field:
// BER indefinite lengths, more than one signer (naming the count), none, duplicate signed
// attributes, trailing bytes other than zeros.
Result<SignedData> parse_signed_data(ByteView der);

// Checks, in order: the signer certificate is present; the digest algorithm is SM3; the
// signature algorithm is SM2 (.301.1, .501 or .301); with signed attributes, messageDigest is
// present and any contentType attribute equals the encapsulated content type; the signer's
// SM2 signature (standard ID) over signed_bytes verifies; with signed attributes and
// encapsulated content, messageDigest is the SM3 of that content; and when `expected_digest` is
// given (32 bytes of SM3 over the protected data), that the signature commits to it:
//   - with signed attributes: messageDigest == expected_digest;
//   - without them, the content is what was signed, and it matches when it is the digest
//     itself (OFDRW's attached-digest form), the base64 text of it (OFDRW's compatibility
//     switch), or data whose SM3 is expected_digest (a generic attached SignedData). Each of
//     these commits the signer to the same protected bytes, so accepting all three is safe.
// Returns kVerificationFailed with the reason, e.g. "messageDigest does not match".
Status verify_signed_data(const SignedData& sd, std::optional<ByteView> expected_digest);

}  // namespace eseal::pki
