// eseal convert | ofd render: documents between formats (OFD, PDF, office and web files,
// pictures, text) and OFD pages as pictures or PDF, over the engine of render/convert.h.
#include <charconv>
#include <filesystem>
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/report_output.h"
#include "render/convert.h"
#include "render/office.h"

namespace eseal::cli {
namespace {

namespace fs = std::filesystem;

struct ConvertArgs {
  std::string input, out, to, pages, title;
  int page = 0;
  double dpi = 150;
  double time_limit = 120;
  std::string soffice = "soffice";
  bool force = false;
  bool attach_verification = false;
  TrustFiles trust;
};

// "--page N" or "--pages A-B" (1-based) into the 0-based range of the options.
void set_pages(const ConvertArgs& a, render::ConvertOptions& o) {
  if (a.page > 0 && !a.pages.empty()) {
    fail(Error::invalid_input("give --page or --pages, not both"));
  }
  if (a.page > 0) {
    o.first_page = o.last_page = a.page - 1;
    return;
  }
  if (a.pages.empty()) return;
  auto dash = a.pages.find('-');
  int first = 0, last = 0;
  auto parse = [](std::string_view s, int& v) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() && v >= 1;
  };
  std::string_view text = a.pages;
  bool ok = dash == std::string::npos
                ? parse(text, first) && (last = first)
                : parse(text.substr(0, dash), first) && parse(text.substr(dash + 1), last);
  if (!ok || first > last) {
    fail(Error::invalid_input("--pages " + a.pages + ": expected A-B with 1 <= A <= B"));
  }
  o.first_page = first - 1;
  o.last_page = last - 1;
}

// Where each output file goes: OUT itself for one file; OUT's stem with "-N" (the page number)
// for several PNG pages.
std::vector<fs::path> output_paths(const fs::path& out, std::size_t files, int first_page) {
  if (files == 1) return {out};
  std::vector<fs::path> paths;
  for (std::size_t i = 0; i < files; ++i) {
    fs::path p = out;
    p.replace_filename(out.stem().string() + "-" + std::to_string(first_page + 1 + i) +
                       out.extension().string());
    paths.push_back(p);
  }
  return paths;
}

// The OFD's verification report (as `eseal ofd verify --json` prints it) for the PDF to carry.
void attach_verification(const ConvertArgs& a, ByteView input, render::TargetKind to,
                         render::ConvertOptions& options) {
  if (to != render::TargetKind::kPdf ||
      need(render::source_kind(input, a.input), a.input) != render::SourceKind::kOfd) {
    fail(Error::invalid_input("--attach-verification applies to an OFD converted to PDF"));
  }
  TrustMaterial trust = read_trust(a.trust);
  ofd::VerifyOptions verify;
  verify.at = options.now;
  auto report =
      need(ofd::verify_ofd(input, {trust.roots, trust.chain, trust.crls}, verify), a.input);
  std::string json = ofd_report_json(report);
  std::string verdict = document_verdict_line(report.outcome());
  while (!verdict.empty() && verdict.back() == '\n') verdict.pop_back();
  options.attach_to_pdf = pdf::Attachment{
      "verification.json", Bytes(json.begin(), json.end()), "application/json",
      "eseal ofd verify report of the original OFD " + fs::path(a.input).filename().string() +
          " at " + format_utc(options.now) + ": " + verdict};
}

// `only_ofd`: refuse any input but an OFD document (`eseal ofd render`).
void run(const ConvertArgs& a, render::TargetKind to, bool only_ofd = false) {
  Bytes input = need(read_file(a.input));
  if (only_ofd && need(render::source_kind(input, a.input), a.input) != render::SourceKind::kOfd) {
    fail(Error::invalid_input(a.input + " is not an OFD document"));
  }
  render::ConvertOptions options;
  options.to = to;
  options.dpi = a.dpi;
  options.now = now_utc();
  options.title = a.title;
  set_pages(a, options);
  if (!(a.time_limit > 0 && a.time_limit <= 86400)) {
    fail(Error::invalid_input("--time-limit must be more than 0 and at most 86400 seconds"));
  }
  render::OfficeOptions office_options;
  office_options.soffice = a.soffice;
  office_options.time_limit = std::chrono::milliseconds(static_cast<long>(a.time_limit * 1000));
  render::OfficeConverter office(office_options);
  options.office = &office;
  if (a.attach_verification) attach_verification(a, input, to, options);
  options.progress = [](int done, int total) {
    if (total > 1) std::cerr << "page " << done << " of " << total << "\n";
  };
  fs::path out = a.out;
  if (out.empty()) out = fs::path(a.input).replace_extension(render::target_extension(to));
  auto converted =
      need(render::convert(input, fs::path(a.input).filename().string(), options), a.input);
  auto paths = output_paths(out, converted.files.size(), options.first_page.value_or(0));
  for (const auto& p : paths) refuse_overwrite(p, a.force);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    need(write_file_atomic(paths[i], converted.files[i], 0644));
  }
  for (const auto& n : converted.notes) std::cerr << "eseal: note: " << n << "\n";
  std::cout << "wrote " << paths.front().string();
  if (paths.size() > 1) std::cout << " … " << paths.back().filename().string();
  if (converted.pages > 0) {
    std::cout << " (" << converted.pages << " page" << (converted.pages == 1 ? "" : "s")
              << " in the source)";
  }
  std::cout << "\n";
}

