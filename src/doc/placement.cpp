#include "doc/placement.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>

namespace eseal::doc {
namespace {

Result<int> parse_page_number(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) {
    return Error::invalid_input("not a page number: \"" + std::string(text) + "\"");
  }
  return value - 1;
}

Status check_page(int page, const std::vector<PageSize>& pages) {
  if (page < 0 || page >= static_cast<int>(pages.size())) {
    return Error::invalid_input("page " + std::to_string(page + 1) +
                                " does not exist (the document has " +
                                std::to_string(pages.size()) + " pages)");
  }
  return ok_status();
}

Status check_seal_size(double w, double h) {
  if (!(w > 0) || !(h > 0) || !std::isfinite(w) || !std::isfinite(h))
    return Error::invalid_input("the seal has no size");
  return ok_status();
}

// Refuses a stamp whose visible part lies more on than off the page: such a seal would be
// signed but hardly seen, which is never what the caller meant.
Result<std::vector<Stamp>> on_pages(std::vector<Stamp> stamps, const std::vector<PageSize>& pages) {
  if (auto f = check_finite(stamps); !f) return f.error();
  for (const Stamp& s : stamps) {
    if (auto c = check_page(s.page, pages); !c) return c.error();
    const PageSize& page = pages[static_cast<std::size_t>(s.page)];
    const RectMm& v = s.visible;
    double share = share_on_page(v, page);
    if (share < 0.5) {
      char text[160];
      std::snprintf(text, sizeof text,
                    "the seal at (%.1f, %.1f) mm on page %d lies mostly off the page (%.0f%% of "
                    "it on the %.1f x %.1f mm page)",
                    v.x, v.y, s.page + 1, share * 100, page.width_mm, page.height_mm);
      return Error::invalid_input(text);
    }
  }
  return stamps;
}

Stamp whole(int page, double x, double y, double w, double h) {
  RectMm r{x, y, w, h};
  return {page, r, r, true};
}

// The seal on a box (a keyword's, a rectangle's) as `move` says, then moved by dx, dy (mm, y
// down).
Stamp on_box(int page, const RectMm& k, MoveType move, double dx, double dy, double w, double h) {
  double x = k.x + k.width / 2 - w / 2, y = k.y + k.height / 2 - h / 2;
  if (move == MoveType::kRight) x = k.x + k.width;
  if (move == MoveType::kBottom) y = k.y + k.height;
  return whole(page, x + dx, y + dy, w, h);
}

}  // namespace

Result<KeywordSelection> parse_keyword_selection(const std::string& text, std::size_t max_entries) {
  KeywordSelection s;
  if (text == "first" || text == "1" || text.empty()) return s;
  if (text == "last" || text == "0") {
    s.kind = KeywordSelection::Kind::kLast;
    return s;
  }
  if (text == "all" || text == "-1") {
    s.kind = KeywordSelection::Kind::kAll;
    return s;
  }
  s.kind = KeywordSelection::Kind::kPages;
  if (auto dash = text.find('-'); dash != std::string::npos) {
    auto from = parse_page_number(std::string_view(text).substr(0, dash));
    auto to = parse_page_number(std::string_view(text).substr(dash + 1));
    if (!from || !to || *to < *from) {
      return Error::invalid_input("keyword pages \"" + text + "\": want A-B with A <= B");
    }
    s.pages.push_back({*from, *to});
    return s;
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    if (s.pages.size() == max_entries) {
      return Error::invalid_input("keyword pages: more than " + std::to_string(max_entries) +
                                  " entries");
    }
    std::size_t comma = std::min(text.find(',', start), text.size());
    auto page = parse_page_number(std::string_view(text).substr(start, comma - start));
    if (!page) {
      return Error::invalid_input("keyword mode \"" + text +
                                  "\": want first, last, all, A-B or A,B,C");
    }
    s.pages.push_back({*page, *page});
    start = comma + 1;
  }
  return s;
}

Result<MoveType> parse_move_type(const std::string& text) {
  if (text.empty() || text == "CENTER" || text == "center") return MoveType::kCenter;
  if (text == "RIGHT" || text == "right") return MoveType::kRight;
  if (text == "BOTTOM" || text == "bottom") return MoveType::kBottom;
  return Error::invalid_input("moveType \"" + text + "\": want CENTER, RIGHT or BOTTOM");
}

