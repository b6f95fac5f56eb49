#include "store/sql.h"

namespace eseal::store::sql {

Result<std::unique_ptr<Database>> Database::open(std::string description, Connect connect,
                                                 std::size_t size) {
  auto first = connect();
  if (!first) return first.error();
  std::unique_ptr<Database> db(
      new Database(std::move(description), std::move(connect), size == 0 ? 1 : size));
  db->idle_.push_back(std::move(*first));
  db->open_ = 1;
  return db;
}

Database::Lease::~Lease() {
  if (c_ && c_->broken()) c_.reset();
  if (db_) db_->give_back(std::move(c_));
}

Result<Database::Lease> Database::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(c));
  }
  ++open_;
  lock.unlock();
  auto c = connect_();
  if (!c) {
    std::lock_guard relock(mutex_);
    --open_;
    available_.notify_one();
    return c.error().with_context(description_);
  }
  return Lease(*this, std::move(*c));
}

void Database::give_back(std::unique_ptr<Connection> c) {
  std::lock_guard lock(mutex_);
  if (c) {
    idle_.push_back(std::move(c));
  } else {
    --open_;
  }
  available_.notify_one();
}

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

std::string numbered_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  char quote = 0;
  for (char ch : sql) {
    if (quote) {
      if (ch == quote) quote = 0;
      out += ch;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
      out += ch;
    } else if (ch == '?') {
      out += '$' + std::to_string(next++);
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace eseal::store::sql
