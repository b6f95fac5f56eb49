#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "base/content_cache.h"
#include "base/file.h"
#include "base/time.h"
#include "base/utf8.h"
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

TEST(File, StaleTemporariesAreRemovedAndEverythingElseKept) {
  test::TempDir dir;
  auto old_time = std::filesystem::file_time_type::clock::now() - std::chrono::minutes(10);
  auto plant = [&](const std::filesystem::path& path, bool old) {
    ASSERT_TRUE(write_file_atomic(path, as_bytes("x")).ok());
    if (old) std::filesystem::last_write_time(path, old_time);
  };
  plant(dir / "blobs" / "ab" / "cdef.tmp-a1B2c3", true);  // a killed blob write
  plant(dir / "kek.tmp-ZZZZZZ", true);
  plant(dir / "blobs" / "ab" / "cdef", true);       // the blob itself
  plant(dir / "apps" / "x.pem.tmp-young1", false);  // a write that may be in progress
  plant(dir / "notes.tmp-abc", true);               // not the pattern: five characters
  plant(dir / "report.tmp-abcdef.txt", true);       // not at the end
  auto removed = remove_stale_temporaries(dir.path(), std::chrono::minutes(1));
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_EQ(*removed, 2u);
  EXPECT_FALSE(std::filesystem::exists(dir / "blobs" / "ab" / "cdef.tmp-a1B2c3"));
  EXPECT_FALSE(std::filesystem::exists(dir / "kek.tmp-ZZZZZZ"));
  for (const char* kept :
       {"blobs/ab/cdef", "apps/x.pem.tmp-young1", "notes.tmp-abc", "report.tmp-abcdef.txt"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / kept)) << kept;
  }
  EXPECT_EQ(*remove_stale_temporaries(dir.path(), std::chrono::seconds(0)), 1u)
      << "with no minimum age the young one goes too";
  EXPECT_EQ(remove_stale_temporaries(dir / "missing", std::chrono::minutes(1)).error().kind,
            ErrorKind::kIo);
}

// Well-formed text comes back as it is, whatever mix of ASCII runs and longer scalars; each byte
// of an ill-formed sequence becomes U+FFFD wherever it falls (inside or after an ASCII run of
// eight, at the end, truncated).
TEST(Utf8, ValidUtf8KeepsWellFormedTextAndReplacesEachBadByte) {
  const std::string fffd = "\xEF\xBF\xBD";
  for (const std::string& good :
       {std::string(), std::string("abcdefgh"), std::string(1000, 'A') + "印章" + "0123456789",
        std::string("签章\xF0\x9F\x98\x80 x"), std::string("12345678印")}) {
    EXPECT_EQ(valid_utf8(good), good);
  }
  EXPECT_EQ(valid_utf8("ab\xFF"), "ab" + fffd);
  EXPECT_EQ(valid_utf8("abcdefghij\x80klm"), "abcdefghij" + fffd + "klm");
  EXPECT_EQ(valid_utf8("abcdefgh\xE5\x8D"), "abcdefgh" + fffd + fffd);
  EXPECT_EQ(valid_utf8("\xED\xA0\x80z"), fffd + fffd + fffd + "z");  // a surrogate
  EXPECT_EQ(valid_utf8(std::string(16, 'q') + "\xC0\xAF" + "印"),
            std::string(16, 'q') + fffd + fffd + "印");
}

// is_utf8 agrees with the strict decoder on every case above and at each boundary of the eight
// byte steps.
TEST(Utf8, IsUtf8AgreesWithTheStrictDecoder) {
  std::vector<std::string> cases = {"",
                                    "abcdefgh",
                                    "签章\xF0\x9F\x98\x80 x",
                                    "12345678印",
                                    "ab\xFF",
                                    "abcdefgh\xE5\x8D",
                                    "\xED\xA0\x80z",
                                    "\xC0\xAF",
                                    "\xF4\x90\x80\x80"};
  for (std::size_t n = 0; n < 18; ++n) {
    cases.push_back(std::string(n, 'a') + "\x80");
    cases.push_back(std::string(n, 'a') + "印");
    cases.push_back(std::string(n, 'a') + "\xE5\x8D");
  }
  for (const auto& text : cases)
    EXPECT_EQ(is_utf8(text), decode_utf8_strict(text).has_value()) << text;
}

// A file is read whole, in one piece or, when its size is not known beforehand, in chunks.
TEST(File, ReadFileReadsRegularFilesAndOnesOfUnknownSize) {
  auto dir = std::filesystem::temp_directory_path() / ("eseal-read-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  Bytes big(300000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<unsigned char>(i * 7);
  ASSERT_TRUE(write_file_atomic(dir / "big", big, 0600));
  EXPECT_EQ(*read_file(dir / "big"), big);
  ASSERT_TRUE(write_file_atomic(dir / "empty", {}, 0600));
  EXPECT_TRUE(read_file(dir / "empty")->empty());
  EXPECT_EQ(read_file(dir).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(read_file(dir / "missing").error().kind, ErrorKind::kNotFound);
  // /proc files report size 0 and have content.
  auto status = read_file("/proc/self/status");
  ASSERT_TRUE(status.ok());
  EXPECT_NE(to_string(*status).find("Name:"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// Made once per content key; a failure is not kept, and a full cache starts again empty.
TEST(ContentCache, MakesEachValueOnceAndKeepsNoFailure) {
  ContentCache<int> cache(2);
  int made = 0;
  auto make = [&](int v) {
    return [&made, v]() -> Result<int> {
      ++made;
      return v;
    };
  };
  EXPECT_EQ(*cache.get("a", make(1)), 1);
  EXPECT_EQ(*cache.get("a", make(9)), 1);
  EXPECT_EQ(made, 1);
  EXPECT_FALSE(cache.get("bad", [] { return Result<int>(Error::invalid_input("no")); }).ok());
  EXPECT_EQ(*cache.get("bad", make(2)), 2);
  EXPECT_EQ(made, 2);
  EXPECT_EQ(*cache.get("c", make(3)), 3);  // full: emptied first
  EXPECT_EQ(*cache.get("a", make(4)), 4);
  EXPECT_EQ(made, 4);
}

}  // namespace
}  // namespace eseal