Result<std::vector<Stamp>> place(const PositionRule& rule, const std::vector<PageSize>& pages,
                                 double w, double h) {
  if (auto s = check_seal_size(w, h); !s) return s.error();
  if (auto s = check_page(rule.page, pages); !s) return s.error();
  const PageSize& page = pages[static_cast<std::size_t>(rule.page)];
  if (!(rule.x_mm >= 0 && rule.y_mm >= 0 && rule.x_mm < page.width_mm &&
        rule.y_mm < page.height_mm)) {
    return Error::invalid_input("position (" + std::to_string(rule.x_mm) + ", " +
                                std::to_string(rule.y_mm) + ") mm is outside page " +
                                std::to_string(rule.page + 1));
  }
  return on_pages({whole(rule.page, rule.x_mm, rule.y_mm, w, h)}, pages);
}

Result<std::vector<Stamp>> place(const KeywordRule& rule, const std::vector<KeywordHit>& hits,
                                 const std::vector<PageSize>& pages, double w, double h) {
  if (auto s = check_seal_size(w, h); !s) return s.error();
  using Kind = KeywordSelection::Kind;
  std::vector<KeywordHit> chosen;
  const KeywordSelection& sel = rule.selection;
  if (!hits.empty()) {
    switch (sel.kind) {
      case Kind::kFirst:
        chosen.push_back(hits.front());
        break;
      case Kind::kLast:
        chosen.push_back(hits.back());
        break;
      case Kind::kAll:
        chosen = hits;
        break;
      case Kind::kPages:
        for (const KeywordHit& hit : hits) {
          if (std::any_of(sel.pages.begin(), sel.pages.end(), [&](const PageRange& r) {
                return hit.page >= r.first && hit.page <= r.last;
              })) {
            chosen.push_back(hit);
          }
        }
        break;
      case Kind::kIndex: {
        int i = sel.index < 0 ? static_cast<int>(hits.size()) + sel.index : sel.index;
        if (i >= 0 && i < static_cast<int>(hits.size())) {
          chosen.push_back(hits[static_cast<std::size_t>(i)]);
        }
        break;
      }
    }
  }
  if (!sel.occurrences.empty() && (sel.kind == Kind::kAll || sel.kind == Kind::kPages)) {
    std::vector<KeywordHit> kept;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      int n = static_cast<int>(i);
      if (std::any_of(sel.occurrences.begin(), sel.occurrences.end(),
                      [&](const PageRange& r) { return n >= r.first && n <= r.last; })) {
        kept.push_back(chosen[i]);
      }
    }
    chosen = std::move(kept);
  }
  if (chosen.empty()) {
    return Error::invalid_input("keyword \"" + rule.keyword + "\" was not found" +
                                (hits.empty() ? std::string() : " on the pages asked for"));
  }
  std::vector<Stamp> stamps;
  for (const KeywordHit& hit : chosen) {
    if (auto s = check_page(hit.page, pages); !s) return s.error();
    stamps.push_back(
        on_box(hit.page, hit.box, rule.move, rule.offset_x_mm, rule.offset_y_mm, w, h));
  }
  return on_pages(std::move(stamps), pages);
}

Result<std::vector<Stamp>> place(const RectangleRule& rule, const std::vector<PageSize>& pages,
                                 double w, double h) {
  if (auto s = check_seal_size(w, h); !s) return s.error();
  if (auto s = check_page(rule.page, pages); !s) return s.error();
  for (double v :
       {rule.left, rule.bottom, rule.right, rule.top, rule.offset_x_pt, rule.offset_y_pt}) {
    if (!std::isfinite(v))
      return Error::invalid_input("the rectangle is not made of finite numbers");
  }
  if (!(rule.left < rule.right && rule.bottom < rule.top)) {
    return Error::invalid_input("the rectangle wants left < right and bottom < top");
  }
  constexpr double kMmPerPoint = 25.4 / 72;
  double page_h = pages[static_cast<std::size_t>(rule.page)].height_mm;
  RectMm box{rule.left * kMmPerPoint, page_h - rule.top * kMmPerPoint,
             (rule.right - rule.left) * kMmPerPoint, (rule.top - rule.bottom) * kMmPerPoint};
  return on_pages({on_box(rule.page, box, rule.move, rule.offset_x_pt * kMmPerPoint,
                          -rule.offset_y_pt * kMmPerPoint, w, h)},
                  pages);
}

