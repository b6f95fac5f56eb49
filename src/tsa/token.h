// The time-stamp token (COSIGN_TSA_NOTES §2.4, §2.5): a TSTInfo over the request's imprint,
// signed as RFC 3161 "Profile R" — an RFC 5652 SignedData with the TSTInfo attached, signed
// attributes contentType, messageDigest and signingCertificateV2 (ESSCertIDv2 with an explicit
// SM3 hash), and an SM3withSM2 signature. Made like every other signature in eseal: prepare →
// a signer → complete, with the serial and the time given by the caller.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "tsa/request.h"

namespace eseal::tsa {

struct Settings {
  std::string policy;  // the TSA's policy OID, dotted; written in every TSTInfo
  // Request policies answered besides `policy`; another one is refused (unacceptedPolicy).
  std::vector<std::string> accepted_policies;
  int accuracy_seconds = 1;   // genTime is to the second
  bool include_name = false;  // TSTInfo.tsa: the TSA certificate's subject
  // The signature with Z over the standard ID (GM/T 0009; BouncyCastle, gmsm and CA SDKs check
  // this), or, false, over SM3(signed attributes) alone, which is what OpenSSL 3.0's
  // `ts -verify` checks (it applies no Z).
  bool z = true;
};

struct TstInfo {
  std::string policy;
  MessageImprint imprint;
  Bytes serial;  // big-endian magnitude
  Time gen_time{};
  std::optional<int> accuracy_seconds, accuracy_millis, accuracy_micros;
  std::optional<Bytes> nonce;  // the INTEGER element
  bool has_tsa_name = false;
  Bytes encoded;
};
// kInvalidInput naming the field.
Result<TstInfo> parse_tst_info(ByteView der);

struct PreparedToken {
  Bytes tst_info;
  Bytes signed_attributes;
  // What the signer signs: with Z the signed attributes (a keys::Signer's sign()); without Z
  // the 32-byte SM3 of them, to be signed as a digest (sign_digest()).
  Bytes to_be_signed;
  bool z = true;
  bool with_certificates = false;
  pki::Certificate tsa;
};

// The token for `request`, to be signed by the TSA certificate's key. `serial` (at most 20
// bytes, big-endian, unique for this TSA) and `gen_time` come from the caller. kInvalidInput
// with the failInfo as code: unacceptedPolicy for a request policy not accepted,
// unacceptedExtension for any critical extension (eseal knows none), badRequest for a serial
// that is empty or longer than 20 bytes.
Result<PreparedToken> prepare_token(const Request& request, const Settings& settings,
                                    ByteView serial, Time gen_time, const pki::Certificate& tsa);

// The TimeStampToken (DER ContentInfo); the signature (DER or r||s) is checked against the TSA
// certificate's key first. `chain` goes into the token after the TSA certificate when the
// request asked for certificates.
Result<Bytes> complete_token(const PreparedToken& prepared, ByteView signature,
                             std::span<const pki::Certificate> chain = {});

}  // namespace eseal::tsa
