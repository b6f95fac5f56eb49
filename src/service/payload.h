// A task's payload and result (store.h TaskRecord) as the kinds here write them: one flat JSON
// object of string fields. Written and read only by the service, so a payload that does not
// read is an internal error, not the caller's.
#pragma once

#include <map>
#include <string>

#include "base/result.h"

namespace eseal::service {

using Fields = std::map<std::string, std::string>;

std::string write_fields(const Fields& fields);
// "" reads as no fields.
Result<Fields> read_fields(const std::string& json);

}  // namespace eseal::service
