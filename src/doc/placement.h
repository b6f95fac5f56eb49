// Where seals go on a document, independent of its format: the placement rules of the three
// interface families — a position, a keyword, a cross-page seal (骑缝章) — turned into stamps,
// each a page and rectangles in millimetres from the displayed page's top-left corner (x right,
// y down). The PDF and OFD engines draw the stamps; they share these rules.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/result.h"

namespace eseal::doc {

// A rectangle in millimetres from the displayed page's top-left corner, y down.
struct RectMm {
  double x = 0, y = 0, width = 0, height = 0;
};

struct PageSize {
  double width_mm = 0, height_mm = 0;
};

// One visible piece of a seal on one page. The whole picture is drawn at `picture` and only the
// part inside `visible` shows: they are equal for an ordinary stamp; a cross-page slice shows a
// strip of the picture at the page edge.
struct Stamp {
  int page = 0;  // 0-based
  RectMm visible;
  RectMm picture;
  // False for the slices of a cross-page seal that DB4403 signAllPages=FALSE leaves unsigned:
  // drawn, but not part of the signature.
  bool in_signature = true;
};

// A verification code printed with a signature (a QR code that opens the public verification
// page for the signed document's record, as Chinese electronic licences carry): a square code's
// dark modules drawn black on white, quiet zone included, in `area` on `page`. The engines write
// it in the same revision as the signature, which covers it.
struct CodeMark {
  int page = 0;                 // 0-based
  RectMm area;                  // a square holding the code and its quiet zone
  int side = 0;                 // modules per row
  std::vector<bool> dark = {};  // side × side, row by row from the top
  int quiet_zone = 4;           // modules of white on each side
};

// The dark modules as rectangles in millimetres from the area's top-left corner (y down), each
// row's runs of dark modules merged. Empty for a mark whose modules do not match its side.
std::vector<RectMm> dark_runs(const CodeMark& mark);

// kInvalidInput for a mark that cannot be drawn: an area that is not a finite square of at least
// 10 mm a side, modules that do not match its side, or an area mostly off `page`.
Status check_mark(const CodeMark& mark, const PageSize& page);

// Where a verification code goes when the request does not say: a `size_mm` square in the
// bottom-right corner of the page, 10 mm from its edges.
RectMm default_code_area(const PageSize& page, double size_mm);

// Where a document changed after a signature, for a reader to see on the page: a page's
// rectangle and what changed there — "content" (the page's content or resources: the whole
// page), "page" (a page added), "annotation" (one added or changed), "signature" (a later
// signature's appearance).
struct ChangedRegion {
  int page = 0;  // 0-based
  RectMm rect;
  std::string kind;
};

// A document may change on any number of pages, or add thousands of annotations; what a
// verifier reports (and a viewer draws) stays bounded: past kMaxChangedRegions, each page's
// regions become one, their bounding box, of the weightiest kind among them (page, content,
// annotation, signature), and only the first kMaxChangedRegions pages are kept.
inline constexpr std::size_t kMaxChangedRegions = 64;
void bound_changed_regions(std::vector<ChangedRegion>& regions);

// LD/T positionSealSign (zx, zy: the seal's top-left corner).
struct PositionRule {
  int page = 0;  // 0-based
  double x_mm = 0, y_mm = 0;
};

// Which keyword hits get a seal (LD/T keywordModel 1, 0, -1, "a-b", "a,b,c"; DB4403 searchOrder
// ASC|DESC|ALL with keywordIndex).
struct PageRange {
  int first = 0, last = 0;  // 0-based, inclusive
};
struct KeywordSelection {
  enum class Kind { kFirst, kLast, kAll, kPages, kIndex } kind = Kind::kFirst;
  // kPages: the pages whose hits count, as ranges: "1-300000000" stays one range, whatever the
  // document's length, and only pages the document has can match.
  std::vector<PageRange> pages;
  // kIndex: the n-th hit (0-based) in document order; negative, counted from the last (-1).
  int index = 0;
  // kAll and kPages: of the hits chosen, only these occurrences (0-based, in document order;
  // LD/T HRSSSignByKeyword's szIndexes); empty: every one.
  std::vector<PageRange> occurrences = {};
};
// Parses "first", "last", "all", "A-B", "A,B,C" (1-based pages) and LD/T's "1", "0", "-1". A
// list of more than `max_entries` pages is refused ("keyword pages: more than N entries").
Result<KeywordSelection> parse_keyword_selection(const std::string& text,
                                                 std::size_t max_entries = 1000);

// How the seal sits on a keyword's box (DB4403 moveType).
enum class MoveType {
  kCenter,  // centred on the keyword
  kRight,   // just right of the keyword, vertically centred
  kBottom,  // just below the keyword, horizontally centred
};
Result<MoveType> parse_move_type(const std::string& text);

// A keyword hit as the text engine reports it.
struct KeywordHit {
  int page = 0;
  RectMm box;
};

struct KeywordRule {
  std::string keyword;
  KeywordSelection selection;
  MoveType move = MoveType::kCenter;
  double offset_x_mm = 0, offset_y_mm = 0;  // added after placing; y down
};

// DB4403 rectangleRule (appendix C.1): a rectangle on a page given as PDF points from the page's
// bottom-left corner (x right, y up), whatever the format, and where the seal sits on it as for
// a keyword; the offsets are points too, x right and y up.
struct RectangleRule {
  int page = 0;  // 0-based
  double left = 0, bottom = 0, right = 0, top = 0;
  MoveType move = MoveType::kCenter;
  double offset_x_pt = 0, offset_y_pt = 0;
};

// LD/T pagingSealSign and DB4403 acrossRule: the picture cut into equal vertical slices, one per
// page of a group, each flush with the page's edge.
struct CrossPageRule {
  enum class Side { kRight, kLeft } side = Side::kRight;
  std::optional<double> y_mm;  // the seal's top; default: centred on the first page
  // DB4403 offsetYOfPageTenThousand / 10000: the seal's centre at this share of each page's
  // height from its top; used when y_mm is not given.
  std::optional<double> y_share;
  int group = 10;  // pages per seal; the remainder is sealed as its own group
  // DB4403 startWidthOfCutPercent: the share (0..1, exclusive) of the picture's width on the
  // first page of each group, the rest cut evenly over its other pages; none: equal slices.
  std::optional<double> first_share;
  int first_page = 0;          // 0-based
  int last_page = -1;          // -1: the last page
  bool sign_all_pages = true;  // DB4403 signAllPages
};

// Each rule gives its stamps, in page order. Errors are kInvalidInput naming the problem: a page
// out of range, a position outside the page or not a finite number, no keyword hit (naming the
// keyword), a cross-page seal on fewer than two pages.
Result<std::vector<Stamp>> place(const PositionRule& rule, const std::vector<PageSize>& pages,
                                 double seal_width_mm, double seal_height_mm);
Result<std::vector<Stamp>> place(const KeywordRule& rule, const std::vector<KeywordHit>& hits,
                                 const std::vector<PageSize>& pages, double seal_width_mm,
                                 double seal_height_mm);
// A rectangle that is not left < right and bottom < top in finite numbers is refused.
Result<std::vector<Stamp>> place(const RectangleRule& rule, const std::vector<PageSize>& pages,
                                 double seal_width_mm, double seal_height_mm);
Result<std::vector<Stamp>> place(const CrossPageRule& rule, const std::vector<PageSize>& pages,
                                 double seal_width_mm, double seal_height_mm);

// Every rule also refuses a stamp of which more than half lies off its page ("the seal at (x, y)
// mm on page N lies mostly off the page"): it would be signed but hardly seen. The CLI and every
// door place seals through these rules, so this is the one place that check lives; the
// verifiers fail such a stamp by the same measure (share_on_page).

// kInvalidInput unless every rectangle of every stamp is made of finite numbers (a NaN compares
// false with every bound, so range checks alone let one through). place() checks it, and so do
// the engines before they write a stamp from any other source.
Status check_finite(const std::vector<Stamp>& stamps);

// The share (0..1) of `visible` that lies on a page of `page` size; 0 for a rectangle that is
// empty or not made of finite numbers.
double share_on_page(const RectMm& visible, const PageSize& page);

// Any one of the rules, for callers that take the rule from a request.
using Placement = std::variant<PositionRule, KeywordRule, CrossPageRule, RectangleRule>;
// Where a format's text engine finds a keyword.
using KeywordFinder = std::function<Result<std::vector<KeywordHit>>(const std::string&)>;
// `find` is called only for a keyword rule.
Result<std::vector<Stamp>> place(const Placement& placement, const std::vector<PageSize>& pages,
                                 const KeywordFinder& find, double seal_width_mm,
                                 double seal_height_mm);

}  // namespace eseal::doc
