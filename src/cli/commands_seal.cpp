// eseal seal make | show | verify: GB/T 38540 seals from the command line, over ses/ and image/.
#include <cmath>
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/report_output.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "doc/value_report.h"
#include "service/seal_maker.h"
#include "ses/seal_type.h"
#include "ses/verify.h"

namespace eseal::cli {
namespace {

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// --- show and verify ----------------------------------------------------------------------

// A seal file, or a seal signature (SignedValue.dat) with its seal inside.
struct SealFile {
  ses::SesSeal seal;
  std::optional<ses::SesSignature> signature;
};

SealFile read_seal_file(const std::filesystem::path& path) {
  Bytes data = need(read_file(path));
  auto seal = ses::decode_seal(data);
  if (seal) return {std::move(*seal), std::nullopt};
  auto signature = ses::decode_signature(data);
  if (!signature) {
    fail(Error::invalid_input(path.string() + " is neither a seal nor a seal signature (" +
                              seal.error().message + "; " + signature.error().message + ")"));
  }
  ses::SesSeal inner = signature->seal;
  return {std::move(inner), std::move(*signature)};
}

std::string type_label(std::int64_t code) {
  auto t = ses::find_seal_type(static_cast<int>(code));
  return std::to_string(code) + " " +
         (t ? std::string(t->name) : std::string("(not in the table)"));
}

std::string subject_of(ByteView der) {
  auto cert = pki::Certificate::from_der(der);
  return cert ? cert->subject().to_string() : "(unreadable: " + cert.error().message + ")";
}

void line(const std::string& name, const std::string& value) {
  std::string label = name;
  label.append(label.size() < 18 ? 18 - label.size() : 1, ' ');
  std::cout << label << value << "\n";
}

void print_text(const SealFile& f) {
  const ses::SealInfo& info = f.seal.info;
  if (f.signature) {
    const ses::SesSignature& s = *f.signature;
    std::cout << "seal signature (" << ses::version_name(s.version) << ")\n";
    line("signed at", s.time_info ? format_utc(*s.time_info) : "\"" + s.time_info_text + "\"");
    line("signer", subject_of(s.signer_cert));
    line("data hash", crypto::to_hex(s.data_hash));
    line("property info", s.property_info);
    line("time stamp", s.time_stamp ? std::to_string(s.time_stamp->size()) + " bytes" : "none");
    std::cout << "\nthe seal inside it:\n";
  }
  line("version", std::string(ses::version_name(f.seal.version)) + " (header \"" + info.header_id +
                      "\" " + std::to_string(info.header_version) + ", vendor " + info.vid + ")");
  line("seal ID", info.es_id);
  line("name", info.name);
  line("type", type_label(info.type));
  line("created", format_utc(info.create_date));
  line("valid", format_utc(info.valid_start) + " .. " + format_utc(info.valid_end));
  line("maker", subject_of(f.seal.maker_cert));
  if (info.cert_list_type == 2) {
    for (const auto& d : info.signer_cert_digests) {
      line("signer digest", d.type + " " + crypto::to_hex(d.value));
    }
  }
  for (const auto& cert : info.signer_certs) line("signer", subject_of(cert));
  line("picture", info.picture.type + ", " + std::to_string(info.picture.data.size()) + " bytes, " +
                      std::to_string(info.picture.width_mm) + " x " +
                      std::to_string(info.picture.height_mm) + " mm");
  for (const auto& ext : info.ext_datas) {
    line("extension", ext.id + (ext.critical ? " (critical) " : " ") + crypto::to_hex(ext.value));
  }
}

void json_seal(JsonWriter& w, const ses::SesSeal& seal, const std::string& picture_path) {
  const ses::SealInfo& info = seal.info;
  w.StartObject();
  json_string(w, "version", std::string(ses::version_name(seal.version)));
  w.Key("headerVersion");
  w.Int64(info.header_version);
  json_string(w, "vendorId", info.vid);
  json_string(w, "esId", info.es_id);
  json_string(w, "name", info.name);
  w.Key("type");
  w.Int64(info.type);
  auto type = ses::find_seal_type(static_cast<int>(info.type));
  json_string(w, "typeName", type ? std::string(type->name) : "");
  json_string(w, "createDate", format_utc(info.create_date));
  json_string(w, "validStart", format_utc(info.valid_start));
  json_string(w, "validEnd", format_utc(info.valid_end));
  json_string(w, "maker", subject_of(seal.maker_cert));
  json_string(w, "makerCertificate", crypto::to_base64(seal.maker_cert));
  w.Key("certListType");
  w.Int64(info.cert_list_type);
  w.Key("signers");
  w.StartArray();
  for (const auto& cert : info.signer_certs) {
    w.StartObject();
    json_string(w, "subject", subject_of(cert));
    json_string(w, "certificate", crypto::to_base64(cert));
    w.EndObject();
  }
  for (const auto& d : info.signer_cert_digests) {
    w.StartObject();
    json_string(w, "digestType", d.type);
    json_string(w, "digest", crypto::to_hex(d.value));
    w.EndObject();
  }
  w.EndArray();
  w.Key("picture");
  w.StartObject();
  json_string(w, "type", info.picture.type);
  w.Key("bytes");
  w.Uint64(info.picture.data.size());
  w.Key("widthMm");
  w.Int64(info.picture.width_mm);
  w.Key("heightMm");
  w.Int64(info.picture.height_mm);
  if (!picture_path.empty()) json_string(w, "file", picture_path);
  w.EndObject();
  w.EndObject();
}

void print_json(const SealFile& f, const std::string& picture_path) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  if (f.signature) {
    const ses::SesSignature& s = *f.signature;
    w.StartObject();
    json_string(w, "kind", "signature");
    json_string(w, "version", std::string(ses::version_name(s.version)));
    json_string(w, "signedAt", s.time_info ? format_utc(*s.time_info) : s.time_info_text);
    json_string(w, "signer", subject_of(s.signer_cert));
    json_string(w, "dataHash", crypto::to_hex(s.data_hash));
    json_string(w, "propertyInfo", s.property_info);
    w.Key("timeStampBytes");
    w.Uint64(s.time_stamp ? s.time_stamp->size() : 0);
    w.Key("seal");
    json_seal(w, f.seal, picture_path);
    w.EndObject();
  } else {
    json_seal(w, f.seal, picture_path);
  }
  std::cout << buffer.GetString() << "\n";
}

void write_picture(const ses::SesSeal& seal, const std::string& path, bool force) {
  refuse_overwrite(path, force);
  need(write_file_atomic(path, seal.info.picture.data, 0644));
}

struct ShowOptions {
  std::string file, picture_out;
  bool json = false, force = false;
};

void run_show(const ShowOptions& o) {
  SealFile f = read_seal_file(o.file);
  if (!o.picture_out.empty()) write_picture(f.seal, o.picture_out, o.force);
  if (o.json) {
    print_json(f, o.picture_out);
  } else {
    print_text(f);
    if (!o.picture_out.empty()) line("picture file", o.picture_out);
  }
}

struct VerifyOptions {
  std::string file, at, data;
  TrustFiles trust;
};

int run_verify(const VerifyOptions& o) {
  SealFile f = read_seal_file(o.file);
  TrustMaterial trust = read_trust(o.trust);
  ses::TrustPolicy policy{trust.roots, trust.chain, trust.crls};
  ses::Verdict verdict;
  std::string what;
  if (f.signature) {
    if (!o.at.empty())
      fail(
          Error::invalid_input("--at applies to seals; a signature is judged at its signing time"));
    std::optional<Bytes> hash;
    if (!o.data.empty()) hash = crypto::sm3(need(read_file(o.data)));
    // A time stamp over the signature value is verified, and proves the time it is judged at.
    std::optional<ses::ProvenTime> stamp;
    if (f.signature->time_stamp) {
      stamp = doc::check_time_stamp(*f.signature->time_stamp, f.signature->signature, policy);
    }
    verdict = ses::verify_signature(*f.signature, policy,
                                    hash ? std::optional<ByteView>(*hash) : std::nullopt, stamp);
    what = "seal signature by " + subject_of(f.signature->signer_cert);
  } else {
    if (!o.data.empty()) fail(Error::invalid_input("--data applies to seal signatures, not seals"));
    Time at = time_option(o.at);
    verdict = ses::verify_seal(f.seal, at, policy);
    what = "seal \"" + f.seal.info.name + "\" (" + f.seal.info.es_id + ") at " + format_utc(at);
  }
  for (const auto& c : verdict.checks) std::cout << check_line(c);
  ses::Outcome outcome = verdict.outcome();
  switch (outcome.indication) {
    case ses::Indication::kValid:
      std::cout << "OK " << what << "\n";
      break;
    case ses::Indication::kIndeterminate:
      std::cout << "INDETERMINATE " << what << ": " << findings_text(outcome) << "\n";
      break;
    case ses::Indication::kFailed:
      std::cout << "FAILED " << what << ": " << findings_text(outcome) << "\n";
      break;
  }
  return exit_code_for(outcome);
}

}  // namespace

