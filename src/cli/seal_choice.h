// Which seal a signing command stamps: a seal file with its signer's certificate (and key), or,
// with --seal-id, a seal registered in a data folder — judged by the seal registry's one
// usable-seal rule and signed by the signer the folder holds, as the server signs.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/cli_support.h"
#include "keys/signer.h"
#include "pki/certificate.h"
#include "ses/seal.h"
#include "store/store.h"

namespace eseal::cli {

struct SealChoice {
  std::string seal, key, cert;                      // a seal file and its signer's files
  std::string seal_id, data_dir = kDefaultDataDir;  // or a registered seal
  bool token = false;                               // or the seal on a USB key
  std::string token_device, pin;
};

// --seal, --cert (and --key when `with_key`), or --seal-id with --data-dir; and when
// `with_key`, --token (with --token-device and --pin, or ESEAL_TOKEN_PIN).
void add_seal_choice(CLI::App* cmd, SealChoice& choice, bool with_key);

// A USB key's user PIN: `option` (--pin), else ESEAL_TOKEN_PIN; exits with bad input when neither
// gives one.
std::string token_pin(const std::string& option);

struct ChosenSeal {
  ses::SesSeal seal;
  pki::Certificate certificate;          // the signer's, listed in the seal
  std::shared_ptr<keys::Signer> signer;  // when asked for
  std::shared_ptr<store::Store> store;   // a registered seal's folder, for the audit log

  // A registered seal's use, in its folder's audit log ("cli:<login>"); nothing for a file.
  void audit(const std::string& operation, const std::string& detail) const;
};

// The seal and its signer's certificate, and its signer `with_signer`. Exits with bad input for a
// choice that mixes the two ways or misses a file, and with the registry's refusal for a
// registered seal that is not usable now.
ChosenSeal choose_seal(const SealChoice& choice, const GlobalOptions& global, bool with_signer);

}  // namespace eseal::cli
