#include "keys/soft_keystore.h"

#include "crypto/encoding.h"
#include "crypto/random.h"
#include "keys/key_file.h"

namespace eseal::keys {
namespace {

constexpr std::string_view kPrefix = "soft:";
constexpr std::size_t kIdHexLength = 32;

}  // namespace

Result<SoftKeystore> SoftKeystore::open(const std::filesystem::path& folder, Kek kek) {
  auto files = open_key_folder(folder);
  if (!files) return files.error();
  return SoftKeystore(std::move(*files), std::move(kek));
}

Result<std::string> SoftKeystore::name_of(const std::string& reference) {
  std::string_view ref(reference);
  bool well_formed = ref.substr(0, kPrefix.size()) == kPrefix &&
                     ref.size() == kPrefix.size() + kIdHexLength &&
                     ref.find_first_not_of("0123456789abcdef", kPrefix.size()) == std::string::npos;
  if (!well_formed) return Error::invalid_input("not a soft keystore reference: " + reference);
  return std::string(ref.substr(kPrefix.size()));
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
  auto pem = encrypt_private_key(key, kek_);
  if (!pem) return pem.error();
  if (auto s = files_->put(crypto::to_hex(*id), *pem); !s) return s.error();
  return reference;
}

Result<crypto::Sm2PrivateKey> SoftKeystore::get(const std::string& reference) const {
  auto name = name_of(reference);
  if (!name) return name.error();
  auto pem = files_->get(*name);
  if (!pem) {
    if (pem.error().kind == ErrorKind::kNotFound) {
      return Error::not_found("no key with reference " + reference);
    }
    return pem.error();
  }
  return decrypt_private_key(as_bytes(*pem), kek_);
}

Result<crypto::Sm2PublicKey> SoftKeystore::public_key(const std::string& reference) const {
  auto key = get(reference);
  if (!key) return key.error();
  return key->public_key();
}

Status SoftKeystore::remove(const std::string& reference) {
  auto name = name_of(reference);
  if (!name) return name.error();
  Status removed = files_->remove(*name);
  if (!removed && removed.error().kind == ErrorKind::kNotFound) {
    return Error::not_found("no key with reference " + reference);
  }
  return removed;
}

}  // namespace eseal::keys
