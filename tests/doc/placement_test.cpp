// Placement rules shared by the PDF and OFD engines: positions, keyword hits with each selection
// and moveType, and cross-page slices in groups.
#include "doc/placement.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace eseal::doc {
namespace {

const std::vector<PageSize> kA4x3(3, PageSize{210, 297});

TEST(Position, PlacesTheSealsTopLeftCorner) {
  auto s = place(PositionRule{1, 100, 200}, kA4x3, 42, 42);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].page, 1);
  EXPECT_DOUBLE_EQ((*s)[0].visible.x, 100);
  EXPECT_DOUBLE_EQ((*s)[0].visible.y, 200);
  EXPECT_DOUBLE_EQ((*s)[0].picture.width, 42);
  EXPECT_TRUE((*s)[0].in_signature);
}

TEST(Position, RefusesPagesAndPointsOutsideTheDocument) {
  EXPECT_FALSE(place(PositionRule{3, 10, 10}, kA4x3, 42, 42).ok());
  EXPECT_FALSE(place(PositionRule{-1, 10, 10}, kA4x3, 42, 42).ok());
  EXPECT_FALSE(place(PositionRule{0, 210, 10}, kA4x3, 42, 42).ok());
  EXPECT_FALSE(place(PositionRule{0, 10, -1}, kA4x3, 42, 42).ok());
  EXPECT_FALSE(place(PositionRule{0, 10, 10}, kA4x3, 0, 42).ok());
  // Not-a-number compares false with every bound: it must still be refused.
  double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(place(PositionRule{0, nan, 10}, kA4x3, 42, 42).ok());
  EXPECT_FALSE(place(PositionRule{0, 10, nan}, kA4x3, 42, 42).ok());
  EXPECT_FALSE(place(PositionRule{0, 10, inf}, kA4x3, 42, 42).ok());
  EXPECT_FALSE(place(PositionRule{0, 10, 10}, kA4x3, nan, 42).ok());
  CrossPageRule nan_y;
  nan_y.y_mm = nan;
  auto crossed = place(Placement(nan_y), kA4x3, {}, 42, 42);
  ASSERT_FALSE(crossed.ok());
  EXPECT_NE(crossed.error().message.find("not a finite number"), std::string::npos);
  KeywordRule shifted{"甲方", {}, MoveType::kCenter, nan, 0};
  auto find = [](const std::string&) -> Result<std::vector<KeywordHit>> {
    return std::vector<KeywordHit>{{0, {50, 100, 20, 5}}};
  };
  EXPECT_FALSE(place(Placement(shifted), kA4x3, find, 42, 42).ok());
}

TEST(KeywordSelection, ParsesEveryForm) {
  using Kind = KeywordSelection::Kind;
  EXPECT_EQ(parse_keyword_selection("first")->kind, Kind::kFirst);
  EXPECT_EQ(parse_keyword_selection("1")->kind, Kind::kFirst);
  EXPECT_EQ(parse_keyword_selection("0")->kind, Kind::kLast);
  EXPECT_EQ(parse_keyword_selection("-1")->kind, Kind::kAll);
  auto pages = [](const std::string& text) {
    std::vector<std::pair<int, int>> out;
    auto selection = parse_keyword_selection(text);
    for (const PageRange& r : selection->pages) out.emplace_back(r.first, r.last);
    return out;
  };
  EXPECT_EQ(pages("2-4"), (std::vector<std::pair<int, int>>{{1, 3}}));
  EXPECT_EQ(pages("1,3"), (std::vector<std::pair<int, int>>{{0, 0}, {2, 2}}));
  EXPECT_EQ(pages("5"), (std::vector<std::pair<int, int>>{{4, 4}}));
  // A range stays a range whatever its length (it once became 300 million page numbers).
  EXPECT_EQ(pages("1-300000000"), (std::vector<std::pair<int, int>>{{0, 299999999}}));
  std::string list = "1";
  for (int i = 0; i < 1000; ++i) list += ",1";
  auto too_long = parse_keyword_selection(list);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().message, "keyword pages: more than 1000 entries");
  EXPECT_TRUE(parse_keyword_selection(list, 1001).ok());
  EXPECT_FALSE(parse_keyword_selection("4-2").ok());
  EXPECT_FALSE(parse_keyword_selection("a,b").ok());
  EXPECT_FALSE(parse_keyword_selection("1,,2").ok());
  EXPECT_FALSE(parse_move_type("LEFT").ok());
}

