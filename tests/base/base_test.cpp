#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "base/file.h"
#include "base/time.h"
#include "support/process.h"

namespace eseal {
namespace {

TEST(Time, ParsesTheThreeAcceptedShapes) {
  auto iso = parse_utc("2026-11-23T12:34:56Z");
  ASSERT_TRUE(iso.ok());
  EXPECT_EQ(format_utc(*iso), "2026-11-23T12:34:56Z");
  EXPECT_EQ(*parse_utc("2026-11-23 12:34:56"), *iso);
  EXPECT_EQ(format_utc(*parse_utc("2026-11-23")), "2026-11-23T00:00:00Z");
  EXPECT_EQ(iso->time_since_epoch().count(), 1795437296);
}

TEST(Time, RejectsLooseOrImpossibleInput) {
  for (const char* bad :
       {"", "2026-11-23T12:34:56Zjunk", "2026-1-23", " 2026-11-23", "2026-11-23T12:34:56",
        "2026-02-30", "2026-11-23T24:00:00Z", "2026-11-23T12:34:60Z", "+026-11-23", "2026/11/23"}) {
    EXPECT_EQ(parse_utc(bad).error().kind, ErrorKind::kInvalidInput) << bad;
  }
}

TEST(File, AtomicWriteReplacesAndSetsPermissions) {
  test::TempDir dir;
  auto path = dir / "sub" / "file.bin";
  ASSERT_TRUE(write_file_atomic(path, as_bytes("one"), 0600).ok());
  ASSERT_TRUE(write_file_atomic(path, as_bytes("two"), 0600).ok());
  EXPECT_EQ(to_string(*read_file(path)), "two");
  struct stat st {};
  ::stat(path.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / "sub"),
                          std::filesystem::directory_iterator()),
            1)
      << "no temporary files left behind";
  EXPECT_EQ(read_file(dir / "missing").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(read_file(dir.path()).error().kind, ErrorKind::kInvalidInput);
}

TEST(File, ExclusiveCreateNeverReplaces) {
  test::TempDir dir;
  auto path = dir / "once";
  EXPECT_TRUE(*create_file_exclusive(path, as_bytes("first")));
  EXPECT_FALSE(*create_file_exclusive(path, as_bytes("second")));
  EXPECT_EQ(to_string(*read_file(path)), "first");

  // Racing creators: exactly one wins and the file holds that one's content.
  auto race = dir / "race";
  std::vector<std::thread> threads;
  std::atomic<int> winners = 0;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (*create_file_exclusive(race, as_bytes(std::to_string(i)))) ++winners;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
}

}  // namespace
}  // namespace eseal
