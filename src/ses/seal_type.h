// The product's one table of seal types (印章类型), the codes SES_ESPropertyInfo.type, DB4403
// `sealType` and LD/T seal data carry, each with its default picture.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace eseal::ses {

struct SealType {
  int code;
  std::string_view name;              // e.g. "合同专用章"
  std::string_view purpose;           // text printed under the star; empty for none
  std::string_view default_template;  // image::parse_template name: "round", "oval", "square"
};

// Every seal type, in code order: 1 公章 (法定名称章), 2 财务专用章, 3 发票专用章,
// 4 法定代表人名章, 5 合同专用章, 6 业务专用章, 99 其他.
std::span<const SealType> seal_types();

// The type with `code`, or nullopt for a code outside the table. Seals made elsewhere may
// carry other codes: readers keep the number and show it as unknown.
std::optional<SealType> find_seal_type(int code);

}  // namespace eseal::ses
