// COSS users on a real store: the field rules with their codes (the manual's own example user
// is accepted), one user per id number and per unique id within an app, lookups by each key
// confined to the app that added the user, the id number sealed and masked, status changes.
#include "service/coss_users.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "crypto/encoding.h"
#include "pki/test_ca.h"
#include "support/process.h"

namespace eseal::service {
namespace {

using pki::test::kNow;

keys::Kek users_kek() {
  return keys::Kek(crypto::SecureBytes{'c', 'o', 's', 's', '-', 'k', 'e', 'k'});
}

class CossUsersTest : public ::testing::Test {
 protected:
  static std::unique_ptr<store::Store> open(const test::TempDir& dir) {
    auto opened = store::open_store(dir.path(), users_kek());
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return std::move(*opened);
  }

  Caller add_app(const std::string& syscode) {
    store::App app;
    app.id = *store::new_id();
    app.syscode = syscode;
    app.name = syscode;
    app.scopes = {"*"};
    app.created = app.rotated = kNow;
    EXPECT_TRUE(store_->apps()
                    .add(app, *store::AppSecrets::generate(true),
                         {kNow, "cli:test", "app.add", syscode, "", ""})
                    .ok());
    return {"coss", app.id, syscode, {"*"}};
  }

  // The manual's example user (§2.5.4).
  static NewUser zhang_san() {
    return {"张三", "SF", "513436200005039279", "18745292611", "QT", "", "", ""};
  }

  test::TempDir dir_;
  std::unique_ptr<store::Store> store_ = open(dir_);
  CossUsers users_{*store_};
  Caller app_ = add_app("APP_A");
};

TEST_F(CossUsersTest, AddsTheManualsExampleUserAndFindsItByEachKey) {
  NewUser u = zhang_san();
  u.unique_id = "EMP-001";
  u.sign_image_base64 = crypto::to_base64(as_bytes("a picture"));
  auto user = users_.add(app_, u, kNow);
  ASSERT_TRUE(user.ok()) << user.error().message;
  EXPECT_EQ(user->id.size(), 64u);
  EXPECT_EQ(user->status, "ACTIVE");
  EXPECT_TRUE(user->require_cert);
  EXPECT_EQ(*store_->blobs().get(user->sign_image), to_bytes("a picture"));
  EXPECT_EQ(users_.find(app_, user->id)->name, "张三");
  EXPECT_EQ(users_.find_by_identity(app_, "SF", "513436200005039279")->id, user->id);
  EXPECT_EQ(users_.find_by_unique_id(app_, "EMP-001")->id, user->id);
  EXPECT_EQ(*users_.masked_id_number(*user), "513***********9279");
  // The id number is sealed: not in the database in the clear.
  std::string text =
      to_string(*read_file(dir_ / "eseal.db")) + to_string(*read_file(dir_ / "eseal.db-wal"));
  EXPECT_EQ(text.find("513436200005039279"), std::string::npos);
  EXPECT_EQ(store_->audit().list(0, 100)->back().entry.operation, "coss.user.add");
  // Every app's users, for the console.
  auto listed = store_->coss_users().list(0, 10);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, user->id);
  EXPECT_TRUE(store_->coss_users().list(1, 10)->empty());
}

TEST_F(CossUsersTest, EachFieldRuleHasItsCode) {
  struct Case {
    void (*change)(NewUser&);
    const char* code;
  };
  const Case cases[] = {
      {[](NewUser& u) { u.name = " 张三"; }, user_code::kBadName},
      {[](NewUser& u) { u.name = ""; }, user_code::kBadName},
      {[](NewUser& u) { u.name = std::string(51, 'n'); }, user_code::kBadName},
      {[](NewUser& u) { u.id_type = "XX"; }, user_code::kBadIdType},
      {[](NewUser& u) { u.id_number = ""; }, user_code::kIdNumberEmpty},
      {[](NewUser& u) { u.id_number = "513436200005039278"; }, user_code::kBadIdNumber},
      {[](NewUser& u) { u.id_number = "51343620000503927"; }, user_code::kBadIdNumber},
      {[](NewUser& u) {
         u.id_type = "QT";
         u.id_number = std::string(31, '1');
       },
       user_code::kBadIdNumber},
      {[](NewUser& u) { u.mobile = "28745292611"; }, user_code::kBadMobile},
      {[](NewUser& u) { u.mobile = "1874529261"; }, user_code::kBadMobile},
      {[](NewUser& u) { u.department = ""; }, user_code::kBadDepartment},
      {[](NewUser& u) { u.department = std::string(65, 'd'); }, user_code::kBadDepartment},
      {[](NewUser& u) { u.unique_id = std::string(65, 'u'); }, user_code::kBadUniqueId},
      {[](NewUser& u) { u.require_cert = "maybe"; }, user_code::kBadRequireCert},
      {[](NewUser& u) { u.sign_image_base64 = "***"; }, user_code::kBadImage},
      {[](NewUser& u) { u.sign_image_base64 = crypto::to_base64(Bytes(kMaxSignImage + 1, 7)); },
       user_code::kImageTooLarge},
  };
  for (const Case& c : cases) {
    NewUser u = zhang_san();
    c.change(u);
    auto refused = users_.add(app_, u, kNow);
    ASSERT_FALSE(refused.ok()) << c.code;
    EXPECT_EQ(refused.error().code, c.code);
  }
  // A passport number is not a resident id; a trailing x is an X.
  NewUser passport = zhang_san();
  passport.id_type = "HZ";
  passport.id_number = "E12345678";
  EXPECT_TRUE(users_.add(app_, passport, kNow).ok());
  EXPECT_TRUE(valid_resident_id("11010119900307803x"));
  EXPECT_FALSE(valid_resident_id("110101199001011234"));
}

TEST_F(CossUsersTest, IdentitiesAndUniqueIdsAreOnePerAppAndAppsSeeOnlyTheirOwn) {
  NewUser u = zhang_san();
  u.unique_id = "EMP-001";
  auto first = users_.add(app_, u, kNow);
  ASSERT_TRUE(first.ok());
  auto again = users_.add(app_, u, kNow);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, user_code::kIdentityTaken);
  NewUser other = zhang_san();
  other.id_number = "11010119900307803X";
  other.unique_id = "EMP-001";
  EXPECT_EQ(users_.add(app_, other, kNow).error().code, user_code::kUniqueIdTaken);

