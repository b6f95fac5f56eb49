// The one task model on a real store: a kind's changes allowed and refused, expiry on read and by
// the sweeper, one winner when two requests race for a task, queries and paging, and every change
// in the audit chain.
#include "service/tasks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "pki/test_ca.h"
#include "support/process.h"

namespace eseal::service {
namespace {

using pki::test::kNow;
using std::chrono::minutes;

// A sign job's life, as COSS has it.
const TaskKind& job_kind() {
  static const TaskKind kind{"test.job",
                             "UNSIGN",
                             {{"UNSIGN", "FINISH"}, {"UNSIGN", "REFUSE"}, {"UNSIGN", "REVOKE"}},
                             {"FINISH", "REFUSE", "REVOKE", "EXPIRE"},
                             "EXPIRE"};
  return kind;
}

class TasksTest : public ::testing::Test {
 protected:
  TaskRecord make(std::string subject = "user-1",
                  std::optional<Time> expires = kNow + minutes(10)) {
    auto task = tasks_.create(
        job_kind(), {"app-1", std::move(subject), R"({"title":"合同"})", expires, std::nullopt},
        kNow, "app:test");
    EXPECT_TRUE(task.ok()) << task.error().message;
    return *task;
  }

  std::vector<store::AuditRow> audit() { return *store_->audit().list(0, 10000); }

  static std::unique_ptr<store::Store> open(const test::TempDir& dir) {
    auto opened = store::open_store(dir.path(), std::nullopt);
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return std::move(*opened);
  }

  test::TempDir dir_;
  std::unique_ptr<store::Store> store_ = open(dir_);
  Tasks tasks_{*store_};
};

TEST_F(TasksTest, AKindAllowsItsChangesAndNoOthers) {
  TaskRecord task = make();
  EXPECT_EQ(task.state, "UNSIGN");
  auto finished =
      tasks_.move(job_kind(), task.id,
                  {.to = "FINISH", .detail = "signed on the phone", .result = R"({"sig":"…"})"},
                  kNow + minutes(1), "mobile:user-1");
  ASSERT_TRUE(finished.ok()) << finished.error().message;
  EXPECT_EQ(finished->state, "FINISH");
  EXPECT_EQ(finished->result, R"({"sig":"…"})");
  EXPECT_EQ(finished->payload, R"({"title":"合同"})");

  auto again = tasks_.move(job_kind(), task.id, {.to = "REVOKE"}, kNow + minutes(2), "app:test");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, store::kTaskStateChanged);
  EXPECT_NE(again.error().message.find("FINISH"), std::string::npos);
  EXPECT_EQ(tasks_.get(job_kind(), task.id, kNow + minutes(3))->state, "FINISH");

  // Audited: the creation and the one change, in order.
  auto rows = audit();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].entry.operation, "test.job.create");
  EXPECT_EQ(rows[1].entry.operation, "test.job.FINISH");
  EXPECT_EQ(rows[1].entry.object, task.id);
  EXPECT_EQ(rows[1].entry.actor, "mobile:user-1");
  EXPECT_EQ(rows[1].entry.detail, "UNSIGN -> FINISH: signed on the phone");

  // Another kind's task is not found under this one.
  TaskKind other = job_kind();
  other.name = "test.other";
  EXPECT_EQ(tasks_.get(other, task.id, kNow).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(tasks_.get(job_kind(), "no-such-task", kNow).error().kind, ErrorKind::kNotFound);
}

TEST_F(TasksTest, ExpiryIsEnforcedWhenATaskIsRead) {
  TaskRecord task = make("user-1", kNow + minutes(10));
  EXPECT_EQ(tasks_.get(job_kind(), task.id, kNow + minutes(10))->state, "UNSIGN");
  auto late = tasks_.get(job_kind(), task.id, kNow + minutes(11));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->state, "EXPIRE");
  // Too late to sign it.
  auto sign =
      tasks_.move(job_kind(), task.id, {.to = "FINISH"}, kNow + minutes(11), "mobile:user-1");
  ASSERT_FALSE(sign.ok());
  EXPECT_EQ(sign.error().code, store::kTaskStateChanged);
  EXPECT_EQ(audit().back().entry.operation, "test.job.EXPIRE");

  // A task without an expiry never expires; a finished one stays finished.
  TaskRecord forever = make("user-1", std::nullopt);
  EXPECT_EQ(tasks_.get(job_kind(), forever.id, kNow + minutes(100000))->state, "UNSIGN");
  TaskRecord done = make();
  ASSERT_TRUE(tasks_.move(job_kind(), done.id, {.to = "FINISH"}, kNow, "mobile:user-1").ok());
  EXPECT_EQ(tasks_.get(job_kind(), done.id, kNow + minutes(60))->state, "FINISH");
}

TEST_F(TasksTest, TheSweeperExpiresEveryTaskPastItsTime) {
  for (int i = 0; i < 150; ++i) make("user-" + std::to_string(i % 3), kNow + minutes(5));
  TaskRecord later = make("user-0", kNow + minutes(60));
  auto swept = tasks_.sweep(job_kind(), kNow + minutes(6));
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(*swept, 150);
  store::TaskQuery expired;
  expired.states = {"EXPIRE"};
  EXPECT_EQ(*tasks_.count(job_kind(), expired), 150);
  EXPECT_EQ(tasks_.get(job_kind(), later.id, kNow + minutes(6))->state, "UNSIGN");
  EXPECT_EQ(*tasks_.sweep(job_kind(), kNow + minutes(6)), 0);
  auto rows = audit();
  EXPECT_EQ(std::count_if(rows.begin(), rows.end(),
                          [](const store::AuditRow& r) {
                            return r.entry.operation == "test.job.EXPIRE" &&
                                   r.entry.actor == "system:sweeper";
                          }),
            150);
  EXPECT_FALSE(store_->audit().verify()->first_broken);
}

