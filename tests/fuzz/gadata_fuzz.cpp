// libFuzzer target for the filing package's decoders (filing/package.h, LD/T 01.4 §5.2.6) and
// the SM2 ciphertext encodings under them (crypto/sm2_cipher.h): the DER GAData record
// (decode_ga_data, strict), an SM2 ciphertext in each encoding — GM/T 0018 ECCCipher, GM/T 0009
// DER, C1C3C2 and C1C2C3 — decoded, re-encoded and decrypted with a fixed key (the GB/T 32918
// example key of tests/vectors/sm2.vec), and a whole package as the platform sends it: its
// fields encFile, appSymKeyEnc, dataSymKeyEnc and, optionally, encDeviceCode, one a line,
// opened with that key (open_package) and the device code decrypted with the data key. Any input
// must decode or be refused with an error value — never crash, hang or leak — and whatever
// decodes must encode again. Built as a real fuzzer with -DESEAL_FUZZ=ON under clang
// (scripts/fuzz), and in every build as a replay of the checked-in corpus
// (tests/fuzz/replay_main.cpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/sm2.h"
#include "crypto/sm2_cipher.h"
#include "filing/package.h"

namespace {

using namespace eseal;

const crypto::Sm2PrivateKey& fixed_key() {
  static const crypto::Sm2PrivateKey key = *crypto::Sm2PrivateKey::from_scalar(
      *crypto::from_hex("3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"));
  return key;
}

// The input's lines, without their line ends.
std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size() && out.size() < 8) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.emplace_back(line);
    start = end + 1;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView input(data, size);
  std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto record = filing::decode_ga_data(input)) {
    for (const std::string& name : filing::ga_data_field_names()) {
      (void)filing::ga_data_field(*record, name);
    }
    (void)filing::encode_ga_data(*record);
  }

  using crypto::Sm2CipherFormat;
  (void)crypto::sm2_ciphertext_detect(input);
  for (Sm2CipherFormat format : {Sm2CipherFormat::kDer, Sm2CipherFormat::kC1C3C2,
                                 Sm2CipherFormat::kC1C2C3, Sm2CipherFormat::kEccCipher}) {
    if (auto parts = crypto::sm2_ciphertext_decode(input, format)) {
      (void)crypto::sm2_ciphertext_decode(crypto::sm2_ciphertext_encode(*parts, format), format);
    }
  }
  (void)crypto::sm2_decrypt(fixed_key(), input);
  (void)crypto::sm2_decrypt(fixed_key(), input, Sm2CipherFormat::kC1C2C3);

  std::vector<std::string> lines = lines_of(text);
  if (lines.size() >= 3) {
    filing::Package package{"", lines[0], lines[1], lines[2]};
    if (auto opened = filing::open_package(package, fixed_key())) {
      (void)filing::encode_ga_data(opened->data);
      if (lines.size() >= 4) {
        if (auto code = filing::decrypt_device_code(opened->data_key, lines[3])) {
          (void)filing::encrypt_device_code(opened->data_key, *code);
        }
      }
    }
  }
  return 0;
}
