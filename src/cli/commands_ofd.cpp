// eseal ofd verify: the signatures of an OFD document (GB/T 33190 §18), checked one by one.
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/report_output.h"
#include "ofd/verify.h"

namespace eseal::cli {
namespace {

void print_text(const ofd::VerifyReport& report) {
  for (const auto& w : report.warnings) std::cout << "warning: " << w << "\n";
  if (report.signatures.empty()) std::cout << "no signatures\n";
  for (const auto& s : report.signatures) {
    std::cout << "signature " << s.id << " (" << s.type << ", " << s.format << ") "
              << s.signature_path << (s.locked ? ", locks the package" : "") << ", signed "
              << (s.signing_time ? format_utc(*s.signing_time) : s.signature_date_time) << " by "
              << (s.signer.empty() ? "?" : s.signer) << "\n";
    for (const auto& a : s.appearances) {
      char where[160];
      std::snprintf(where, sizeof where, "  shown on page %d at %.1f, %.1f mm (%.1f x %.1f mm)%s\n",
                    a.page + 1, a.boundary.x, a.boundary.y, a.boundary.width, a.boundary.height,
                    a.clip ? ", clipped" : "");
      std::cout << where;
    }
    for (const auto& c : s.verdict.checks) std::cout << check_line(c);
  }
  for (const auto& f : report.uncovered_files)
    std::cout << "not covered by any signature: " << f << "\n";
  for (const auto& f : report.removed_files) std::cout << "removed after signing: " << f << "\n";
  std::cout << (report.valid() ? "OK every signature is valid and nothing changed after signing\n"
                               : "FAILED the document's signatures do not all hold\n");
}

void print_json(const ofd::VerifyReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  auto str = [&w](const char* key, const std::string& value) { json_string(w, key, value); };
  auto list = [&w](const char* key, const std::vector<std::string>& values) {
    w.Key(key);
    w.StartArray();
    for (const auto& v : values) w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    w.EndArray();
  };
  w.StartObject();
  w.Key("valid");
  w.Bool(report.valid());
  w.Key("locked");
  w.Bool(report.locked());
  list("uncoveredFiles", report.uncovered_files);
  list("removedFiles", report.removed_files);
  list("warnings", report.warnings);
  w.Key("signatures");
  w.StartArray();
  for (const auto& s : report.signatures) {
    w.StartObject();
    str("id", s.id);
    str("type", s.type);
    str("format", s.format);
    w.Key("valid");
    w.Bool(s.valid());
    w.Key("locked");
    w.Bool(s.locked);
    str("signatureXml", s.signature_path);
    str("signingTime", s.signing_time ? format_utc(*s.signing_time) : "");
    str("signer", s.signer);
    str("pictureType", s.picture_type);
    w.Key("references");
    w.StartArray();
    for (const auto& r : s.references) {
      w.StartObject();
      str("file", r.path);
      str("status", std::string(ofd::reference_status_name(r.status)));
      w.EndObject();
    }
    w.EndArray();
    w.Key("appearances");
    w.StartArray();
    for (const auto& a : s.appearances) json_placed_rect(w, a.page, a.boundary);
    w.EndArray();
    json_checks(w, s.verdict);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::cout << buffer.GetString() << "\n";
}

}  // namespace

void add_ofd_commands(CLI::App& app, const GlobalOptions& global) {
  auto* ofd = app.add_subcommand("ofd", "Verify OFD documents' seals and signatures");
  ofd->require_subcommand(1);
  add_ofd_document_commands(*ofd, global);
  auto* verify = ofd->add_subcommand(
      "verify", "Verify every signature (exit 0 all valid and unchanged, 1 otherwise)");
  auto file = std::make_shared<std::string>();
  auto trust_files = std::make_shared<TrustFiles>();
  auto signer_certs = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  verify->add_option("file", *file, "OFD document")->required();
  verify->add_option("--ca", trust_files->roots, "Trusted root certificate(s)")
      ->allow_extra_args(false);
  verify->add_option("--chain", trust_files->chain, "Intermediate certificates (PEM bundle)");
  verify->add_option("--crl", trust_files->crls, "CRL(s)")->allow_extra_args(false);
  verify
      ->add_option("--signer-cert", *signer_certs,
                   "Certificate(s) for bare SM2 signatures, which carry none")
      ->allow_extra_args(false);
  verify->add_flag("--json", *json, "Print JSON");
  verify->callback([=] {
    TrustMaterial trust = read_trust(*trust_files);
    std::vector<pki::Certificate> signers;
    for (const auto& path : *signer_certs) {
      auto certs = read_certificates(path);
      signers.insert(signers.end(), certs.begin(), certs.end());
    }
    Bytes input = need(read_file(*file));
    ofd::VerifyOptions options;
    options.signer_certificates = signers;
    auto report =
        need(ofd::verify_ofd(input, {trust.roots, trust.chain, trust.crls}, options), *file);
    if (*json) {
      print_json(report);
    } else {
      print_text(report);
    }
    throw CommandFailure{report.valid() ? kExitOk : kExitVerificationFailed};
  });
}

}  // namespace eseal::cli
