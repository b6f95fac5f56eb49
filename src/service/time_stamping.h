// Trusted time as a service (RFC 3161 with SM2/SM3, tsa/): the authority that answers
// time-stamp requests — the platform's own, signing with its TSA key and recording every token,
// or an external one a deployment must use (api/tsa/remote.h) — and the doc::TimeStamper that
// puts its tokens into the signatures eseal makes.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/digest.h"
#include "doc/signature_value.h"
#include "keys/signer.h"
#include "pki/certificate.h"
#include "tsa/token.h"

namespace eseal::service {

class TimeStampAuthority {
 public:
  virtual ~TimeStampAuthority() = default;
  // Always a DER TimeStampResp, granted with a token or a rejection with its failInfo: a door
  // passes it on as it is. `requester` is who asked ("http:<peer>", "cli:<user>", …).
  virtual Bytes respond(ByteView request, const std::string& requester, Time now) = 0;
};

// Where the platform's authority keeps what it issued: the token, its serial and imprint, who
// asked, with an audit row in the same transaction. kInvalidInput when the serial was issued
// before.
class TimeStampLedger {
 public:
  virtual ~TimeStampLedger() = default;
  virtual Status record_time_stamp(const std::string& serial_hex, Time gen_time,
                                   const tsa::MessageImprint& imprint, const std::string& requester,
                                   ByteView token, Time now) = 0;
};

// The platform's own authority: genTime is `now`, the serial 16 random bytes (unique whichever
// process draws it: the ledger refuses a serial twice and another is drawn), the token signed by
// `signer` (the TSA certificate, critical timeStamping EKU) and recorded before it is answered.
// A token that cannot be recorded is not issued (systemFailure).
class LocalTimeStampAuthority final : public TimeStampAuthority {
 public:
  LocalTimeStampAuthority(std::shared_ptr<keys::Signer> signer, tsa::Settings settings,
                          TimeStampLedger& ledger);
  Bytes respond(ByteView request, const std::string& requester, Time now) override;

 private:
  std::shared_ptr<keys::Signer> signer_;
  tsa::Settings settings_;
  TimeStampLedger& ledger_;
};

// Error::code of a signing that failed for want of a time stamp (an authority out of reach, a
// refusal, a reply that does not hold); the kind is kIo, as for any outside resource.
inline constexpr const char* kTimeStampUnavailable = "time-stamp-unavailable";

// Asks `authority` for a token over `imprint` (the `hash`, SM3 or SHA-256, of what is stamped)
// with a fresh nonce and, unless `with_certificate` is false, the TSA certificate, and checks
// the reply (granted, over that imprint, that nonce echoed, the TSA's signature sound when the
// token carries its certificate) before it is used. A refusal or a bad reply is
// kTimeStampUnavailable, with the authority's words.
Result<Bytes> request_time_stamp(TimeStampAuthority& authority, const std::string& requester,
                                 Time now, crypto::HashAlgorithm hash, ByteView imprint,
                                 bool with_certificate = true);

// What a time-stamp token (a TimeStampToken, or a TimeStampResp that grants one) says, read
// without judging it: its TSTInfo, the TSA certificate it carries (when it does) and the
// issuer's serial number of the certificate that signed it (hex, upper case). kInvalidInput for
// bytes that are no token.
struct TokenContents {
  Bytes token;  // the TimeStampToken itself
  tsa::TstInfo info;
  std::optional<pki::Certificate> tsa_certificate;
  std::string signer_serial;
};
Result<TokenContents> read_time_stamp(ByteView token_or_response);

// A time stamper for the signatures eseal makes: request_time_stamp over SM3 of the signature
// value; a failure fails the signing.
doc::TimeStamper time_stamper(TimeStampAuthority& authority, std::string requester, Time now);

}  // namespace eseal::service
