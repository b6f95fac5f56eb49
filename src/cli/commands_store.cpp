// eseal store migrate: moves a deployment's rows and blobs to another database
// (store/store_transfer.h), for instance from the embedded SQLite to PostgreSQL.
#include <iostream>

#include "cli/commands.h"
#include "cli/store_support.h"
#include "store/pg_db.h"
#include "store/store_transfer.h"

namespace eseal::cli {
namespace {

struct Side {
  std::filesystem::path data_dir;
  store::StoreOptions options;
};

// "sqlite:DIR" (a data folder: DIR/eseal.db, DIR/blobs), "sqlite:FILE" (blobs in --data-dir) or
// a PostgreSQL URI (blobs as `blobs` says, in --data-dir for "folder").
Side side(const std::string& where, const std::string& blobs, const std::string& data_dir) {
  Side out{data_dir, {}};
  out.options.blobs = blobs == "database" ? store::StoreOptions::Blobs::kDatabase
                                          : store::StoreOptions::Blobs::kFolder;
  if (where.starts_with("sqlite:")) {
    std::filesystem::path path = where.substr(7);
    if (std::filesystem::is_directory(path)) {
      out.data_dir = path;
    } else {
      out.options.url = where;
    }
  } else if (where.starts_with("postgresql://") || where.starts_with("postgres://")) {
    out.options.url = where;
  } else {
    fail(Error::invalid_input("\"" + store::sql::redacted_url(where) +
                              "\" is neither sqlite:<folder or file> nor postgresql://…"));
  }
  return out;
}

std::string shown(const Side& s) {
  if (s.options.url.empty()) return "sqlite:" + s.data_dir.string();
  if (s.options.url.starts_with("sqlite:")) return s.options.url;
  return store::sql::redacted_url(s.options.url);
}

int migrate(const std::string& from_text, const std::string& to_text, const std::string& from_blobs,
            std::string to_blobs, const std::string& data_dir) {
  if (to_blobs.empty()) to_blobs = to_text.starts_with("sqlite:") ? "folder" : "database";
  for (std::string_view b : {std::string_view(from_blobs), std::string_view(to_blobs)}) {
    if (b != "folder" && b != "database") {
      fail(Error::invalid_input("blobs are kept in a \"folder\" or the \"database\", not " +
                                std::string(b)));
    }
  }
  Side from = side(from_text, from_blobs, data_dir);
  Side to = side(to_text, to_blobs, data_dir);
  if (shown(from) == shown(to)) fail(Error::invalid_input("the source and the target are one"));
  // Opening a SQLite file creates it: a mistyped source would move an empty store.
  if (!from.options.url.starts_with("postgres")) {
    std::filesystem::path file = from.options.url.empty()
                                     ? from.data_dir / "eseal.db"
                                     : std::filesystem::path(from_text.substr(7));
    if (!std::filesystem::is_regular_file(file)) {
      fail(Error::not_found("no database to move at " + file.string()));
    }
  }
  // Neither side needs the KEK: secrets move sealed, as they are.
  auto source =
      need(store::open_store(from.data_dir, std::nullopt, from.options), "source " + shown(from));
  auto target =
      need(store::open_store(to.data_dir, std::nullopt, to.options), "target " + shown(to));
  std::cerr << "moving " << shown(from) << " (blobs: " << source->blobs().description() << ") to "
            << shown(to) << " (blobs: " << target->blobs().description() << ")\n";
  auto report =
      need(store::transfer(*source, *target,
                           [&](const std::string& what, std::int64_t done, std::int64_t total) {
                             std::cerr << "  " << what << ": " << done << " of " << total << "\n";
                           }),
           "moving the store");
  std::int64_t rows = 0;
  for (const auto& [table, n] : report.tables) rows += n;
  std::cout << "OK moved to " << shown(to) << ": " << rows << " rows in " << report.tables.size()
            << " tables; " << report.blobs << " blobs (" << report.blob_bytes << " bytes) "
            << (report.blobs_shared ? "left in place and" : "copied and") << " checked by SM3; "
            << report.key_files << " keystore files "
            << (report.key_files_shared ? "left in place; " : "copied; ") << "audit chain of "
            << report.audit.rows << " rows verified\n";
  return kExitOk;
}

}  // namespace

void add_store_commands(CLI::App& root, const GlobalOptions&) {
  auto* store = root.add_subcommand("store", "Move the server's store to another database");
  store->require_subcommand(1);
  auto* migrate_command = store->add_subcommand(
      "migrate",
      "Copy every row and blob to an empty database and check the copy (the audit chain "
      "recomputed, every blob's SM3)");
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto from_blobs = std::make_shared<std::string>("folder");
  auto to_blobs = std::make_shared<std::string>();
  auto dir = std::make_shared<std::string>(kDefaultDataDir);
  migrate_command->add_option("--from", *from, "sqlite:<data folder or file>, or postgresql://…")
      ->required();
  migrate_command->add_option("--to", *to, "postgresql://… or sqlite:<data folder or file>")
      ->required();
  migrate_command
      ->add_option("--from-blobs", *from_blobs, "Where the source keeps blobs: folder, database")
      ->capture_default_str();
  migrate_command->add_option(
      "--to-blobs", *to_blobs,
      "Where the target keeps them: folder (the data folder's blobs/) or database (the default "
      "for PostgreSQL)");
  add_data_dir_option(*migrate_command, *dir);
  migrate_command->callback(
      [=] { throw CommandFailure{migrate(*from, *to, *from_blobs, *to_blobs, *dir)}; });
}

}  // namespace eseal::cli
