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

Status Database::write_batched(const WriteBody& body) {
  PendingWrite me{&body};
  std::unique_lock lock(queue_mutex_);
  queue_.push_back(&me);
  while (!me.done) {
    if (leading_) {
      written_.wait(lock);
      continue;
    }
    // No transaction is running: this thread runs one for everything queued (its own body
    // among them, since a batch marks its writers done before it lets the next leader start).
    leading_ = true;
    std::vector<PendingWrite*> batch;
    batch.swap(queue_);
    lock.unlock();
    bool committed = run_batch(batch);
    lock.lock();
    if (committed) {
      ++counts_.transactions;
      for (PendingWrite* p : batch) counts_.bodies += p->outcome.ok() ? 1 : 0;
    }
    for (PendingWrite* p : batch) p->done = true;
    leading_ = false;
    written_.notify_all();
  }
  return me.outcome;
}

Database::WriteCounts Database::write_counts() {
  std::lock_guard lock(queue_mutex_);
  return counts_;
}

bool Database::run_batch(const std::vector<PendingWrite*>& batch) {
  auto fail_all = [&](const Error& e) {
    for (PendingWrite* p : batch) p->outcome = e;
    return false;
  };
  auto lease = acquire();
  if (!lease) return fail_all(lease.error());
  Connection& c = lease->connection();
  if (Status begun = c.begin_write(); !begun) {
    lease->discard();
    return fail_all(begun.error());
  }
  Session session(c);
  bool alone = batch.size() == 1;
  bool any = false;
  for (PendingWrite* p : batch) {
    if (!alone) {
      if (Status saved = c.script("SAVEPOINT batched"); !saved) {
        static_cast<void>(c.rollback());
        lease->discard();
        return fail_all(saved.error());
      }
    }
    p->outcome = (*p->body)(session);
    any = any || p->outcome.ok();
    if (alone) break;
    Status undone = p->outcome ? ok_status() : c.script("ROLLBACK TO SAVEPOINT batched");
    Status released = undone ? c.script("RELEASE SAVEPOINT batched") : undone;
    if (!released) {
      static_cast<void>(c.rollback());
      lease->discard();
      return fail_all(released.error());
    }
  }
  Status ended = any ? c.commit() : c.rollback();
  if (ended) return any;
  lease->discard();
  for (PendingWrite* p : batch) {
    if (p->outcome) p->outcome = ended;
  }
  return false;
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
