// SM2 signatures (r||s, standard user ID) and raw C1||C3||C2 ciphertexts cross-checked with npm's
// sm-crypto in both directions. scripts/test installs sm-crypto under build/npm; without node or
// the package the test is skipped, not failed.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "base/file.h"
#include "cosign/two_party.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "crypto/sm2_cipher.h"
#include "support/process.h"

namespace eseal::crypto {
namespace {

std::map<std::string, std::string> parse_lines(const std::string& output) {
  std::map<std::string, std::string> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

TEST(SmCrypto, SignaturesAndCiphertextsInteroperateBothWays) {
  const std::string modules = ESEAL_NPM_MODULES;
  if (!std::filesystem::exists(std::filesystem::path(modules) / "sm-crypto")) {
    GTEST_SKIP() << "sm-crypto is not installed (scripts/test installs it with npm)";
  }
  if (eseal::test::run_command("node --version").exit_code != 0) GTEST_SKIP() << "node is missing";

  auto key = Sm2PrivateKey::generate();
  ASSERT_TRUE(key.ok());
  const Bytes message = to_bytes("电子印章 interop 0123456789");
  auto sig = sm2_sign(*key, message);
  ASSERT_TRUE(sig.ok());
  auto raw_sig = sm2_signature_der_to_raw(*sig);
  ASSERT_TRUE(raw_sig.ok());
  auto cipher = sm2_encrypt(key->public_key(), message, Sm2CipherFormat::kC1C3C2);
  ASSERT_TRUE(cipher.ok());

  auto scalar = key->scalar();
  std::string command = "NODE_PATH=" + modules + " node " + ESEAL_INTEROP_DIR +
                        "/smcrypto_check.js " + to_hex(ByteView(scalar.data(), scalar.size())) +
                        " " + to_hex(key->public_key().point()) + " " + to_hex(message) + " " +
                        to_hex(*raw_sig) + " " + to_hex(*cipher);
  auto result = eseal::test::run_command(command);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  auto fields = parse_lines(result.output);

  EXPECT_EQ(fields["verify"], "true") << "sm-crypto rejects our signature";
  EXPECT_EQ(fields["decrypt"], to_hex(message)) << "sm-crypto cannot decrypt our C1C3C2";

  auto their_sig = from_hex(fields["sig"]);
  ASSERT_TRUE(their_sig.ok()) << result.output;
  EXPECT_TRUE(sm2_verify(key->public_key(), message, *their_sig).ok());
  auto their_cipher = from_hex(fields["cipher"]);
  ASSERT_TRUE(their_cipher.ok()) << result.output;
  auto plain = sm2_decrypt(*key, *their_cipher, Sm2CipherFormat::kC1C3C2);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(Bytes(plain->begin(), plain->end()), message);
}

// 1,000 joint signatures, each under a fresh two-party key and over its own random message,
// verified by sm-crypto as ordinary SM2 signatures.
TEST(SmCrypto, VerifiesAThousandJointSignatures) {
  const std::string modules = ESEAL_NPM_MODULES;
  if (!std::filesystem::exists(std::filesystem::path(modules) / "sm-crypto")) {
    GTEST_SKIP() << "sm-crypto is not installed (scripts/test installs it with npm)";
  }
  if (eseal::test::run_command("node --version").exit_code != 0) GTEST_SKIP() << "node is missing";
  std::string lines;
  for (int i = 0; i < 1000; ++i) {
    Bytes context = to_bytes("interop " + std::to_string(i));
    auto client = cosign::client_key_share(context);
    ASSERT_TRUE(client.ok());
    auto server = cosign::server_key_share(client->p1, client->proof, context);
    ASSERT_TRUE(server.ok());
    Bytes message = *random_bytes(1 + static_cast<std::size_t>(i % 97));
    auto e = sm2_signing_digest(*Sm2PublicKey::from_point(server->p), message);
    auto nonce = cosign::client_sign_start();
    auto partial = cosign::server_sign(server->d2, *e, nonce->q1);
    auto sig = cosign::client_sign_finish(client->d1, *nonce, *e, *partial, server->p);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    lines += to_hex(server->p) + " " + to_hex(message) + " " + to_hex(*sig) + "\n";
  }
  eseal::test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "joint.txt", as_bytes(lines)).ok());
  auto result =
      eseal::test::run_command("NODE_PATH=" + modules + " node " + ESEAL_INTEROP_DIR +
                               "/smcrypto_joint.js " + (dir.path() / "joint.txt").string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  auto fields = parse_lines(result.output);
  EXPECT_EQ(fields["total"], "1000");
  EXPECT_EQ(fields["valid"], "1000");
}

}  // namespace
}  // namespace eseal::crypto
