#include "service/payload.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace eseal::service {

std::string write_fields(const Fields& fields) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  for (const auto& [name, value] : fields) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

Result<Fields> read_fields(const std::string& json) {
  Fields fields;
  if (json.empty()) return fields;
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return Error::internal("a task payload is not JSON");
  for (const auto& m : d.GetObject()) {
    if (!m.value.IsString()) return Error::internal("a task payload field is not a string");
    fields.emplace(std::string(m.name.GetString(), m.name.GetStringLength()),
                   std::string(m.value.GetString(), m.value.GetStringLength()));
  }
  return fields;
}

}  // namespace eseal::service
