#include "cli/placement_options.h"

#include "base/file.h"
#include "cli/cli_support.h"

namespace eseal::cli {

void add_placement_options(CLI::App* cmd, PlacementOptions& p) {
  cmd->add_option("--page", p.pages, "Page (1-based) for --x/--y; repeat for several places")
      ->allow_extra_args(false);
  cmd->add_option("--x", p.xs, "Seal's left edge from the page's left")->allow_extra_args(false);
  cmd->add_option("--y", p.ys, "Seal's top from the page's top (also for --cross-page)")
      ->allow_extra_args(false);
  cmd->add_option("--unit", p.unit, "Unit of --x, --y, --dx and --dy: mm or pt")
      ->capture_default_str();
  cmd->add_option("--keyword", p.keyword, "Put the seal on this text");
  cmd->add_option("--keyword-mode", p.keyword_mode, "first, last, all, A-B or A,B,C (pages)")
      ->capture_default_str();
  cmd->add_option("--move", p.move, "center, right or bottom of the keyword")
      ->capture_default_str();
  cmd->add_option("--dx", p.dx, "Move the seal right by this much (keyword)");
  cmd->add_option("--dy", p.dy, "Move the seal down by this much (keyword)");
  cmd->add_flag("--cross-page", p.cross_page, "A cross-page seal (骑缝章) along the page edge");
  cmd->add_option("--group", p.group, "Pages per cross-page seal")->capture_default_str();
  cmd->add_option("--side", p.side, "right or left edge")->capture_default_str();
  cmd->add_option("--sign-all-pages", p.sign_all_pages,
                  "Every slice is part of the signature (false: only each group's first)")
      ->capture_default_str();
}

std::vector<doc::Placement> placements(const PlacementOptions& p) {
  if (p.unit != "mm" && p.unit != "pt") fail(Error::invalid_input("--unit must be mm or pt"));
  const double to_mm = p.unit == "pt" ? 25.4 / 72 : 1;
  bool positions = !p.pages.empty() || (!p.xs.empty() && !p.cross_page);
  if (positions + !p.keyword.empty() + p.cross_page != 1) {
    fail(Error::invalid_input(
        "give exactly one placement: --page/--x/--y, --keyword or --cross-page"));
  }
  if (!p.keyword.empty()) {
    return {doc::KeywordRule{p.keyword, need(doc::parse_keyword_selection(p.keyword_mode)),
                             need(doc::parse_move_type(p.move)), p.dx * to_mm, p.dy * to_mm}};
  }
  if (p.cross_page) {
    doc::CrossPageRule rule;
    if (p.side != "right" && p.side != "left") {
      fail(Error::invalid_input("--side must be right or left"));
    }
    rule.side =
        p.side == "left" ? doc::CrossPageRule::Side::kLeft : doc::CrossPageRule::Side::kRight;
    if (p.ys.size() > 1) fail(Error::invalid_input("a cross-page seal takes one --y"));
    if (!p.ys.empty()) rule.y_mm = p.ys[0] * to_mm;
    rule.group = p.group;
    rule.sign_all_pages = p.sign_all_pages;
    return {rule};
  }
  if (p.pages.size() != p.xs.size() || p.pages.size() != p.ys.size()) {
    fail(Error::invalid_input("each --page needs its own --x and --y"));
  }
  std::vector<doc::Placement> out;
  for (std::size_t i = 0; i < p.pages.size(); ++i) {
    out.emplace_back(doc::PositionRule{p.pages[i] - 1, p.xs[i] * to_mm, p.ys[i] * to_mm});
  }
  return out;
}

ses::SesSeal read_seal(const std::string& path) {
  return need(ses::decode_seal(need(read_file(path))), path);
}

}  // namespace eseal::cli
