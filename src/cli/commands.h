// The `eseal` subcommands. Each add_* function registers its commands on the application; the
// operations below are the single implementation the commands and `eseal demo` share.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "cli/cli_support.h"
#include "pki/issue.h"

namespace eseal::cli {

void add_ca_commands(CLI::App& app, const GlobalOptions& options);
void add_data_commands(CLI::App& app, const GlobalOptions& options);
void add_demo_command(CLI::App& app, const GlobalOptions& options);

// Where a CA's certificate and key live: D/root.pem + D/root.key for `--ca D`, or P.pem + P.key
// for an issuer given by prefix.
struct IssuerFiles {
  std::filesystem::path cert;
  std::filesystem::path key;
  static IssuerFiles in_folder(const std::filesystem::path& dir) {
    return {dir / "root.pem", dir / "root.key"};
  }
  static IssuerFiles with_prefix(const std::string& prefix) {
    return {prefix + ".pem", prefix + ".key"};
  }
};

// Creates a self-signed root CA in `dir` (root.pem, root.key).
pki::Certificate init_ca(const std::filesystem::path& dir, const std::string& subject, int days,
                         bool force, const keys::Kek& kek);

// Generates a key pair and issues a certificate of `profile` for it, writing prefix.pem and
// prefix.key. The validity is clamped to the issuer's.
pki::Certificate issue_to_files(const IssuerFiles& issuer, pki::CertificateProfile profile,
                                const std::string& subject, int days, const std::string& prefix,
                                bool force, const keys::Kek& kek);

// SM3withSM2 over a file's bytes with `user_id`; DER unless `raw` (r||s, 64 bytes).
Bytes sign_file(const std::filesystem::path& key_file, const std::filesystem::path& input,
                const std::string& user_id, bool raw, const keys::Kek& kek);

// Checks a signature (DER, raw r||s, or either as base64 or hex text) over a file against a
// certificate's key.
Status verify_file_signature(const pki::Certificate& cert, const std::filesystem::path& input,
                             const std::filesystem::path& signature, const std::string& user_id);

}  // namespace eseal::cli
