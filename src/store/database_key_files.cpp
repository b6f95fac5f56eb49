#include "store/database_key_files.h"

#include "store/repository_support.h"

namespace eseal::store {
namespace {

class DatabaseKeyFiles final : public keys::KeyFiles {
 public:
  explicit DatabaseKeyFiles(sql::Database& db) : db_(db) {}

  Status put(const std::string& name, std::string_view pem) override {
    Status stored = db_.autocommit([&](sql::Session& s) {
      return s.run("INSERT INTO key_files (name, pem, created_at) VALUES (?, ?, ?)", name, pem,
                   epoch(now_utc()));
    });
    if (!stored) return stored.error().with_context("storing key file " + name);
    return ok_status();
  }

  Result<std::string> get(const std::string& name) const override {
    return db_.read([&](sql::Session& s) {
      return s.one<std::string>("SELECT pem FROM key_files WHERE name = ?", first_text,
                                "no key file " + name, name);
    });
  }

  Status remove(const std::string& name) override {
    auto removed = db_.autocommit([&](sql::Session& s) {
      return s.run_counting("DELETE FROM key_files WHERE name = ?", name);
    });
    if (!removed) return removed.error();
    if (*removed == 0) return Error::not_found("no key file " + name);
    return ok_status();
  }

  Result<std::vector<std::string>> names() const override {
    return db_.read([&](sql::Session& s) {
      return s.all<std::string>("SELECT name FROM key_files", first_text);
    });
  }

  Status ready() const override {
    return db_.read([&](sql::Session& s) -> Status {
      auto any = s.exists("SELECT 1 FROM key_files LIMIT 1");
      if (!any) return any.error();
      return ok_status();
    });
  }

  std::string description() const override { return "the key_files table of " + db_.description(); }

 private:
  sql::Database& db_;
};

}  // namespace

std::shared_ptr<keys::KeyFiles> open_database_key_files(sql::Database& db) {
  return std::make_shared<DatabaseKeyFiles>(db);
}

}  // namespace eseal::store
