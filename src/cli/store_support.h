// What the commands over the server's store share: the --data-dir option, opening the store,
// and the audit entries that record an operator's changes.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "keys/kek.h"
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

// "label        value", the labels aligned.
void print_field(const std::string& label, const std::string& value);

}  // namespace eseal::cli
