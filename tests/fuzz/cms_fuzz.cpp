// libFuzzer target for SM2 SignedData, GM/T 0010 and PKCS#7 (pki/signed_data.h), as PDF
// /Contents and OFD SignedValue.dat carry it: any input must parse or be refused with an error
// value — never crash, hang or leak — and whatever parses must survive verification with no
// trust anchor: verify_signed_data without an expected digest, against a fixed digest and
// against the digest it claims to commit to (so that the signature check itself runs), then the
// checks the PDF and OFD verifiers run on it (doc::check_cms, its time stamp included), and
// re-assembly from the parsed parts, read back. Built as a real fuzzer with -DESEAL_FUZZ=ON
// under clang (scripts/fuzz), and in every build as a replay of the checked-in corpus
// (tests/fuzz/replay_main.cpp).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "crypto/digest.h"
#include "doc/value_report.h"
#include "pki/signed_data.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace eseal;
  auto sd = pki::parse_signed_data(ByteView(data, size));
  if (!sd) return 0;

  (void)pki::profile_name(sd->profile);
  for (const auto& cert : sd->certificates) (void)cert.subject().to_string();
  if (sd->signer) (void)sd->signer->serial_hex();

  // The SM3 of "eseal fuzz": a digest no seed commits to.
  const Bytes fixed = crypto::sm3(as_bytes("eseal fuzz"));
  (void)pki::verify_signed_data(*sd, std::nullopt);
  (void)pki::verify_signed_data(*sd, fixed);
  ByteView claimed = sd->message_digest ? ByteView(*sd->message_digest) : ByteView(fixed);
  (void)pki::verify_signed_data(*sd, claimed);

  // What pdf/verify.h and ofd/verify.h do with a SignedData value, with no trust anchor.
  doc::ValueReport report;
  doc::check_cms(*sd, claimed, std::nullopt, {}, {"digest", "the byte ranges"}, report);
  (void)report.outcome();
  std::optional<Bytes> token = doc::time_stamp_token(*sd);
  std::optional<ByteView> time_stamp;
  if (token) time_stamp = ByteView(*token);

  // Re-assembled from its parts and read back, as a signer that completes a value would.
  if (sd->signer) {
    std::vector<pki::Certificate> chain;
    for (const auto& cert : sd->certificates) {
      if (cert.der() != sd->signer->der()) chain.push_back(cert);
    }
    if (sd->has_signed_attributes) {
      if (auto again = pki::assemble_signed_data(sd->profile, sd->signed_bytes, *sd->signer,
                                                 sd->signature, chain, time_stamp)) {
        (void)pki::parse_signed_data(*again);
      }
    } else if (sd->content) {
      if (auto again = pki::assemble_signed_data_without_attributes(
              sd->profile, *sd->content, *sd->signer, sd->signature, chain)) {
        (void)pki::parse_signed_data(*again);
      }
    }
  }
  return 0;
}
