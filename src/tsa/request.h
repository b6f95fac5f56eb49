// RFC 3161 time-stamp requests and responses, with the SM algorithms of GM/T 0033 and RFC 5816
// (COSIGN_TSA_NOTES §2.3, §2.4): the TimeStampReq a client sends and the authority reads, and
// the TimeStampResp that carries a token or a refusal with its failInfo. Bytes in, bytes out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace eseal::tsa {

// PKIFailureInfo bits (RFC 3161 §2.4.2) a refusal names.
enum class FailInfo : int {
  kBadAlg = 0,
  kBadRequest = 2,
  kBadDataFormat = 5,
  kTimeNotAvailable = 14,
  kUnacceptedPolicy = 15,
  kUnacceptedExtension = 16,
  kAddInfoNotAvailable = 17,
  kSystemFailure = 25,
};
// "badAlg", "badRequest", … as RFC 3161 spells them; also each refusal's Error::code.
std::string_view fail_info_name(FailInfo f);
// The failInfo an error of this module carries in its code; systemFailure for any other error.
FailInfo fail_info_of(const Error& e);
// A refusal: kInvalidInput with the failInfo's name as its code.
Error refusal(FailInfo fail, std::string message);

// The hash of the time-stamped data, as the request gives it.
struct MessageImprint {
  std::string hash_oid;  // dotted: SM3 (1.2.156.10197.1.401) or SHA-256
  Bytes hashed_message;  // 32 bytes
  Bytes encoded;         // the MessageImprint element as received, echoed verbatim
};

struct Request {
  MessageImprint imprint;
  std::optional<std::string> policy;  // reqPolicy, dotted
  std::optional<Bytes> nonce;         // the nonce INTEGER element as received
  bool cert_req = false;              // the TSA certificate is to be in the token
  std::vector<std::pair<std::string, bool>> extensions;  // (OID, critical)
};

// A TimeStampReq. kInvalidInput with the failInfo as code: badDataFormat for bytes that are not
// one DER TimeStampReq, badRequest for a version other than 1, badAlg for a hash other than SM3
// or SHA-256 (parameters absent or NULL are both accepted: OpenSSL writes NULL) or a
// hashedMessage of the wrong length.
Result<Request> parse_request(ByteView der);

struct RequestOptions {
  std::string hash_oid;  // SM3 or SHA-256, dotted
  Bytes hashed_message;
  std::optional<Bytes> nonce;  // big-endian magnitude
  bool cert_req = true;
  std::optional<std::string> policy;
};
// The DER TimeStampReq (SM3 with absent parameters, as RFC 5754 writes SHA-2).
Result<Bytes> encode_request(const RequestOptions& options);

// TimeStampResp: granted with the token, or a rejection with its failInfo and a text.
Bytes granted_response(ByteView token);
Bytes rejection_response(FailInfo fail, std::string_view text);

struct Response {
  int status = 2;  // 0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4 revocationWarning, …
  std::vector<std::string> status_text;
  std::optional<FailInfo> fail_info;  // the lowest failInfo bit set, when one is
  std::optional<Bytes> token;         // the TimeStampToken (a ContentInfo), when granted
};
// kInvalidInput when the bytes are not a TimeStampResp.
Result<Response> parse_response(ByteView der);

}  // namespace eseal::tsa