TEST(Keyword, EachSelectionAndMoveType) {
  std::vector<KeywordHit> hits{{0, {50, 100, 20, 5}}, {1, {30, 40, 20, 5}}, {2, {10, 10, 20, 5}}};
  KeywordRule rule{"甲方", {}, MoveType::kCenter, 0, 0};
  auto first = place(rule, hits, kA4x3, 40, 40);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_DOUBLE_EQ((*first)[0].visible.x, 60 - 20);
  EXPECT_DOUBLE_EQ((*first)[0].visible.y, 102.5 - 20);

  rule.selection = *parse_keyword_selection("last");
  EXPECT_EQ((*place(rule, hits, kA4x3, 40, 40))[0].page, 2);
  rule.selection = *parse_keyword_selection("all");
  EXPECT_EQ(place(rule, hits, kA4x3, 40, 40)->size(), 3u);
  rule.selection = *parse_keyword_selection("2-3");
  auto ranged = place(rule, hits, kA4x3, 40, 40);
  ASSERT_EQ(ranged->size(), 2u);
  EXPECT_EQ((*ranged)[0].page, 1);
  rule.selection = {KeywordSelection::Kind::kIndex, {}, 1};
  EXPECT_EQ((*place(rule, hits, kA4x3, 40, 40))[0].page, 1);
  // Counted from the last: -1 is the last hit, -3 the first; -4 is none.
  rule.selection = {KeywordSelection::Kind::kIndex, {}, -1};
  EXPECT_EQ((*place(rule, hits, kA4x3, 40, 40))[0].page, 2);
  rule.selection = {KeywordSelection::Kind::kIndex, {}, -3};
  EXPECT_EQ((*place(rule, hits, kA4x3, 40, 40))[0].page, 0);
  rule.selection = {KeywordSelection::Kind::kIndex, {}, -4};
  EXPECT_FALSE(place(rule, hits, kA4x3, 40, 40).ok());

  rule.selection = {};
  rule.move = MoveType::kRight;
  rule.offset_x_mm = 2;
  rule.offset_y_mm = -3;
  auto right = place(rule, hits, kA4x3, 40, 40);
  EXPECT_DOUBLE_EQ((*right)[0].visible.x, 70 + 2);
  EXPECT_DOUBLE_EQ((*right)[0].visible.y, 102.5 - 20 - 3);
  rule.move = MoveType::kBottom;
  rule.offset_x_mm = rule.offset_y_mm = 0;
  auto bottom = place(rule, hits, kA4x3, 40, 40);
  EXPECT_DOUBLE_EQ((*bottom)[0].visible.x, 60 - 20);
  EXPECT_DOUBLE_EQ((*bottom)[0].visible.y, 105);
}

// LD/T HRSSSignByKeyword: of the hits on the pages asked for, the occurrences asked for.
TEST(Keyword, OccurrencesCountAmongTheHitsOnThePagesAskedFor) {
  std::vector<KeywordHit> hits{
      {0, {50, 100, 20, 5}}, {1, {30, 40, 20, 5}}, {1, {30, 140, 20, 5}}, {2, {10, 10, 20, 5}}};
  KeywordRule rule{
      "甲方", {KeywordSelection::Kind::kPages, {{1, 2}}, 0, {{1, 2}}}, MoveType::kCenter, 0, 0};
  auto chosen = place(rule, hits, kA4x3, 40, 40);
  ASSERT_TRUE(chosen.ok()) << chosen.error().message;
  ASSERT_EQ(chosen->size(), 2u);  // the second and third hits of pages 2-3
  EXPECT_EQ((*chosen)[0].page, 1);
  EXPECT_DOUBLE_EQ((*chosen)[0].visible.y, 142.5 - 20);
  EXPECT_EQ((*chosen)[1].page, 2);
  rule.selection = {KeywordSelection::Kind::kAll, {}, 0, {{0, 0}}};
  EXPECT_EQ((*place(rule, hits, kA4x3, 40, 40))[0].page, 0);
  rule.selection = {KeywordSelection::Kind::kAll, {}, 0, {{7, 9}}};
  EXPECT_FALSE(place(rule, hits, kA4x3, 40, 40).ok());
}

TEST(Keyword, AMissingKeywordIsAnErrorNamingIt) {
  KeywordRule rule{"乙方签章", {}, MoveType::kCenter, 0, 0};
  auto none = place(rule, {}, kA4x3, 40, 40);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("乙方签章"), std::string::npos);
  rule.selection = *parse_keyword_selection("3");
  EXPECT_FALSE(place(rule, {{0, {1, 1, 1, 1}}}, kA4x3, 40, 40).ok());
}

TEST(CrossPage, SlicesFitTogetherAtTheRightEdge) {
  std::vector<PageSize> pages(2, PageSize{210, 297});
  auto s = place(CrossPageRule{}, pages, 40, 40);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 2u);
  // docs/ENCODINGS.md §4.8's example: W=H=40, N=2, A4, right edge, centred.
  EXPECT_DOUBLE_EQ((*s)[0].visible.x, 190);
  EXPECT_DOUBLE_EQ((*s)[0].visible.width, 20);
  EXPECT_DOUBLE_EQ((*s)[0].visible.y, 128.5);
  EXPECT_DOUBLE_EQ((*s)[0].picture.x, 190);
  EXPECT_DOUBLE_EQ((*s)[1].picture.x, 170) << "page 2 shows the picture's second half";
  EXPECT_DOUBLE_EQ((*s)[1].visible.x, 190);
}

