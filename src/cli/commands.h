// The `eseal` subcommands. Each add_* function registers its commands on the application; the
// operations below are the single implementation the commands and `eseal demo` share.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "cli/cli_support.h"
#include "ofd/verify.h"
#include "pki/issue.h"
#include "ses/seal.h"

namespace eseal::cli {

void add_app_commands(CLI::App& app, const GlobalOptions& options);
void add_audit_commands(CLI::App& app, const GlobalOptions& options);
void add_ca_commands(CLI::App& app, const GlobalOptions& options);
void add_data_commands(CLI::App& app, const GlobalOptions& options);
void add_filing_commands(CLI::App& app, const GlobalOptions& options);
void add_demo_command(CLI::App& app, const GlobalOptions& options);
void add_seal_commands(CLI::App& app, const GlobalOptions& options);
// `eseal seal register|list|status|freeze|revoke` (seals in the store), on the `seal` subcommand.
void add_seal_store_commands(CLI::App& seal, const GlobalOptions& options);
void add_pdf_commands(CLI::App& app, const GlobalOptions& options);
void add_ofd_commands(CLI::App& app, const GlobalOptions& options);
void add_call_commands(CLI::App& app, const GlobalOptions& options);
void add_admin_commands(CLI::App& app, const GlobalOptions& options);
void add_serve_command(CLI::App& app, const GlobalOptions& options);
void add_sms_commands(CLI::App& app, const GlobalOptions& options);
// `eseal store migrate`: the store moved to another database (store/store_transfer.h).
void add_store_commands(CLI::App& app, const GlobalOptions& options);
void add_sz_commands(CLI::App& app, const GlobalOptions& options);
void add_ts_commands(CLI::App& app, const GlobalOptions& options);
// `eseal token init|write-seal|write-file|list`: USB keys through their SKF library.
void add_token_commands(CLI::App& app, const GlobalOptions& options);
void add_device_commands(CLI::App& app, const GlobalOptions& options);
// `eseal agent`: the local service for distributed signing (api/agent/agent.h).
void add_agent_command(CLI::App& app);
// `eseal ofd verify --json`'s report, also attached to PDFs converted from OFD on request.
std::string ofd_report_json(const ofd::VerifyReport& report);
// `eseal convert`, and `eseal ofd render` on the `ofd` subcommand.
void add_convert_commands(CLI::App& app, CLI::App& ofd);
// `eseal ofd text` and `eseal ofd make`, registered on the `ofd` subcommand.
void add_ofd_document_commands(CLI::App& ofd, const GlobalOptions& options);

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

// Issues a seal certificate for `key`, a key pair held in a device (a USB key, a crypto device),
// by the issuer P (P.pem, P.key). The validity is clamped to the issuer's.
pki::Certificate certify_device_key(const std::string& issuer_prefix, const std::string& subject,
                                    const crypto::Sm2PublicKey& key, int days,
                                    const keys::Kek& kek);

// SM3withSM2 over a file's bytes with `user_id`; DER unless `raw` (r||s, 64 bytes).
Bytes sign_file(const std::filesystem::path& key_file, const std::filesystem::path& input,
                const std::string& user_id, bool raw, const keys::Kek& kek);

// Checks a signature (DER, raw r||s, or either as base64 or hex text) over a file against a
// certificate's key.
Status verify_file_signature(const pki::Certificate& cert, const std::filesystem::path& input,
                             const std::filesystem::path& signature, const std::string& user_id);

// What `eseal seal make` takes; `eseal demo` makes its seals through the same function.
struct SealMakeRequest {
  std::string maker;                      // the seal maker's prefix P: P.pem and P.key
  std::vector<std::string> signer_certs;  // PEM files, each one or more certificates
  std::string name;
  int type = 0;               // ses/seal_type.h code
  std::string template_name;  // empty: the type's default
  std::string picture;        // a user's picture file instead of a template
  std::string code, purpose, id;
  int valid_days = 1825;
  int width_mm = 0, height_mm = 0;  // 0: the template's default
  std::string out, picture_out;
  bool force = false;
};

// Draws or normalizes the picture, signs the seal with the maker's key and writes the .esl
// (and the picture when asked). Exits through fail() on bad input.
ses::SesSeal make_seal_file(const SealMakeRequest& request, const keys::Kek& kek);
// The same for the signers given (a USB key's certificate); writes no file when `out` is empty.
ses::SesSeal make_seal_for(const SealMakeRequest& request, std::vector<pki::Certificate> signers,
                           const keys::Kek& kek);
// The seal's design options (--name, --type, --template, …, --out, --picture-out, --force).
void add_seal_design_options(CLI::App* cmd, SealMakeRequest& request);

}  // namespace eseal::cli
