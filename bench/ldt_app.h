// The demo's LD/T app file (var/demo/app.toml: syscode, authcode, hmac_key, key and cert) as the
// load client and the bounds program read it; the KEK from ESEAL_KEK or ESEAL_KEK_FILE.
#pragma once

#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "api/ldt/envelope.h"
#include "base/file.h"
#include "crypto/encoding.h"
#include "keys/kek.h"
#include "keys/signer.h"
#include "must.h"

namespace eseal::bench {

inline keys::Kek kek_from_environment() {
  const char* env = std::getenv("ESEAL_KEK");
  const char* file = std::getenv("ESEAL_KEK_FILE");
  return must(keys::load_or_create_kek(env ? std::optional<std::string_view>(env) : std::nullopt,
                                       file ? file : "var/kek", keys::KekFile::kMustExist),
              "the KEK");
}

inline api::ldt::ClientCredentials credentials(const std::string& path) {
  toml::table t = toml::parse_file(path);
  auto dir = std::filesystem::path(path).parent_path();
  Bytes cert_pem = must(read_file(dir / *t["cert"].value<std::string>()), "app certificate");
  std::shared_ptr<keys::Signer> signer =
      must(keys::key_file_signer(dir / *t["key"].value<std::string>(),
                                 must(pki::Certificate::parse(cert_pem), "app certificate"),
                                 kek_from_environment()),
           "app key");
  return {*t["syscode"].value<std::string>(), *t["authcode"].value<std::string>(),
          must(crypto::from_base64(*t["hmac_key"].value<std::string>()), "hmac_key"), signer};
}

}  // namespace eseal::bench
