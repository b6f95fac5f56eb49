// libFuzzer target for RFC 3161 time stamping (tsa/): the TimeStampReq the authority reads
// (parse_request), the TimeStampResp a client reads (parse_response), the token on its own as
// SES signatures and CMS unsigned attributes carry it, and its TSTInfo (parse_tst_info). Any
// input must parse or be refused with an error value — never crash, hang or leak — and whatever
// parses must survive what comes next: for a request, the refusal the authority answers, or the
// request written again and the token prepared for it by a fixed TSA certificate at a fixed time
// (its TSTInfo read back); for a response, its token verified; and every input verified as a
// token with no trust anchor, against a fixed imprint (the SM3 of "a document to time-stamp",
// which the seeds time-stamp) and the fixed TSA certificate for tokens that carry none. Built as
// a real fuzzer with -DESEAL_FUZZ=ON under clang (scripts/fuzz), and in every build as a replay
// of the checked-in corpus (tests/fuzz/replay_main.cpp).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "asn1/der.h"
#include "crypto/digest.h"
#include "pki/certificate.h"
#include "tsa/request.h"
#include "tsa/token.h"
#include "tsa/verify.h"

namespace {

using namespace eseal;

// The seeds' TSA: SM2, CN=时间戳服务, critical timeStamping EKU, issued by the seeds' test root
// (valid 2026-12-06 to 2126-11-12).
constexpr std::string_view kTsaPem = R"(-----BEGIN CERTIFICATE-----
MIIB5TCCAYygAwIBAgICegEwCgYIKoEcz1UBg3UwPjELMAkGA1UEBhMCQ04xFTAT
BgNVBAoMDOa1i+ivleWNleS9jTEYMBYGA1UEAwwP5rWL6K+V5qC56K+B5LmmMCAX
DTI2MTIwNjE0MDUzNVoYDzIxMjYxMTEyMTQwNTM1WjA+MQswCQYDVQQGEwJDTjEV
MBMGA1UECgwM5rWL6K+V5Y2V5L2NMRgwFgYDVQQDDA/ml7bpl7TmiLPmnI3liqEw
WTATBgcqhkjOPQIBBggqgRzPVQGCLQNCAAQtBFK0gW3x1YTXcq1Q9u2RawO6QSfa
Jx76qo0N3aiDEtIg2zY9yfE0iOFXQaEu1Ucb5ajqNWNkTuvoII0NAT7lo3gwdjAM
BgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIGwDAWBgNVHSUBAf8EDDAKBggrBgEF
BQcDCDAdBgNVHQ4EFgQURXFidi+oSA9BBFaOKBFT8v45x6gwHwYDVR0jBBgwFoAU
TD2DmF6hyBmyjREZTwe3/4fd9yAwCgYIKoEcz1UBg3UDRwAwRAIgCOpD8Hzp+O2r
uBk+6OzYQmlpATF4aARyiGwrGsoOtfwCIEUBokjCo+ujhT7U67CL0UPzlXWeMQnv
eAGzv0WnfyBy
-----END CERTIFICATE-----
)";

// 2030-01-01T00:00:00Z: the genTime of the tokens prepared here.
const Time kGenTime{std::chrono::seconds{1'893'456'000}};

void check_token(ByteView token, const pki::Certificate& tsa, const Bytes& imprint) {
  tsa::TokenExpectation expect;
  expect.hashed_message = imprint;
  expect.tsa_certificates = std::span<const pki::Certificate>(&tsa, 1);
  tsa::TokenReport report = tsa::verify_token(token, {}, expect);
  (void)report.proven_time();
  (void)report.verdict.outcome();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView input(data, size);
  static const pki::Certificate tsa = *pki::Certificate::from_pem(kTsaPem);
  const Bytes imprint = crypto::sm3(as_bytes("a document to time-stamp"));

  // The authority's side, as service/time_stamping.cpp answers a request.
  if (auto request = tsa::parse_request(input)) {
    tsa::RequestOptions again{request->imprint.hash_oid, request->imprint.hashed_message,
                              std::nullopt, request->cert_req, request->policy};
    if (request->nonce) {
      if (auto magnitude = asn1::Reader(*request->nonce).unsigned_integer()) {
        again.nonce = std::move(*magnitude);
      }
    }
    if (auto der = tsa::encode_request(again)) (void)tsa::parse_request(*der);
    tsa::Settings settings{"2.999.1.1", {"1.2.3.4.5"}, 1, true, true};
    const std::uint8_t serial[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
    auto prepared = tsa::prepare_token(*request, settings, serial, kGenTime, tsa);
    if (prepared) {
      (void)tsa::parse_tst_info(prepared->tst_info);
    } else {
      (void)tsa::parse_response(
          tsa::rejection_response(tsa::fail_info_of(prepared.error()), prepared.error().message));
    }
  } else {
    (void)tsa::parse_response(
        tsa::rejection_response(tsa::fail_info_of(request.error()), request.error().message));
  }

  // The client's side: a response, and the token it grants.
  if (auto response = tsa::parse_response(input)) {
    for (const auto& text : response->status_text) (void)text.size();
    if (response->fail_info) (void)tsa::fail_info_name(*response->fail_info);
    if (response->token) {
      check_token(*response->token, tsa, imprint);
      (void)tsa::parse_response(tsa::granted_response(*response->token));
    }
  }

  // A token or a TSTInfo on its own.
  check_token(input, tsa, imprint);
  if (auto info = tsa::parse_tst_info(input)) {
    (void)format_utc(info->gen_time);
    (void)tsa::parse_tst_info(info->encoded);
  }
  return 0;
}
