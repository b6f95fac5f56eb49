// Organizations: unified social credit codes checked by their check character (GB 32100), one
// organization per code whichever door adds it, a second add of a code refused with a code the
// doors word.
#include "service/organizations.h"

#include <gtest/gtest.h>

#include "support/process.h"
#include "support/sealing_parties.h"

namespace eseal::service {
namespace {

using eseal::test::kNow;

TEST(CreditCode, PublishedCodesAreValid) {
  // GB 32100-2015's own example, and codes companies print on their licences.
  for (const char* code :
       {"91350100M000100Y43", "91110000802100433B", "9144030071526726XG", "91110108551385082Q"}) {
    EXPECT_TRUE(valid_credit_code(code)) << code;
  }
}

TEST(CreditCode, AWrongCheckCharacterALetterNotUsedOrAnotherLengthIsNot) {
  EXPECT_FALSE(valid_credit_code("91350100M000100Y44"));
  EXPECT_FALSE(valid_credit_code("9135010OM000100Y43"));  // O is not used
  EXPECT_FALSE(valid_credit_code("91350100m000100Y43"));
  EXPECT_FALSE(valid_credit_code("91350100M000100Y4"));
  EXPECT_FALSE(valid_credit_code("91350100M000100Y430"));
  EXPECT_FALSE(valid_credit_code(""));
}

TEST(Organizations, OneForEachCodeWhicheverDoorAddsIt) {
  eseal::test::TempDir dir;
  auto store = std::move(*store::open_store(dir.path(), std::nullopt));
  auto added = add_organization(*store, "福建某公司", "91350100M000100Y43", "console:admin", kNow);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(added->id, organization_id("91350100M000100Y43"));

  auto again = add_organization(*store, "另一个名字", "91350100M000100Y43", "console:admin", kNow);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, org_code::kTaken);
  auto found = organization_of(*store, "另一个名字", "91350100M000100Y43", "cli:test", kNow);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->name, "福建某公司");

  auto bad = organization_of(*store, "某公司", "91350100M000100Y44", "cli:test", kNow);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, org_code::kBadCreditCode);
  EXPECT_FALSE(add_organization(*store, "", "91110108551385082Q", "cli:test", kNow).ok());
  EXPECT_EQ(store->organizations().list()->size(), 1u);
  auto rows = store->audit().list(0, 10);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().entry.operation, "org.add");
  EXPECT_EQ(rows->front().entry.actor, "console:admin");
}

}  // namespace
}  // namespace eseal::service
