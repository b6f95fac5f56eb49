// Another vendor's OES module (oes/oes.h is the interface), loaded to verify OFD signatures whose
// values are in that vendor's own format, which eseal does not read itself: the reader's side of
// the interface. OESV4 when the module has it (a session, Digest, Verify), else version 2
// (OES_Digest, OES_Verify).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "keys/device_library.h"

namespace eseal::oes {

class OesModule {
 public:
  // kNotFound (keys::kDeviceLibraryMissing / kDeviceFunctionMissing) when the library cannot be
  // loaded or has neither version's Digest and Verify.
  static Result<std::shared_ptr<OesModule>> load(const std::string& path);
  ~OesModule();
  OesModule(const OesModule&) = delete;
  OesModule& operator=(const OesModule&) = delete;

  // "name version (path)", from the module's GetProviderInfo.
  const std::string& provider() const { return provider_; }

  // Digests `signature_xml` with `check_method` (the module's own when empty) through the module
  // and has it verify `value` over that digest (version 2 also gets `seal` and `property`).
  // kVerificationFailed with the module's message when it refuses. Serialized: a vendor's module
  // need not be thread-safe.
  Status verify(ByteView signature_xml, std::string_view check_method, ByteView seal,
                std::string_view property, ByteView value);

  struct Functions;

 private:
  OesModule(keys::DeviceLibrary library, std::unique_ptr<Functions> f);
  Result<Bytes> digest(ByteView data, std::string_view method);
  std::string message(unsigned long code);

  keys::DeviceLibrary library_;
  std::unique_ptr<Functions> f_;
  void* session_ = nullptr;
  std::string provider_;
};

}  // namespace eseal::oes
