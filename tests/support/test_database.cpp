#include "support/test_database.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "store/pg_db.h"

namespace eseal::test {
namespace {

// The URI with `options` setting the search path to `schema`, so every table the store creates
// and reads is the test's own.
std::string with_schema(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

std::unique_ptr<store::sql::Database> connect(const std::filesystem::path& dir,
                                              const store::StoreOptions& options) {
  auto db = store::open_database(dir, options);
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
  return db.ok() ? std::move(*db) : nullptr;
}

}  // namespace

std::vector<StoreBackend> store_backends() {
  return {StoreBackend::kSqlite, StoreBackend::kPostgresql};
}

void PrintTo(StoreBackend backend, std::ostream* out) {
  *out << (backend == StoreBackend::kSqlite ? "Sqlite" : "Postgresql");
}

std::string backend_name(const testing::TestParamInfo<StoreBackend>& info) {
  return testing::PrintToString(info.param);
}

std::optional<std::string> test_postgres_url() {
  const char* value = std::getenv("ESEAL_TEST_POSTGRES");
  if (!value || !*value) return std::nullopt;
  std::string text = value;
  if (!text.starts_with("@")) return text;
  auto file = read_file(text.substr(1));
  if (!file) return std::nullopt;
  std::string url = to_string(*file);
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
  return url;
}

std::unique_ptr<TestDatabase> TestDatabase::make(StoreBackend backend) {
  if (backend == StoreBackend::kSqlite) {
    return std::unique_ptr<TestDatabase>(new TestDatabase(backend, "", ""));
  }
  auto url = test_postgres_url();
  if (!url) {
    const char* ci = std::getenv("CI");
    EXPECT_FALSE(ci && std::string(ci) == "true")
        << "ESEAL_TEST_POSTGRES is not set or its cluster is not running";
    return nullptr;
  }
  std::string schema = "t_" + crypto::to_hex(*crypto::random_bytes(8));
  auto admin = store::sql::open_postgresql(*url, 1);
  EXPECT_TRUE(admin.ok()) << (admin.ok() ? "" : admin.error().message);
  if (!admin.ok()) return nullptr;
  Status made =
      (*admin)->read([&](store::sql::Session& s) { return s.run("CREATE SCHEMA " + schema); });
  EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
  return std::unique_ptr<TestDatabase>(new TestDatabase(backend, *url, schema));
}

TestDatabase::TestDatabase(StoreBackend backend, std::string url, std::string schema)
    : backend_(backend), url_(std::move(url)), schema_(std::move(schema)) {}

TestDatabase::~TestDatabase() {
  if (schema_.empty()) return;
  auto admin = store::sql::open_postgresql(url_, 1);
  if (!admin) return;
  (void)(*admin)->read(
      [&](store::sql::Session& s) { return s.run("DROP SCHEMA " + schema_ + " CASCADE"); });
}

store::StoreOptions TestDatabase::options(store::StoreOptions::Blobs blobs) const {
  store::StoreOptions options;
  if (!schema_.empty()) options.url = with_schema(url_, schema_);
  options.blobs = blobs;
  return options;
}

Result<std::unique_ptr<store::Store>> TestDatabase::open(std::optional<keys::Kek> kek,
                                                         store::StoreOptions::Blobs blobs) const {
  return store::open_store(dir(), std::move(kek), options(blobs));
}

void TestDatabase::exec(const std::string& sql) const {
  auto db = connect(dir(), options());
  ASSERT_TRUE(db);
  Status done = db->read([&](store::sql::Session& s) { return s.connection().script(sql); });
  EXPECT_TRUE(done.ok()) << sql << ": " << (done.ok() ? "" : done.error().message);
}

std::int64_t TestDatabase::count(const std::string& from) const {
  auto db = connect(dir(), options());
  if (!db) return -1;
  auto n = db->read([&](store::sql::Session& s) {
    return s.one<std::int64_t>(
        "SELECT COUNT(*) FROM " + from,
        [](const store::sql::Row& r) -> Result<std::int64_t> { return r.integer(0); }, "");
  });
  EXPECT_TRUE(n.ok()) << from << ": " << (n.ok() ? "" : n.error().message);
  return n.ok() ? *n : -1;
}

std::string TestDatabase::stored_text(const std::string& table) const {
  if (backend_ == StoreBackend::kSqlite) {
    std::string text;
    for (const char* file : {"eseal.db", "eseal.db-wal"}) {
      auto content = read_file(dir() / file);
      if (content) text += to_string(*content);
    }
    return text;
  }
  auto db = connect(dir(), options());
  if (!db) return {};
  auto rows = db->read([&](store::sql::Session& s) {
    return s.all<std::string>(
        "SELECT t::text FROM " + table + " t",
        [](const store::sql::Row& r) -> Result<std::string> { return r.text(0); });
  });
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  std::string text;
  for (const auto& row : rows.ok() ? *rows : std::vector<std::string>{}) text += row + "\n";
  return text;
}

}  // namespace eseal::test