void add_page_options(CLI::App* cmd, ConvertArgs& a) {
  cmd->add_option("--page", a.page, "Only this page (1-based)");
  cmd->add_option("--pages", a.pages, "Only pages A-B (1-based, inclusive)");
  cmd->add_option("--dpi", a.dpi, "Resolution of PNG output (default 150)");
  cmd->add_flag("--force", a.force, "Overwrite the output");
}

}  // namespace

void add_convert_commands(CLI::App& app, CLI::App& ofd) {
  auto* convert = app.add_subcommand(
      "convert",
      "Convert a document: OFD -> PDF/PNG, PDF -> OFD/PNG, office and web files (docx, xlsx, "
      "pptx, html, ...), pictures and text -> PDF/OFD/PNG");
  auto a = std::make_shared<ConvertArgs>();
  convert->add_option("input", a->input, "The document to convert")->required();
  convert->add_option("--to", a->to, "pdf, ofd or png")->required();
  convert->add_option("--out", a->out,
                      "Where to write (default: the input's name with the new extension; several "
                      "PNG pages are written as NAME-N.png)");
  convert->add_option("--title", a->title, "The title written into the result");
  convert->add_option("--time-limit", a->time_limit,
                      "Seconds an office conversion may take (default 120)");
  convert->add_option("--soffice", a->soffice, "LibreOffice's soffice (default: from PATH)");
  convert->add_flag("--attach-verification", a->attach_verification,
                    "OFD -> PDF: attach the OFD's verification report (verification.json)");
  add_trust_options(convert, a->trust);
  add_page_options(convert, *a);
  convert->callback([a] { run(*a, need(render::parse_target(a->to))); });

  auto* render_cmd = ofd.add_subcommand(
      "render", "Draw OFD pages as PNG pictures or as a vector PDF (by the --out extension)");
  auto r = std::make_shared<ConvertArgs>();
  render_cmd->add_option("input", r->input, "The OFD document")->required();
  render_cmd->add_option("--out", r->out, "P.png or P.pdf")->required();
  add_page_options(render_cmd, *r);
  render_cmd->callback([r] {
    std::string ext = fs::path(r->out).extension().string();
    auto to = need(render::parse_target(ext.empty() ? ext : ext.substr(1)), "--out");
    if (to == render::TargetKind::kOfd)
      fail(Error::invalid_input("--out must end in .png or .pdf"));
    run(*r, to, true);
  });
}

}  // namespace eseal::cli
