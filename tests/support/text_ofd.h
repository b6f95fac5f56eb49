// An OFD of plain text, laid out on A4 pages by the OFD writer: the document the door and
// service tests sign, keyword-search and lock.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "base/bytes.h"
#include "base/time.h"
#include "ofd/writer.h"

namespace eseal::test {

inline Bytes text_ofd(const std::string& text, Time created = now_utc()) {
  auto laid = ofd::layout_text(text, {});
  EXPECT_TRUE(laid.ok());
  if (!laid) return {};
  auto bytes = ofd::write_ofd(laid->document, {created, "test"});
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : Bytes{};
}

}  // namespace eseal::test
