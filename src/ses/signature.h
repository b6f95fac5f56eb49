// Electronic seal signatures (签章): GB/T 38540-2020 §7.2 SES_Signature (v4) — build, encode,
// decode — and read support for GM/T 0031-2014 (v1) and "v5" signatures. The signer signs the
// DER of TBS_Sign, which embeds the complete seal; the optional time stamp covers the signature
// value. Verification is in ses/verify.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "ses/seal.h"

namespace eseal::ses {

struct SesSignature {
  SesVersion version = SesVersion::kV4;
  std::int64_t tbs_version = 0;
  SesSeal seal;                     // the embedded seal; seal.encoded is its exact bytes
  std::optional<Time> time_info;    // signing time; v1 may carry text that is not a time
  std::string time_info_text;       // v1: the timeInfo text as found
  Bytes data_hash;                  // SM3 of the protected data
  std::string property_info;        // the protected scope (OFD: path of Signature.xml)
  std::vector<ExtData> ext_datas;   // TBS_Sign.extDatas
  Bytes signer_cert;                // DER X.509 of the signer
  std::string signature_algorithm;  // dotted OID
  Bytes signature;                  // as found: DER SM2Signature in conforming signatures
  std::optional<Bytes> time_stamp;  // DER time-stamp token over the signature value
  Bytes encoded;                    // the whole signature, exactly as found
  Bytes signer_signed;              // exactly the bytes the signer's signature covers (TBS_Sign)
};

// DER of a v4 TBS_Sign over `seal` (embedded byte for byte), the signing time, the 32-byte
// `data_hash` and the IA5 `property_info`. This is what the signer signs: with a local key
// through make_signature, or elsewhere (a device, a phone) from
// crypto::sm2_signing_digest(signer key, tbs).
Result<Bytes> encode_tbs_sign(const SesSeal& seal, Time signing_time, ByteView data_hash,
                              std::string_view property_info);

// Completes a signature from TBS_Sign, the signer's certificate, the signer's signature over
// the TBS_Sign DER (DER or raw r||s; stored as DER) and an optional DER time-stamp token,
// written as [0] EXPLICIT BIT STRING.
Result<SesSignature> assemble_signature(ByteView tbs_der, const pki::Certificate& signer,
                                        ByteView signature,
                                        std::optional<ByteView> time_stamp = std::nullopt);

// encode_tbs_sign, then SM3withSM2 with `signer_key`, then assemble_signature.
Result<SesSignature> make_signature(const SesSeal& seal, Time signing_time, ByteView data_hash,
                                    std::string_view property_info, const pki::Certificate& signer,
                                    const crypto::Sm2PrivateKey& signer_key);

// Decodes a signature of any version. Malformed input is kInvalidInput naming the field.
Result<SesSignature> decode_signature(ByteView der);

}  // namespace eseal::ses
