#include "pki/distinguished_name.h"

#include <gtest/gtest.h>

namespace eseal::pki {
namespace {

TEST(DistinguishedName, ParsesCommaFormWithChineseValues) {
  auto dn = DistinguishedName::parse("C=CN, O=某某科技有限公司 ,CN=张三");
  ASSERT_TRUE(dn.ok());
  ASSERT_EQ(dn->attributes().size(), 3u);
  EXPECT_EQ(dn->get("O"), "某某科技有限公司");
  EXPECT_EQ(dn->get("CN"), "张三");
  EXPECT_EQ(dn->to_string(), "C=CN,O=某某科技有限公司,CN=张三");
}

TEST(DistinguishedName, ParsesSlashFormAndEscapes) {
  auto dn = DistinguishedName::parse("/C=CN/O=Acme\\, Inc./CN=a\\\\b");
  ASSERT_TRUE(dn.ok());
  EXPECT_EQ(dn->get("O"), "Acme, Inc.");
  EXPECT_EQ(dn->get("CN"), "a\\b");
  auto again = DistinguishedName::parse(dn->to_string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *dn);
}

TEST(DistinguishedName, RejectsMalformedText) {
  EXPECT_FALSE(DistinguishedName::parse("").ok());
  EXPECT_FALSE(DistinguishedName::parse("CN").ok());
  EXPECT_FALSE(DistinguishedName::parse("CN=").ok());
  EXPECT_FALSE(DistinguishedName::parse("XYZZY=1").ok());
  EXPECT_FALSE(DistinguishedName::parse("C=CN,,CN=x").ok());
}

}  // namespace
}  // namespace eseal::pki
