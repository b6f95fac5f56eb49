// The console's accounts on a real store: Argon2id hashes that verify only the right password,
// sign-in with lockout and its end, sessions that end, expire and die with their account, what
// each role may do, and every change in the audit chain.
#include "service/console.h"

#include <gtest/gtest.h>

#include <thread>

#include "pki/test_ca.h"
#include "support/process.h"

namespace eseal::service {
namespace {

using pki::test::kNow;
using std::chrono::minutes;

// A cheap KDF for the tests; the parameters travel in each hash.
ConsoleSettings test_settings() {
  ConsoleSettings settings;
  settings.kdf_memory_kib = 1024;
  settings.kdf_passes = 1;
  return settings;
}

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::open_store(dir_.path(), std::nullopt);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    console_.emplace(*store_, test_settings());
    ASSERT_TRUE(console_->create("li", "李四", "operator", "correct horse", "cli:root", kNow).ok());
  }
  std::vector<TaskRecord> sessions() {
    store::TaskQuery query;
    query.kind = "console.session";
    return *store_->tasks().query(query);
  }
  std::vector<std::string> operations() {
    std::vector<std::string> out;
    auto rows = store_->audit().list(0, 1000);
    for (const auto& row : *rows) out.push_back(row.entry.operation);
    return out;
  }
  eseal::test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<Console> console_;
};

TEST(ConsolePasswords, AreArgon2idWithAFreshSaltAndTheirParameters) {
  auto first = hash_password("correct horse", test_settings());
  auto second = hash_password("correct horse", test_settings());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(first->starts_with("$argon2id$v=19$m=1024,t=1,p=1$")) << *first;
  EXPECT_NE(*first, *second);
  EXPECT_TRUE(password_matches(*first, "correct horse"));
  EXPECT_FALSE(password_matches(*first, "correct horsE"));
  EXPECT_FALSE(password_matches("not a hash", "correct horse"));
  // The default cost is OWASP's minimum for Argon2id.
  EXPECT_TRUE(hash_password("x", {})->starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
}

TEST(ConsoleRoles, AllowWhatEachRoleIsFor) {
  EXPECT_TRUE(role_allows(Role::kAdministrator, "accounts.write"));
  EXPECT_FALSE(role_allows(Role::kSealAdministrator, "accounts.write"));
  EXPECT_TRUE(role_allows(Role::kSealAdministrator, "seals.write"));
  EXPECT_FALSE(role_allows(Role::kSealAdministrator, "documents.sign"));
  EXPECT_TRUE(role_allows(Role::kOperator, "documents.sign"));
  EXPECT_FALSE(role_allows(Role::kOperator, "seals.write"));
  EXPECT_TRUE(role_allows(Role::kSealAdministrator, "jobs.write"));
  EXPECT_TRUE(role_allows(Role::kSealAdministrator, "users.write"));
  EXPECT_FALSE(role_allows(Role::kOperator, "jobs.write"));
  EXPECT_FALSE(role_allows(Role::kAuditor, "users.write"));
  EXPECT_FALSE(role_allows(Role::kOperator, "audit.read"));
  EXPECT_TRUE(role_allows(Role::kAuditor, "audit.read"));
  EXPECT_TRUE(role_allows(Role::kAuditor, "audit.verify"));
  EXPECT_FALSE(role_allows(Role::kAuditor, "seals.write"));
  EXPECT_FALSE(role_allows(Role::kAuditor, "documents.sign"));
  for (Role role : kRoles) EXPECT_EQ(*parse_role(role_name(role)), role);
  EXPECT_FALSE(parse_role("root").ok());
}

TEST_F(ConsoleTest, AccountsRefuseBadLoginsWeakPasswordsAndTakenNames) {
  EXPECT_FALSE(console_->create("", "", "operator", "long enough pw", "cli:root", kNow).ok());
  EXPECT_FALSE(console_->create("a b", "", "operator", "long enough pw", "cli:root", kNow).ok());
  EXPECT_EQ(console_->create("wang", "", "operator", "short", "cli:root", kNow).error().code,
            console_code::kWeakPassword);
  EXPECT_FALSE(console_->create("wang", "", "root", "long enough pw", "cli:root", kNow).ok());
  EXPECT_FALSE(console_->create("li", "", "auditor", "long enough pw", "cli:root", kNow).ok());
  EXPECT_EQ(console_->accounts()->size(), 1u);
}

TEST_F(ConsoleTest, SignInOpensASessionTheTokenFindsUntilSignOut) {
  auto signed_in = console_->sign_in("li", "correct horse", "127.0.0.1:1", kNow);
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().message;
  EXPECT_EQ(signed_in->token.size(), 64u);
  EXPECT_EQ(signed_in->session.csrf.size(), 64u);
  EXPECT_EQ(signed_in->session.role, Role::kOperator);
  EXPECT_EQ(signed_in->session.caller().actor(), "console:li");

  auto found = console_->session(signed_in->token, kNow + minutes(1));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->account.name, "李四");
  EXPECT_EQ(found->csrf, signed_in->session.csrf);
  // The store keeps the token's hash, not the token.
  auto tasks = sessions();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks.front().payload.find(signed_in->token), std::string::npos);
  EXPECT_NE(tasks.front().reference, signed_in->token);

  std::string other = signed_in->token;
  other[0] = other[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(console_->session(other, kNow).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(console_->session("short", kNow).error().kind, ErrorKind::kNotFound);

  ASSERT_TRUE(console_->sign_out(*found, kNow + minutes(2)).ok());
  EXPECT_EQ(console_->session(signed_in->token, kNow + minutes(3)).error().kind,
            ErrorKind::kNotFound);
}

TEST_F(ConsoleTest, SessionsExpireAndDieWithTheirAccount) {
  auto a = console_->sign_in("li", "correct horse", "x", kNow);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(console_->session(a->token, kNow + std::chrono::hours(8)).ok());
  EXPECT_FALSE(console_->session(a->token, kNow + std::chrono::hours(8) + minutes(1)).ok());
  EXPECT_EQ(sessions().front().state, "EXPIRED");

  auto b = console_->sign_in("li", "correct horse", "x", kNow);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(console_->change("li", {.enabled = false}, "console:admin", kNow).ok());
  EXPECT_FALSE(console_->session(b->token, kNow).ok());
  EXPECT_EQ(console_->sign_in("li", "correct horse", "x", kNow).error().code,
            console_code::kDisabled);
}

TEST_F(ConsoleTest, RepeatedFailuresLockTheAccountForAWhile) {
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(console_->sign_in("li", "wrong password", "x", kNow).error().code,
              console_code::kBadCredentials);
  }
  // An unknown login is refused in the same words.
  auto unknown = console_->sign_in("nobody", "wrong password", "x", kNow);
  EXPECT_EQ(unknown.error().code, console_code::kBadCredentials);
  EXPECT_EQ(unknown.error().message, "unknown login or wrong password");
  EXPECT_EQ(console_->sign_in("li", "wrong password", "x", kNow).error().code,
            console_code::kBadCredentials);
  // Fifth failure: locked for 15 minutes, even with the right password.
  EXPECT_EQ(console_->sign_in("li", "correct horse", "x", kNow + minutes(1)).error().code,
            console_code::kLocked);
  EXPECT_EQ(console_->sign_in("li", "correct horse", "x", kNow + minutes(15)).error().code,
            console_code::kLocked);
  EXPECT_TRUE(console_->sign_in("li", "correct horse", "x", kNow + minutes(16)).ok());
  auto ops = operations();
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "console.sign-in-failed"), 5);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "console.lock"), 1);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "console.reset-failures"), 1);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "console.session.create"), 1);
  EXPECT_TRUE(store_->audit().verify()->first_broken == std::nullopt);
}