  // Another app adds the same person as a user of its own and cannot see the first app's.
  Caller b = add_app("APP_B");
  auto theirs = users_.add(b, u, kNow);
  ASSERT_TRUE(theirs.ok()) << theirs.error().message;
  EXPECT_NE(theirs->id, first->id);
  EXPECT_EQ(users_.find(b, first->id).error().code, user_code::kNotFound);
  EXPECT_EQ(users_.find_by_identity(b, "SF", "513436200005039279")->id, theirs->id);
  EXPECT_EQ(users_.find(app_, "no-such-user").error().code, user_code::kNotFound);
}

TEST_F(CossUsersTest, UpdatesCheckTheirFieldsAndADeletedUserStaysDeleted) {
  auto user = users_.add(app_, zhang_san(), kNow);
  ASSERT_TRUE(user.ok());
  using Change = CossUsers::UserChange;
  auto locked = users_.update(app_, user->id,
                              Change{.status = "LOCKED",
                                     .mobile = "13900000000",
                                     .department = "财务部",
                                     .unique_id = "EMP-9"},
                              kNow);
  ASSERT_TRUE(locked.ok()) << locked.error().message;
  auto found = users_.find(app_, user->id);
  EXPECT_EQ(found->status, "LOCKED");
  EXPECT_EQ(found->mobile, "13900000000");
  EXPECT_EQ(found->department, "财务部");
  EXPECT_EQ(users_.find_by_unique_id(app_, "EMP-9")->id, user->id);
  EXPECT_EQ(store_->audit().list(0, 100)->back().entry.detail,
            "ACTIVE -> LOCKED; mobile; department=财务部; uniqueId=EMP-9");
  EXPECT_EQ(users_.update(app_, user->id, Change{.status = "FROZEN"}, kNow).error().code,
            user_code::kBadStatus);
  EXPECT_EQ(users_.update(app_, user->id, Change{.mobile = "123"}, kNow).error().code,
            user_code::kBadMobile);
  EXPECT_EQ(users_.update(app_, user->id, Change{.sign_image_base64 = "%%"}, kNow).error().code,
            user_code::kBadImage);
  // Another user's uniqueId is taken.
  NewUser other = zhang_san();
  other.id_number = "11010119900307803X";
  other.unique_id = "EMP-7";
  ASSERT_TRUE(users_.add(app_, other, kNow).ok());
  EXPECT_EQ(users_.update(app_, user->id, Change{.unique_id = "EMP-7"}, kNow).error().code,
            user_code::kUniqueIdTaken);
  EXPECT_EQ(users_.update(app_, user->id, Change{.status = "DELETE"}, kNow)->status, "DELETE");
  EXPECT_EQ(users_.update(app_, user->id, Change{.status = "ACTIVE"}, kNow).error().code,
            user_code::kBadStatus);
  Caller b = add_app("APP_B");
  EXPECT_EQ(users_.update(b, user->id, Change{.status = "LOCKED"}, kNow).error().code,
            user_code::kNotFound);
}

