// eseal ca init | cert issue|show|verify | crl issue|check
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "crypto/encoding.h"
#include "keys/key_pair_files.h"
#include "pki/crl.h"
#include "pki/verify.h"

namespace eseal::cli {
namespace {

// Certificates start a minute in the past so a peer whose clock runs slightly behind accepts them.
constexpr auto kBackdate = std::chrono::minutes(1);

void check_days(int days) {
  if (days <= 0) fail(Error::invalid_input("--days must be a positive number of days"));
}

struct VerifyOptions {
  std::string cert, at;
  TrustFiles trust;
};

int run_cert_verify(const VerifyOptions& o) {
  pki::Certificate cert = read_certificate(o.cert);
  TrustMaterial trust = read_trust(o.trust);
  const auto& crls = trust.crls;
  Time at = time_option(o.at);
  auto status = pki::verify_chain(cert, trust.chain, trust.roots, {at, crls});
  if (!status) {
    std::cout << "FAILED " << cert.subject().to_string() << ": " << status.error().message << "\n";
    return exit_code_for(status.error().kind);
  }
  std::cout << "OK " << cert.subject().to_string() << " (valid at " << format_utc(at)
            << (crls.empty() ? "" : ", not revoked") << ")\n";
  return kExitOk;
}

struct CrlIssueOptions {
  std::string ca, issuer, out, reason = "unspecified";
  std::vector<std::string> serials, certs;
  int days = 7;
};

int run_crl_issue(const CrlIssueOptions& o, const GlobalOptions& global) {
  check_days(o.days);
  IssuerFiles files =
      o.issuer.empty() ? IssuerFiles::in_folder(o.ca) : IssuerFiles::with_prefix(o.issuer);
  std::filesystem::path out = !o.out.empty()     ? std::filesystem::path(o.out)
                              : o.issuer.empty() ? files.cert.parent_path() / "crl.pem"
                                                 : std::filesystem::path(o.issuer + ".crl.pem");
  keys::Kek kek = load_kek(global);
  pki::Certificate issuer = read_certificate(files.cert);
  pki::RevocationReason reason = need(pki::parse_revocation_reason(o.reason), "--reason");
  Time now = now_utc();

  pki::CrlRequest request{{}, now, now + std::chrono::days(o.days), 1};
  std::error_code ec;
  if (std::filesystem::exists(out, ec)) {
    // Carry the previous list forward so revocations accumulate.
    pki::Crl previous = read_crl(out);
    need(previous.verify_signature(issuer), out.string());
    request.revoked = previous.revoked();
    request.number = previous.number() + 1;
  }
  std::vector<Bytes> serials;
  for (const auto& hex : o.serials)
    serials.push_back(need(crypto::from_hex(hex), "--revoke " + hex));
  for (const auto& path : o.certs) {
    pki::Certificate cert = read_certificate(path);
    if (cert.issuer() != issuer.subject()) {
      fail(Error::invalid_input(path + " was not issued by " + issuer.subject().to_string()));
    }
    serials.push_back(cert.serial());
  }
  for (auto& serial : serials) {
    while (serial.size() > 1 && serial[0] == 0) serial.erase(serial.begin());
    bool listed = false;
    for (const auto& entry : request.revoked) listed = listed || entry.serial == serial;
    if (listed) {
      std::cout << "already revoked: " << crypto::to_hex_upper(serial) << "\n";
      continue;
    }
    request.revoked.push_back({serial, now, reason});
    std::cout << "revoked: " << crypto::to_hex_upper(serial) << " (" << o.reason << ")\n";
  }
  pki::Crl crl = need(keys::issue_crl(request, issuer, files.key, kek));
  need(write_file_atomic(out, as_bytes(crl.pem()), 0644));
  std::cout << "wrote " << out.string() << ": CRL number " << crl.number() << ", "
            << crl.revoked().size() << " revoked, next update " << format_utc(*crl.next_update())
            << "\n";
  return kExitOk;
}

struct CrlCheckOptions {
  std::string crl, cert, ca, at;
};

int run_crl_check(const CrlCheckOptions& o) {
  pki::Crl crl = read_crl(o.crl);
  pki::Certificate cert = read_certificate(o.cert);
  Time at = time_option(o.at);
  Status status = pki::check_revocation(cert, crl, read_certificate(o.ca), at);
  if (!status) {
    std::cout << "FAILED " << cert.serial_hex() << ": " << status.error().message << "\n";
    return exit_code_for(status.error().kind);
  }
  std::cout << "GOOD " << cert.serial_hex() << " was not revoked at " << format_utc(at)
            << " according to CRL number " << crl.number() << "\n";
  return kExitOk;
}

}  // namespace

pki::Certificate init_ca(const std::filesystem::path& dir, const std::string& subject, int days,
                         bool force, const keys::Kek& kek) {
  check_days(days);
  IssuerFiles files = IssuerFiles::in_folder(dir);
  refuse_overwrite(files.cert, force);
  refuse_overwrite(files.key, force);
  Time now = now_utc();
  keys::KeyPairRequest request{pki::CertificateProfile::kRootCa,
                               need(pki::DistinguishedName::parse(subject), "--subject"),
                               now - kBackdate, now + std::chrono::days(days)};
  return need(keys::issue_key_pair(request, std::nullopt, {files.cert, files.key}, kek));
}

pki::Certificate issue_to_files(const IssuerFiles& issuer_files, pki::CertificateProfile profile,
                                const std::string& subject, int days, const std::string& prefix,
                                bool force, const keys::Kek& kek) {
  check_days(days);
  if (profile == pki::CertificateProfile::kRootCa) {
    fail(Error::invalid_input("a root CA is made with `eseal ca init`, not `cert issue`"));
  }
  IssuerFiles out = IssuerFiles::with_prefix(prefix);
  refuse_overwrite(out.cert, force);
  refuse_overwrite(out.key, force);
  pki::Certificate issuer = read_certificate(issuer_files.cert);
  Time now = now_utc();
  Time not_before = std::max(now - kBackdate, issuer.not_before());
  Time not_after = std::min(now + std::chrono::days(days), issuer.not_after());
  if (not_after < now + std::chrono::days(days)) {
    std::cerr << "eseal: note: validity shortened to the issuer's notAfter "
              << format_utc(not_after) << "\n";
  }
  keys::KeyPairRequest request{profile, need(pki::DistinguishedName::parse(subject), "--subject"),
                               not_before, not_after};
  return need(keys::issue_key_pair(request, keys::KeyPairFiles{issuer_files.cert, issuer_files.key},
                                   {out.cert, out.key}, kek));
}

pki::Certificate certify_device_key(const std::string& issuer_prefix, const std::string& subject,
                                    const crypto::Sm2PublicKey& key, int days,
                                    const keys::Kek& kek) {
  check_days(days);
  IssuerFiles issuer = IssuerFiles::with_prefix(issuer_prefix);
  pki::Certificate issuer_cert = read_certificate(issuer.cert);
  Time now = now_utc();
  pki::CertificateRequest request{pki::CertificateProfile::kSeal,
                                  need(pki::DistinguishedName::parse(subject), "--subject"),
                                  key,
                                  std::max(now - kBackdate, issuer_cert.not_before()),
                                  std::min(now + std::chrono::days(days), issuer_cert.not_after()),
                                  {}};
  return need(keys::issue_certificate(request, {issuer.cert, issuer.key}, kek), "--issuer");
}

void add_ca_commands(CLI::App& app, const GlobalOptions& global) {
  auto* ca = app.add_subcommand("ca", "Manage the built-in certificate authority");
  ca->require_subcommand(1);
  {
    auto* init = ca->add_subcommand("init", "Create a root CA: D/root.pem and D/root.key");
    auto dir = std::make_shared<std::string>();
    auto subject = std::make_shared<std::string>("C=CN,O=eseal,CN=eseal Root CA");
    auto days = std::make_shared<int>(3650);
    auto force = std::make_shared<bool>(false);
    init->add_option("--dir", *dir, "Folder for root.pem and root.key")->required();
    init->add_option("--subject", *subject, "Distinguished name, e.g. \"C=CN,O=…,CN=…\"")
        ->capture_default_str();
    init->add_option("--days", *days, "Validity in days")->capture_default_str();
    init->add_flag("--force", *force, "Replace an existing CA");
    init->callback([=, &global] {
      keys::Kek kek = load_kek(global, keys::KekFile::kCreateIfMissing);
      auto cert = init_ca(*dir, *subject, *days, *force, kek);
      std::cout << "created root CA " << (std::filesystem::path(*dir) / "root.pem").string() << "\n"
                << describe(cert);
    });
  }

  auto* cert = app.add_subcommand("cert", "Issue, show and verify certificates");
  cert->require_subcommand(1);
  {
    auto* issue =
        cert->add_subcommand("issue", "Issue a certificate with a new SM2 key: P.pem and P.key");
    auto ca_dir = std::make_shared<std::string>();
    auto issuer = std::make_shared<std::string>();
    auto profile = std::make_shared<std::string>();
    auto subject = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto days = std::make_shared<int>(730);
    auto force = std::make_shared<bool>(false);
    auto* ca_option = issue->add_option("--ca", *ca_dir, "CA folder made by `eseal ca init`");
    auto* issuer_option = issue->add_option(
        "--issuer", *issuer, "Issuing CA given by prefix (P.pem, P.key), e.g. a sub-ca");
    ca_option->excludes(issuer_option);
    issue
        ->add_option(
            "--profile", *profile,
            "root-ca is made by `ca init`; sub-ca, seal-maker, seal, seal-enc, user or tsa")
        ->required();
    issue->add_option("--subject", *subject, "Distinguished name, e.g. \"C=CN,O=…,CN=…\"")
        ->required();
    issue->add_option("--out", *out, "Output prefix: writes P.pem and P.key")->required();
    issue->add_option("--days", *days, "Validity in days (clamped to the issuer's)")
        ->capture_default_str();
    issue->add_flag("--force", *force, "Replace existing files");
    issue->callback([=, &global] {
      if (ca_dir->empty() && issuer->empty())
        fail(Error::invalid_input("give --ca D or --issuer P"));
      keys::Kek kek = load_kek(global);
      auto files =
          ca_dir->empty() ? IssuerFiles::with_prefix(*issuer) : IssuerFiles::in_folder(*ca_dir);
      auto issued = issue_to_files(files, need(pki::parse_profile(*profile), "--profile"), *subject,
                                   *days, *out, *force, kek);
      std::cout << "issued " << *out << ".pem (key " << *out << ".key)\n" << describe(issued);
    });
  }
  {
    auto* show = cert->add_subcommand("show", "Print a certificate's fields");
    auto path = std::make_shared<std::string>();
    show->add_option("--cert", *path, "Certificate (PEM, DER or base64)")->required();
    show->callback([=] {
      for (const auto& c : read_certificates(*path)) std::cout << describe(c);
    });
  }
  {
    auto* verify =
        cert->add_subcommand("verify", "Verify a certificate's chain (exit 0 valid, 1 invalid)");
    auto o = std::make_shared<VerifyOptions>();
    verify->add_option("--cert", o->cert, "Certificate to verify")->required();
    verify->add_option("--ca", o->trust.roots, "Trusted root certificate(s)")->required();
    verify->add_option("--chain", o->trust.chain, "Intermediate certificates (PEM bundle)");
    verify->add_option("--crl", o->trust.crls,
                       "CRL(s) of the certificate's issuer; checks revocation");
    verify->add_option("--at", o->at, "Check validity at this UTC time instead of now");
    verify->callback([=] { throw CommandFailure{run_cert_verify(*o)}; });
  }

  auto* crl = app.add_subcommand("crl", "Issue and check certificate revocation lists");
  crl->require_subcommand(1);
  {
    auto* issue = crl->add_subcommand("issue", "Issue (or extend) the CA's CRL");
    auto o = std::make_shared<CrlIssueOptions>();
    auto* ca_option = issue->add_option("--ca", o->ca, "CA folder made by `eseal ca init`");
    auto* issuer_option =
        issue->add_option("--issuer", o->issuer, "Issuing CA given by prefix (P.pem, P.key)");
    ca_option->excludes(issuer_option);
    issue->add_option("--revoke", o->serials, "Serial number (hex) to revoke");
    issue->add_option("--revoke-cert", o->certs, "Certificate to revoke");
    issue->add_option("--reason", o->reason, "keyCompromise, superseded, cessationOfOperation, …")
        ->capture_default_str();
    issue->add_option("--days", o->days, "Days until nextUpdate")->capture_default_str();
    issue->add_option("--out", o->out,
                      "CRL file (default: D/crl.pem for --ca D, P.crl.pem for --issuer P)");
    issue->callback([=, &global] {
      if (o->ca.empty() && o->issuer.empty())
        fail(Error::invalid_input("give --ca D or --issuer P"));
      throw CommandFailure{run_crl_issue(*o, global)};
    });
  }
  {
    auto* check =
        crl->add_subcommand("check", "Check a certificate against a CRL (exit 0 good, 1 revoked)");
    auto o = std::make_shared<CrlCheckOptions>();
    check->add_option("--crl", o->crl, "CRL file")->required();
    check->add_option("--cert", o->cert, "Certificate to look up")->required();
    check
        ->add_option("--ca", o->ca,
                     "The CRL issuer's certificate (signature and freshness are checked)")
        ->required();
    check->add_option("--at", o->at, "Check freshness at this UTC time instead of now");
    check->callback([=] { throw CommandFailure{run_crl_check(*o)}; });
  }
}

}  // namespace eseal::cli