TEST_F(ConsoleTest, AnAdministratorsNewPasswordUnlocksAndOwnChangesNeedTheCurrentOne) {
  for (int i = 0; i < 5; ++i) (void)console_->sign_in("li", "wrong password", "x", kNow);
  ASSERT_TRUE(console_->change("li", {.password = "new password!"}, "console:admin", kNow).ok());
  auto in = console_->sign_in("li", "new password!", "x", kNow);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(console_->change_password(in->session, "wrong", "another password", kNow).error().code,
            console_code::kBadCredentials);
  EXPECT_EQ(console_->change_password(in->session, "new password!", "short", kNow).error().code,
            console_code::kWeakPassword);
  ASSERT_TRUE(
      console_->change_password(in->session, "new password!", "another password", kNow).ok());
  EXPECT_TRUE(console_->sign_in("li", "another password", "x", kNow).ok());
  EXPECT_FALSE(console_->change("li", {}, "console:admin", kNow).ok());
  // Guessing the current password through a session counts toward the lockout.
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(console_->change_password(in->session, "a guess", "whatever you like", kNow).ok());
  }
  EXPECT_EQ(console_->sign_in("li", "another password", "x", kNow).error().code,
            console_code::kLocked);
  EXPECT_EQ(console_->change("nobody", {.role = "auditor"}, "console:admin", kNow).error().kind,
            ErrorKind::kNotFound);
  EXPECT_FALSE(console_->change("li", {.role = "root"}, "console:admin", kNow).ok());
}

TEST_F(ConsoleTest, ChangesToAnAccountEndItsOtherSessions) {
  auto first = console_->sign_in("li", "correct horse", "x", kNow);
  auto second = console_->sign_in("li", "correct horse", "x", kNow);
  ASSERT_TRUE(first.ok() && second.ok());
  // One's own new password: the other session ends, this one goes on.
  ASSERT_TRUE(
      console_->change_password(first->session, "correct horse", "a new password", kNow).ok());
  EXPECT_TRUE(console_->session(first->token, kNow).ok());
  EXPECT_FALSE(console_->session(second->token, kNow).ok());
  // An administrator's change (here, disabling and enabling again): every session ends, and
  // enabling the account again does not bring one back.
  ASSERT_TRUE(console_->change("li", {.enabled = false}, "console:admin", kNow).ok());
  ASSERT_TRUE(console_->change("li", {.enabled = true}, "console:admin", kNow).ok());
  EXPECT_FALSE(console_->session(first->token, kNow).ok());
}

TEST_F(ConsoleTest, ADisabledAccountSaysSoOnlyToWhoeverKnowsThePassword) {
  ASSERT_TRUE(console_->change("li", {.enabled = false}, "console:admin", kNow).ok());
  EXPECT_EQ(console_->sign_in("li", "wrong password", "x", kNow).error().code,
            console_code::kBadCredentials);
  EXPECT_EQ(console_->sign_in("li", "correct horse", "x", kNow).error().code,
            console_code::kDisabled);
}

// Failures counted at once from many requests each count: no more guesses than the threshold.
TEST_F(ConsoleTest, ConcurrentFailuresEachCount) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([this] { (void)console_->sign_in("li", "wrong password", "x", kNow); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_->console_accounts().find("li")->failures, 4);
  (void)console_->sign_in("li", "wrong password", "x", kNow);
  EXPECT_EQ(console_->sign_in("li", "correct horse", "x", kNow).error().code,
            console_code::kLocked);
}

}  // namespace
}  // namespace eseal::service
