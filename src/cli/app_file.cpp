#include "cli/app_file.h"

#include <toml++/toml.h>

#include "cli/cli_support.h"
#include "crypto/encoding.h"

namespace eseal::cli {

AppFile read_app_file(const std::filesystem::path& path, const keys::Kek& kek) {
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    fail(Error::invalid_input(path.string() + ": " + std::string(e.description())));
  }
  auto text = [&](const char* key) {
    auto value = table[key].value<std::string>();
    if (!value || value->empty()) fail(Error::invalid_input(path.string() + ": no " + key));
    return *value;
  };
  std::filesystem::path base = path.parent_path();
  auto relative = [&](const std::string& file) {
    std::filesystem::path p(file);
    return p.is_absolute() ? p : base / p;
  };
  AppFile out{table["url"].value_or(std::string("http://127.0.0.1:8080/seal/v1/electricSeal")),
              {text("syscode"), text("authcode"),
               need(crypto::from_base64(text("hmac_key")), path.string() + ": hmac_key"),
               read_signer(relative(text("key")), relative(text("cert")), kek)}};
  auto account = [&](const char* key) {
    return table["account"][key].value<std::string>().value_or("");
  };
  out.username = account("username");
  out.password = account("password");
  out.salt = account("salt");
  out.client_id = account("client_id");
  out.client_secret = account("client_secret");
  return out;
}

std::string app_file_text(const std::string& url, const std::string& syscode,
                          const std::string& authcode, ByteView hmac_key, const std::string& key,
                          const std::string& cert) {
  return "# LD/T 01.4 credentials of app " + syscode +
         " (secrets: keep this file private)\nurl = \"" + url + "\"\nsyscode = \"" + syscode +
         "\"\nauthcode = \"" + authcode + "\"\nhmac_key = \"" + crypto::to_base64(hmac_key) +
         "\"\nkey = \"" + key + "\"\ncert = \"" + cert + "\"\n";
}

std::unique_ptr<api::ldt::FilingClient> filing_upstream(const api::Config& config,
                                                        const keys::Kek& kek) {
  const auto& f = config.filing;
  if (f.credentials.empty() || f.platform_cert.empty())
    fail(Error::invalid_input(
        "filing upward needs [filing] credentials (the app file the platform gave) and "
        "platform_cert (its signing certificate) in eseal.toml"));
  AppFile app = read_app_file(f.credentials, kek);
  api::ldt::UpstreamOptions options{f.upstream_url.empty() ? app.url : f.upstream_url,
                                    std::move(app.credentials), read_certificate(f.platform_cert)};
  options.username = app.username;
  options.password = app.password;
  options.salt = app.salt;
  options.client_id = app.client_id;
  options.client_secret = app.client_secret;
  return need(api::ldt::FilingClient::create(std::move(options)));
}

}  // namespace eseal::cli
