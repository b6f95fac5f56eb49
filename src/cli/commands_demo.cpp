// eseal demo: the product's main job on embedded defaults until the server exists. It builds a
// CA, a seal maker's and a signer's certificates, signs and verifies a sample payload, and says
// how to cross-check everything with OpenSSL.
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "crypto/encoding.h"
#include "pki/verify.h"

namespace eseal::cli {
namespace {

constexpr const char* kPayload =
    "eseal demo payload: 兹证明该文件由演示单位签发。This file was signed by the eseal demo.\n";

void step(int n, const std::string& what, const std::string& detail) {
  std::string label = "[" + std::to_string(n) + "/5] " + what;
  label.append(label.size() < 31 ? 31 - label.size() : 1, ' ');
  std::cout << label << detail << std::endl;
}

int run_demo(const std::filesystem::path& dir, const GlobalOptions& global) {
  std::cout << "eseal demo: working in " << dir.string() << " (key-encryption key "
            << (std::getenv("ESEAL_KEK") ? std::string("from ESEAL_KEK") : global.kek_file.string())
            << ")\n";
  keys::Kek kek = load_kek(global, keys::KekFile::kCreateIfMissing);

  auto ca_dir = dir / "ca";
  auto root = init_ca(ca_dir, "C=CN,O=eseal 演示,CN=eseal 演示根CA", 3650, true, kek);
  step(1, "root CA", (ca_dir / "root.pem").string() + "  " + root.subject().to_string());

  auto issuer = IssuerFiles::in_folder(ca_dir);
  auto maker_prefix = (dir / "seal-maker").string();
  auto maker = issue_to_files(issuer, pki::CertificateProfile::kSealMaker,
                              "C=CN,O=eseal 演示制章中心,CN=eseal 演示制章者", 1825, maker_prefix,
                              true, kek);
  step(2, "seal maker certificate", maker_prefix + ".pem  " + maker.subject().to_string());

  auto signer_prefix = (dir / "signer").string();
  auto signer =
      issue_to_files(issuer, pki::CertificateProfile::kSeal,
                     "C=CN,O=某某市人力资源和社会保障局,CN=某某市人力资源和社会保障局公章", 730,
                     signer_prefix, true, kek);
  step(3, "signer certificate", signer_prefix + ".pem  " + signer.subject().to_string());

  auto payload = dir / "payload.txt";
  auto signature = dir / "payload.sig";
  need(write_file_atomic(payload, as_bytes(kPayload), 0644));
  Bytes sig = sign_file(signer_prefix + ".key", payload, std::string(crypto::kSm2DefaultUserId),
                        false, kek);
  need(write_file_atomic(signature, sig, 0644));
  step(4, "signed payload",
       payload.string() + " -> " + signature.string() + " (SM3withSM2, DER, " +
           std::to_string(sig.size()) + " bytes)");

  need(verify_file_signature(signer, payload, signature, std::string(crypto::kSm2DefaultUserId)),
       "demo signature");
  std::vector<pki::Certificate> roots{root};
  Time now = now_utc();
  need(pki::verify_chain(signer, {}, roots, {now, {}}), "signer chain");
  need(pki::verify_chain(maker, {}, roots, {now, {}}), "seal maker chain");
  step(5, "verified",
       "signature OK; signer and seal maker chain to the root at " + format_utc(now));

  const std::string d = dir.string();
  std::cout << "\nCross-check with OpenSSL (OpenSSL 3.0 needs the standard SM2 ID spelled out):\n"
            << "  openssl verify -vfyopt distid:1234567812345678 -CAfile " << d << "/ca/root.pem "
            << d << "/signer.pem " << d << "/seal-maker.pem\n"
            << "  openssl x509 -in " << d << "/signer.pem -pubkey -noout > " << d << "/signer.pub\n"
            << "  openssl pkeyutl -verify -pubin -inkey " << d << "/signer.pub -rawin -digest sm3 "
            << "-pkeyopt distid:1234567812345678 -in " << d << "/payload.txt -sigfile " << d
            << "/payload.sig\n";
  return kExitOk;
}

}  // namespace

void add_demo_command(CLI::App& app, const GlobalOptions& global) {
  auto* demo =
      app.add_subcommand("demo", "Create a demo CA and certificates, sign and verify a payload");
  auto dir = std::make_shared<std::string>("var/demo");
  demo->add_option("--dir", *dir, "Folder for the demo's files (replaced on each run)")
      ->capture_default_str();
  demo->callback([=, &global] { throw CommandFailure{run_demo(*dir, global)}; });
}

}  // namespace eseal::cli
