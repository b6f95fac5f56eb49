#include "service/usb_key.h"

#include <unistd.h>

#include <cstdlib>

#include "service/device_keys.h"

namespace eseal::service {
namespace {

Status lists_signer(const ses::SesSeal& seal, const pki::Certificate& cert,
                    const std::string& container) {
  Bytes der = cert.der();
  for (const auto& signer : seal.info.signer_certs) {
    if (signer == der) return ok_status();
  }
  return Error::invalid_input("the seal " + seal.info.es_id + " does not list the certificate in " +
                              container + " (" + cert.subject().to_string() + ") as a signer");
}

// The seal in an open application's HRSS_ESEAL.
Result<ses::SesSeal> seal_in(keys::SkfApplication& application) {
  auto data = application.read_file(kUsbKeySealFile);
  if (!data) {
    return data.error().kind == ErrorKind::kNotFound
               ? Error::not_found("the USB key " + application.device().name() +
                                  " holds no seal (" + kUsbKeySealFile + ")")
               : data.error();
  }
  auto seal = ses::decode_seal(*data);
  if (!seal) return seal.error().with_context(std::string("the USB key's ") + kUsbKeySealFile);
  return seal;
}

}  // namespace

Result<ses::SesSeal> read_usb_key_seal(keys::SkfLibrary& library, const std::string& device) {
  auto key = library.connect(device);
  if (!key) return key.error();
  auto application = (*key)->open_application();
  if (!application) return application.error();
  return seal_in(**application);
}

std::string default_skf_library() {
  if (const char* configured = std::getenv("ESEAL_SKF_LIBRARY"); configured && *configured)
    return configured;
  return beside_program("libeseal-softskf.so");
}

Result<UsbKeySeal> open_usb_key_seal(keys::SkfLibrary& library, const std::string& device,
                                     const std::string& pin) {
  auto key = library.connect(device);
  if (!key) return key.error();
  auto application = (*key)->open_application();
  if (!application) return application.error();
  if (auto s = (*application)->verify_pin(pin); !s) return s.error();
  auto containers = (*application)->containers();
  if (!containers) return containers.error();
  if (containers->empty())
    return Error::not_found("the USB key " + (*key)->name() + " has no signing key");
  auto seal = seal_in(**application);
  if (!seal) return seal.error();
  std::string container = containers->front();
  auto signer = keys::skf_signer(*application, container);
  if (!signer) return signer.error();
  if (auto s = lists_signer(*seal, (*signer)->certificate(), container); !s) return s.error();
  return UsbKeySeal{std::move(*application), std::move(container), std::move(*seal),
                    std::move(*signer)};
}

Status write_usb_key_seal(keys::SkfApplication& application, const std::string& container,
                          const ses::SesSeal& seal) {
  auto cert = application.certificate(container);
  if (!cert) return cert.error();
  if (auto s = lists_signer(seal, *cert, container); !s) return s;
  return application.write_file(kUsbKeySealFile, seal.encoded, keys::SkfRights::kAnyone,
                                keys::SkfRights::kUser);
}

}  // namespace eseal::service
