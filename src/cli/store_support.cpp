#include "cli/store_support.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/cli_support.h"

namespace eseal::cli {
namespace {

std::string login_name() {
  for (const char* variable : {"USER", "LOGNAME"}) {
    const char* value = std::getenv(variable);
    if (value && *value) return value;
  }
  return "uid" + std::to_string(::getuid());
}

}  // namespace

void add_data_dir_option(CLI::App& command, std::string& dir) {
  command.add_option("--data-dir", dir, "Data folder: eseal.db, blobs/, keys/ and its kek")
      ->capture_default_str();
}

keys::Kek data_folder_kek(const GlobalOptions& global, const std::string& dir) {
  bool new_folder = !std::filesystem::exists(std::filesystem::path(dir) / "eseal.db");
  return load_kek(global, new_folder ? keys::KekFile::kCreateIfMissing : keys::KekFile::kMustExist,
                  dir);
}

store::StoreOptions store_options(const api::Config& config) {
  return {config.store.url, static_cast<std::size_t>(config.store.pool),
          config.store.blobs == "database" ? store::StoreOptions::Blobs::kDatabase
                                           : store::StoreOptions::Blobs::kFolder};
}

std::unique_ptr<store::Store> open_data_store(const std::string& dir,
                                              std::optional<keys::Kek> kek) {
  return need(store::open_store(dir, std::move(kek), store_options(load_configuration(""))),
              "store in " + dir);
}

keys::SoftKeystore open_keystore(const store::Store& store, const keys::Kek& kek) {
  return keys::SoftKeystore(store.key_files(), kek);
}

std::filesystem::path configuration_file(const std::string& given) {
  if (!given.empty()) return given;
  if (std::filesystem::exists("eseal.toml")) return "eseal.toml";
  return {};
}

api::Config load_configuration(const std::string& given) {
  return need(api::load_config(configuration_file(given), api::process_environment()));
}

std::shared_ptr<service::DeviceKeys> device_keys(const api::Config& config) {
  if (config.keys.provider != "sdf") return nullptr;
  return std::make_shared<service::DeviceKeys>(
      service::DeviceKeySettings{config.keys.sdf_library, config.keys.sdf_password});
}

service::Caller operator_caller() {
  return {"cli", "", login_name(), {"*"}};
}

store::AuditEntry cli_audit(std::string operation, std::string object, std::string detail) {
  return {now_utc(),         "cli:" + login_name(), std::move(operation),
          std::move(object), std::move(detail),     ""};
}

void print_field(const std::string& label, const std::string& value) {
  std::string padded = label;
  padded.append(padded.size() < 14 ? 14 - padded.size() : 1, ' ');
  std::cout << padded << value << "\n";
}

}  // namespace eseal::cli
