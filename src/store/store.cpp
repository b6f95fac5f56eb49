// What every backend shares: the records' rules (authcode hashing, scopes, seal status changes)
// and open_store, which picks the embedded backend.
#include "store/store.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "keys/key_file.h"
#include "keys/soft_keystore.h"
#include "store/sqlite_store.h"

namespace eseal::store {
namespace {

constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kAuthcodeBytes = 16;
constexpr std::size_t kHmacKeySize = 32;
constexpr std::size_t kSzAppKeyBytes = 16;
constexpr std::size_t kSzSm4KeySize = 16;
constexpr std::size_t kSzMacKeySize = 32;

constexpr std::array<std::pair<SealStatus, std::string_view>, 6> kStatusNames{{
    {SealStatus::kValid, "valid"},
    {SealStatus::kFrozen, "frozen"},
    {SealStatus::kLost, "lost"},
    {SealStatus::kRevoked, "revoked"},
    {SealStatus::kExpired, "expired"},
    {SealStatus::kUnfiled, "unfiled"},
}};

Bytes salted_sm3(ByteView salt, std::string_view authcode) {
  Bytes input(salt.begin(), salt.end());
  append(input, as_bytes(authcode));
  return crypto::sm3(input);
}

// Moves each key registered by path into the keystore, so the data folder holds every key it
// signs with. A file that is gone, or is not that key under this KEK, stays as it is.
Status import_key_files(Store& store, const std::filesystem::path& data_dir, const keys::Kek& kek) {
  auto files = store.list_key_files();
  if (!files) return files.error();
  if (files->empty()) return ok_status();
  auto keystore = keys::SoftKeystore::open(data_dir / "keys", kek);
  if (!keystore) return keystore.error();
  for (const KeyRecord& old : *files) {
    auto pem = read_file(old.location);
    if (!pem) continue;
    auto key = keys::decrypt_private_key(*pem, kek);
    if (!key || crypto::to_hex(key->public_key().point()) != old.public_key) continue;
    auto reference = keystore->put(*key);
    if (!reference) return reference.error();
    Time now = now_utc();
    Status replaced = store.replace_key(
        old.id, {*reference, "", old.public_key, now},
        {now, "store", "key.import", old.id, "imported into the keystore as " + *reference, ""});
    if (!replaced) {
      (void)keystore->remove(*reference);
      // kNotFound: another process imported it first.
      if (replaced.error().kind != ErrorKind::kNotFound) return replaced;
    }
  }
  return ok_status();
}

}  // namespace

Result<std::string> new_id() {
  auto raw = crypto::random_bytes(16);
  if (!raw) return raw.error();
  return crypto::to_hex(*raw);
}

Result<AppSecrets> AppSecrets::generate(bool coss, bool sz) {
  auto code = crypto::random_bytes(kAuthcodeBytes);
  if (!code) return code.error();
  auto key = crypto::random_secret(kHmacKeySize);
  if (!key) return key.error();
  AppSecrets out{crypto::to_hex(*code), std::move(*key)};
  if (coss) {
    auto secure = crypto::random_bytes(kAuthcodeBytes);
    if (!secure) return secure.error();
    out.secure_code = crypto::to_hex_upper(*secure);
  }
  if (sz) {
    auto app_key = crypto::random_bytes(kSzAppKeyBytes);
    if (!app_key) return app_key.error();
    auto sm4_key = crypto::random_secret(kSzSm4KeySize);
    if (!sm4_key) return sm4_key.error();
    auto mac_key = crypto::random_secret(kSzMacKeySize);
    if (!mac_key) return mac_key.error();
    out.sz_app_key = crypto::to_hex(*app_key);
    out.sz_sm4_key = std::move(*sm4_key);
    out.sz_mac_key = std::move(*mac_key);
  }
  return out;
}

Result<std::string> hash_authcode(std::string_view authcode) {
  auto salt = crypto::random_bytes(kSaltSize);
  if (!salt) return salt.error();
  return "sm3:" + crypto::to_hex(*salt) + ":" + crypto::to_hex(salted_sm3(*salt, authcode));
}

bool App::authcode_matches(std::string_view authcode) const {
  // "sm3:<salt hex>:<digest hex>"
  std::string_view stored = authcode_hash;
  if (!stored.starts_with("sm3:")) return false;
  stored.remove_prefix(4);
  auto colon = stored.find(':');
  if (colon == std::string_view::npos) return false;
  auto salt = crypto::from_hex(stored.substr(0, colon));
  auto digest = crypto::from_hex(stored.substr(colon + 1));
  if (!salt || !digest) return false;
  return crypto::equal_constant_time(salted_sm3(*salt, authcode), *digest);
}

CertificateRecord CertificateRecord::from(const pki::Certificate& cert) {
  return {crypto::to_hex(cert.sm3_fingerprint()),
          cert.subject().to_string(),
          cert.issuer().to_string(),
          cert.serial_hex(),
          cert.not_before(),
          cert.not_after(),
          cert.pem()};
}

std::string_view status_name(SealStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "unknown";
}

Result<SealStatus> parse_seal_status(std::string_view name) {
  for (const auto& [s, n] : kStatusNames) {
    if (n == name) return s;
  }
  return Error::invalid_input("unknown seal status \"" + std::string(name) +
                              "\" (valid, frozen, lost, revoked, expired, unfiled)");
}

bool status_change_allowed(SealStatus from, SealStatus to) {
  using enum SealStatus;
  if (from == to || from == kRevoked) return false;
  if (to == kRevoked) return true;
  switch (from) {
    case kValid:
      return to == kFrozen || to == kLost || to == kExpired;
    case kFrozen:
      return to == kValid || to == kLost || to == kExpired;
    case kUnfiled:
      return to == kValid;
    default:
      return false;
  }
}

SealStatus SealRecord::effective_status(Time now) const {
  bool live = status == SealStatus::kValid || status == SealStatus::kFrozen;
  return live && now > valid_end ? SealStatus::kExpired : status;
}

std::string_view column_name(DocumentFormat format) {
  return format == DocumentFormat::kOfd ? "ofd" : "pdf";
}

Result<std::unique_ptr<Store>> open_store(const std::filesystem::path& data_dir,
                                          std::optional<keys::Kek> kek) {
  std::error_code ec;
  if (std::filesystem::create_directories(data_dir, ec)) ::chmod(data_dir.c_str(), 0700);
  if (ec) return Error::io("cannot create data folder " + data_dir.string() + ": " + ec.message());
  auto blobs = BlobStore::open(data_dir / "blobs");
  if (!blobs) return blobs.error();
  std::optional<keys::Kek> folder_kek = kek;
  auto store = open_sqlite_store(data_dir / "eseal.db", std::move(*blobs), std::move(kek));
  if (!store || !folder_kek) return store;
  auto belongs = (*store)->kek_belongs(now_utc());
  if (!belongs) return belongs.error();
  if (!*belongs) {
    return Error::invalid_input(
        "the key-encryption key does not belong to data folder " + data_dir.string() +
        ": the folder's secrets are encrypted under another (its own is " +
        (data_dir / "kek").string() + ", unless it was set up with ESEAL_KEK)");
  }
  Status imported = import_key_files(**store, data_dir, *folder_kek);
  if (!imported) return imported.error().with_context("importing key files into the keystore");
  return store;
}

}  // namespace eseal::store
