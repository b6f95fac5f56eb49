// The app file an LD/T client reads its credentials from (TOML, as `eseal demo` writes
// var/demo/app.toml): url, syscode, authcode, hmac_key (base64), and the paths of the app's
// certificate and encrypted key (cert, key; relative to the file). A filing client's file may
// also hold its DB.oauth.token account as [account] username, password, salt, client_id and
// client_secret (`eseal filing account add --save` appends it).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "api/config.h"
#include "api/ldt/envelope.h"
#include "api/ldt/filing_client.h"
#include "keys/kek.h"

namespace eseal::cli {

struct AppFile {
  std::string url;
  api::ldt::ClientCredentials credentials;
  // [account], when present.
  std::string username = {}, password = {}, salt = {}, client_id = {}, client_secret = {};
};

// Fails the command when the file does not read or lacks a field.
AppFile read_app_file(const std::filesystem::path& path, const keys::Kek& kek);

// The file's text for an app's LD/T credentials; `key` and `cert` as they are to be read
// (relative to the file, or absolute).
std::string app_file_text(const std::string& url, const std::string& syscode,
                          const std::string& authcode, ByteView hmac_key, const std::string& key,
                          const std::string& cert);

// The client of the upstream platform that [filing] names: its credentials (an app file),
// its signing certificate and, when set, upstream_url over the file's url. Fails the command
// when either is missing or does not read.
std::unique_ptr<api::ldt::FilingClient> filing_upstream(const api::Config& config,
                                                        const keys::Kek& kek);

}  // namespace eseal::cli
