// Integrating apps (business systems) and their credentials for each family: LD/T 01.4 (syscode,
// authcode, HMAC key, the app's certificate that verifies its `sign`), COSS (appId = syscode,
// secureCode) and DB4403/T 383.4 (systemID = syscode, appKey, SM4 key, MAC key). The one way
// apps are added and their secrets replaced, for `eseal app` and the REST door; secrets are
// returned once, when made, and kept only hashed or sealed under the KEK.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "pki/certificate.h"
#include "store/store.h"

namespace eseal::service {

namespace app_code {
inline constexpr const char* kTaken = "app-syscode-taken";  // another app has the syscode
}  // namespace app_code

struct NewApp {
  std::string name;
  std::vector<std::string> families = {"ldt"};  // "ldt", "coss", "sz"
  std::string syscode = {};                     // "" for a new one (new_syscode)
  std::string scopes = "*";                     // operations it may call, comma-separated, or "*"
  // LD/T: the app's SM2 certificate (required); the other families need none.
  std::optional<pki::Certificate> certificate = std::nullopt;
};

struct AddedApp {
  store::App app;
  store::AppSecrets secrets;  // shown once
};

// A new syscode: a COSS-only app's reads APP_ and 32 hex digits, as the COSS manual's do;
// others 16 hex digits.
Result<std::string> new_syscode(const std::vector<std::string>& families);

// kInvalidInput for an empty name, a family not ldt, coss or sz (or none), a syscode or scope
// that is not 1 to 64 letters, digits, '_', '-' or '.': what can be told before the store is
// asked (the CLI asks before it issues the app a certificate).
Status check_new_app(const NewApp& request);

// check_new_app's refusals, and kInvalidInput for a taken syscode, an LD/T app without a
// certificate, and a certificate without an SM2 key. Audited as "app.add" by `actor`.
Result<AddedApp> add_app(store::Store& store, const NewApp& request, const std::string& actor,
                         Time now);

// New secrets for every family the app has, the old ones invalid from now; audited as
// "app.rotate". kNotFound for an unknown syscode.
Result<store::AppSecrets> rotate_app_secrets(store::Store& store, const std::string& syscode,
                                             const std::string& actor, Time now);

// The families an app has, in order: "ldt" (it has a certificate), "coss", "sz".
std::vector<std::string> families_of(const store::App& app);

}  // namespace eseal::service
