// What the commands over the server's store share: the --data-dir option, opening the store,
// and the audit entries that record an operator's changes.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "crypto/sm2.h"
#include "keys/kek.h"
#include "ses/seal.h"
#include "store/store.h"

namespace eseal::cli {

inline constexpr const char* kDefaultDataDir = "var";

// Adds `--data-dir D` (default var) bound to `dir`.
void add_data_dir_option(CLI::App& command, std::string& dir);

// Opens the store in `dir`, creating and migrating it; fails the command on error. The KEK is
// needed only by commands that write or read app secrets.
std::unique_ptr<store::Store> open_data_store(const std::string& dir,
                                              std::optional<keys::Kek> kek = std::nullopt);

// An audit entry for a change made now from the command line, by "cli:<login name>".
store::AuditEntry cli_audit(std::string operation, std::string object, std::string detail = {});

// The record of an encrypted key file (kept where it is; the store holds its absolute path).
store::KeyRecord key_file_record(const std::filesystem::path& file,
                                 const crypto::Sm2PublicKey& public_key);

// Registers `seal` (its bytes as a blob), its signer's certificate and, when given, the key that
// signs with it, owned by `app_id` ("" for none); `note` is appended to the audit detail. Fails
// the command on error.
store::SealRecord register_seal(store::Store& store, const ses::SesSeal& seal,
                                const pki::Certificate& signer,
                                const std::optional<store::KeyRecord>& key,
                                const std::string& app_id, const std::string& note = {});

// "label        value", the labels aligned.
void print_field(const std::string& label, const std::string& value);

}  // namespace eseal::cli
