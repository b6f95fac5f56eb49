// eseal pdf sign | timestamp | prepare | complete | verify | text: electronic seals on PDF
// documents.
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/placement_options.h"
#include "cli/report_output.h"
#include "cli/seal_choice.h"
#include "cli/store_support.h"
#include "cli/time_stamps.h"
#include "cli/two_phase.h"
#include "pdf/document.h"
#include "pdf/text.h"
#include "pdf/verify.h"
#include "service/long_term.h"
#include "ses/seal.h"

namespace eseal::cli {
namespace {

struct SignOptions {
  std::string in, out, format = "ses", reason, location, tsa;
  SealChoice seal;
  PlacementOptions placement;
  LongTermOptions long_term;
  bool force = false;
};

// Places the chosen seal in the input and prepares the signature: the first half of signing.
service::PendingSignature prepare(const SignOptions& o, const Bytes& input,
                                  const ChosenSeal& chosen) {
  service::SealSignature request{placements(o.placement), &chosen.seal,
                                 need(doc::parse_signature_format(o.format), "--format"), o.reason,
                                 o.location};
  return need(service::prepare_seal(input, request, chosen.certificate, now_utc(), kNoLimits),
              o.in);
}

void add_sign_options(CLI::App* cmd, SignOptions& o, bool with_key) {
  cmd->add_option("--in", o.in, "PDF to sign")->required();
  cmd->add_option("--out", o.out, "Signed PDF to write")->required();
  add_seal_choice(cmd, o.seal, with_key);
  cmd->add_option("--format", o.format, "What /Contents holds: ses, gmcms or pkcs7")
      ->capture_default_str();
  cmd->add_option("--reason", o.reason, "/Reason");
  cmd->add_option("--location", o.location, "/Location");
  cmd->add_flag("--force", o.force, "Replace existing output files");
  add_placement_options(cmd, o.placement);
  if (!with_key) return;
  add_tsa_option(cmd, o.tsa);
  add_long_term_options(cmd, o.long_term);
}

// --- verify ---------------------------------------------------------------------------------

void print_report_json(const pdf::VerifyReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  json_validity(w, report.outcome());
  w.Key("revisions");
  w.Int(report.revisions);
  w.Key("unsignedChanges");
  w.Bool(report.unsigned_changes);
  w.Key("validationDataAfter");
  w.Bool(report.validation_data_after);
  w.Key("dss");
  w.StartObject();
  w.Key("certificates");
  w.Int(report.dss_certificates);
  w.Key("crls");
  w.Int(report.dss_crls);
  w.EndObject();
  json_strings(w, "warnings", report.warnings);
  w.Key("signatures");
  w.StartArray();
  for (const auto& s : report.signatures) {
    w.StartObject();
    json_string(w, "field", s.field_name);
    json_value(w, s);
    w.Key("revision");
    w.Int(s.revision);
    w.Key("byteRange");
    w.StartArray();
    for (std::size_t v : s.byte_range) w.Uint64(v);
    w.EndArray();
    json_string(w, "changesAfter", std::string(pdf::changes_name(s.changes_after)));
    w.Key("appearances");
    w.StartArray();
    for (const auto& a : s.appearances) json_placed_rect(w, a.page, a.rect);
    w.EndArray();
    json_changed_regions(w, s.changed_regions);
    json_checks(w, s.verdict);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::cout << buffer.GetString() << "\n";
}

void print_report_text(const pdf::VerifyReport& report) {
  for (const auto& warning : report.warnings) std::cout << "warning: " << warning << "\n";
  if (report.signatures.empty()) std::cout << "no signatures\n";
  if (report.dss_certificates + report.dss_crls > 0) {
    std::cout << "document security store: " << report.dss_certificates << " certificates, "
              << report.dss_crls << " CRLs\n";
  }
  int n = 0;
  for (const auto& s : report.signatures) {
    std::cout << "signature " << ++n << " \"" << s.field_name << "\" (" << s.format
              << "), revision " << s.revision << " of " << report.revisions << ", signed "
              << (s.signing_time ? format_utc(*s.signing_time) : "?") << " by " << s.signer << "\n";
    std::cout << "  changes after it: " << pdf::changes_name(s.changes_after) << "\n";
    for (const auto& a : s.appearances) {
      char where[128];
      std::snprintf(where, sizeof where, "  shown on page %d at %.1f, %.1f mm (%.1f x %.1f mm)\n",
                    a.page + 1, a.rect.x, a.rect.y, a.rect.width, a.rect.height);
      std::cout << where;
    }
    for (const auto& r : s.changed_regions) std::cout << changed_region_line(r);
    for (const auto& c : s.verdict.checks) std::cout << check_line(c);
    std::cout << verdict_line(s.verdict);
  }
  if (report.unsigned_changes) std::cout << "the document was changed after its last signature\n";
  if (report.validation_data_after) {
    std::cout << "validation data was added to the /DSS after the last signature\n";
  }
  std::cout << document_verdict_line(report.outcome());
}

}  // namespace

void add_pdf_commands(CLI::App& app, const GlobalOptions& global) {
  auto* pdf = app.add_subcommand("pdf", "Sign PDF documents with seals and verify them");
  pdf->require_subcommand(1);
  {
    auto* sign = pdf->add_subcommand("sign", "Stamp a seal and sign (an incremental update)");
    auto o = std::make_shared<SignOptions>();
    add_sign_options(sign, *o, true);
    sign->callback([o, &global] {
      refuse_overwrite(o->out, o->force);
      ChosenSeal chosen = choose_seal(o->seal, global, true);
      Bytes input = read_document(o->in, service::DocumentFormat::kPdf);
      service::PendingSignature prepared = prepare(*o, input, chosen);
      std::string name = prepared.name;
      TimeStamping stamping(o->tsa, o->seal.data_dir, global);
      Bytes signed_pdf = need(
          service::sign(std::move(prepared), *chosen.signer, stamping.stamper(now_utc())), o->in);
      signed_pdf = with_long_term_data(std::move(signed_pdf), o->long_term, o->in);
      need(write_file_atomic(o->out, signed_pdf, 0644));
      chosen.audit("pdf.sign", o->in + " -> " + o->out);
      std::cout << "signed " << o->in << " -> " << o->out << " (" << o->format << ", " << name
                << ", " << signed_pdf.size() - input.size() << " bytes appended)\n";
    });
  }
  {
    auto* stamp = pdf->add_subcommand(
        "timestamp", "Add a document time stamp (/DocTimeStamp, ETSI.RFC3161) in a new revision");
    struct Options {
      std::string in, out, tsa, hash = "sm3", data_dir = kDefaultDataDir;
      LongTermOptions long_term;
      bool force = false;
    };
    auto o = std::make_shared<Options>();
    stamp->add_option("--in", o->in, "PDF to time-stamp")->required();
    stamp->add_option("--out", o->out, "Time-stamped PDF to write")->required();
    add_tsa_option(stamp, o->tsa)->required();
    stamp->add_option("--hash", o->hash, "Imprint hash: sm3 or sha256")->capture_default_str();
    add_data_dir_option(*stamp, o->data_dir);
    add_long_term_options(stamp, o->long_term);
    stamp->add_flag("--force", o->force, "Replace an existing output file");
    stamp->callback([o, &global] {
      refuse_overwrite(o->out, o->force);
      if (o->hash != "sm3" && o->hash != "sha256") {
        fail(Error::invalid_input("--hash: \"" + o->hash + "\" is not sm3 or sha256"));
      }
      Bytes input = read_document(o->in, service::DocumentFormat::kPdf);
      // The validation data goes in first, so that the time stamp covers it too (PAdES B-LTA).
      Bytes with_data = with_long_term_data(input, o->long_term, o->in);
      TimeStamping stamping(o->tsa, o->data_dir, global);
      Bytes stamped = need(
          service::time_stamp_pdf(
              with_data, *stamping.authority(), operator_caller().actor(), now_utc(),
              o->hash == "sha256" ? crypto::HashAlgorithm::kSha256 : crypto::HashAlgorithm::kSm3),
          o->in);
      need(write_file_atomic(o->out, stamped, 0644));
      std::cout << "time-stamped " << o->in << " -> " << o->out << " ("
                << stamped.size() - input.size() << " bytes appended)\n";
    });
  }
  {
    auto* prep = pdf->add_subcommand(
        "prepare", "First half of signing elsewhere: lay out the seal and reserve the signature");
    auto o = std::make_shared<SignOptions>();
    auto outputs = std::make_shared<PrepareOutputs>();
    add_sign_options(prep, *o, false);
    add_prepare_outputs(prep, *outputs, "the byte ranges here");
    prep->callback([o, outputs, &global] {
      refuse_overwrite(o->out, o->force);
      ChosenSeal chosen = choose_seal(o->seal, global, false);
      Bytes input = read_document(o->in, service::DocumentFormat::kPdf);
      write_prepared(o->out, *outputs, o->force, prepare(*o, input, chosen), chosen.certificate);
    });
  }
  add_complete_command(pdf, "PDF", global);
  {
    auto* verify = pdf->add_subcommand(
        "verify", "Verify every signature (exit 0 valid, 4 indeterminate, 1 failed, 2 bad input)");
    auto file = std::make_shared<std::string>();
    auto trust_files = std::make_shared<TrustFiles>();
    auto json = std::make_shared<bool>(false);
    verify->add_option("file", *file, "Signed PDF")->required();
    add_trust_options(verify, *trust_files);
    verify->add_flag("--json", *json, "Print JSON");
    verify->callback([=] {
      TrustMaterial trust = read_trust(*trust_files);
      Bytes input = need(read_file(*file));
      auto report = need(pdf::verify_pdf(input, {trust.roots, trust.chain, trust.crls}), *file);
      if (*json) {
        print_report_json(report);
      } else {
        print_report_text(report);
      }
      throw CommandFailure{exit_code_for(report.outcome())};
    });
  }
  {
    auto* text =
        pdf->add_subcommand("text", "Print a PDF's text with positions (for keyword placement)");
    auto file = std::make_shared<std::string>();
    auto page = std::make_shared<int>(0);
    auto json = std::make_shared<bool>(false);
    text->add_option("file", *file, "PDF")->required();
    text->add_option("--page", *page, "Only this page (1-based)");
    text->add_flag("--json", *json, "Print each character with its box as JSON");
    text->callback([=] {
      Bytes input = need(read_file(*file));
      auto document = need(pdf::Document::open(input, *file), *file);
      if (*page < 0 || *page > document.page_count()) {
        fail(Error::invalid_input("--page " + std::to_string(*page) + " does not exist"));
      }
      std::optional<int> only = *page > 0 ? std::optional<int>(*page - 1) : std::nullopt;
      auto pages = need(pdf::extract_text(document, only));
      if (!*json) {
        for (const auto& p : pages) {
          std::cout << "--- page " << p.page + 1 << "\n" << p.utf8() << "\n";
        }
        return;
      }
      rapidjson::StringBuffer buffer;
      JsonWriter w(buffer);
      w.StartArray();
      for (const auto& p : pages) {
        w.StartObject();
        w.Key("page");
        w.Int(p.page + 1);
        json_string(w, "text", p.utf8());
        w.Key("chars");
        w.StartArray();
        pdf::PageGeometry g = document.geometry(p.page);
        for (const auto& c : p.chars) {
          doc::RectMm mm = g.to_visual_mm(c.box);
          w.StartArray();
          w.Uint(static_cast<unsigned>(c.code));
          for (double v : {mm.x, mm.y, mm.width, mm.height}) w.Double(std::round(v * 100) / 100);
          w.EndArray();
        }
        w.EndArray();
        w.EndObject();
      }
      w.EndArray();
      std::cout << buffer.GetString() << "\n";
    });
  }
}

}  // namespace eseal::cli