TEST(CrossPage, LeftEdgeMirrorsTheSlices) {
  CrossPageRule rule;
  rule.side = CrossPageRule::Side::kLeft;
  rule.y_mm = 10;
  auto s = place(rule, kA4x3, 30, 30);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 3u);
  EXPECT_DOUBLE_EQ((*s)[0].visible.x, 0);
  EXPECT_DOUBLE_EQ((*s)[0].picture.x, -20) << "page 1 shows the last slice";
  EXPECT_DOUBLE_EQ((*s)[2].picture.x, 0) << "the last page shows the first slice";
  EXPECT_DOUBLE_EQ((*s)[1].visible.y, 10);
}

TEST(CrossPage, GroupsWithTheRemainderAsItsOwnGroup) {
  std::vector<PageSize> pages(13, PageSize{210, 297});
  CrossPageRule rule;
  rule.group = 5;
  rule.sign_all_pages = false;
  auto s = place(rule, pages, 40, 40);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 13u);
  EXPECT_DOUBLE_EQ((*s)[0].visible.width, 8);
  EXPECT_DOUBLE_EQ((*s)[10].visible.width, 40.0 / 3) << "pages 11-13 are a group of three";
  EXPECT_TRUE((*s)[0].in_signature);
  EXPECT_FALSE((*s)[1].in_signature);
  EXPECT_TRUE((*s)[5].in_signature) << "the first page of each group is signed";
}

TEST(CrossPage, NeedsTwoPages) {
  EXPECT_FALSE(place(CrossPageRule{}, {PageSize{210, 297}}, 40, 40).ok());
  CrossPageRule rule;
  rule.group = 1;
  EXPECT_FALSE(place(rule, kA4x3, 40, 40).ok());
}

// More than half of a stamp off its page is refused, whichever rule put it there.
TEST(OffPage, PositionsKeywordsAndSlicesMostlyOffThePageAreRefused) {
  // 20 of the seal's 42 mm are on the page: less than half.
  auto off = place(PositionRule{0, 190, 10}, kA4x3, 42, 42);
  ASSERT_FALSE(off.ok());
  EXPECT_EQ(off.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(off.error().message,
            "the seal at (190.0, 10.0) mm on page 1 lies mostly off the page (48% of it on the "
            "210.0 x 297.0 mm page)");
  EXPECT_FALSE(place(PositionRule{0, 10, 280}, kA4x3, 42, 42).ok());
  // 30 of 42 mm on the page is accepted: the seal overhangs the edge a little.
  EXPECT_TRUE(place(PositionRule{0, 180, 10}, kA4x3, 42, 42).ok());

  std::vector<KeywordHit> hits{{0, {175, 100, 20, 5}}};
  KeywordRule rule{"甲方", {}, MoveType::kRight, 0, 0};
  auto right = place(rule, hits, kA4x3, 40, 40);
  ASSERT_FALSE(right.ok());
  EXPECT_NE(right.error().message.find("mostly off the page"), std::string::npos);
  rule.move = MoveType::kCenter;
  EXPECT_TRUE(place(rule, hits, kA4x3, 40, 40).ok());
  rule.offset_y_mm = 250;
  EXPECT_FALSE(place(rule, hits, kA4x3, 40, 40).ok());

  CrossPageRule low;
  low.y_mm = 280;
  auto slices = place(low, kA4x3, 42, 42);
  ASSERT_FALSE(slices.ok());
  EXPECT_NE(slices.error().message.find("mostly off the page"), std::string::npos);
  low.y_mm = 250;
  EXPECT_TRUE(place(low, kA4x3, 42, 42).ok());
}

TEST(ChangedRegions, AFewAreKeptAsTheyAre) {
  std::vector<ChangedRegion> regions = {{0, {1, 2, 3, 4}, "annotation"},
                                        {0, {5, 6, 7, 8}, "signature"}};
  bound_changed_regions(regions);
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[1].kind, "signature");
}

TEST(ChangedRegions, ManyBecomeOnePerPageAndAtMostTheLimit) {
  std::vector<ChangedRegion> regions;
  for (int page = 0; page < 100; ++page) {
    regions.push_back({page, {10, 10, 5, 5}, "signature"});
    regions.push_back({page, {50, 60, 10, 10}, "annotation"});
  }
  bound_changed_regions(regions);
  ASSERT_EQ(regions.size(), kMaxChangedRegions);
  EXPECT_EQ(regions.front().page, 0);
  EXPECT_EQ(regions.back().page, static_cast<int>(kMaxChangedRegions) - 1);
  EXPECT_EQ(regions.front().kind, "annotation") << "the weightier kind";
  EXPECT_DOUBLE_EQ(regions.front().rect.x, 10);
  EXPECT_DOUBLE_EQ(regions.front().rect.width, 50);
  EXPECT_DOUBLE_EQ(regions.front().rect.height, 60);
}

}  // namespace
}  // namespace eseal::doc
