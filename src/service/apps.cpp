#include "service/apps.h"

#include <algorithm>

#include "crypto/encoding.h"
#include "crypto/random.h"

namespace eseal::service {
namespace {

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

Status check_token(const std::string& value, const std::string& what) {
  bool ok = !value.empty() && value.size() <= 64;
  for (char c : value) ok = ok && is_name_char(c);
  if (ok) return ok_status();
  return Error::invalid_input(what + " \"" + value +
                              "\" must be 1 to 64 letters, digits, '_', '-' or '.'");
}

Result<std::vector<std::string>> parse_scopes(const std::string& text) {
  std::vector<std::string> scopes;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    std::string scope = text.substr(start, comma == std::string::npos ? comma : comma - start);
    if (scope != "*") {
      if (auto s = check_token(scope, "scope"); !s) return s.error();
    }
    scopes.push_back(scope);
    if (comma == std::string::npos) return scopes;
    start = comma + 1;
  }
}

bool has(const std::vector<std::string>& families, const char* family) {
  return std::find(families.begin(), families.end(), family) != families.end();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

Result<std::string> new_syscode(const std::vector<std::string>& families) {
  bool coss_only = has(families, "coss") && !has(families, "ldt") && !has(families, "sz");
  auto random = crypto::random_bytes(coss_only ? 16 : 8);
  if (!random) return random.error();
  return (coss_only ? "APP_" : "") + crypto::to_hex_upper(*random);
}

Status check_new_app(const NewApp& request) {
  if (request.name.empty()) return Error::invalid_input("an app needs a name");
  if (request.families.empty())
    return Error::invalid_input("an app needs a family: ldt, coss or sz");
  for (const auto& f : request.families) {
    if (f != "ldt" && f != "coss" && f != "sz")
      return Error::invalid_input("family \"" + f + "\" is not ldt, coss or sz");
  }
  if (auto scopes = parse_scopes(request.scopes); !scopes) return scopes.error();
  if (!request.syscode.empty()) return check_token(request.syscode, "syscode");
  return ok_status();
}

Result<AddedApp> add_app(store::Store& store, const NewApp& request, const std::string& actor,
                         Time now) {
  if (auto s = check_new_app(request); !s) return s.error();
  bool ldt = has(request.families, "ldt");
  auto scopes = parse_scopes(request.scopes);
  if (!scopes) return scopes.error();
  std::string syscode = request.syscode;
  if (syscode.empty()) {
    auto made = new_syscode(request.families);
    if (!made) return made.error();
    syscode = *made;
  }
  if (auto s = check_token(syscode, "syscode"); !s) return s.error();
  if (store.apps().find(syscode).ok())
    return Error::invalid_input("syscode " + syscode + " is already taken")
        .with_code(app_code::kTaken);
  if (ldt && !request.certificate)
    return Error::invalid_input("an LD/T app needs its certificate, which verifies its sign");
  if (request.certificate) {
    if (auto key = request.certificate->public_key(); !key)
      return key.error().with_context("the app's certificate");
  }
  AddedApp out;
  store::App& app = out.app;
  auto id = store::new_id();
  if (!id) return id.error();
  app.id = *id;
  app.syscode = syscode;
  app.name = request.name;
  app.cert_pem = request.certificate ? request.certificate->pem() : "";
  app.scopes = *scopes;
  app.created = app.rotated = now;
  auto secrets =
      store::AppSecrets::generate(has(request.families, "coss"), has(request.families, "sz"));
  if (!secrets) return secrets.error();
  out.secrets = std::move(*secrets);
  std::string detail = "name=" + request.name + "; families=" + join(request.families) +
                       "; scopes=" + join(*scopes) + "; cert=" +
                       (request.certificate ? request.certificate->subject().to_string() : "none");
  if (auto s = store.apps().add(app, out.secrets, {now, actor, "app.add", syscode, detail, ""}); !s)
    return s.error();
  auto added = store.apps().find(syscode);
  if (!added) return added.error();
  app = std::move(*added);
  return out;
}

Result<store::AppSecrets> rotate_app_secrets(store::Store& store, const std::string& syscode,
                                             const std::string& actor, Time now) {
  auto found = store.apps().find(syscode);
  if (!found) return found.error();
  auto secrets = store::AppSecrets::generate(found->coss, !found->sz_app_key.empty());
  if (!secrets) return secrets.error();
  if (auto s = store.apps().rotate_secrets(syscode, *secrets, now,
                                           {now, actor, "app.rotate", syscode, "", ""});
      !s)
    return s.error();
  return secrets;
}

std::vector<std::string> families_of(const store::App& app) {
  std::vector<std::string> families;
  if (!app.cert_pem.empty()) families.emplace_back("ldt");
  if (app.coss) families.emplace_back("coss");
  if (!app.sz_app_key.empty()) families.emplace_back("sz");
  return families;
}

}  // namespace eseal::service