Result<std::vector<Stamp>> place(const CrossPageRule& rule, const std::vector<PageSize>& pages,
                                 double w, double h) {
  if (auto s = check_seal_size(w, h); !s) return s.error();
  int last = rule.last_page < 0 ? static_cast<int>(pages.size()) - 1 : rule.last_page;
  if (auto s = check_page(rule.first_page, pages); !s) return s.error();
  if (auto s = check_page(last, pages); !s) return s.error();
  int count = last - rule.first_page + 1;
  if (count < 2) return Error::invalid_input("a cross-page seal needs at least two pages");
  if (rule.group < 2) return Error::invalid_input("a cross-page group spans at least two pages");
  if (rule.first_share && !(*rule.first_share > 0 && *rule.first_share < 1)) {
    return Error::invalid_input(
        "the first page's share of a cross-page seal must lie between 0 and 1");
  }
  std::vector<Stamp> stamps;
  for (int start = rule.first_page; start <= last; start += rule.group) {
    int n = std::min(rule.group, last - start + 1);
    // The width of the slice page j of the group shows.
    auto width = [&](int j) {
      if (!rule.first_share) return w / n;
      return j == 0 ? *rule.first_share * w : (1 - *rule.first_share) * w / (n - 1);
    };
    for (int j = 0; j < n; ++j) {
      int page = start + j;
      const PageSize& size = pages[static_cast<std::size_t>(page)];
      double y = rule.y_mm      ? *rule.y_mm
                 : rule.y_share ? size.height_mm * *rule.y_share - h / 2
                                : (size.height_mm - h) / 2;
      // Right edge: the group's pages show the picture's slices left to right, each flush right;
      // left edge: the mirror image, so that the pages fanned out together show the whole seal.
      bool right = rule.side == CrossPageRule::Side::kRight;
      double before = 0;  // the picture's width left of this page's slice
      for (int i = right ? 0 : j + 1; i < (right ? j : n); ++i) before += width(i);
      double slice = width(j);
      double visible_x = right ? size.width_mm - slice : 0;
      Stamp s;
      s.page = page;
      s.visible = {visible_x, y, slice, h};
      s.picture = {visible_x - before, y, w, h};
      s.in_signature = rule.sign_all_pages || j == 0;
      stamps.push_back(s);
    }
  }
  return on_pages(std::move(stamps), pages);
}

Status check_finite(const std::vector<Stamp>& stamps) {
  for (const Stamp& s : stamps) {
    for (double v : {s.visible.x, s.visible.y, s.visible.width, s.visible.height, s.picture.x,
                     s.picture.y, s.picture.width, s.picture.height}) {
      if (!std::isfinite(v))
        return Error::invalid_input("a stamp on page " + std::to_string(s.page + 1) +
                                    " has a coordinate that is not a finite number");
    }
  }
  return ok_status();
}

void bound_changed_regions(std::vector<ChangedRegion>& regions) {
  if (regions.size() <= kMaxChangedRegions) return;
  auto weight = [](const std::string& kind) {
    for (int i = 0; const char* k : {"page", "content", "annotation"}) {
      if (kind == k) return i;
      ++i;
    }
    return 3;
  };
  std::map<int, ChangedRegion> pages;
  for (const ChangedRegion& r : regions) {
    auto [it, added] = pages.try_emplace(r.page, r);
    if (added) continue;
    ChangedRegion& merged = it->second;
    double left = std::min(merged.rect.x, r.rect.x), top = std::min(merged.rect.y, r.rect.y);
    double right = std::max(merged.rect.x + merged.rect.width, r.rect.x + r.rect.width);
    double bottom = std::max(merged.rect.y + merged.rect.height, r.rect.y + r.rect.height);
    merged.rect = {left, top, right - left, bottom - top};
    if (weight(r.kind) < weight(merged.kind)) merged.kind = r.kind;
  }
  regions.clear();
  for (auto& [page, region] : pages) {
    if (regions.size() == kMaxChangedRegions) break;
    regions.push_back(std::move(region));
  }
}

