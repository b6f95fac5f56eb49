// libFuzzer target for what the PKI layer reads from outside: X.509 certificates as DER, PEM,
// base64 and PEM bundles (Certificate::from_der, from_pem, parse, parse_certificates), CRLs
// (Crl::from_der, Crl::parse), PKCS#10 requests (read_request), distinguished names as text, and
// the strict DER reader under them (asn1/der.h: Reader, read_all, parse_single and the value
// readers, walked over every element). Any input must parse or be refused with an error value —
// never crash, hang or leak — and whatever parses must survive what the CA and the verifiers do
// with it next: every accessor (subject, issuer, serial, validity, key usages, public key,
// fingerprint), re-encoding and re-parsing, the self-signature, path validation of a bundle at a
// fixed time up to its own last certificate (no outside trust anchor), and, for a CRL beside its
// issuer in one PEM text, its signature, the revocation checks and revocation in the path. Built as
// a real fuzzer with -DESEAL_FUZZ=ON under clang (scripts/fuzz), and in every build as a replay of
// the checked-in corpus (tests/fuzz/replay_main.cpp).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "asn1/der.h"
#include "asn1/oid.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/request.h"
#include "pki/verify.h"

namespace {

using namespace eseal;

// 2030-01-01T00:00:00Z: chains and CRLs are judged at a fixed time, never the clock's.
const Time kAt{std::chrono::seconds{1'893'456'000}};

// Every element of `input`, and of the constructed ones' contents down to a bounded depth, read
// with each value reader that fits its tag; each re-encoded from its tag and content.
void walk(ByteView input, int depth) {
  asn1::Reader reader(input);
  while (!reader.empty()) {
    auto e = reader.next();
    if (!e) return;
    (void)asn1::encode(e->tag, e->content);
    switch (e->tag) {
      case asn1::tag::kBoolean:
        (void)asn1::boolean_value(*e);
        break;
      case asn1::tag::kInteger:
        if (auto v = asn1::integer_value(*e)) (void)asn1::encode_integer(*v);
        (void)asn1::Reader(e->encoded).unsigned_integer();
        break;
      case asn1::tag::kBitString:
        if (auto b = asn1::bit_string_bytes(*e)) (void)asn1::encode_bit_string(*b);
        break;
      case asn1::tag::kOctetString:
        (void)asn1::Reader(e->encoded).octet_string();
        break;
      case asn1::tag::kObjectIdentifier:
        if (auto dotted = asn1::oid::decode_content(e->content)) {
          (void)asn1::oid::encode_content(*dotted);
          (void)asn1::oid::describe(*dotted);
        }
        break;
      case asn1::tag::kUtcTime:
      case asn1::tag::kGeneralizedTime:
        if (auto t = asn1::time_value(*e)) (void)asn1::encode_generalized_time(*t);
        break;
      default:
        (void)asn1::string_value(*e);
        break;
    }
    // Constructed: SEQUENCE, SET and context-specific [n] alike (bit 6 of the tag).
    if ((e->tag & 0x20) != 0 && depth < 64) {
      (void)asn1::read_all(e->content);
      walk(e->content, depth + 1);
    }
  }
}

void touch(const pki::Certificate& cert) {
  (void)cert.subject().to_string();
  (void)cert.issuer().to_string();
  (void)cert.subject().get("CN");
  (void)cert.subject_der();
  (void)cert.issuer_der();
  (void)cert.serial();
  (void)cert.serial_hex();
  (void)format_utc(cert.not_before());
  (void)format_utc(cert.not_after());
  (void)pki::key_usage_names(cert.key_usage());
  (void)cert.extended_key_usage();
  (void)cert.extended_key_usage_critical();
  (void)cert.is_ca();
  (void)cert.is_self_signed();
  (void)cert.signature_algorithm();
  (void)cert.sm3_fingerprint();
  (void)cert.pem();
  if (auto key = cert.public_key()) {
    (void)key->point();
    (void)key->spki_der();
    (void)cert.signed_by(*key, true);
  }
  // Re-encoded, it must read back as it was written.
  (void)pki::Certificate::from_der(cert.der());
}

void touch(const pki::Crl& crl, const std::vector<pki::Certificate>& certs) {
  (void)crl.der();
  (void)crl.pem();
  (void)crl.issuer().to_string();
  (void)crl.this_update();
  (void)crl.next_update();
  (void)crl.number();
  for (const auto& r : crl.revoked()) {
    (void)pki::revocation_reason_name(r.reason);
    (void)crl.find(r.serial);
  }
  (void)pki::Crl::from_der(crl.der());
  for (const auto& cert : certs) {
    (void)crl.find(cert.serial());
    (void)crl.verify_signature(cert);
    (void)pki::check_revocation(cert, crl, cert, kAt);
    (void)pki::check_not_listed(cert, crl, kAt);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView input(data, size);
  std::string_view text(reinterpret_cast<const char*>(data), size);

  walk(input, 0);
  (void)asn1::parse_single(input, asn1::tag::kSequence);

  if (auto cert = pki::Certificate::from_der(input)) touch(*cert);
  if (auto cert = pki::Certificate::from_pem(text)) touch(*cert);
  if (auto cert = pki::Certificate::parse(input)) touch(*cert);

  std::vector<pki::Certificate> certs;
  if (auto all = pki::parse_certificates(input)) {
    certs = std::move(*all);
    for (const auto& cert : certs) touch(cert);
  }

  std::vector<pki::Crl> crls;
  if (auto crl = pki::Crl::from_der(input)) touch(*crl, certs);
  if (auto crl = pki::Crl::parse(input)) {
    touch(*crl, certs);
    crls.push_back(std::move(*crl));
  }

  // A bundle's path from its first certificate up to its last, the input's own anchor (no
  // trust from outside), with the CRL beside them when there is one.
  if (!certs.empty()) {
    std::span<const pki::Certificate> all(certs);
    pki::ChainPolicy policy;
    policy.at = kAt;
    policy.crls = crls;
    policy.end_crl_required = false;
    pki::ChainProblem problem{};
    (void)pki::verify_chain(all.front(), all.subspan(1), all.last(1), policy, &problem);
  }

  if (auto request = pki::read_request(input)) {
    (void)request->subject.to_string();
    (void)request->key.point();
    (void)pki::request_info(request->subject, request->key);
  }

  if (auto name = pki::DistinguishedName::parse(text)) {
    (void)pki::DistinguishedName::parse(name->to_string());
  }
  return 0;
}
