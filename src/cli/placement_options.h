// The placement options `pdf sign` and `ofd sign` share: a position (repeatable), a keyword or
// a cross-page seal, turned into stamps by the rules of doc/placement.h.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "doc/placement.h"
#include "ses/seal.h"

namespace eseal::cli {

// Where the seal goes: exactly one of the three placements. Positions repeat: the n-th --page,
// --x and --y make one place, and all places belong to one signature.
struct PlacementOptions {
  std::vector<int> pages;  // 1-based
  std::vector<double> xs, ys;
  std::string unit = "mm";
  std::string keyword, keyword_mode = "first", move = "center";
  double dx = 0, dy = 0;
  bool cross_page = false;
  int group = 10;
  std::string side = "right";
  bool sign_all_pages = true;
};

void add_placement_options(CLI::App* cmd, PlacementOptions& p);

// The stamps of the one placement given; exits with a clear error when none or several are
// given, or the rule cannot be met.
std::vector<doc::Stamp> place_stamps(const PlacementOptions& p,
                                     const std::vector<doc::PageSize>& pages,
                                     const doc::KeywordFinder& keyword_hits,
                                     const ses::SesSeal& seal);

// A seal file (.esl), decoded.
ses::SesSeal read_seal(const std::string& path);

}  // namespace eseal::cli
