#include "service/time_stamping.h"

#include "asn1/der.h"
#include "asn1/oid.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "pki/signed_data.h"
#include "tsa/request.h"
#include "tsa/verify.h"

namespace eseal::service {
namespace {

// Draws of a serial before the authority gives up: a clash of 128 random bits is not expected
// once, so a second clash means the ledger refuses for another reason.
constexpr int kSerialDraws = 3;

Result<Bytes> new_serial() {
  auto serial = crypto::random_bytes(16);
  if (!serial) return serial.error();
  (*serial)[0] = static_cast<std::uint8_t>(((*serial)[0] & 0x7F) | 0x01);  // positive, 16 bytes
  return serial;
}

Error unavailable(const std::string& why) {
  return Error::io(why).with_code(kTimeStampUnavailable);
}

Bytes system_failure(const std::string& text) {
  return tsa::rejection_response(tsa::FailInfo::kSystemFailure, text);
}

}  // namespace

LocalTimeStampAuthority::LocalTimeStampAuthority(std::shared_ptr<keys::Signer> signer,
                                                 tsa::Settings settings, TimeStampLedger& ledger)
    : signer_(std::move(signer)), settings_(std::move(settings)), ledger_(ledger) {}

Bytes LocalTimeStampAuthority::respond(ByteView request_der, const std::string& requester,
                                       Time now) {
  auto request = tsa::parse_request(request_der);
  if (!request) {
    return tsa::rejection_response(tsa::fail_info_of(request.error()), request.error().message);
  }
  for (int draw = 0; draw < kSerialDraws; ++draw) {
    auto serial = new_serial();
    if (!serial) return system_failure("no random serial number");
    auto prepared = tsa::prepare_token(*request, settings_, *serial, now, signer_->certificate());
    if (!prepared) {
      return tsa::rejection_response(tsa::fail_info_of(prepared.error()), prepared.error().message);
    }
    auto signature = prepared->z ? signer_->sign(prepared->to_be_signed)
                                 : signer_->sign_digest(prepared->to_be_signed);
    if (!signature) return system_failure("the TSA key could not sign");
    auto token = tsa::complete_token(*prepared, *signature, signer_->chain());
    if (!token) return system_failure("the token could not be assembled");
    Status recorded = ledger_.record_time_stamp(crypto::to_hex(*serial), now, request->imprint,
                                                requester, *token, now);
    if (recorded) return tsa::granted_response(*token);
    if (recorded.error().kind != ErrorKind::kInvalidInput) break;
  }
  return system_failure("the token could not be recorded");
}

Result<Bytes> request_time_stamp(TimeStampAuthority& authority, const std::string& requester,
                                 Time now, crypto::HashAlgorithm hash, ByteView imprint,
                                 bool with_certificate) {
  auto nonce = crypto::random_bytes(8);
  if (!nonce) return nonce.error();
  std::string hash_oid(hash == crypto::HashAlgorithm::kSha256 ? asn1::oid::kSha256
                                                              : asn1::oid::kSm3);
  auto request = tsa::encode_request(
      {hash_oid, Bytes(imprint.begin(), imprint.end()), *nonce, with_certificate, {}});
  if (!request) return request.error();
  auto response = tsa::parse_response(authority.respond(*request, requester, now));
  if (!response) return unavailable("time-stamp authority: " + response.error().message);
  if ((response->status != 0 && response->status != 1) || !response->token) {
    std::string why = response->fail_info ? std::string(tsa::fail_info_name(*response->fail_info))
                                          : "status " + std::to_string(response->status);
    for (const auto& t : response->status_text) why += ": " + t;
    return unavailable("the time-stamp authority refused: " + why);
  }
  tsa::TokenExpectation expect;
  expect.hashed_message = Bytes(imprint.begin(), imprint.end());
  expect.nonce = asn1::encode_unsigned_integer(*nonce);
  tsa::TokenReport report = tsa::verify_token(*response->token, {}, expect);
  for (const char* name : {"structure", "imprint", "nonce", "tsa-signature", "ess-cert-id"}) {
    const ses::Check* c = report.verdict.find(name);
    // Without its certificate the token's signature cannot be checked here.
    bool uncheckable = !with_certificate && c && c->result == ses::CheckResult::kSkipped &&
                       std::string_view(name) != "structure";
    if (uncheckable) continue;
    if (!c || c->result != ses::CheckResult::kPassed) {
      return unavailable(std::string("the time-stamp authority's token fails ") + name +
                         (c ? ": " + c->detail : ""));
    }
  }
  return *response->token;
}

doc::TimeStamper time_stamper(TimeStampAuthority& authority, std::string requester, Time now) {
  return [&authority, requester = std::move(requester), now](ByteView signature) {
    return request_time_stamp(authority, requester, now, crypto::HashAlgorithm::kSm3,
                              crypto::sm3(signature));
  };
}

Result<TokenContents> read_time_stamp(ByteView token_or_response) {
  TokenContents out;
  // A TimeStampResp (status first) that grants a token, or the token itself.
  if (auto response = tsa::parse_response(token_or_response); response && response->token) {
    out.token = *response->token;
  } else {
    out.token.assign(token_or_response.begin(), token_or_response.end());
  }
  auto sd = pki::parse_signed_data(out.token);
  if (!sd) return Error::invalid_input("not a time-stamp token: " + sd.error().message);
  if (sd->content_type != asn1::oid::kTstInfo) {
    return Error::invalid_input("not a time-stamp token: the content type is " + sd->content_type);
  }
  if (!sd->content) return Error::invalid_input("not a time-stamp token: no TSTInfo");
  auto info = tsa::parse_tst_info(*sd->content);
  if (!info) return info.error().with_context("time-stamp token");
  out.info = std::move(*info);
  out.tsa_certificate = sd->signer;
  if (sd->signer) {
    out.signer_serial = sd->signer->serial_hex();
  } else if (sd->signer_id.rfind("serial ", 0) == 0) {
    out.signer_serial = sd->signer_id.substr(7);
  }
  return out;
}

}  // namespace eseal::service
