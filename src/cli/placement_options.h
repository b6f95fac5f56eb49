// The placement options `pdf sign` and `ofd sign` share: a position (repeatable), a keyword or
// a cross-page seal, turned into the placements of doc/placement.h that service/signing.h lays
// out.
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

// The placements of the one kind given (several positions, or one keyword or cross-page rule), in
// millimetres; exits with a clear error when no kind or several are given.
std::vector<doc::Placement> placements(const PlacementOptions& p);

// A seal file (.esl), decoded.
ses::SesSeal read_seal(const std::string& path);

}  // namespace eseal::cli
