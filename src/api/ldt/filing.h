// Filing with the national platform (LD/T 01.4 §5.2.3 – §5.2.16) on the LD/T door: the thirteen
// operations eseal answers as the platform, over the one envelope and header checks of
// /seal/v1/electricSeal, and the wire forms both roles share (signInfo, the status-publishing
// token and data strings, the query `sign`). The behaviour is service/filing.h's; this file
// reads and writes the seed's fields, in its words.
//
// Decisions where the seed is silent or contradicts itself (README, "Filing"):
// - signInfo.signValue is base64 r‖s of SM3withSM2 (user ID 1234567812345678) over
//   api::canonical_fields of message_content without signInfo — the header `sign`'s rule. A
//   request's signInfo is checked when its signValue is a signature (the seed's examples carry a
//   placeholder, which the header `sign` already covers); a response's always carries one, by the
//   platform's key (D/platform/lock.pem).
// - resultCode is "1" on success for uploadRecordInfos, updateProtectKey, applySealCode and
//   confirmReceipt (tables 7, 12, 16, 18) and "0" for checkResult and revocationSealInfo (example
//   5, table 14); errorCode in message_header is "1" on success for all.
// - The status door's strings join their parts with "||" (example 11): token =
//   idB‖randomB‖randomA‖signValue, data = idA‖randomB‖text‖signValue, each signValue over the
//   parts before it joined the same way; signatures are read as r‖s, DER or the GM/T 0018
//   ECCSignature (128 bytes, as example 11 prints) and written as ECCSignature.
// - The DB.* queries' `sign` is the upper-case hex of the first 16 bytes of SM3 over
//   canonical_fields of message_content without `sign` (the examples show 32 hex digits; a
//   registered query's fields include its token, which makes the sign a proof of holding it).
//   The full 64 hex digits are accepted too.
// - Times in DB.* messages are China Standard Time ("yyyy-MM-dd HH:mm:ss", "yyyyMMddHHmmss").
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "keys/signer.h"
#include "pki/certificate.h"
#include "service/filing.h"
#include "service/platform.h"

namespace eseal::api::ldt {

inline constexpr const char* kSm3WithSm2 = "1.2.156.10197.1.501";

// The businesstypes answered as the platform, in the catalog's order (recvAuthServer also as
// the seed's reciveAuthServer).
const std::vector<std::string>& filing_operation_names();
bool is_filing_operation(const std::string& businesstype);

// signInfo {signAlgorithm, signValue} added to `content` by `signer`.
Status add_sign_info(rapidjson::Document& content, keys::Signer& signer);
// The content's signInfo checked with `cert`: kVerificationFailed when it does not verify,
// kInvalidInput when it is required and absent.
Status verify_sign_info(const rapidjson::Value& content, const pki::Certificate& cert,
                        bool required);

// base64 of the ECCSignature (r and s right-aligned in 64 bytes each) over `text`.
Result<std::string> sign_text(std::string_view text, keys::Signer& signer);
// A signature in any of the forms above over `text`, by `cert`'s key.
Status verify_text(std::string_view text, std::string_view signature, const pki::Certificate& cert);

// `parts` joined with "||", and split back (the text part may itself hold "||": the first
// `head` parts and the last one are taken, the rest is the text).
std::string join_parts(const std::vector<std::string>& parts);
Result<std::vector<std::string>> split_parts(std::string_view joined, std::size_t head);

// The DB.* queries' sign, and whether `sign` is it.
std::string query_sign(const rapidjson::Value& content);
bool query_sign_matches(const rapidjson::Value& content, std::string_view sign);

// What the filing operations need: the registry, the platform (credentials for the app's
// certificate, the platform's signer for signInfo) and the revocation list's next update.
struct FilingDoor {
  service::filing::FilingRegistry& registry;
  service::Platform platform;
  std::chrono::hours list_update{24 * 30};
};

// A signInfo the client filled in must be its own signature over the content as sent (the header's
// sign covers it as well): checked before the content is trimmed.
Status check_request_sign_info(const std::string& businesstype, const pki::Certificate& app_cert,
                               const rapidjson::Value& content);

// The answer to one filing operation, its message_content, for the app `caller` whose request
// `app_cert` verified; a refusal's message is the errorInfo.
Result<rapidjson::Document> answer_filing(FilingDoor& door, const std::string& businesstype,
                                          const service::Caller& caller,
                                          const pki::Certificate& app_cert,
                                          const rapidjson::Value& content, Time now);

}  // namespace eseal::api::ldt