double share_on_page(const RectMm& v, const PageSize& page) {
  for (double n : {v.x, v.y, v.width, v.height, page.width_mm, page.height_mm}) {
    if (!std::isfinite(n)) return 0;
  }
  if (!(v.width > 0 && v.height > 0)) return 0;
  double inside_w = std::max(0.0, std::min(v.x + v.width, page.width_mm) - std::max(v.x, 0.0));
  double inside_h = std::max(0.0, std::min(v.y + v.height, page.height_mm) - std::max(v.y, 0.0));
  return inside_w * inside_h / (v.width * v.height);
}

std::vector<RectMm> dark_runs(const CodeMark& mark) {
  std::vector<RectMm> runs;
  if (mark.side <= 0 || mark.dark.size() != static_cast<std::size_t>(mark.side * mark.side))
    return runs;
  double module = mark.area.width / (mark.side + 2 * mark.quiet_zone);
  for (int y = 0; y < mark.side; ++y) {
    for (int x = 0; x < mark.side;) {
      if (!mark.dark[static_cast<std::size_t>(y * mark.side + x)]) {
        ++x;
        continue;
      }
      int end = x;
      while (end < mark.side && mark.dark[static_cast<std::size_t>(y * mark.side + end)]) ++end;
      runs.push_back({(x + mark.quiet_zone) * module, (y + mark.quiet_zone) * module,
                      (end - x) * module, module});
      x = end;
    }
  }
  return runs;
}

Status check_mark(const CodeMark& mark, const PageSize& page) {
  const RectMm& a = mark.area;
  for (double n : {a.x, a.y, a.width, a.height}) {
    if (!std::isfinite(n))
      return Error::invalid_input("the verification code's place is not a number");
  }
  if (a.width < 10 || std::abs(a.width - a.height) > 1e-6)
    return Error::invalid_input("a verification code is a square of at least 10 mm");
  if (mark.side <= 0 || mark.quiet_zone < 0 ||
      mark.dark.size() != static_cast<std::size_t>(mark.side * mark.side))
    return Error::invalid_input("the verification code's modules do not make a square");
  if (share_on_page(a, page) < 0.5) {
    return Error::invalid_input("the verification code at (" + std::to_string(std::lround(a.x)) +
                                ", " + std::to_string(std::lround(a.y)) + ") mm on page " +
                                std::to_string(mark.page + 1) + " lies mostly off the page");
  }
  return ok_status();
}

RectMm default_code_area(const PageSize& page, double size_mm) {
  constexpr double kMargin = 10;
  return {std::max(0.0, page.width_mm - kMargin - size_mm),
          std::max(0.0, page.height_mm - kMargin - size_mm), size_mm, size_mm};
}

Result<std::vector<Stamp>> place(const Placement& placement, const std::vector<PageSize>& pages,
                                 const KeywordFinder& find, double seal_width_mm,
                                 double seal_height_mm) {
  Result<std::vector<Stamp>> stamps = std::vector<Stamp>{};
  if (const auto* keyword = std::get_if<KeywordRule>(&placement)) {
    auto hits = find(keyword->keyword);
    if (!hits) return hits.error();
    stamps = place(*keyword, *hits, pages, seal_width_mm, seal_height_mm);
  } else if (const auto* cross = std::get_if<CrossPageRule>(&placement)) {
    stamps = place(*cross, pages, seal_width_mm, seal_height_mm);
  } else if (const auto* rectangle = std::get_if<RectangleRule>(&placement)) {
    stamps = place(*rectangle, pages, seal_width_mm, seal_height_mm);
  } else {
    stamps = place(std::get<PositionRule>(placement), pages, seal_width_mm, seal_height_mm);
  }
  if (!stamps) return stamps;
  if (auto s = check_finite(*stamps); !s) return s.error();
  return stamps;
}

}  // namespace eseal::doc
