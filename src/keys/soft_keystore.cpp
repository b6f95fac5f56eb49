#include "keys/soft_keystore.h"

#include "base/file.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "keys/key_file.h"

namespace eseal::keys {
namespace {

constexpr std::string_view kPrefix = "soft:";
constexpr std::size_t kIdHexLength = 32;

}  // namespace

Result<SoftKeystore> SoftKeystore::open(const std::filesystem::path& folder, Kek kek) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec)
    return Error::io("cannot create keystore folder " + folder.string() + ": " + ec.message());
  std::filesystem::permissions(folder, std::filesystem::perms::owner_all, ec);
  if (ec)
    return Error::io("cannot restrict keystore folder " + folder.string() + ": " + ec.message());
  return SoftKeystore(folder, std::move(kek));
}

Result<std::filesystem::path> SoftKeystore::path_of(const std::string& reference) const {
  std::string_view ref(reference);
  bool well_formed = ref.substr(0, kPrefix.size()) == kPrefix &&
                     ref.size() == kPrefix.size() + kIdHexLength &&
                     ref.find_first_not_of("0123456789abcdef", kPrefix.size()) == std::string::npos;
  if (!well_formed) return Error::invalid_input("not a soft keystore reference: " + reference);
  return folder_ / (std::string(ref.substr(kPrefix.size())) + ".key");
}

Result<std::string> SoftKeystore::generate() {
  auto key = crypto::Sm2PrivateKey::generate();
  if (!key) return key.error();
  return put(*key);
}

Result<std::string> SoftKeystore::put(const crypto::Sm2PrivateKey& key) {
  auto id = crypto::random_bytes(kIdHexLength / 2);
  if (!id) return id.error();
  std::string reference = std::string(kPrefix) + crypto::to_hex(*id);
  auto path = path_of(reference);
  if (!path) return path.error();
  auto pem = encrypt_private_key(key, kek_);
  if (!pem) return pem.error();
  if (auto s = write_file_atomic(*path, as_bytes(*pem), 0600); !s) return s.error();
  return reference;
}

Result<crypto::Sm2PrivateKey> SoftKeystore::get(const std::string& reference) const {
  auto path = path_of(reference);
  if (!path) return path.error();
  auto pem = read_file(*path);
  if (!pem) {
    if (pem.error().kind == ErrorKind::kNotFound) {
      return Error::not_found("no key with reference " + reference);
    }
    return pem.error();
  }
  return decrypt_private_key(*pem, kek_);
}

Result<crypto::Sm2PublicKey> SoftKeystore::public_key(const std::string& reference) const {
  auto key = get(reference);
  if (!key) return key.error();
  return key->public_key();
}

Status SoftKeystore::remove(const std::string& reference) {
  auto path = path_of(reference);
  if (!path) return path.error();
  std::error_code ec;
  if (!std::filesystem::remove(*path, ec)) {
    if (ec) return Error::io("cannot delete " + path->string() + ": " + ec.message());
    return Error::not_found("no key with reference " + reference);
  }
  return ok_status();
}

}  // namespace eseal::keys
