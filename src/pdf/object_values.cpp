#include "pdf/object_values.h"

#include <cmath>

namespace eseal::pdf::text_detail {

std::optional<double> number_of(QPDFObjectHandle object) {
  double value = 0;
  if (!object.getValueAsNumber(value) || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<long long> integer_of(QPDFObjectHandle object) {
  long long value = 0;
  if (!object.isInteger() || !object.getValueAsInt(value)) return std::nullopt;
  return value;
}

QPDFObjectHandle entry(QPDFObjectHandle dict, const std::string& key) {
  if (dict.isStream()) dict = dict.getDict();
  if (!dict.isDictionary()) return QPDFObjectHandle::newNull();
  return dict.getKey(key);
}

std::string name_of(QPDFObjectHandle object) {
  return object.isName() ? object.getName().substr(1) : std::string{};
}

}  // namespace eseal::pdf::text_detail