ses::SesSeal make_seal_file(const SealMakeRequest& r, const keys::Kek& kek) {
  if (r.signer_certs.empty()) fail(Error::invalid_input("give at least one --signer-cert"));
  std::vector<pki::Certificate> signers;
  for (const auto& path : r.signer_certs) {
    for (auto& cert : read_certificates(path)) signers.push_back(std::move(cert));
  }
  return make_seal_for(r, std::move(signers), kek);
}

ses::SesSeal make_seal_for(const SealMakeRequest& r, std::vector<pki::Certificate> signers,
                           const keys::Kek& kek) {
  if (!r.out.empty()) refuse_overwrite(r.out, r.force);
  if (!r.picture_out.empty()) refuse_overwrite(r.picture_out, r.force);
  if (!ses::find_seal_type(r.type))
    fail(Error::invalid_input("--type must be 1..6 or 99, not " + std::to_string(r.type)));

  service::SealDesign design;
  design.id = r.id;
  design.type = r.type;
  design.name = r.name;
  design.signers = std::move(signers);
  design.template_name = r.template_name;
  if (!r.picture.empty()) design.picture = need(read_file(r.picture));
  design.code = r.code;
  design.purpose = r.purpose;
  design.width_mm = r.width_mm;
  design.height_mm = r.height_mm;
  design.valid_days = r.valid_days;

  IssuerFiles maker_files = IssuerFiles::with_prefix(r.maker);
  std::unique_ptr<keys::Signer> maker = read_signer(maker_files.key, maker_files.cert, kek);
  ses::SesSeal seal = need(service::make_seal(design, *maker, now_utc()));
  // --picture-out: the seal's PNG or, for a drawn seal and a .svg name, the drawing as SVG.
  Bytes picture_file = ends_with(r.picture_out, ".svg") && r.picture.empty()
                           ? to_bytes(need(service::seal_picture_svg(design)))
                           : seal.info.picture.data;
  if (!r.out.empty()) need(write_file_atomic(r.out, seal.encoded, 0644));
  if (!r.picture_out.empty()) need(write_file_atomic(r.picture_out, picture_file, 0644));
  return seal;
}

