// Electronic seals (印章): GB/T 38540-2020 §7.1 SES_Seal (v4) — build, encode, decode — and
// read support for GM/T 0031-2014 SESeal (v1) and the "v5" variant (header version 5 with a
// time stamp in the seal). Layouts and the real-world deviations accepted on input are in
// docs/ENCODINGS.md §2. Verification is in ses/verify.h.
//
// Decoding keeps the exact bytes every signature covers; nothing is re-encoded before it is
// verified. Producing always makes v4 with certListType 1 and ExtData.critical written out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/sm2.h"
#include "pki/certificate.h"

namespace eseal::ses {

// The structure family, told apart by shape first (docs/ENCODINGS.md §2.3): v1 seals have two
// fields, v4 and v5 four or five, v5 has header version 5.
enum class SesVersion { kV1, kV4, kV5 };
std::string_view version_name(SesVersion v);  // "v1", "v4", "v5"

inline constexpr std::int64_t kHeaderVersion4 = 4;
inline constexpr std::string_view kHeaderId = "ES";
inline constexpr std::string_view kDefaultVendorId = "ESEAL";

// ExtData ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
struct ExtData {
  std::string id;  // dotted OID
  bool critical = false;
  Bytes value;
};

// CertDigestObj (certListType 2): a digest of a signer certificate under a free-form type label.
struct CertDigest {
  std::string type;
  Bytes value;
};

// SES_ESPictrueInfo: the seal's picture and its display size.
struct SealPicture {
  std::string type;  // "PNG", "JPG", "GIF", "BMP", "SVG", or "ofd" (a zipped OFD vector seal)
  Bytes data;
  std::int64_t width_mm = 0;
  std::int64_t height_mm = 0;
};

// SES_SealInfo: everything the seal maker (制章者) signs.
struct SealInfo {
  std::int64_t header_version = kHeaderVersion4;
  std::string header_id = std::string(kHeaderId);
  std::string vid = std::string(kDefaultVendorId);  // vendor ID, IA5String
  std::string es_id;                                // unique seal ID, IA5String
  std::int64_t type = 0;                            // seal type code, see ses/seal_type.h
  std::string name;                                 // UTF-8
  std::int64_t cert_list_type = 1;                  // 1: signer_certs, 2: signer_cert_digests
  std::vector<Bytes> signer_certs;                  // DER X.509 of the signers (签章者)
  std::vector<CertDigest> signer_cert_digests;
  Time create_date{};
  Time valid_start{};
  Time valid_end{};
  SealPicture picture;
  std::vector<ExtData> ext_datas;
};

// A decoded seal of any version.
struct SesSeal {
  SesVersion version = SesVersion::kV4;
  SealInfo info;
  Bytes maker_cert;                 // DER X.509 of the seal maker
  std::string signature_algorithm;  // dotted OID, 1.2.156.10197.1.501 for SM3withSM2
  Bytes maker_signature;            // as found: GM/T 0009 DER SM2Signature in conforming seals
  std::optional<Bytes> time_stamp;  // v5 only
  Bytes encoded;                    // the whole seal, exactly as found
  Bytes maker_signed;               // exactly the bytes the maker's signature covers
};

// DER of a v4 SES_SealInfo: the bytes the seal maker signs. Checks what a conforming seal needs
// (header "ES"/4, IA5 texts, a name, certListType 1 with at least one certificate, a picture
// with a positive size, validStart <= validEnd) and fails with kInvalidInput otherwise.
Result<Bytes> encode_seal_info(const SealInfo& info);

// Completes a seal from the DER of its SES_SealInfo, the maker's certificate and the maker's
// SM3withSM2 signature over that DER (DER SM2Signature or raw r||s; stored as DER). The second
// half of two-phase seal making: the maker key may live anywhere.
Result<SesSeal> assemble_seal(ByteView seal_info_der, const pki::Certificate& maker,
                              ByteView signature);

// Encodes `info`, signs it with the maker's key and assembles the seal.
Result<SesSeal> make_seal(const SealInfo& info, const pki::Certificate& maker,
                          const crypto::Sm2PrivateKey& maker_key);

// Decodes a seal of any version. Malformed input is kInvalidInput naming the field.
Result<SesSeal> decode_seal(ByteView der);

// How the seal lists the signer certificate `der`: among its certificates (certListType 1:
// "certificate") or by digest (certListType 2: "SM3 digest", "SHA-256 digest" or "SHA-1
// digest", as the digest algorithm is not pinned down, docs/ENCODINGS.md §2.4(6)); nullopt when
// it does not. The one rule that signing, registration and signer-in-seal share.
std::optional<std::string> signer_listing(const SealInfo& info, ByteView der);

// kInvalidInput naming the seal and the signer unless signer_listing finds `signer`: a
// signature made anyway would fail signer-in-seal.
Status check_signer_listed(const SesSeal& seal, const pki::Certificate& signer);

}  // namespace eseal::ses
