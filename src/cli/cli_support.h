// Shared plumbing of the `eseal` command: exit codes, error reporting, the KEK, and reading and
// writing the files the commands exchange.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
#include <string>

#include "base/result.h"
#include "keys/kek.h"
#include "keys/signer.h"
#include "pki/certificate.h"
#include "pki/crl.h"

namespace eseal::cli {

// Exit codes: what scripts branch on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitVerificationFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;
// A verification that found nothing wrong but could not establish everything (a chain not
// checked, an unknown root, a certificate missing): ses/verify.h's indeterminate verdict.
inline constexpr int kExitIndeterminate = 4;

int exit_code_for(ErrorKind kind);

// Thrown by command callbacks to end the program with `code` after printing `message`.
struct CommandFailure {
  int code;
};

// Prints "eseal: <message>" to stderr and throws CommandFailure with the error's exit code.
[[noreturn]] void fail(const Error& error);

// Unwraps a result or fails with its error, prefixed by `context` when given.
template <typename T>
T need(Result<T> result, const std::string& context = {}) {
  if (!result) fail(context.empty() ? result.error() : result.error().with_context(context));
  return std::move(result).value();
}
void need(const Status& status, const std::string& context = {});

// The data folder of commands without --data-dir, and the default of those with it.
inline constexpr const char* kDefaultDataDir = "var";

// Options every command shares.
struct GlobalOptions {
  // --kek-file or $ESEAL_KEK_FILE: a KEK file used instead of the data folder's own D/kek.
  std::optional<std::filesystem::path> kek_file;
  std::string program = "eseal";  // how this program was invoked, for commands it prints
};

// The KEK file of data folder `data_dir`: --kek-file (or $ESEAL_KEK_FILE) when given, else
// data_dir/kek; none when $ESEAL_KEK gives the KEK itself.
std::optional<std::filesystem::path> kek_file_of(const GlobalOptions& options,
                                                 const std::filesystem::path& data_dir);
// Where that KEK comes from, for messages: the KEK file, or "ESEAL_KEK".
std::string kek_source(const GlobalOptions& options, const std::filesystem::path& data_dir);

// The KEK of data folder `data_dir` (see kek_source); commands without --data-dir use the
// default folder's. Only commands that start a key hierarchy create the file.
keys::Kek load_kek(const GlobalOptions& options, keys::KekFile mode = keys::KekFile::kMustExist,
                   const std::filesystem::path& data_dir = kDefaultDataDir);

pki::Certificate read_certificate(const std::filesystem::path& path);
std::vector<pki::Certificate> read_certificates(const std::filesystem::path& path);
pki::Crl read_crl(const std::filesystem::path& path);
// The signer of the key in `key_file` for the certificate in `cert_file`, which must be that
// key's: a signature made with another key would not verify, so a mismatch is bad input (exit 2)
// found before anything is signed, not a verification failure afterwards.
std::unique_ptr<keys::Signer> read_signer(const std::filesystem::path& key_file,
                                          const std::filesystem::path& cert_file,
                                          const keys::Kek& kek);

// An SM2 signature file, lenient in: DER or raw r||s, or either as hex or base64 text.
Result<Bytes> read_signature_file(const std::filesystem::path& path);

// The value of an `--at TIME` option: now when empty.
Time time_option(const std::string& text);

// Trust material given on the command line: --ca roots, --chain intermediates, --crl lists.
struct TrustFiles {
  std::vector<std::string> roots;
  std::string chain;
  std::vector<std::string> crls;
};
struct TrustMaterial {
  std::vector<pki::Certificate> roots;
  std::vector<pki::Certificate> chain;
  std::vector<pki::Crl> crls;
};
TrustMaterial read_trust(const TrustFiles& files);
// --ca (repeatable), --chain and --crl (repeatable) of the verifying commands.
void add_trust_options(CLI::App* cmd, TrustFiles& files);

// Fails with kInvalidInput when `path` exists and `force` is false, so nothing is overwritten
// by accident.
void refuse_overwrite(const std::filesystem::path& path, bool force);

// A human-readable summary of a certificate, one field per line.
std::string describe(const pki::Certificate& cert);

}  // namespace eseal::cli
