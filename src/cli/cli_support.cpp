#include "cli/cli_support.h"

#include <cstdlib>
#include <iostream>

#include "base/file.h"
#include "crypto/encoding.h"
#include "keys/key_file.h"
#include "pki/issue.h"

namespace eseal::cli {

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kVerificationFailed:
      return kExitVerificationFailed;
    case ErrorKind::kInvalidInput:
    case ErrorKind::kNotFound:
    case ErrorKind::kIo:
      return kExitBadInput;
    case ErrorKind::kInternal:
      return kExitInternal;
  }
  return kExitInternal;
}

void fail(const Error& error) {
  std::cerr << "eseal: " << error.message << "\n";
  throw CommandFailure{exit_code_for(error.kind)};
}

void need(const Status& status, const std::string& context) {
  if (!status) fail(context.empty() ? status.error() : status.error().with_context(context));
}

namespace {

std::optional<std::string_view> kek_from_environment() {
  const char* env = std::getenv("ESEAL_KEK");
  if (env && *env) return env;
  return std::nullopt;
}

std::filesystem::path kek_file(const GlobalOptions& options,
                               const std::filesystem::path& data_dir) {
  return options.kek_file ? *options.kek_file : data_dir / "kek";
}

}  // namespace

std::optional<std::filesystem::path> kek_file_of(const GlobalOptions& options,
                                                 const std::filesystem::path& data_dir) {
  if (kek_from_environment()) return std::nullopt;
  return kek_file(options, data_dir);
}

std::string kek_source(const GlobalOptions& options, const std::filesystem::path& data_dir) {
  auto file = kek_file_of(options, data_dir);
  return file ? file->string() : "ESEAL_KEK";
}

keys::Kek load_kek(const GlobalOptions& options, keys::KekFile mode,
                   const std::filesystem::path& data_dir) {
  return need(keys::load_or_create_kek(kek_from_environment(), kek_file(options, data_dir), mode));
}

pki::Certificate read_certificate(const std::filesystem::path& path) {
  auto data = need(read_file(path));
  return need(pki::Certificate::parse(data), path.string());
}

std::vector<pki::Certificate> read_certificates(const std::filesystem::path& path) {
  auto data = need(read_file(path));
  return need(pki::parse_certificates(data), path.string());
}

pki::Crl read_crl(const std::filesystem::path& path) {
  auto data = need(read_file(path));
  return need(pki::Crl::parse(data), path.string());
}

std::unique_ptr<keys::Signer> read_signer(const std::filesystem::path& key_file,
                                          const std::filesystem::path& cert_file,
                                          const keys::Kek& kek) {
  pki::Certificate cert = read_certificate(cert_file);
  auto signer = keys::key_file_signer(key_file, cert, kek);
  if (!signer && signer.error().code == keys::kKeyMismatch) {
    fail(Error::invalid_input(key_file.string() + " is not the key of the certificate in " +
                              cert_file.string() + " (" + cert.subject().to_string() + ")"));
  }
  return need(std::move(signer));
}

Result<Bytes> read_signature_file(const std::filesystem::path& path) {
  auto data = read_file(path);
  if (!data) return data.error();
  auto signature = crypto::parse_sm2_signature(*data);
  if (!signature) return signature.error().with_context(path.string());
  return signature;
}

Time time_option(const std::string& text) {
  return text.empty() ? now_utc() : need(parse_utc(text), "--at");
}

void add_trust_options(CLI::App* cmd, TrustFiles& files) {
  cmd->add_option("--ca", files.roots, "Trusted root certificate(s): chains are checked to them")
      ->allow_extra_args(false);
  cmd->add_option("--chain", files.chain, "Intermediate certificates (PEM bundle)");
  cmd->add_option("--crl", files.crls, "CRL(s) for revocation checks")->allow_extra_args(false);
}

TrustMaterial read_trust(const TrustFiles& files) {
  TrustMaterial out;
  for (const auto& path : files.roots) {
    auto certs = read_certificates(path);
    out.roots.insert(out.roots.end(), certs.begin(), certs.end());
  }
  if (!files.chain.empty()) out.chain = read_certificates(files.chain);
  for (const auto& path : files.crls) out.crls.push_back(read_crl(path));
  return out;
}

void refuse_overwrite(const std::filesystem::path& path, bool force) {
  std::error_code ec;
  if (!force && std::filesystem::exists(path, ec)) {
    fail(Error::invalid_input(path.string() + " already exists; pass --force to replace it"));
  }
}

std::string describe(const pki::Certificate& cert) {
  std::string out;
  auto line = [&out](const std::string& name, const std::string& value) {
    out += name;
    out.append(name.size() < 18 ? 18 - name.size() : 1, ' ');
    out += value + "\n";
  };
  line("subject", cert.subject().to_string());
  line("issuer", cert.issuer().to_string());
  line("serial", cert.serial_hex());
  line("not before", format_utc(cert.not_before()));
  line("not after", format_utc(cert.not_after()));
  std::string usage;
  for (const auto& name : pki::key_usage_names(cert.key_usage()))
    usage += (usage.empty() ? "" : ",") + name;
  line("key usage", usage.empty() ? "-" : usage);
  std::string eku;
  for (const auto& name : cert.extended_key_usage()) eku += (eku.empty() ? "" : ",") + name;
  if (!eku.empty()) line("extended usage", eku);
  line("ca", cert.is_ca() ? "yes" : "no");
  line("signature", cert.signature_algorithm());
  if (auto key = cert.public_key()) line("public key", crypto::to_hex(key->point()));
  line("sm3 fingerprint", crypto::to_hex(cert.sm3_fingerprint()));
  return out;
}

}  // namespace eseal::cli