TEST_F(TasksTest, WhenTwoRequestsRaceForATaskOneWins) {
  for (int round = 0; round < 20; ++round) {
    TaskRecord task = make();
    std::atomic<int> won{0}, lost{0};
    auto attempt = [&](const char* to) {
      auto moved = tasks_.move(job_kind(), task.id, {.to = to}, kNow, "race");
      if (moved.ok()) {
        ++won;
      } else if (moved.error().code == store::kTaskStateChanged) {
        ++lost;
      }
    };
    std::thread a(attempt, "FINISH"), b(attempt, "REFUSE");
    a.join();
    b.join();
    EXPECT_EQ(won.load(), 1);
    EXPECT_EQ(lost.load(), 1);
  }
}

TEST_F(TasksTest, QueriesFilterAndPage) {
  for (int i = 0; i < 7; ++i) make(i < 5 ? "alice" : "bob");
  store::TaskQuery alice;
  alice.subject = "alice";
  alice.limit = 2;
  alice.offset = 4;
  auto page = tasks_.list(job_kind(), alice, kNow);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->size(), 1u);
  EXPECT_EQ(*tasks_.count(job_kind(), alice), 5);
  // Newest first: the last made comes first (ties on the second broken by id, as the oldest-first
  // order breaks them, reversed).
  alice.offset = 0;
  alice.limit = 5;
  auto oldest = *tasks_.list(job_kind(), alice, kNow);
  alice.newest_first = true;
  auto newest = *tasks_.list(job_kind(), alice, kNow);
  ASSERT_EQ(newest.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(newest[i].id, oldest[4 - i].id);
  store::TaskQuery unsigned_jobs;
  unsigned_jobs.states = {"UNSIGN"};
  unsigned_jobs.app_id = "app-1";
  EXPECT_EQ(*tasks_.count(job_kind(), unsigned_jobs), 7);
  unsigned_jobs.app_id = "app-2";
  EXPECT_EQ(*tasks_.count(job_kind(), unsigned_jobs), 0);
  // A task found by its reference (a short code's index, say).
  auto coded = tasks_.create(
      job_kind(), {"app-1", "carol", "{}", std::nullopt, std::nullopt, "ab12"}, kNow, "app:test");
  ASSERT_TRUE(coded.ok());
  store::TaskQuery by_reference;
  by_reference.reference = "ab12";
  auto found = tasks_.list(job_kind(), by_reference, kNow);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().id, coded->id);
  EXPECT_EQ(found->front().reference, "ab12");
  // Listing past their expiry expires them as it reads.
  store::TaskQuery all;
  auto late = tasks_.list(job_kind(), all, kNow + minutes(11));
  ASSERT_TRUE(late.ok());
  ASSERT_EQ(late->size(), 8u);
  for (const TaskRecord& t : *late) {
    EXPECT_EQ(t.state, t.expires ? "EXPIRE" : "UNSIGN");
  }
}

// Tasks that retry (callback deliveries): due ones are found by their next attempt, and each
// attempt is counted as it is rescheduled.
TEST_F(TasksTest, RetryingTasksAreFoundWhenDueAndCountTheirAttempts) {
  static const TaskKind delivery{"test.delivery",
                                 "PENDING",
                                 {{"PENDING", "PENDING"}, {"PENDING", "DELIVERED"}},
                                 {"DELIVERED"},
                                 ""};
  auto task = tasks_.create(delivery, {"app-1", "", "{}", std::nullopt, kNow + minutes(1)}, kNow,
                            "system:test");
  ASSERT_TRUE(task.ok());
  store::TaskQuery due;
  due.due_by = kNow;
  EXPECT_EQ(tasks_.list(delivery, due, kNow)->size(), 0u);
  due.due_by = kNow + minutes(1);
  ASSERT_EQ(tasks_.list(delivery, due, kNow)->size(), 1u);
  auto retried = tasks_.move(delivery, task->id,
                             {.to = "PENDING",
                              .detail = "attempt 1 failed",
                              .next_attempt = std::optional<Time>(kNow + minutes(3)),
                              .count_attempt = true},
                             kNow + minutes(1), "system:test");
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_EQ(retried->attempts, 1);
  EXPECT_EQ(retried->next_attempt, kNow + minutes(3));
  EXPECT_EQ(tasks_.list(delivery, due, kNow)->size(), 0u);
  auto delivered =
      tasks_.move(delivery, task->id,
                  {.to = "DELIVERED", .next_attempt = std::optional<Time>(), .count_attempt = true},
                  kNow + minutes(3), "system:test");
  ASSERT_TRUE(delivered.ok());
  EXPECT_EQ(delivered->attempts, 2);
  EXPECT_FALSE(delivered->next_attempt);
  // A kind without expiry is never swept.
  EXPECT_EQ(*tasks_.sweep(delivery, kNow + minutes(100)), 0);
}

TEST(Sweeper, RunsItsWorkUntilStopped) {
  std::atomic<int> runs{0};
  Sweeper sweeper(std::chrono::milliseconds(5), [&](Time) { ++runs; });
  while (runs.load() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  sweeper.stop();
  int after = runs.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(runs.load(), after);
}

}  // namespace
}  // namespace eseal::service
