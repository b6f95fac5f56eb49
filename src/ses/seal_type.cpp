#include "ses/seal_type.h"

#include <array>

namespace eseal::ses {
namespace {

constexpr std::array<SealType, 7> kSealTypes{{
    {1, "公章", "", "round"},
    {2, "财务专用章", "财务专用章", "round"},
    {3, "发票专用章", "发票专用章", "oval"},
    {4, "法定代表人名章", "", "square"},
    {5, "合同专用章", "合同专用章", "round"},
    {6, "业务专用章", "业务专用章", "round"},
    {99, "其他", "", "round"},
}};

}  // namespace

std::span<const SealType> seal_types() {
  return kSealTypes;
}

std::optional<SealType> find_seal_type(int code) {
  for (const SealType& t : kSealTypes) {
    if (t.code == code) return t;
  }
  return std::nullopt;
}

}  // namespace eseal::ses
