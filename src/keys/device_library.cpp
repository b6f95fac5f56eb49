#include "keys/device_library.h"

#include <dlfcn.h>

namespace eseal::keys {

Result<DeviceLibrary> DeviceLibrary::open(const std::string& path) {
  if (path.empty()) {
    return Error::not_found("no device library is configured").with_code(kDeviceLibraryMissing);
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Error::not_found("cannot load the device library " + path + ": " +
                            (why != nullptr ? why : "unknown reason"))
        .with_code(kDeviceLibraryMissing);
  }
  return DeviceLibrary(std::shared_ptr<void>(handle, [](void* h) { dlclose(h); }), path);
}

Result<void*> DeviceLibrary::find(const char* name) const {
  dlerror();
  void* address = dlsym(handle_.get(), name);
  if (address == nullptr) {
    return Error::not_found("the device library " + path_ + " has no function " + name)
        .with_code(kDeviceFunctionMissing);
  }
  return address;
}

}  // namespace eseal::keys