// Activation codes: 8 hex digits found by a keyed index (the code itself is stored nowhere),
// one open code per user (a new one revokes the old), ten minutes of life, refused for a locked
// or deleted user, and with an identity given it must be the user's.
TEST_F(CossUsersTest, ActivationCodesAreShortLivedAndOnePerUser) {
  auto user = users_.add(app_, zhang_san(), kNow);
  ASSERT_TRUE(user.ok());
  auto first = users_.issue_activation(app_, user->id, std::nullopt, kNow);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->code.size(), 8u);
  EXPECT_EQ(first->expires, kNow + kActivationLifetime);
  Bytes ticket = *crypto::from_base64(first->ticket);
  EXPECT_EQ(crypto::to_hex(ByteView(ticket).first(16)), first->task_id);
  EXPECT_EQ(crypto::to_hex(ByteView(ticket).subspan(16)), first->code);
  Tasks tasks(*store_);
  EXPECT_EQ(tasks.get(activation_kind(), first->task_id, kNow)->state, "ISSUED");
  EXPECT_EQ(tasks.get(activation_kind(), first->task_id, kNow)->reference.size(), 64u);
  std::string text =
      to_string(*read_file(dir_ / "eseal.db")) + to_string(*read_file(dir_ / "eseal.db-wal"));
  EXPECT_EQ(text.find("\"" + first->code), std::string::npos);

  auto second =
      users_.issue_activation(app_, user->id, std::nullopt, kNow + std::chrono::minutes(1));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(tasks.get(activation_kind(), first->task_id, kNow)->state, "REVOKED");
  EXPECT_EQ(tasks.get(activation_kind(), second->task_id, kNow + std::chrono::minutes(11))->state,
            "ISSUED");
  EXPECT_EQ(tasks.get(activation_kind(), second->task_id, kNow + std::chrono::minutes(12))->state,
            "EXPIRED");

  CossUsers::Identity right{"张三", "SF", "513436200005039279"};
  EXPECT_TRUE(users_.issue_activation(app_, user->id, right, kNow).ok());
  CossUsers::Identity wrong{"张三", "SF", "11010119900307803X"};
  EXPECT_EQ(users_.issue_activation(app_, user->id, wrong, kNow).error().code,
            user_code::kIdentityMismatch);
  ASSERT_TRUE(users_.update(app_, user->id, CossUsers::UserChange{.status = "LOCKED"}, kNow).ok());
  EXPECT_EQ(users_.issue_activation(app_, user->id, std::nullopt, kNow).error().code,
            user_code::kLocked);
  ASSERT_TRUE(users_.update(app_, user->id, CossUsers::UserChange{.status = "DELETE"}, kNow).ok());
  EXPECT_EQ(users_.issue_activation(app_, user->id, std::nullopt, kNow).error().code,
            user_code::kDeleted);
  EXPECT_EQ(users_.issue_activation(app_, "nobody", std::nullopt, kNow).error().code,
            user_code::kNotFound);
}

}  // namespace
}  // namespace eseal::service
