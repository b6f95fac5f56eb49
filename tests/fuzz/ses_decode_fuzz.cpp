// libFuzzer target for the SES decoders (GB/T 38540 v4, GM/T 0031 v1, v5): any input must
// decode or fail with an error value — never crash, hang or leak — and whatever decodes must
// survive verification. Built as a real fuzzer with -DESEAL_FUZZ=ON under clang (scripts/fuzz),
// and in every build as a replay of the checked-in corpus (tests/fuzz/replay_main.cpp).
#include <cstddef>
#include <cstdint>

#include "ses/verify.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace eseal;
  ByteView input(data, size);
  if (auto seal = ses::decode_seal(input)) {
    (void)ses::verify_seal(*seal, Time{}, {});
  }
  if (auto signature = ses::decode_signature(input)) {
    (void)ses::verify_signature(*signature, {}, signature->data_hash);
  }
  return 0;
}
