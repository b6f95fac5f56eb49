// What the commands over the server's store share: the --data-dir option, the data folder's KEK,
// opening the store and its keystore, and the audit entries that record an operator's changes.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "api/config.h"
#include "cli/cli_support.h"
#include "crypto/sm2.h"
#include "keys/kek.h"
#include "keys/soft_keystore.h"
#include "service/device_keys.h"
#include "service/platform.h"
#include "ses/seal.h"
#include "store/store.h"

namespace eseal::cli {

// Adds `--data-dir D` (default var) bound to `dir`.
void add_data_dir_option(CLI::App& command, std::string& dir);

// The KEK of data folder `dir` (cli_support.h: $ESEAL_KEK, --kek-file, else D/kek). A folder
// without a database yet gets a new D/kek; an existing one must have its KEK.
keys::Kek data_folder_kek(const GlobalOptions& global, const std::string& dir);

// The [store] section as store::open_store takes it.
store::StoreOptions store_options(const api::Config& config);

// Opens the store of data folder `dir` where the configuration's [store] says (./eseal.toml and
// ESEAL_STORE_*; by default dir/eseal.db), creating and migrating it; fails the command on
// error. The KEK is needed only by commands that write or read secrets; given, it must be the
// folder's (see store::open_store).
std::unique_ptr<store::Store> open_data_store(const std::string& dir,
                                              std::optional<keys::Kek> kek = std::nullopt);

// The store's soft keystore (D/keys, or the database with [store] blobs = "database"), where
// registered signing keys live.
keys::SoftKeystore open_keystore(const store::Store& store, const keys::Kek& kek);

// The configuration file the server reads: `given` (--config), else ./eseal.toml when there is
// one; empty for the built-in defaults.
std::filesystem::path configuration_file(const std::string& given);
// That file's configuration (or the defaults), ESEAL_<SECTION>_<KEY> variables over it. Exits
// on an invalid file.
api::Config load_configuration(const std::string& given);

// The crypto device of [keys] when its provider is "sdf"; null for the soft keystore.
std::shared_ptr<service::DeviceKeys> device_keys(const api::Config& config);

// The operator at the command line as a caller of the services: trusted with the data folder
// (they hold its KEK), so every seal in it is theirs to use.
service::Caller operator_caller();

// An audit entry for a change made now from the command line, by "cli:<login name>".
store::AuditEntry cli_audit(std::string operation, std::string object, std::string detail = {});

// "label        value", the labels aligned.
void print_field(const std::string& label, const std::string& value);

}  // namespace eseal::cli
