// Each family's credentials from the platform on a real store: DB4403 apps are found by their
// appKey or by their systemID (the syscode), with their keys in the clear and the caller they
// are; apps without DB4403 credentials are not found as DB4403 ones.
#include <gtest/gtest.h>

#include "service/retries.h"
#include "service/store_platform.h"
#include "store/store.h"
#include "support/process.h"

namespace eseal::service {
namespace {

keys::Kek credentials_kek() {
  return keys::Kek(crypto::SecureBytes{'c', 'r', 'e', 'd', '-', 'k', 'e', 'k'});
}

class Apps : public ::testing::Test {
 protected:
  // Adds an app with these secrets and returns them.
  store::AppSecrets add(const std::string& syscode, store::AppSecrets secrets) {
    store::App app;
    app.id = *store::new_id();
    app.syscode = syscode;
    app.name = "业务系统 " + syscode;
    app.scopes = {"sealSign"};
    EXPECT_TRUE(store_->apps().add(app, secrets, {{}, "test", "app.add", syscode, "", ""}).ok());
    return secrets;
  }

  test::TempDir dir_;
  std::unique_ptr<store::Store> store_ =
      std::move(*store::open_store(dir_.path(), credentials_kek()));
  StorePlatform platform_{*store_, credentials_kek(), dir_.path()};
};

TEST_F(Apps, ADb4403AppIsFoundByItsAppKeyAndItsSystemId) {
  store::AppSecrets secrets = add("SZ-SYSTEM", *store::AppSecrets::generate(false, true));
  auto by_key = platform_.sz(secrets.sz_app_key);
  ASSERT_TRUE(by_key.ok()) << by_key.error().message;
  EXPECT_EQ(by_key->caller.family, "sz");
  EXPECT_EQ(by_key->caller.name, "SZ-SYSTEM");
  EXPECT_EQ(by_key->caller.app_id, store_->apps().find("SZ-SYSTEM")->id);
  EXPECT_EQ(by_key->caller.scopes, std::vector<std::string>{"sealSign"});
  EXPECT_TRUE(by_key->enabled);
  EXPECT_EQ(by_key->app_key, secrets.sz_app_key);
  EXPECT_EQ(by_key->sm4_key, Bytes(secrets.sz_sm4_key.begin(), secrets.sz_sm4_key.end()));
  EXPECT_EQ(by_key->mac_key, Bytes(secrets.sz_mac_key.begin(), secrets.sz_mac_key.end()));

  auto by_system = platform_.sz_by_system("SZ-SYSTEM");
  ASSERT_TRUE(by_system.ok()) << by_system.error().message;
  EXPECT_EQ(by_system->caller.app_id, by_key->caller.app_id);
  EXPECT_EQ(by_system->app_key, secrets.sz_app_key);
  EXPECT_EQ(by_system->sm4_key, by_key->sm4_key);
  EXPECT_EQ(by_system->mac_key, by_key->mac_key);

  ASSERT_TRUE(
      store_->apps().set_enabled("SZ-SYSTEM", false, {{}, "test", "app.disable", "", "", ""}).ok());
  EXPECT_FALSE(platform_.sz(secrets.sz_app_key)->enabled) << "the door refuses it, by its words";
}

TEST_F(Apps, UnknownAppKeysAndAppsWithoutDb4403CredentialsAreNotFound) {
  add("LDT-ONLY", *store::AppSecrets::generate());
  add("COSS-ONLY", *store::AppSecrets::generate(true));
  EXPECT_EQ(platform_.sz(std::string(32, 'a')).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(platform_.sz("").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(platform_.sz_by_system("LDT-ONLY").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(platform_.sz_by_system("COSS-ONLY").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(platform_.sz_by_system("NOPE").error().kind, ErrorKind::kNotFound);
}

// What a nonce kept tells a door (service/retries.h): the same digest with an answer kept is a
// retry answered with it; with none, a retry redone when the call is safe to redo and a replay
// when not; another digest, or a nonce remembered without one, a replay; answers over the limit
// are not kept.
TEST_F(Apps, ANoncesKeptRequestTellsRetriesFromReplays) {
  add("SZ-SYSTEM", *store::AppSecrets::generate(false, true));
  Caller caller = platform_.sz_by_system("SZ-SYSTEM")->caller;
  Time now = now_utc(), until = now + std::chrono::seconds(60);
  EXPECT_EQ(recall(platform_, caller, "sz:1", "d", now, false)->seen, Seen::kNew);
  ASSERT_TRUE(*platform_.remember_request(caller, "sz:1", now, until, kept_request("d", "{}")));
  auto retry = recall(platform_, caller, "sz:1", "d", now, false);
  EXPECT_EQ(retry->seen, Seen::kRetry);
  EXPECT_EQ(retry->answer, "{}");
  EXPECT_EQ(recall(platform_, caller, "sz:1", "e", now, true)->seen, Seen::kReplay);

  std::string large(kKeptAnswerLimit + 1, 'x');
  EXPECT_EQ(kept_request("d", large).answer, "");
  EXPECT_EQ(kept_request("d", large.substr(1)).answer.size(), kKeptAnswerLimit);
  ASSERT_TRUE(*platform_.remember_request(caller, "sz:2", now, until, kept_request("d", large)));
  EXPECT_EQ(recall(platform_, caller, "sz:2", "d", now, true)->seen, Seen::kRedo);
  EXPECT_EQ(recall(platform_, caller, "sz:2", "d", now, false)->seen, Seen::kReplay);

  ASSERT_TRUE(*platform_.remember_nonce(caller, "sz:3", now, until));
  EXPECT_EQ(recall(platform_, caller, "sz:3", "", now, true)->seen, Seen::kReplay);
  // Past its window the nonce is forgotten, and the request new.
  EXPECT_EQ(recall(platform_, caller, "sz:1", "d", until + std::chrono::seconds(1), false)->seen,
            Seen::kNew);
}

}  // namespace
}  // namespace eseal::service
