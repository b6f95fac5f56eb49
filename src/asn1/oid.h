// Object identifiers: the one table of OIDs eseal emits and recognizes (GM/T 0006 and
// GB/T 33560 for the SM algorithms, docs/ENCODINGS.md §1.5), and conversion between the dotted
// text form and DER content bytes (X.690 §8.19).
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::asn1::oid {

inline constexpr std::string_view kSm2 = "1.2.156.10197.1.301";
inline constexpr std::string_view kSm2Sign = "1.2.156.10197.1.301.1";
inline constexpr std::string_view kSm3 = "1.2.156.10197.1.401";
inline constexpr std::string_view kSm3WithSm2 = "1.2.156.10197.1.501";

// Content types: GM/T 0010 / GB/T 35275 (docs/ENCODINGS.md §1.6) and PKCS#7 (RFC 2315 /
// RFC 5652), and the PKCS#9 signed attributes both reuse (RFC 2985).
inline constexpr std::string_view kGmData = "1.2.156.10197.6.1.4.2.1";
inline constexpr std::string_view kGmSignedData = "1.2.156.10197.6.1.4.2.2";
inline constexpr std::string_view kPkcs7Data = "1.2.840.113549.1.7.1";
inline constexpr std::string_view kPkcs7SignedData = "1.2.840.113549.1.7.2";
inline constexpr std::string_view kPkcs9ContentType = "1.2.840.113549.1.9.3";
inline constexpr std::string_view kPkcs9MessageDigest = "1.2.840.113549.1.9.4";
inline constexpr std::string_view kPkcs9SigningTime = "1.2.840.113549.1.9.5";
// RFC 3161 id-aa-timeStampToken, the unsigned attribute a time stamp rides in.
inline constexpr std::string_view kTimeStampToken = "1.2.840.113549.1.9.16.2.14";
// RFC 3161 / RFC 5816 time stamps: the TSTInfo content type, the ESS signing-certificate
// attributes (v1 with SHA-1, v2 with any hash), the timeStamping key purpose, and the other
// hashes a message imprint may use.
inline constexpr std::string_view kTstInfo = "1.2.840.113549.1.9.16.1.4";
inline constexpr std::string_view kSigningCertificate = "1.2.840.113549.1.9.16.2.12";
inline constexpr std::string_view kSigningCertificateV2 = "1.2.840.113549.1.9.16.2.47";
inline constexpr std::string_view kTimeStamping = "1.3.6.1.5.5.7.3.8";
inline constexpr std::string_view kSha256 = "2.16.840.1.101.3.4.2.1";
inline constexpr std::string_view kSha1 = "1.3.14.3.2.26";
inline constexpr std::string_view kEcPublicKey = "1.2.840.10045.2.1";

// DER content bytes (without tag and length) of a dotted OID. Fails on fewer than two arcs,
// a first arc above 2, a second arc above 39 under arcs 0 and 1, or an arc that is not a number.
Result<Bytes> encode_content(std::string_view dotted);
// The complete DER element (tag 06) of a dotted OID known to be valid, such as the constants
// above.
Bytes encode(std::string_view dotted);
// The dotted form of DER content bytes; fails on empty content, a truncated or non-minimal arc,
// or an arc beyond 64 bits.
Result<std::string> decode_content(ByteView content);

// A short human name for the OIDs above ("SM3withSM2", ...), or the dotted form itself.
std::string describe(std::string_view dotted);

}  // namespace eseal::asn1::oid
