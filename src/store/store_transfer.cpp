#include "store/store_transfer.h"

#include <variant>

#include "store/migrations.h"
#include "store/repository_support.h"

namespace eseal::store {
namespace {

constexpr std::size_t kBatchRows = 500;

// A value copied out of a source row, owned until it is bound on the target.
using Owned = std::variant<std::nullptr_t, std::int64_t, std::string, Bytes>;

Owned own(const sql::Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* t = std::get_if<std::string_view>(&v)) return std::string(*t);
  if (const auto* b = std::get_if<sql::Blob>(&v)) return Bytes(b->bytes.begin(), b->bytes.end());
  return nullptr;
}

sql::Value bind(const Owned& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* t = std::get_if<std::string>(&v)) return std::string_view(*t);
  if (const auto* b = std::get_if<Bytes>(&v)) return sql::Blob{*b};
  return nullptr;
}

Result<std::int64_t> count(sql::Database& db, std::string_view table) {
  return db.read([&](sql::Session& s) {
    return s.one<std::int64_t>("SELECT COUNT(*) FROM " + std::string(table), first_integer, "");
  });
}

// Copies one table in batches, each its own transaction on the target.
Result<std::int64_t> copy_table(sql::Database& from, sql::Database& to, std::string_view table,
                                std::int64_t total, const TransferProgress& progress) {
  std::string insert;
  std::vector<std::vector<Owned>> batch;
  std::int64_t copied = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return ok_status();
    Status written = to.write([&](sql::Session& s) -> Status {
      for (const auto& row : batch) {
        std::vector<sql::Value> values;
        values.reserve(row.size());
        for (const Owned& v : row) values.push_back(bind(v));
        auto done = s.connection().execute(insert, values, {});
        if (!done) return done.error();
      }
      return ok_status();
    });
    if (!written) return written.error().with_context("copying " + std::string(table));
    copied += static_cast<std::int64_t>(batch.size());
    batch.clear();
    if (progress) progress("table " + std::string(table), copied, total);
    return ok_status();
  };
  Status read = from.read([&](sql::Session& s) {
    return s.each("SELECT * FROM " + std::string(table), [&](const sql::Row& row) -> Status {
      if (insert.empty()) {
        std::string names;
        for (int c = 0; c < row.columns(); ++c) names += (c ? ", " : "") + row.name(c);
        insert = "INSERT INTO " + std::string(table) + " (" + names + ") VALUES (" +
                 sql::placeholders(static_cast<std::size_t>(row.columns())) + ")";
      }
      std::vector<Owned> values;
      values.reserve(static_cast<std::size_t>(row.columns()));
      for (int c = 0; c < row.columns(); ++c) values.push_back(own(row.value(c)));
      batch.push_back(std::move(values));
      return batch.size() >= kBatchRows ? flush() : ok_status();
    });
  });
  if (!read) return read.error();
  Status last = flush();
  if (!last) return last.error();
  return copied;
}

}  // namespace

Result<TransferReport> transfer(Store& from, Store& to, const TransferProgress& progress) {
  for (std::string_view table : tables()) {
    auto rows = count(to.database(), table);
    if (!rows) return rows.error();
    if (*rows > 0) {
      return Error::invalid_input("the target " + to.database().description() +
                                  " is not empty: its table " + std::string(table) + " has " +
                                  std::to_string(*rows) + " rows");
    }
  }
  TransferReport report;
  for (std::string_view table : tables()) {
    // Blobs and key files move through their stores below, wherever each side keeps them.
    if (table == "blobs" || table == "key_files") continue;
    auto total = count(from.database(), table);
    if (!total) return total.error();
    auto copied = copy_table(from.database(), to.database(), table, *total, progress);
    if (!copied) return copied.error();
    auto landed = count(to.database(), table);
    if (!landed) return landed.error();
    if (*landed != *total || *copied != *total) {
      return Error::internal("table " + std::string(table) + ": " + std::to_string(*total) +
                             " rows in the source, " + std::to_string(*landed) + " in the target");
    }
    report.tables.emplace_back(table, *landed);
  }

  report.blobs_shared = from.blobs().description() == to.blobs().description();
  auto names = from.blobs().names();
  if (!names) return names.error();
  const auto total = static_cast<std::int64_t>(names->size());
  for (const std::string& name : *names) {
    if (!report.blobs_shared) {
      auto content = from.blobs().get(name);
      if (!content) return content.error().with_context("reading the source's blobs");
      auto stored = to.blobs().put(*content);
      if (!stored) return stored.error().with_context("writing the target's blobs");
    }
    auto back = to.blobs().get(name);
    if (!back) return back.error().with_context("checking the target's blobs");
    ++report.blobs;
    report.blob_bytes += static_cast<std::int64_t>(back->size());
    if (progress && (report.blobs % 100 == 0 || report.blobs == total)) {
      progress(report.blobs_shared ? "blobs checked" : "blobs", report.blobs, total);
    }
  }

  report.key_files_shared = from.key_files()->description() == to.key_files()->description();
  auto key_names = from.key_files()->names();
  if (!key_names) return key_names.error();
  for (const std::string& name : *key_names) {
    auto pem = from.key_files()->get(name);
    if (!pem) return pem.error().with_context("reading the source's keystore");
    if (!report.key_files_shared) {
      Status stored = to.key_files()->put(name, *pem);
      if (!stored) return stored.error().with_context("writing the target's keystore");
    }
    auto back = to.key_files()->get(name);
    if (!back || *back != *pem) {
      return Error::internal("key file " + name + " did not arrive in the target's keystore");
    }
    ++report.key_files;
  }
  if (progress && report.key_files > 0) progress("key files", report.key_files, report.key_files);

  auto source_audit = from.audit().verify();
  if (!source_audit) return source_audit.error();
  auto audit = to.audit().verify();
  if (!audit) return audit.error();
  if (audit->first_broken || audit->rows != source_audit->rows) {
    return Error::internal(
        "the target's audit chain does not verify: " + std::to_string(audit->rows) +
        " rows, first broken " + std::to_string(audit->first_broken.value_or(0)));
  }
  report.audit = *audit;
  return report;
}

}  // namespace eseal::store
