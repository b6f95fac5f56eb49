// The HRSS session's own rules: page and occurrence lists, error numbers and their texts, and the
// view's state without a document.
#include "hrss/session.h"

#include <gtest/gtest.h>

namespace eseal::hrss {
namespace {

TEST(HrssRanges, ListsRangesAndZeroForEverything) {
  auto ranges = parse_ranges("2-10;5, 7", "pages");
  ASSERT_TRUE(ranges.ok()) << ranges.error().message;
  ASSERT_EQ(ranges->size(), 3u);
  EXPECT_EQ((*ranges)[0].first, 1);
  EXPECT_EQ((*ranges)[0].last, 9);
  EXPECT_EQ((*ranges)[1].first, 4);
  EXPECT_EQ((*ranges)[2].last, 6);
  EXPECT_TRUE(parse_ranges("0", "pages")->empty());
  EXPECT_TRUE(parse_ranges("0;2-10;2,5", "pages")->empty());  // the text's example: every page
  EXPECT_TRUE(parse_ranges("", "pages")->empty());
  for (const char* bad : {"3-1", "x", "2-", "-2", "1.5"}) {
    auto refused = parse_ranges(bad, "pages");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(failure_number(refused.error()), static_cast<int>(Failure::kPlacement));
    EXPECT_NE(refused.error().message.find("pages"), std::string::npos);
  }
}

TEST(HrssErrors, NumbersTravelInTheErrorAndHaveTexts) {
  Error e = failure(Failure::kPin, "the PIN is wrong: 2 tries left");
  EXPECT_EQ(failure_number(e), -5);
  EXPECT_EQ(failure_text(-5), "PIN码错误、已锁定或未输入");
  EXPECT_EQ(failure_number(Error::io("elsewhere")), static_cast<int>(Failure::kSign));
  EXPECT_EQ(failure_text(0), "成功");
  EXPECT_EQ(failure_text(-99), "未知错误");
  EXPECT_EQ(failure(Failure::kIo, "x").kind, ErrorKind::kIo);
}

TEST(HrssSession, NothingOpenIsSaidSo) {
  Session session;
  EXPECT_FALSE(session.is_open());
  EXPECT_EQ(session.page(), 0);
  auto s = session.go_to(1);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(failure_number(s.error()), static_cast<int>(Failure::kNoDocument));
  EXPECT_EQ(failure_number(session.open(to_bytes("not a document"), "x").error()),
            static_cast<int>(Failure::kDocument));
  // The toolbar: all shown; 99 hides every button; one shown again.
  EXPECT_TRUE(session.button_shown(21));
  session.show_button(99, false);
  EXPECT_FALSE(session.button_shown(21));
  session.show_button(21, true);
  EXPECT_TRUE(session.button_shown(21));
  EXPECT_FALSE(session.button_shown(22));
  session.show_button(99, true);
  EXPECT_TRUE(session.button_shown(22));
}

}  // namespace
}  // namespace eseal::hrss
