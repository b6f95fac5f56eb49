// eseal ofd text | make: an OFD document's text with positions, and new OFD documents made from
// plain text (the writer of src/ofd, for fixtures and conversion).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "base/file.h"
#include "cli/commands.h"
#include "cli/report_output.h"
#include "ofd/document.h"
#include "ofd/text.h"
#include "ofd/writer.h"

namespace eseal::cli {
namespace {

double round2(double v) {
  return std::round(v * 100) / 100;
}

void print_runs(const std::vector<ofd::TextRun>& runs, bool json) {
  if (!json) {
    for (const auto& r : runs) {
      char where[160];
      std::snprintf(where, sizeof where, "page %d  x %.2f  y %.2f  w %.2f  h %.2f  ", r.page + 1,
                    r.box.x, r.box.y, r.box.width, r.box.height);
      std::cout << where << r.text << "\n";
    }
    return;
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  for (const auto& r : runs) {
    w.StartObject();
    w.Key("page");
    w.Int(r.page + 1);
    json_string(w, "text", r.text);
    for (auto [key, value] : {std::pair{"x", r.box.x}, std::pair{"y", r.box.y},
                              std::pair{"width", r.box.width}, std::pair{"height", r.box.height}}) {
      w.Key(key);
      w.Double(round2(value));
    }
    w.EndObject();
  }
  w.EndArray();
  std::cout << buffer.GetString() << "\n";
}

void add_text_command(CLI::App& ofd) {
  auto* text = ofd.add_subcommand(
      "text", "Print an OFD document's text with positions in mm (for keyword placement)");
  auto file = std::make_shared<std::string>();
  auto page = std::make_shared<int>(0);
  auto json = std::make_shared<bool>(false);
  text->add_option("file", *file, "OFD document")->required();
  text->add_option("--page", *page, "Only this page (1-based)");
  text->add_flag("--json", *json, "Print JSON: page, text, x, y, width, height of each run");
  text->callback([=] {
    Bytes input = need(read_file(*file));
    auto package = need(ofd::Package::open(input), *file);
    auto structure = need(ofd::read_structure(package), *file);
    const ofd::DocBody& body = structure.documents.front();
    if (*page < 0 || *page > static_cast<int>(body.pages.size())) {
      fail(Error::invalid_input("--page " + std::to_string(*page) + " does not exist; " + *file +
                                " has " + std::to_string(body.pages.size())));
    }
    std::vector<std::string> warnings = structure.warnings;
    std::optional<int> only = *page > 0 ? std::optional<int>(*page - 1) : std::nullopt;
    auto runs = need(ofd::extract_text(package, body, only, &warnings), *file);
    for (const auto& w : warnings) std::cerr << "eseal: warning: " << w << "\n";
    print_runs(runs, *json);
  });
}

struct MakeOptions {
  std::string text_file, out, title, embed_font;
  double font_size = 5;
  bool force = false;
};

void add_make_command(CLI::App& ofd) {
  auto* make = ofd.add_subcommand("make", "Make an OFD document from a UTF-8 text file");
  auto o = std::make_shared<MakeOptions>();
  make->add_option("--text-file", o->text_file, "UTF-8 text; each line is a paragraph")->required();
  make->add_option("--out", o->out, "The OFD document to write")->required();
  make->add_option("--title", o->title, "DocInfo/Title");
  make->add_option("--font-size", o->font_size, "Font size in mm (default 5)");
  make->add_option("--embed-font", o->embed_font,
                   "A TrueType/OpenType font file to embed (positions do not depend on it)");
  make->add_flag("--force", o->force, "Overwrite --out");
  make->callback([o] {
    refuse_overwrite(o->out, o->force);
    Bytes text = need(read_file(o->text_file));
    ofd::TextLayout layout;
    layout.font_size_mm = o->font_size;
    if (!o->embed_font.empty()) {
      layout.font.file = need(read_file(o->embed_font));
      layout.font.file_name = o->embed_font;
      layout.font.name = std::filesystem::path(o->embed_font).stem().string();
    }
    auto laid = need(ofd::layout_text(to_string(text), layout), o->text_file);
    laid.document.title = o->title;
    Bytes package = need(ofd::write_ofd(laid.document, {now_utc(), {}}));
    need(write_file_atomic(o->out, package, 0644));
    std::cout << "wrote " << o->out << ": " << laid.document.pages.size() << " page"
              << (laid.document.pages.size() == 1 ? "" : "s") << ", " << laid.lines.size()
              << " line" << (laid.lines.size() == 1 ? "" : "s") << "\n";
  });
}

}  // namespace

void add_ofd_document_commands(CLI::App& ofd, const GlobalOptions&) {
  add_text_command(ofd);
  add_make_command(ofd);
}

}  // namespace eseal::cli
