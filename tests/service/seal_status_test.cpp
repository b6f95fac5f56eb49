// The one way a seal's status changes: along the allowed changes from its effective status, with
// the reason in the audit chain, refused with a code every door can word, and nothing changed by
// a refusal.
#include "service/seal_status.h"

#include <gtest/gtest.h>

#include "service/platform.h"
#include "support/process.h"
#include "support/registered_seal.h"

namespace eseal::service {
namespace {

using eseal::test::kNow;

class SealStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::open_store(dir_.path(), std::nullopt);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    id_ = eseal::test::register_seal(*store_, eseal::test::parties().seal,
                                     dir_.path() / "signer.key");
  }
  std::vector<std::string> details() {
    std::vector<std::string> out;
    auto rows = store_->audit().list(0, 100);
    for (const auto& row : *rows) {
      if (row.entry.operation == "seal.status")
        out.push_back(row.entry.actor + " " + row.entry.detail);
    }
    return out;
  }
  eseal::test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::string id_;
};

TEST_F(SealStatusTest, ChangesAlongTheTableWithTheReasonAudited) {
  auto frozen = change_seal_status(*store_, "console:wang", id_, store::SealStatus::kFrozen,
                                   "盖章人离职", kNow);
  ASSERT_TRUE(frozen.ok()) << frozen.error().message;
  EXPECT_EQ(frozen->status, store::SealStatus::kFrozen);
  auto valid = change_seal_status(*store_, "cli:root", id_, store::SealStatus::kValid, "", kNow);
  ASSERT_TRUE(valid.ok()) << valid.error().message;
  EXPECT_EQ(details(), (std::vector<std::string>{"console:wang valid -> frozen: 盖章人离职",
                                                 "cli:root frozen -> valid"}));
  EXPECT_TRUE(store_->audit().verify().ok());
}

TEST_F(SealStatusTest, RefusesWhatTheStatusDoesNotAllowWithACodeAndChangesNothing) {
  ASSERT_TRUE(
      change_seal_status(*store_, "t", id_, store::SealStatus::kRevoked, "作废", kNow).ok());
  auto back = change_seal_status(*store_, "t", id_, store::SealStatus::kValid, "", kNow);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code, seal_code::kStatusChange);
  EXPECT_EQ(back.error().message, "seal " + id_ + " is revoked and cannot become valid");
  EXPECT_EQ(store_->seals().find(id_)->status, store::SealStatus::kRevoked);
  EXPECT_EQ(details().size(), 1u);
}

TEST_F(SealStatusTest, StartsFromTheEffectiveStatus) {
  // Past its end date the seal is expired, whatever is stored: it can no longer be frozen.
  Time later = store_->seals().find(id_)->valid_end + std::chrono::hours(1);
  auto frozen = change_seal_status(*store_, "t", id_, store::SealStatus::kFrozen, "", later);
  ASSERT_FALSE(frozen.ok());
  EXPECT_EQ(frozen.error().code, seal_code::kStatusChange);
  EXPECT_NE(frozen.error().message.find("is expired"), std::string::npos);
}

TEST_F(SealStatusTest, AnUnknownSealIsNotFound) {
  auto missing = change_seal_status(*store_, "t", "NO-SUCH", store::SealStatus::kFrozen, "", kNow);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().code, seal_code::kNotFound);
}

}  // namespace
}  // namespace eseal::service
