#include "api/ldt/content.h"

namespace eseal::api::ldt {

using rapidjson::Value;

Error refused(std::string info) {
  return Error::invalid_input(std::move(info));
}

std::string text_of(const Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return {};
  if (it->value.IsString()) return {it->value.GetString(), it->value.GetStringLength()};
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  if (it->value.IsNumber()) return std::to_string(it->value.GetDouble());
  return {};
}

Result<std::string> either(const Value& object, std::initializer_list<const char*> keys) {
  const char* found = nullptr;
  std::string out;
  for (const char* key : keys) {
    if (!object.IsObject() || !object.HasMember(key)) continue;
    if (found) return refused(std::string("参数") + found + "与" + key + "重复");
    found = key;
    out = text_of(object, key);
  }
  return out;
}

Result<std::string> required(const Value& object, const char* key) {
  std::string v = text_of(object, key);
  if (v.empty()) return refused(std::string("缺少参数") + key);
  return v;
}

Result<std::vector<std::string>> required_fields(const Value& object,
                                                 std::initializer_list<const char*> keys) {
  std::vector<std::string> out;
  for (const char* key : keys) {
    auto v = required(object, key);
    if (!v) return v.error();
    out.push_back(std::move(*v));
  }
  return out;
}

Result<std::string> required(const Value& object, std::initializer_list<const char*> keys) {
  auto v = either(object, keys);
  if (!v) return v;
  if (v->empty()) return refused(std::string("缺少参数") + *keys.begin());
  return v;
}

void put(Value& object, rapidjson::Document::AllocatorType& a, const char* key,
         const std::string& value) {
  object.RemoveMember(key);
  object.AddMember(Value(key, a),
                   Value(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), a), a);
}

rapidjson::Document string_content(
    std::initializer_list<std::pair<const char*, std::string>> fields) {
  rapidjson::Document c;
  c.SetObject();
  for (const auto& [key, value] : fields) put(c, c.GetAllocator(), key, value);
  return c;
}

}  // namespace eseal::api::ldt
