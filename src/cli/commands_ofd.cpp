// eseal ofd sign | lock | unlock | copy | verify: seals, licence lock signatures and certified
// copies on OFD documents (GB/T 33190 §18), and their verification one by one.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/placement_options.h"
#include "cli/report_output.h"
#include "cli/seal_choice.h"
#include "cli/store_support.h"
#include "cli/time_stamps.h"
#include "cli/two_phase.h"
#include "oes/loader.h"
#include "ofd/verify.h"

namespace eseal::cli {
namespace {

// The report as text; an attached original (of a certified copy) is printed indented below.
void print_text(const ofd::VerifyReport& report, const std::string& indent = "") {
  std::ostringstream o;
  for (const auto& w : report.warnings) o << "warning: " << w << "\n";
  if (report.signatures.empty()) o << "no signatures\n";
  for (const auto& s : report.signatures) {
    o << "signature " << s.id << " (" << s.type << ", " << s.format << ") " << s.signature_path
      << (s.locked ? ", locks the package" : "") << ", signed "
      << (s.signing_time ? format_utc(*s.signing_time) : s.signature_date_time) << " by "
      << (s.signer.empty() ? "?" : s.signer) << "\n";
    for (const auto& a : s.appearances) {
      char where[160];
      std::snprintf(where, sizeof where, "  shown on page %d at %.1f, %.1f mm (%.1f x %.1f mm)%s\n",
                    a.page + 1, a.boundary.x, a.boundary.y, a.boundary.width, a.boundary.height,
                    a.clip ? ", clipped" : "");
      o << where;
    }
    for (const auto& r : s.changed_regions) o << changed_region_line(r);
    for (const auto& c : s.verdict.checks) o << check_line(c);
    o << verdict_line(s.verdict);
  }
  for (const auto& f : report.uncovered_files) o << "not covered by any signature: " << f << "\n";
  for (const auto& f : report.removed_files) o << "removed after signing: " << f << "\n";
  if (const auto& copy = report.certified_copy) {
    o << "certified copy (加注件) made " << copy->created << " by " << copy->creator << " for "
      << copy->cause << ", valid until " << copy->expires << "\n";
    for (const auto& c : copy->verdict.checks) o << check_line(c);
  }
  std::istringstream lines(o.str());
  for (std::string line; std::getline(lines, line);) std::cout << indent << line << "\n";
  if (report.certified_copy && report.certified_copy->original) {
    std::cout << indent << "original, attached as " << report.certified_copy->original_path
              << ":\n";
    print_text(*report.certified_copy->original, indent + "  ");
  }
  std::cout << indent << document_verdict_line(report.outcome());
}

// The report as a JSON object; a certified copy's attached original is nested in it.
void write_json(JsonWriter& w, const ofd::VerifyReport& report) {
  auto str = [&w](const char* key, const std::string& value) { json_string(w, key, value); };
  w.StartObject();
  json_validity(w, report.outcome());
  w.Key("locked");
  w.Bool(report.locked());
  json_strings(w, "uncoveredFiles", report.uncovered_files);
  json_strings(w, "removedFiles", report.removed_files);
  json_strings(w, "warnings", report.warnings);
  w.Key("signatures");
  w.StartArray();
  for (const auto& s : report.signatures) {
    w.StartObject();
    str("id", s.id);
    str("type", s.type);
    json_value(w, s);
    w.Key("locked");
    w.Bool(s.locked);
    str("signatureXml", s.signature_path);
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
    json_changed_regions(w, s.changed_regions);
    json_checks(w, s.verdict);
    w.EndObject();
  }
  w.EndArray();
  if (const auto& copy = report.certified_copy) {
    w.Key("certifiedCopy");
    w.StartObject();
    str("created", copy->created);
    str("creator", copy->creator);
    str("cause", copy->cause);
    str("expires", copy->expires);
    str("originalFile", copy->original_path);
    if (copy->original) {
      w.Key("original");
      write_json(w, *copy->original);
    }
    json_checks(w, copy->verdict);
    w.EndObject();
  }
  w.EndObject();
}

struct SigningFiles {
  std::string in, out, key, cert, tsa, data_dir = kDefaultDataDir;
  bool force = false;
};

// --in, --out, --force and, unless a seal choice names the signer, --cert (and --key).
void add_signing_options(CLI::App* cmd, SigningFiles& f, const std::string& what,
                         bool signer_files = true) {
  cmd->add_option("--in", f.in, "OFD document")->required();
  cmd->add_option("--out", f.out, what + " to write")->required();
  if (signer_files) {
    cmd->add_option("--key", f.key, "Signer's private key (S.key)")->required();
    cmd->add_option("--cert", f.cert, "Signer's certificate (S.pem)")->required();
    add_data_dir_option(*cmd, f.data_dir);  // for --tsa builtin; a seal choice has its own
  }
  cmd->add_flag("--force", f.force, "Replace an existing output file");
  add_tsa_option(cmd, f.tsa);
}

// Reads the input OFD, prepares a signature in it with `prepare` for `signer`, signs, completes
// (with --tsa's time stamp, the authority's of `data_dir` for builtin) and writes the finished
// package; returns how the signature is known.
std::string sign_and_write(
    const SigningFiles& f, keys::Signer& signer,
    const std::function<Result<service::PendingSignature>(const Bytes&, const pki::Certificate&)>&
        prepare,
    const std::string& data_dir, const GlobalOptions& global) {
  Bytes input = read_document(f.in, service::DocumentFormat::kOfd);
  service::PendingSignature prepared = need(prepare(input, signer.certificate()), f.in);
  std::string name = prepared.name;
  TimeStamping stamping(f.tsa, data_dir, global);
  Bytes done = need(service::sign(std::move(prepared), signer, stamping.stamper(now_utc())), f.in);
  need(write_file_atomic(f.out, done, 0644));
  return name;
}

// The signer of --key and --cert.
std::unique_ptr<keys::Signer> signer_of(const SigningFiles& f, const GlobalOptions& global) {
  return read_signer(f.key, f.cert, load_kek(global));
}

struct OfdSignOptions {
  SigningFiles files;
  SealChoice seal;
  PlacementOptions placement;
};

Result<service::PendingSignature> prepare_seal(const OfdSignOptions& o, const Bytes& input,
                                               const ChosenSeal& chosen) {
  service::SealSignature request{placements(o.placement), &chosen.seal, doc::SignatureFormat::kSes,
                                 "", ""};
  return service::prepare_seal(input, request, chosen.certificate, now_utc(), kNoLimits);
}

void add_signing_commands(CLI::App* ofd, const GlobalOptions& global) {
  {
    auto* sign = ofd->add_subcommand("sign", "Stamp a seal (Type=\"Seal\", an SES signature)");
    auto o = std::make_shared<OfdSignOptions>();
    add_signing_options(sign, o->files, "Sealed OFD", false);
    add_seal_choice(sign, o->seal, true);
    add_placement_options(sign, o->placement);
    sign->callback([o, &global] {
      refuse_overwrite(o->files.out, o->files.force);
      ChosenSeal chosen = choose_seal(o->seal, global, true);
      std::string name = sign_and_write(
          o->files, *chosen.signer,
          [&](const Bytes& input, const pki::Certificate&) {
            return prepare_seal(*o, input, chosen);
          },
          o->seal.data_dir, global);
      chosen.audit("ofd.sign", o->files.in + " -> " + o->files.out);
      std::cout << "sealed " << o->files.in << " -> " << o->files.out << " (" << name << ")\n";
    });
  }
  {
    auto* prep = ofd->add_subcommand(
        "prepare", "First half of sealing elsewhere: lay out the seal, leave the value pending");
    auto o = std::make_shared<OfdSignOptions>();
    auto outputs = std::make_shared<PrepareOutputs>();
    add_signing_options(prep, o->files, "Prepared OFD", false);
    add_seal_choice(prep, o->seal, false);
    add_placement_options(prep, o->placement);
    add_prepare_outputs(prep, *outputs, "the new Signature.xml (the dataHash) here");
    prep->callback([o, outputs, &global] {
      refuse_overwrite(o->files.out, o->files.force);
      ChosenSeal chosen = choose_seal(o->seal, global, false);
      Bytes input = read_document(o->files.in, service::DocumentFormat::kOfd);
      write_prepared(o->files.out, *outputs, o->files.force,
                     need(prepare_seal(*o, input, chosen), o->files.in), chosen.certificate);
    });
  }
  add_complete_command(ofd, "OFD", global);
  {
    auto* lock = ofd->add_subcommand(
        "lock", "Add the licence lock signature (锁定签名): nothing may be added after it");
    auto f = std::make_shared<SigningFiles>();
    add_signing_options(lock, *f, "Locked OFD");
    lock->callback([f, &global] {
      refuse_overwrite(f->out, f->force);
      std::string name = sign_and_write(
          *f, *signer_of(*f, global),
          [](const Bytes& input, const pki::Certificate& signer) {
            return service::prepare_lock(input, signer, now_utc());
          },
          f->data_dir, global);
      std::cout << "locked " << f->in << " -> " << f->out << " (" << name << ")\n";
    });
  }
  {
    auto* unlock = ofd->add_subcommand(
        "unlock", "Remove the licence lock signature (delLockSign); earlier seals stay valid");
    auto in = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    unlock->add_option("--in", *in, "Locked OFD")->required();
    unlock->add_option("--out", *out, "Unlocked OFD to write")->required();
    unlock->add_flag("--force", *force, "Replace an existing output file");
    unlock->callback([=] {
      refuse_overwrite(*out, *force);
      Bytes done = need(
          service::remove_lock(read_document(*in, service::DocumentFormat::kOfd), now_utc()), *in);
      need(write_file_atomic(*out, done, 0644));
      std::cout << "unlocked " << *in << " -> " << *out << "\n";
    });
  }
  {
    auto* copy = ofd->add_subcommand(
        "copy", "Make a certified copy (加注件): watermark, metadata, original attached, locked");
    auto f = std::make_shared<SigningFiles>();
    auto request = std::make_shared<service::CopyRequest>();
    add_signing_options(copy, *f, "Certified copy");
    copy->add_option("--creator", request->creator, "加注件制作者: who makes the copy")->required();
    copy->add_option("--cause", request->cause, "加注件制作事由: what the copy is for")->required();
    copy->add_option("--years", request->years, "Validity of the copy in years")
        ->capture_default_str();
    copy->callback([f, request, &global] {
      refuse_overwrite(f->out, f->force);
      sign_and_write(
          *f, *signer_of(*f, global),
          [&](const Bytes& input, const pki::Certificate& signer) {
            return service::prepare_certified_copy(input, *request, signer, now_utc());
          },
          f->data_dir, global);
      std::cout << "certified copy of " << f->in << " -> " << f->out << " (for " << request->cause
                << ", valid " << request->years << " year(s))\n";
    });
  }
}

}  // namespace

std::string ofd_report_json(const ofd::VerifyReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_json(w, report);
  return buffer.GetString();
}

void add_ofd_commands(CLI::App& app, const GlobalOptions& global) {
  auto* ofd = app.add_subcommand(
      "ofd", "Make, read, seal, lock, copy and verify OFD documents (GB/T 33190, GB/T 38540)");
  ofd->require_subcommand(1);
  add_ofd_document_commands(*ofd, global);
  add_signing_commands(ofd, global);
  auto* verify = ofd->add_subcommand(
      "verify", "Verify every signature (exit 0 valid, 4 indeterminate, 1 failed, 2 bad input)");
  auto file = std::make_shared<std::string>();
  auto trust_files = std::make_shared<TrustFiles>();
  auto signer_certs = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  verify->add_option("file", *file, "OFD document")->required();
  add_trust_options(verify, *trust_files);
  verify
      ->add_option("--signer-cert", *signer_certs,
                   "Certificate(s) for bare SM2 signatures, which carry none")
      ->allow_extra_args(false);
  auto oes_module = std::make_shared<std::string>();
  verify->add_option("--oes-module", *oes_module,
                     "A seal vendor's OES library for signatures in its own format (default: "
                     "ESEAL_OES_MODULE)");
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
    options.at = now_utc();
    std::string module_path = *oes_module;
    if (const char* named = std::getenv("ESEAL_OES_MODULE"); module_path.empty() && named) {
      module_path = named;
    }
    std::shared_ptr<oes::OesModule> module;
    if (!module_path.empty()) {
      module = need(oes::OesModule::load(module_path), "--oes-module");
      options.foreign_name = module->provider();
      options.foreign = [module](ByteView xml, std::string_view method, ByteView seal,
                                 std::string_view property, ByteView value) {
        return module->verify(xml, method, seal, property, value);
      };
    }
    auto report =
        need(ofd::verify_ofd(input, {trust.roots, trust.chain, trust.crls}, options), *file);
    if (*json) {
      std::cout << ofd_report_json(report) << "\n";
    } else {
      print_text(report);
    }
    throw CommandFailure{exit_code_for(report.outcome())};
  });
}

}  // namespace eseal::cli
