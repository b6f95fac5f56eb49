// The database a store test runs on: SQLite in a temporary data folder, or a schema of its own
// in the test PostgreSQL (ESEAL_TEST_POSTGRES: a connection URI, or "@FILE" naming a file that
// holds one, as tests/support/postgres_cluster writes; the test command starts that cluster).
//
//   INSTANTIATE_TEST_SUITE_P(, MyTest, testing::ValuesIn(test::store_backends()), backend_name);
//   auto db = test::TestDatabase::make(GetParam());   // skips when PostgreSQL is not set up
//   auto store = db->open(kek);                       // a Store on it (twice: two nodes)
//   db->exec("UPDATE …");  db->count("audit");         // behind the store's back
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "keys/kek.h"
#include "store/sql.h"
#include "store/store.h"
#include "support/process.h"

namespace eseal::test {

enum class StoreBackend { kSqlite, kPostgresql };

std::vector<StoreBackend> store_backends();
// "Sqlite" or "Postgresql", in test names and CTest's list.
void PrintTo(StoreBackend backend, std::ostream* out);
std::string backend_name(const testing::TestParamInfo<StoreBackend>& info);

// The test PostgreSQL's URI; none when it is not set up.
std::optional<std::string> test_postgres_url();

class TestDatabase {
 public:
  // Null, after GTEST_SKIP(), when the backend is PostgreSQL and none is set up (outside CI);
  // a failure in CI, where the test command starts one.
  static std::unique_ptr<TestDatabase> make(StoreBackend backend);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  StoreBackend backend() const { return backend_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  store::StoreOptions options(store::StoreOptions::Blobs blobs = {}) const;

  // A store on this database (each call another, as another process or node would open it).
  Result<std::unique_ptr<store::Store>> open(std::optional<keys::Kek> kek,
                                             store::StoreOptions::Blobs blobs = {}) const;
  // Runs statements on the database directly.
  void exec(const std::string& sql) const;
  // SELECT COUNT(*) FROM `from` ("table" or "table WHERE …").
  std::int64_t count(const std::string& from) const;
  // What the database keeps of `table`, as an attacker with its files would read it: SQLite's
  // whole file and journal; PostgreSQL's rows of the table as text.
  std::string stored_text(const std::string& table) const;

 private:
  TestDatabase(StoreBackend backend, std::string url, std::string schema);

  StoreBackend backend_;
  TempDir dir_;
  std::string url_;     // "" for SQLite in dir_
  std::string schema_;  // PostgreSQL: this test's own schema
};

}  // namespace eseal::test
