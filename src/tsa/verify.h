// Verification of a time-stamp token, lenient in what it reads (COSIGN_TSA_NOTES §2.6): both
// profiles (RFC 5652 id-signedData with id-ct-TSTInfo, and the legacy GM/T 0010 form without
// signed attributes), signature algorithm .501, .301.1, .301 or id-ecPublicKey, and the
// signature with Z over the standard ID, then the empty ID, then without Z, reporting which one
// matched. The token's certificate and chain are judged at genTime.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "ses/verify.h"
#include "tsa/token.h"

namespace eseal::tsa {

// What the token must be about; every field optional.
struct TokenExpectation {
  // The time-stamped bytes, in parts hashed in order (a PDF's byte ranges): the imprint is
  // their hash. Empty: not given.
  std::vector<ByteView> data;
  std::optional<Bytes> hashed_message;  // or that hash itself
  std::optional<Bytes> nonce;           // the request's nonce INTEGER element
  // TSA certificates to check the token with when it carries none (certReq was false).
  std::span<const pki::Certificate> tsa_certificates;
};

struct TokenReport {
  std::string profile;  // "RFC 3161", "GM/T 0010 (legacy)", or "" when unreadable
  std::optional<TstInfo> info;
  std::string tsa;  // the TSA certificate's subject, when found
  // Which signature input verified: "z-default-id" (SM3withSM2 with Z over 1234567812345678),
  // "z-empty-id", "no-z" (SM3 of the signed bytes alone, as OpenSSL 3.0 signs), or "".
  std::string signature_form;
  // structure, imprint, nonce, tsa-signature, ess-cert-id, tsa-certificate (the critical
  // timeStamping EKU, valid at genTime), tsa-chain (at genTime, through the trust policy).
  ses::Verdict verdict;
  // genTime, when the token is valid: the time it proves.
  std::optional<Time> proven_time() const;
};

TokenReport verify_token(ByteView token, const ses::TrustPolicy& trust,
                         const TokenExpectation& expect = {});

}  // namespace eseal::tsa
