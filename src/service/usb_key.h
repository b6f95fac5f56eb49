// A seal on a USB key, as LD/T 01.4 §5.3.2.3 places it: in the first application the key lists,
// the seal (SES_Seal, DER) in the file HRSS_ESEAL and the police's encrypted file in GA_ENCFILE;
// the signing key and its certificate in the application's first container. Distributed signing
// (the HRSS library, the local agent, `eseal pdf sign --token`) reads the seal and signs with the
// key here; `eseal token write-seal` provisions a key the same way.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "keys/skf.h"
#include "ses/seal.h"

namespace eseal::service {

inline constexpr const char* kUsbKeySealFile = "HRSS_ESEAL";
inline constexpr const char* kUsbKeyPoliceFile = "GA_ENCFILE";

// The SKF library eseal uses when none is configured: ESEAL_SKF_LIBRARY, else eseal's software
// key installed beside the running program.
std::string default_skf_library();

struct UsbKeySeal {
  std::shared_ptr<keys::SkfApplication> application;
  std::string container;  // the first container: the signing key
  ses::SesSeal seal;
  std::unique_ptr<keys::Signer> signer;
};

// Opens the key `device` (empty: the first present), logs in with `pin`, and reads its seal and
// signer. kNotFound when the key holds no seal or no container; kInvalidInput when the seal does
// not list the container's certificate as a signer; PIN refusals as SkfApplication::verify_pin.
Result<UsbKeySeal> open_usb_key_seal(keys::SkfLibrary& library, const std::string& device,
                                     const std::string& pin);

// The seal in the key's HRSS_ESEAL, read without the PIN (anyone may read it): what the key is a
// seal of, before anybody logs in. kNotFound when the key holds none.
Result<ses::SesSeal> read_usb_key_seal(keys::SkfLibrary& library, const std::string& device);

// Writes `seal` to the logged-in application's HRSS_ESEAL after checking that the certificate of
// `container` is one of its signers.
Status write_usb_key_seal(keys::SkfApplication& application, const std::string& container,
                          const ses::SesSeal& seal);

}  // namespace eseal::service