void add_seal_design_options(CLI::App* cmd, SealMakeRequest& r) {
  cmd->add_option("--name", r.name, "Organization or person the seal names")->required();
  cmd->add_option("--type", r.type,
                  "Seal type: 1 公章, 2 财务专用章, 3 发票专用章, 4 法定代表人名章, "
                  "5 合同专用章, 6 业务专用章, 99 其他")
      ->required();
  cmd->add_option("--template", r.template_name,
                  "Picture template: round, oval or square (default: the type's)");
  cmd->add_option("--picture", r.picture,
                  "A scanned seal or handwritten signature (PNG or JPEG) instead of a template");
  cmd->add_option("--code", r.code,
                  "Seal code on the lower arc (round) or tax number in the middle (oval)");
  cmd->add_option("--purpose", r.purpose, "Text under the star (default: the type's purpose)");
  cmd->add_option("--id", r.id, "Seal ID esID (default: 32 random hex digits)");
  cmd->add_option("--valid-days", r.valid_days, "Validity from now, in days")
      ->capture_default_str();
  cmd->add_option("--width-mm", r.width_mm, "Display width (default: the template's)");
  cmd->add_option("--height-mm", r.height_mm, "Display height (default: the template's)");
  cmd->add_option("--out", r.out, "Seal file to write (.esl)");
  cmd->add_option("--picture-out", r.picture_out,
                  "Also write the picture (PNG; SVG when the name ends in .svg)");
  cmd->add_flag("--force", r.force, "Replace existing files");
}

void add_seal_commands(CLI::App& app, const GlobalOptions& global) {
  auto* seal = app.add_subcommand("seal", "Make, show and verify GB/T 38540 seals");
  seal->require_subcommand(1);
  {
    auto* make = seal->add_subcommand("make", "Make a seal (.esl) signed by a seal maker");
    auto r = std::make_shared<SealMakeRequest>();
    make->add_option("--maker", r->maker, "Seal maker's prefix P (P.pem, P.key)")->required();
    make->add_option("--signer-cert", r->signer_certs,
                     "Certificate(s) of those who may sign with the seal (repeatable)")
        ->required()
        ->allow_extra_args(false);
    add_seal_design_options(make, *r);
    make->get_option("--out")->required();
    make->callback([r, &global] {
      keys::Kek kek = load_kek(global);
      ses::SesSeal made = make_seal_file(*r, kek);
      std::cout << "made seal " << r->out << " (" << made.encoded.size() << " bytes)\n";
      print_text({made, std::nullopt});
      if (!r->picture_out.empty()) line("picture file", r->picture_out);
    });
  }
  {
    auto* show = seal->add_subcommand("show", "Show a seal or a seal signature (SignedValue.dat)");
    auto o = std::make_shared<ShowOptions>();
    show->add_option("file", o->file, "Seal (.esl) or seal signature file")->required();
    show->add_flag("--json", o->json, "Print JSON");
    show->add_option("--picture-out", o->picture_out, "Write the seal's picture to this file");
    show->add_flag("--force", o->force, "Replace an existing picture file");
    show->callback([o] { run_show(*o); });
  }
  {
    auto* verify = seal->add_subcommand(
        "verify",
        "Verify a seal or a seal signature (exit 0 valid, 4 indeterminate, 1 failed, 2 bad input)");
    auto o = std::make_shared<VerifyOptions>();
    verify->add_option("file", o->file, "Seal (.esl) or seal signature file")->required();
    add_trust_options(verify, o->trust);
    verify->add_option("--at", o->at, "Judge a seal at this UTC time instead of now");
    verify->add_option("--data", o->data,
                       "For a signature: the protected data, checked against dataHash");
    verify->callback([o] { throw CommandFailure{run_verify(*o)}; });
  }
  add_seal_store_commands(*seal, global);
}

}  // namespace eseal::cli
