// A crypto device's vendor library (GM/T 0016 SKF, GM/T 0018 SDF), loaded with dlopen from the
// path the configuration names and closed when the last user lets go. Its functions are found
// by their standard names; a missing library or function is a clear error naming both, so that
// a wrong path or a vendor that left a function out is found at start-up, not at the first
// signature.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"

namespace eseal::keys {

// Error::code values.
inline constexpr const char* kDeviceLibraryMissing = "device-library-missing";
inline constexpr const char* kDeviceFunctionMissing = "device-function-missing";
// A wrong PIN or key password (the message says how many tries are left, when the device does),
// and a PIN the device has locked after too many wrong ones.
inline constexpr const char* kDevicePinIncorrect = "device-pin-incorrect";
inline constexpr const char* kDevicePinLocked = "device-pin-locked";

class DeviceLibrary {
 public:
  // kNotFound (code kDeviceLibraryMissing) when the library cannot be loaded, with dlerror's
  // reason. RTLD_LOCAL: two vendors' libraries exporting the same names do not clash.
  static Result<DeviceLibrary> open(const std::string& path);

  const std::string& path() const { return path_; }

  // Points `slot` (a C function pointer) at the library's function `name`; kNotFound (code
  // kDeviceFunctionMissing) when the library does not export it, leaving `slot` as it was.
  template <typename F>
  Status bind(F& slot, const char* name) const {
    auto address = find(name);
    if (!address) return address.error();
    slot = reinterpret_cast<F>(*address);
    return ok_status();
  }

 private:
  DeviceLibrary(std::shared_ptr<void> handle, std::string path)
      : handle_(std::move(handle)), path_(std::move(path)) {}
  Result<void*> find(const char* name) const;

  std::shared_ptr<void> handle_;
  std::string path_;
};

}  // namespace eseal::keys
