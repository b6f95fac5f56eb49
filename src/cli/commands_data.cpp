// eseal sign-data | verify-data: SM3withSM2 over a file, for debugging integrations.
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "crypto/encoding.h"
#include "keys/key_pair_files.h"

namespace eseal::cli {
namespace {

// The empty ID is what OpenSSL 3.0 silently uses; from the command line it is always a mistake.
void check_user_id(const std::string& id) {
  if (id.empty()) {
    fail(Error::invalid_input("--id must not be empty (the standard SM2 user ID is " +
                              std::string(crypto::kSm2DefaultUserId) + ")"));
  }
}

}  // namespace

Bytes sign_file(const std::filesystem::path& key_file, const std::filesystem::path& input,
                const std::string& user_id, bool raw, const keys::Kek& kek) {
  Bytes data = need(read_file(input));
  Bytes der = need(keys::sign_with_key_file(key_file, data, user_id, kek));
  return raw ? need(crypto::sm2_signature_der_to_raw(der)) : der;
}

Status verify_file_signature(const pki::Certificate& cert, const std::filesystem::path& input,
                             const std::filesystem::path& signature, const std::string& user_id) {
  auto key = cert.public_key();
  if (!key) return key.error();
  auto sig = read_signature_file(signature);
  if (!sig) return sig.error();
  auto data = read_file(input);
  if (!data) return data.error();
  return crypto::sm2_verify(*key, *data, *sig, user_id);
}

void add_data_commands(CLI::App& app, const GlobalOptions& global) {
  {
    auto* sign =
        app.add_subcommand("sign-data", "Sign a file with SM3withSM2 (DER signature unless --raw)");
    auto key = std::make_shared<std::string>();
    auto in = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto id = std::make_shared<std::string>(crypto::kSm2DefaultUserId);
    auto raw = std::make_shared<bool>(false);
    auto force = std::make_shared<bool>(false);
    sign->add_option("--key", *key, "Private key file (P.key)")->required();
    sign->add_option("--in", *in, "File to sign")->required();
    sign->add_option("--out", *out, "Signature file to write")->required();
    sign->add_option("--id", *id, "SM2 user ID")->capture_default_str();
    sign->add_flag("--raw", *raw, "Write r||s (64 bytes) instead of DER");
    sign->add_flag("--force", *force, "Replace an existing signature file");
    sign->callback([=, &global] {
      check_user_id(*id);
      refuse_overwrite(*out, *force);
      keys::Kek kek = load_kek(global);
      Bytes sig = sign_file(*key, *in, *id, *raw, kek);
      need(write_file_atomic(*out, sig, 0644));
      std::cout << "signed " << *in << " -> " << *out << " (" << (*raw ? "r||s" : "DER") << ", "
                << sig.size() << " bytes, SM3withSM2, user ID " << *id << ")\n";
    });
  }
  {
    auto* verify = app.add_subcommand(
        "verify-data", "Verify an SM3withSM2 signature over a file (exit 0 valid, 1 invalid)");
    auto cert = std::make_shared<std::string>();
    auto in = std::make_shared<std::string>();
    auto sig = std::make_shared<std::string>();
    auto id = std::make_shared<std::string>(crypto::kSm2DefaultUserId);
    verify->add_option("--cert", *cert, "Signer's certificate")->required();
    verify->add_option("--in", *in, "Signed file")->required();
    verify->add_option("--sig", *sig, "Signature: DER, r||s, or their hex or base64")->required();
    verify->add_option("--id", *id, "SM2 user ID")->capture_default_str();
    verify->callback([=] {
      check_user_id(*id);
      pki::Certificate signer = read_certificate(*cert);
      auto status = verify_file_signature(signer, *in, *sig, *id);
      if (!status && status.error().kind != ErrorKind::kVerificationFailed) fail(status.error());
      if (!status) {
        std::cout << "FAILED " << status.error().message << " (signer "
                  << signer.subject().to_string() << ")\n";
        throw CommandFailure{kExitVerificationFailed};
      }
      std::cout << "OK signature by " << signer.subject().to_string() << "\n";
    });
  }
}

}  // namespace eseal::cli
