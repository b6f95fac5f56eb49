// eseal's software USB key: the GM/T 0016 functions of keys/gmt0016.h over the key files of
// keys/soft_skf/store.h. A development and test key, NOT a USB key: its keys are in the clear
// in a file, protected only by the file's permissions.
//
// Handles are numbers from a registry, never addresses: an unknown or closed handle is refused
// with SAR_INVALIDHANDLEERR, never followed; closing one closes what was opened from it. One
// mutex serializes the keys. No exception leaves an exported function: an allocation failure is
// SAR_MEMORYERR, anything else unexpected SAR_UNKNOWNERR. A key's file is read again whenever
// another process has replaced it, so PIN retry counts are the key's, not a process's.
//
// Security state: device authentication (needed to create and delete applications and to
// change the authentication key) belongs to a device handle; a PIN verified belongs to the
// application handle it was verified on, until SKF_ClearSecureState or closing it. Files are
// read and written as their rights say; containers, key pairs, certificates and private-key
// operations need the user PIN.
#include "keys/soft_skf/soft_skf.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "base/utf8.h"
#include "crypto/digest.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "crypto/sm4.h"
#include "keys/soft_skf/store.h"

#define ESEAL_SKF_EXPORT extern "C" __attribute__((visibility("default")))

namespace eseal::keys::soft_skf {
namespace {

constexpr std::size_t kBlock = crypto::kSm4BlockSize;
constexpr std::size_t kSm4Key = crypto::kSm4KeySize;
constexpr std::size_t kMaxEccData = 4096;  // SM2 plaintext of one call
constexpr std::size_t kMaxId = 8191;       // SM2 user ID: ENTL is 16 bits of bits
constexpr std::size_t kMaxLabel = 32;
constexpr ULONG kMaxBuffer = 1024 * 1024;  // reported in DEVINFO

// A key's file, shared by the device handles connected to it.
struct Backing {
  std::filesystem::path file;
  Device device;
  soft::FileIdentity identity;
};

struct DeviceObject {
  std::shared_ptr<Backing> backing;
  bool authenticated = false;
  Bytes challenge;  // the last SKF_GenRandom answer, for SKF_DevAuth
};

struct ApplicationObject {
  std::string name;
  bool user = false, admin = false;  // PINs verified on this handle
};

struct ContainerObject {
  std::string name;
};

struct HashObject {
  crypto::Hasher hasher;
  ULONG size = 0;  // of the digest
};

struct Cipher {
  bool encrypting = true, padding = false;
  Bytes iv;       // CBC: the chain's next IV
  Bytes pending;  // input not yet processed
};

struct KeyObject {
  crypto::SecureBytes key;
  ULONG algorithm = 0;
  std::optional<Cipher> cipher;  // after EncryptInit or DecryptInit
};

struct MacObject {
  crypto::SecureBytes key;
  Bytes chain;
  Bytes pending;
  bool padding = false;
};

using Payload = std::variant<DeviceObject, ApplicationObject, ContainerObject, HashObject,
                             KeyObject, MacObject>;

struct Object {
  std::uintptr_t parent = 0;  // what it was opened from: closing that closes it
  Payload payload;
};

struct Registry {
  std::mutex mutex;
  std::uintptr_t last = 0x5c000000;
  std::unordered_map<std::string, std::weak_ptr<Backing>> backings;  // by file
  std::unordered_map<std::uintptr_t, Object> objects;

  // A new handle: never null, never one given before.
  void* add(std::uintptr_t parent, Payload payload) {
    last += 0x10;
    objects.emplace(last, Object{parent, std::move(payload)});
    return soft::as_handle(last);
  }

  // Closes `id` and everything opened from it.
  void close(std::uintptr_t id) {
    std::vector<std::uintptr_t> children;
    for (const auto& [child, object] : objects) {
      if (object.parent == id) children.push_back(child);
    }
    for (auto child : children) close(child);
    objects.erase(id);
  }

  template <typename T>
  T* find(const void* handle, std::uintptr_t* parent = nullptr) {
    auto it = objects.find(soft::id_of(handle));
    if (it == objects.end()) return nullptr;
    if (parent) *parent = it->second.parent;
    return std::get_if<T>(&it->second.payload);
  }
};

Registry& registry() {
  static Registry instance;
  return instance;
}

using Lock = std::lock_guard<std::mutex>;

template <typename F>
ULONG guarded(F&& body) noexcept {
  return soft::guarded<ULONG>(SAR_MEMORYERR, SAR_UNKNOWNERR, std::forward<F>(body));
}

std::filesystem::path keys_dir() {
  return soft::device_dir("ESEAL_SOFTSKF_DIR", "softskf");
}

// Reads the key's file again when another process has replaced it. Needs the lock.
ULONG refresh(Backing& backing) {
  auto identity = soft::identity_of(backing.file);
  if (!identity) return SAR_DEVICE_REMOVED;
  if (*identity == backing.identity) return SAR_OK;
  auto device = load_device(backing.file);
  if (!device) return SAR_FILEERR;
  backing.device = std::move(*device);
  backing.identity = *identity;
  return SAR_OK;
}

// Applies `change` to a copy of the key and writes it; the change counts only once written.
// Needs the lock.
template <typename F>
ULONG mutate(Backing& backing, F&& change) {
  Device copy = backing.device;
  if (ULONG rv = change(copy); rv != SAR_OK) return rv;
  auto identity = save_device(backing.file, copy);
  if (!identity) return SAR_WRITEFILEERR;
  backing.device = std::move(copy);
  backing.identity = *identity;
  return SAR_OK;
}

// What a handle reaches: its key, and its application and container when it has them.
struct Scope {
  DeviceObject* device = nullptr;
  std::uintptr_t device_id = 0;
  ApplicationObject* app = nullptr;
  std::uintptr_t app_id = 0;
  ContainerObject* container = nullptr;

  Backing& backing() { return *device->backing; }
  Application& application() { return backing().device.applications.at(app->name); }
  Container& keys() { return application().containers.at(container->name); }
};

// The device handle `handle`, its key read afresh. Needs the lock.
ULONG device_scope(const void* handle, Scope& scope) {
  scope.device = registry().find<DeviceObject>(handle);
  if (!scope.device) return SAR_INVALIDHANDLEERR;
  scope.device_id = soft::id_of(handle);
  return refresh(scope.backing());
}

ULONG application_scope(const void* handle, Scope& scope) {
  std::uintptr_t parent = 0;
  scope.app = registry().find<ApplicationObject>(handle, &parent);
  if (!scope.app) return SAR_INVALIDHANDLEERR;
  scope.app_id = soft::id_of(handle);
  if (ULONG rv = device_scope(soft::as_handle(parent), scope); rv != SAR_OK) return rv;
  const auto& apps = scope.backing().device.applications;
  return apps.count(scope.app->name) ? SAR_OK : SAR_APPLICATION_NOT_EXISTS;
}

ULONG container_scope(const void* handle, Scope& scope) {
  std::uintptr_t parent = 0;
  scope.container = registry().find<ContainerObject>(handle, &parent);
  if (!scope.container) return SAR_INVALIDHANDLEERR;
  if (ULONG rv = application_scope(soft::as_handle(parent), scope); rv != SAR_OK) return rv;
  return scope.application().containers.count(scope.container->name) ? SAR_OK : SAR_KEYNOTFOUNTERR;
}

// A container whose private keys are to be used or changed: the user PIN must be verified.
ULONG user_container_scope(const void* handle, Scope& scope) {
  if (ULONG rv = container_scope(handle, scope); rv != SAR_OK) return rv;
  return scope.app->user ? SAR_OK : SAR_USER_NOT_LOGGED_IN;
}

// --- Names, PINs and buffers. ---

// A NUL-terminated name of 1..kMaxName bytes of UTF-8.
std::optional<std::string> name_of(LPSTR text) {
  if (text == nullptr) return std::nullopt;
  std::size_t length = strnlen(text, kMaxName + 1);
  if (length == 0 || length > kMaxName) return std::nullopt;
  std::string name(text, length);
  if (!decode_utf8_strict(name)) return std::nullopt;
  return name;
}

// A PIN of kMinPin..kMaxPin bytes.
std::optional<std::string_view> pin_of(LPSTR text) {
  if (text == nullptr) return std::nullopt;
  std::size_t length = strnlen(text, kMaxPin + 1);
  if (length < kMinPin || length > kMaxPin) return std::nullopt;
  return std::string_view(text, length);
}

// Writes `data` to a caller's buffer of *size bytes: with a null buffer, only the size needed.
ULONG put_bytes(ByteView data, BYTE* out, ULONG* size) {
  if (size == nullptr) return SAR_INVALIDPARAMERR;
  ULONG needed = static_cast<ULONG>(data.size());
  if (out == nullptr) {
    *size = needed;
    return SAR_OK;
  }
  if (*size < needed) {
    *size = needed;
    return SAR_BUFFER_TOO_SMALL;
  }
  if (!data.empty()) std::memcpy(out, data.data(), data.size());
  *size = needed;
  return SAR_OK;
}

// A name list: each name and a NUL, then a NUL.
ULONG put_names(const std::vector<std::string>& names, LPSTR out, ULONG* size) {
  Bytes list;
  for (const auto& name : names) {
    list.insert(list.end(), name.begin(), name.end());
    list.push_back(0);
  }
  list.push_back(0);
  return put_bytes(list, reinterpret_cast<BYTE*>(out), size);
}

template <typename Map>
std::vector<std::string> keys_of(const Map& map) {
  std::vector<std::string> out;
  for (const auto& entry : map) out.push_back(entry.first);
  return out;
}

void put_text(CHAR* field, std::size_t size, const std::string& text) {
  std::memset(field, 0, size);
  std::memcpy(field, text.data(), std::min(size, text.size()));
}

// Whether a handle with this security state may do what `rights` allows.
bool permits(ULONG rights, const ApplicationObject& app) {
  if (rights == SECURE_ANYONE_ACCOUNT) return true;
  return ((rights & SECURE_USER_ACCOUNT) && app.user) ||
         ((rights & SECURE_ADM_ACCOUNT) && app.admin);
}

bool valid_rights(ULONG rights) {
  return rights == SECURE_NEVER_ACCOUNT || rights == SECURE_ADM_ACCOUNT ||
         rights == SECURE_USER_ACCOUNT || rights == SECURE_ANYONE_ACCOUNT ||
         rights == (SECURE_ADM_ACCOUNT | SECURE_USER_ACCOUNT);
}

Pin& pin_in(Application& app, ULONG type) {
  return type == ADMIN_TYPE ? app.admin : app.user;
}

// Checks `pin` against the PIN of `type`, counting a wrong one down (the count is written
// before the answer) and a right one back up. Needs the lock.
ULONG check_pin(Scope& scope, ULONG type, std::string_view pin, ULONG* retries) {
  const Pin& current = pin_in(scope.application(), type);
  ULONG rv = SAR_OK;
  unsigned left = 0;
  if (current.retries_left == 0) {
    rv = SAR_PIN_LOCKED;
  } else {
    bool right = soft::password_matches(current.hash, pin);
    left = right ? current.max_retries : current.retries_left - 1;
    if (left != current.retries_left) {
      std::string name = scope.app->name;
      if (ULONG saved = mutate(scope.backing(),
                               [&](Device& device) {
                                 pin_in(device.applications.at(name), type).retries_left = left;
                                 return SAR_OK;
                               });
          saved != SAR_OK)
        return saved;
    }
    rv = right ? SAR_OK : left == 0 ? SAR_PIN_LOCKED : SAR_PIN_INCORRECT;
  }
  if (retries) *retries = left;
  if (rv != SAR_OK) {
    (type == ADMIN_TYPE ? scope.app->admin : scope.app->user) = false;
  }
  return rv;
}

// A new PIN's hash, keeping the retry limit.
ULONG set_pin(Scope& scope, ULONG type, std::string_view pin) {
  auto hash = soft::hash_password(pin);
  if (!hash) return SAR_GENRANDERR;
  std::string name = scope.app->name;
  return mutate(scope.backing(), [&](Device& device) {
    Pin& target = pin_in(device.applications.at(name), type);
    target.hash = std::move(*hash);
    target.retries_left = target.max_retries;
    target.is_default = false;
    return SAR_OK;
  });
}

// --- SM2 and SM4 over the standard's structures. ---

std::optional<crypto::Sm2PublicKey> public_key(const ECCPUBLICKEYBLOB* blob) {
  if (blob == nullptr) return std::nullopt;
  return soft::public_key_from(blob->BitLen, blob->XCoordinate, blob->YCoordinate);
}

ECCPUBLICKEYBLOB blob_of(const crypto::Sm2PublicKey& key) {
  ECCPUBLICKEYBLOB blob{};
  blob.BitLen = 256;
  soft::public_key_to(key, blob.XCoordinate, blob.YCoordinate);
  return blob;
}

ULONG sign(const crypto::Sm2PrivateKey& key, const BYTE* digest, ULONG length,
           ECCSIGNATUREBLOB* signature) {
  if (digest == nullptr || length != soft::kScalar || signature == nullptr) {
    return SAR_INVALIDPARAMERR;
  }
  auto der = crypto::sm2_sign_digest(key, ByteView(digest, length));
  if (!der || !soft::signature_to(*der, signature->r, signature->s)) return SAR_FAIL;
  return SAR_OK;
}

ULONG verify(const ECCPUBLICKEYBLOB* blob, const BYTE* digest, ULONG length,
             const ECCSIGNATUREBLOB* signature) {
  if (digest == nullptr || length != soft::kScalar || signature == nullptr) {
    return SAR_INVALIDPARAMERR;
  }
  auto key = public_key(blob);
  if (!key) return SAR_INVALIDPARAMERR;
  auto der = soft::signature_from(signature->r, signature->s);
  if (!der) return SAR_FAIL;
  return crypto::sm2_verify_digest(*key, ByteView(digest, length), *der) ? SAR_OK : SAR_FAIL;
}

// SM2-encrypts `plain` into the caller's ECCCIPHERBLOB (sizeof + plain.size() - 1 bytes).
ULONG encrypt(const crypto::Sm2PublicKey& key, ByteView plain, ECCCIPHERBLOB* out) {
  if (out == nullptr || plain.empty() || plain.size() > kMaxEccData) return SAR_INVALIDPARAMERR;
  auto parts = soft::sm2_encrypt_parts(key, plain);
  if (!parts) return SAR_FAIL;
  std::memset(out, 0, offsetof(ECCCIPHERBLOB, Cipher));
  std::memcpy(out->XCoordinate + soft::kField - soft::kScalar, parts->x.data(), soft::kScalar);
  std::memcpy(out->YCoordinate + soft::kField - soft::kScalar, parts->y.data(), soft::kScalar);
  std::memcpy(out->HASH, parts->c3.data(), sizeof out->HASH);
  out->CipherLen = static_cast<ULONG>(parts->c2.size());
  std::memcpy(out->Cipher, parts->c2.data(), parts->c2.size());
  return SAR_OK;
}

Result<crypto::SecureBytes> decrypt(const crypto::Sm2PrivateKey& key, const ECCCIPHERBLOB* in) {
  if (in == nullptr || in->CipherLen == 0 || in->CipherLen > kMaxEccData) {
    return Error::invalid_input("bad ciphertext");
  }
  return soft::sm2_decrypt_fields(key, in->XCoordinate, in->YCoordinate, in->HASH,
                                  ByteView(in->Cipher, in->CipherLen));
}

ULONG decrypt_to(const crypto::Sm2PrivateKey& key, const ECCCIPHERBLOB* in, BYTE* out,
                 ULONG* size) {
  auto plain = decrypt(key, in);
  if (!plain) return in == nullptr ? SAR_INVALIDPARAMERR : SAR_INDATAERR;
  return put_bytes(*plain, out, size);
}

bool is_sm4(ULONG algorithm) {
  return algorithm == SGD_SM4_ECB || algorithm == SGD_SM4_CBC || algorithm == SGD_SM4_MAC;
}

// SM4 over whole blocks without padding; CBC carries the chain in `iv`.
Result<crypto::SecureBytes> sm4_blocks(const KeyObject& key, Bytes& iv, ByteView data,
                                       bool encrypting) {
  if (data.empty()) return crypto::SecureBytes{};
  if (key.algorithm == SGD_SM4_ECB) {
    if (!encrypting) return crypto::sm4_ecb_decrypt(key.key, data, crypto::Padding::kNone);
    auto out = crypto::sm4_ecb_encrypt(key.key, data, crypto::Padding::kNone);
    if (!out) return out.error();
    return crypto::to_secure(*out);
  }
  if (encrypting) {
    auto out = crypto::sm4_cbc_encrypt(key.key, iv, data, crypto::Padding::kNone);
    if (!out) return out.error();
    iv.assign(out->end() - kBlock, out->end());
    return crypto::to_secure(*out);
  }
  auto out = crypto::sm4_cbc_decrypt(key.key, iv, data, crypto::Padding::kNone);
  if (!out) return out.error();
  iv.assign(data.end() - kBlock, data.end());
  return out;
}

// Feeds `data` to the key's cipher; with `final`, ends it (padding or unpadding). Works on a
// copy of the cipher state, kept only when the caller's buffer takes the output.
ULONG run_cipher(KeyObject& key, ByteView data, bool final, BYTE* out, ULONG* size) {
  if (!key.cipher) return SAR_NOTINITIALIZEERR;
  if (size == nullptr) return SAR_INVALIDPARAMERR;
  Cipher state = *key.cipher;
  state.pending.insert(state.pending.end(), data.begin(), data.end());
  std::size_t ready = state.pending.size() / kBlock * kBlock;
  // Decrypting with padding keeps the last block for SKF_DecryptFinal, where the padding is.
  if (!final && !state.encrypting && state.padding && ready == state.pending.size() && ready > 0) {
    ready -= kBlock;
  }
  if (final) {
    if (state.encrypting && state.padding) {
      std::size_t pad = kBlock - state.pending.size() % kBlock;
      state.pending.insert(state.pending.end(), pad, static_cast<std::uint8_t>(pad));
    } else if (state.pending.size() % kBlock != 0) {
      return SAR_INDATALENERR;
    }
    ready = state.pending.size();
  }
  auto processed =
      sm4_blocks(key, state.iv, ByteView(state.pending.data(), ready), state.encrypting);
  if (!processed) return SAR_FAIL;
  state.pending.erase(state.pending.begin(), state.pending.begin() + ready);
  if (final && !state.encrypting && state.padding) {
    if (processed->empty()) return SAR_DECRYPTPADERR;
    std::uint8_t pad = processed->back();
    if (pad == 0 || pad > kBlock || pad > processed->size() ||
        !std::all_of(processed->end() - pad, processed->end(),
                     [&](std::uint8_t b) { return b == pad; })) {
      return SAR_DECRYPTPADERR;
    }
    processed->resize(processed->size() - pad);
  }
  if (out == nullptr) {
    // Only the size: the state is not moved on.
    *size = static_cast<ULONG>(processed->size());
    return SAR_OK;
  }
  if (ULONG rv = put_bytes(*processed, out, size); rv != SAR_OK) return rv;
  if (final) {
    key.cipher.reset();
  } else {
    key.cipher = std::move(state);
  }
  return SAR_OK;
}

ULONG cipher_init(const void* handle, const BLOCKCIPHERPARAM& param, bool encrypting) {
  Lock lock(registry().mutex);
  auto* key = registry().find<KeyObject>(handle);
  if (!key) return SAR_INVALIDHANDLEERR;
  if (key->algorithm != SGD_SM4_ECB && key->algorithm != SGD_SM4_CBC) return SAR_KEYUSAGEERR;
  if (param.PaddingType > 1) return SAR_INVALIDPARAMERR;
  Cipher cipher;
  cipher.encrypting = encrypting;
  cipher.padding = param.PaddingType == 1;
  if (key->algorithm == SGD_SM4_CBC) {
    if (param.IVLen != kBlock) return SAR_INVALIDPARAMERR;
    cipher.iv.assign(param.IV, param.IV + kBlock);
  }
  key->cipher = std::move(cipher);
  return SAR_OK;
}

ULONG cipher_step(const void* handle, const BYTE* in, ULONG length, bool final, BYTE* out,
                  ULONG* size) {
  if (in == nullptr && length > 0) return SAR_INVALIDPARAMERR;
  Lock lock(registry().mutex);
  auto* key = registry().find<KeyObject>(handle);
  if (!key) return SAR_INVALIDHANDLEERR;
  return run_cipher(*key, ByteView(in, in ? length : 0), final, out, size);
}

// One call: the data through the cipher and its end.
ULONG cipher_once(const void* handle, const BYTE* in, ULONG length, BYTE* out, ULONG* size) {
  if (in == nullptr && length > 0) return SAR_INVALIDPARAMERR;
  Lock lock(registry().mutex);
  auto* key = registry().find<KeyObject>(handle);
  if (!key) return SAR_INVALIDHANDLEERR;
  if (!key->cipher) return SAR_NOTINITIALIZEERR;
  // Run on a copy so that a size query or a small buffer leaves the cipher where it was.
  KeyObject copy{key->key, key->algorithm, key->cipher};
  Bytes middle(length + kBlock);
  ULONG middle_size = static_cast<ULONG>(middle.size());
  if (ULONG rv =
          run_cipher(copy, ByteView(in, in ? length : 0), false, middle.data(), &middle_size);
      rv != SAR_OK)
    return rv;
  Bytes last(2 * kBlock);
  ULONG last_size = static_cast<ULONG>(last.size());
  if (ULONG rv = run_cipher(copy, {}, true, last.data(), &last_size); rv != SAR_OK) return rv;
  middle.resize(middle_size);
  middle.insert(middle.end(), last.begin(), last.begin() + last_size);
  if (ULONG rv = put_bytes(middle, out, size); rv != SAR_OK || out == nullptr) return rv;
  key->cipher.reset();
  return SAR_OK;
}

// CBC-MAC: the chain over whole blocks; padding (PKCS#5) or whole blocks at the end.
ULONG mac_step(const void* handle, const BYTE* in, ULONG length, bool final, BYTE* out,
               ULONG* size) {
  if (in == nullptr && length > 0) return SAR_INVALIDPARAMERR;
  Lock lock(registry().mutex);
  auto* mac = registry().find<MacObject>(handle);
  if (!mac) return SAR_INVALIDHANDLEERR;
  if (final && size == nullptr) return SAR_INVALIDPARAMERR;
  if (final && out == nullptr) {
    *size = kBlock;
    return SAR_OK;
  }
  MacObject state = *mac;
  if (in) state.pending.insert(state.pending.end(), in, in + length);
  if (final) {
    if (state.padding) {
      std::size_t pad = kBlock - state.pending.size() % kBlock;
      state.pending.insert(state.pending.end(), pad, static_cast<std::uint8_t>(pad));
    } else if (state.pending.empty() || state.pending.size() % kBlock != 0) {
      return SAR_INDATALENERR;
    }
  }
  std::size_t ready = state.pending.size() / kBlock * kBlock;
  if (ready > 0) {
    auto chained = crypto::sm4_cbc_encrypt(
        state.key, state.chain, ByteView(state.pending.data(), ready), crypto::Padding::kNone);
    if (!chained) return SAR_FAIL;
    state.chain.assign(chained->end() - kBlock, chained->end());
    state.pending.erase(state.pending.begin(), state.pending.begin() + ready);
  }
  if (final) {
    if (ULONG rv = put_bytes(state.chain, out, size); rv != SAR_OK) return rv;
    registry().close(soft::id_of(handle));
    return SAR_OK;
  }
  *mac = std::move(state);
  return SAR_OK;
}

ULONG digest_step(const void* handle, const BYTE* in, ULONG length, bool final, BYTE* out,
                  ULONG* size) {
  if (in == nullptr && length > 0) return SAR_INVALIDPARAMERR;
  Lock lock(registry().mutex);
  auto* hash = registry().find<HashObject>(handle);
  if (!hash) return SAR_INVALIDHANDLEERR;
  if (final && size == nullptr) return SAR_INVALIDPARAMERR;
  if (final && out == nullptr) {
    // The size alone; the hash goes on.
    *size = hash->size;
    return SAR_OK;
  }
  if (in) hash->hasher.update(ByteView(in, length));
  if (!final) return SAR_OK;
  Bytes digest = hash->hasher.finish();
  if (ULONG rv = put_bytes(digest, out, size); rv != SAR_OK) return rv;
  registry().close(soft::id_of(handle));
  return SAR_OK;
}

// A DER SEQUENCE whose length is the whole of `der`: all a key checks of a certificate.
bool looks_like_der(ByteView der) {
  if (der.size() < 4 || der[0] != 0x30) return false;
  std::size_t length = der[1];
  std::size_t header = 2;
  if (length & 0x80) {
    std::size_t count = length & 0x7f;
    if (count == 0 || count > 3 || der.size() < 2 + count) return false;
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = length << 8 | der[2 + i];
    header += count;
  }
  return header + length == der.size();
}

}  // namespace
}  // namespace eseal::keys::soft_skf

using namespace eseal;
using namespace eseal::keys::soft_skf;
namespace soft = eseal::keys::soft;

// ---------------------------------------------------------------- eseal's extension.

ESEAL_SKF_EXPORT ULONG ESEAL_SKF_CreateDevice(LPSTR szName, LPSTR szLabel) {
  return guarded([&]() -> ULONG {
    if (szName == nullptr || szLabel == nullptr) return SAR_INVALIDPARAMERR;
    std::string name(szName, strnlen(szName, kMaxName + 1));
    std::string label(szLabel, strnlen(szLabel, kMaxLabel + 1));
    if (!valid_device_name(name) || label.size() > kMaxLabel || !decode_utf8_strict(label)) {
      return SAR_NAMELENERR;
    }
    auto dir = keys_dir();
    if (dir.empty()) return SAR_FILEERR;
    Lock lock(registry().mutex);
    auto file = device_file(dir, name);
    if (soft::identity_of(file)) return SAR_FILE_ALREADY_EXIST;
    return save_device(file, new_device(label)) ? SAR_OK : SAR_WRITEFILEERR;
  });
}

// ---------------------------------------------------------------- 7.1 Device management.

ESEAL_SKF_EXPORT ULONG SKF_WaitForDevEvent(LPSTR, ULONG*, ULONG*) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_CancelWaitForDevEvent(void) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_EnumDev(BOOL, LPSTR szNameList, ULONG* pulSize) {
  return guarded([&]() -> ULONG {
    std::vector<std::string> names;
    auto dir = keys_dir();
    std::error_code ec;
    if (!dir.empty() && std::filesystem::is_directory(dir, ec)) {
      for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".json") continue;
        std::string name = entry.path().stem().string();
        if (valid_device_name(name)) names.push_back(name);
      }
    }
    std::sort(names.begin(), names.end());
    return put_names(names, szNameList, pulSize);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ConnectDev(LPSTR szName, DEVHANDLE* phDev) {
  return guarded([&]() -> ULONG {
    if (szName == nullptr || phDev == nullptr) return SAR_INVALIDPARAMERR;
    std::string name(szName, strnlen(szName, kMaxName + 1));
    auto dir = keys_dir();
    if (!valid_device_name(name) || dir.empty()) return SAR_DEVICE_REMOVED;
    Lock lock(registry().mutex);
    auto& r = registry();
    auto file = std::filesystem::absolute(device_file(dir, name)).lexically_normal();
    auto backing = r.backings[file.string()].lock();
    if (!backing) {
      auto identity = soft::identity_of(file);
      if (!identity) return SAR_DEVICE_REMOVED;
      auto device = load_device(file);
      if (!device) return SAR_FILEERR;
      backing = std::make_shared<Backing>(Backing{file, std::move(*device), *identity});
      r.backings[file.string()] = backing;
    } else if (ULONG rv = refresh(*backing); rv != SAR_OK) {
      return rv;
    }
    *phDev = r.add(0, DeviceObject{std::move(backing), false, {}});
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_DisConnectDev(DEVHANDLE hDev) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    auto& r = registry();
    if (!r.find<DeviceObject>(hDev)) return SAR_INVALIDHANDLEERR;
    r.close(soft::id_of(hDev));
    for (auto it = r.backings.begin(); it != r.backings.end();) {
      it = it->second.expired() ? r.backings.erase(it) : std::next(it);
    }
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_GetDevState(LPSTR szDevName, ULONG* pulDevState) {
  return guarded([&]() -> ULONG {
    if (szDevName == nullptr || pulDevState == nullptr) return SAR_INVALIDPARAMERR;
    std::string name(szDevName, strnlen(szDevName, kMaxName + 1));
    auto dir = keys_dir();
    bool present =
        valid_device_name(name) && !dir.empty() && soft::identity_of(device_file(dir, name)).ok();
    *pulDevState = present ? DEV_PRESENT_STATE : DEV_ABSENT_STATE;
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_SetLabel(DEVHANDLE hDev, LPSTR szLabel) {
  return guarded([&]() -> ULONG {
    if (szLabel == nullptr) return SAR_INVALIDPARAMERR;
    std::string label(szLabel, strnlen(szLabel, kMaxLabel + 1));
    if (label.size() > kMaxLabel || !decode_utf8_strict(label)) return SAR_NAMELENERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = device_scope(hDev, scope); rv != SAR_OK) return rv;
    return mutate(scope.backing(), [&](Device& device) {
      device.label = label;
      return SAR_OK;
    });
  });
}

ESEAL_SKF_EXPORT ULONG SKF_GetDevInfo(DEVHANDLE hDev, DEVINFO* pDevInfo) {
  return guarded([&]() -> ULONG {
    if (pDevInfo == nullptr) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = device_scope(hDev, scope); rv != SAR_OK) return rv;
    const Device& device = scope.backing().device;
    std::memset(pDevInfo, 0, sizeof *pDevInfo);
    pDevInfo->Version = {1, 0};
    put_text(pDevInfo->Manufacturer, sizeof pDevInfo->Manufacturer, "eseal");
    put_text(pDevInfo->Issuer, sizeof pDevInfo->Issuer, "eseal software USB key");
    put_text(pDevInfo->Label, sizeof pDevInfo->Label, device.label);
    put_text(pDevInfo->SerialNumber, sizeof pDevInfo->SerialNumber, device.serial);
    pDevInfo->HWVersion = {1, 0};
    pDevInfo->FirmwareVersion = {1, 0};
    pDevInfo->AlgSymCap = SGD_SM4_ECB | SGD_SM4_CBC | SGD_SM4_MAC;
    pDevInfo->AlgAsymCap = SGD_SM2_1 | SGD_SM2_3;
    pDevInfo->AlgHashCap = SGD_SM3 | SGD_SHA1 | SGD_SHA256;
    pDevInfo->DevAuthAlgId = SGD_SM4_ECB;
    pDevInfo->TotalSpace = kTotalSpace;
    pDevInfo->FreeSpace =
        static_cast<ULONG>(kTotalSpace - std::min(kTotalSpace, used_space(device)));
    pDevInfo->MaxECCBufferSize = kMaxEccData;
    pDevInfo->MaxBufferSize = kMaxBuffer;
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_LockDev(DEVHANDLE, ULONG) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_UnlockDev(DEVHANDLE) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_Transmit(DEVHANDLE, BYTE*, ULONG, BYTE*, ULONG*) {
  return SAR_NOTSUPPORTYETERR;
}

// ---------------------------------------------------------------- 7.2 Access control.

ESEAL_SKF_EXPORT ULONG SKF_ChangeDevAuthKey(DEVHANDLE hDev, BYTE* pbKeyValue, ULONG ulKeyLen) {
  return guarded([&]() -> ULONG {
    if (pbKeyValue == nullptr || ulKeyLen != kSm4Key) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = device_scope(hDev, scope); rv != SAR_OK) return rv;
    if (!scope.device->authenticated) return SAR_FAIL;
    return mutate(scope.backing(), [&](Device& device) {
      device.auth_key = crypto::to_secure(ByteView(pbKeyValue, ulKeyLen));
      return SAR_OK;
    });
  });
}

ESEAL_SKF_EXPORT ULONG SKF_DevAuth(DEVHANDLE hDev, BYTE* pbAuthData, ULONG ulLen) {
  return guarded([&]() -> ULONG {
    if (pbAuthData == nullptr || ulLen != kBlock) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = device_scope(hDev, scope); rv != SAR_OK) return rv;
    // The answer to the last challenge: that random number, zero-padded to a block, encrypted
    // with the authentication key. A challenge answers once.
    Bytes challenge = std::move(scope.device->challenge);
    scope.device->challenge.clear();
    scope.device->authenticated = false;
    if (challenge.empty() || challenge.size() > kBlock) return SAR_FAIL;
    challenge.resize(kBlock, 0);
    auto expected =
        crypto::sm4_ecb_encrypt(scope.backing().device.auth_key, challenge, crypto::Padding::kNone);
    if (!expected) return SAR_FAIL;
    if (!crypto::equal_constant_time(*expected, ByteView(pbAuthData, ulLen))) return SAR_FAIL;
    scope.device->authenticated = true;
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ChangePIN(HAPPLICATION hApplication, ULONG ulPINType, LPSTR szOldPin,
                                     LPSTR szNewPin, ULONG* pulRetryCount) {
  return guarded([&]() -> ULONG {
    if (ulPINType != ADMIN_TYPE && ulPINType != USER_TYPE) return SAR_USER_TYPE_INVALID;
    if (szOldPin == nullptr || szNewPin == nullptr) return SAR_INVALIDPARAMERR;
    auto new_pin = pin_of(szNewPin);
    if (!new_pin) return SAR_PIN_LEN_RANGE;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    std::string_view old_pin(szOldPin, strnlen(szOldPin, kMaxPin + 1));
    if (ULONG rv = check_pin(scope, ulPINType, old_pin, pulRetryCount); rv != SAR_OK) return rv;
    return set_pin(scope, ulPINType, *new_pin);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_GetPINInfo(HAPPLICATION hApplication, ULONG ulPINType,
                                      ULONG* pulMaxRetryCount, ULONG* pulRemainRetryCount,
                                      BOOL* pbDefaultPin) {
  return guarded([&]() -> ULONG {
    if (ulPINType != ADMIN_TYPE && ulPINType != USER_TYPE) return SAR_USER_TYPE_INVALID;
    if (!pulMaxRetryCount || !pulRemainRetryCount || !pbDefaultPin) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    const Pin& pin = pin_in(scope.application(), ulPINType);
    *pulMaxRetryCount = pin.max_retries;
    *pulRemainRetryCount = pin.retries_left;
    *pbDefaultPin = pin.is_default ? TRUE : FALSE;
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_VerifyPIN(HAPPLICATION hApplication, ULONG ulPINType, LPSTR szPIN,
                                     ULONG* pulRetryCount) {
  return guarded([&]() -> ULONG {
    if (ulPINType != ADMIN_TYPE && ulPINType != USER_TYPE) return SAR_USER_TYPE_INVALID;
    if (szPIN == nullptr) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    std::string_view pin(szPIN, strnlen(szPIN, kMaxPin + 1));
    if (ULONG rv = check_pin(scope, ulPINType, pin, pulRetryCount); rv != SAR_OK) return rv;
    (ulPINType == ADMIN_TYPE ? scope.app->admin : scope.app->user) = true;
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_UnblockPIN(HAPPLICATION hApplication, LPSTR szAdminPIN,
                                      LPSTR szNewUserPIN, ULONG* pulRetryCount) {
  return guarded([&]() -> ULONG {
    if (szAdminPIN == nullptr || szNewUserPIN == nullptr) return SAR_INVALIDPARAMERR;
    auto new_pin = pin_of(szNewUserPIN);
    if (!new_pin) return SAR_PIN_LEN_RANGE;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    std::string_view admin(szAdminPIN, strnlen(szAdminPIN, kMaxPin + 1));
    if (ULONG rv = check_pin(scope, ADMIN_TYPE, admin, pulRetryCount); rv != SAR_OK) return rv;
    return set_pin(scope, USER_TYPE, *new_pin);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ClearSecureState(HAPPLICATION hApplication) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    auto* app = registry().find<ApplicationObject>(hApplication);
    if (!app) return SAR_INVALIDHANDLEERR;
    app->user = app->admin = false;
    return SAR_OK;
  });
}

// ---------------------------------------------------------------- 7.3 Applications.

ESEAL_SKF_EXPORT ULONG SKF_CreateApplication(DEVHANDLE hDev, LPSTR szAppName, LPSTR szAdminPin,
                                             DWORD dwAdminPinRetryCount, LPSTR szUserPin,
                                             DWORD dwUserPinRetryCount, DWORD dwCreateFileRights,
                                             HAPPLICATION* phApplication) {
  return guarded([&]() -> ULONG {
    if (phApplication == nullptr) return SAR_INVALIDPARAMERR;
    auto name = name_of(szAppName);
    if (!name) return SAR_APPLICATION_NAME_INVALID;
    auto admin_pin = pin_of(szAdminPin);
    auto user_pin = pin_of(szUserPin);
    if (!admin_pin || !user_pin) return SAR_PIN_LEN_RANGE;
    if (dwAdminPinRetryCount == 0 || dwAdminPinRetryCount > kMaxRetries ||
        dwUserPinRetryCount == 0 || dwUserPinRetryCount > kMaxRetries ||
        !valid_rights(dwCreateFileRights)) {
      return SAR_INVALIDPARAMERR;
    }
    {
      Lock lock(registry().mutex);
      Scope scope;
      if (ULONG rv = device_scope(hDev, scope); rv != SAR_OK) return rv;
      if (!scope.device->authenticated) return SAR_FAIL;
      if (scope.backing().device.applications.count(*name)) return SAR_APPLICATION_EXISTS;
    }
    // The PBKDF2 hashes are made outside the lock.
    auto admin_hash = soft::hash_password(*admin_pin);
    auto user_hash = soft::hash_password(*user_pin);
    if (!admin_hash || !user_hash) return SAR_GENRANDERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = device_scope(hDev, scope); rv != SAR_OK) return rv;
    if (!scope.device->authenticated) return SAR_FAIL;
    ULONG rv = mutate(scope.backing(), [&](Device& device) -> ULONG {
      if (device.applications.count(*name)) return SAR_APPLICATION_EXISTS;
      if (device.applications.size() >= kMaxApplications) return SAR_NO_ROOM;
      Application app;
      app.admin = Pin{std::move(*admin_hash), dwAdminPinRetryCount, dwAdminPinRetryCount, true};
      app.user = Pin{std::move(*user_hash), dwUserPinRetryCount, dwUserPinRetryCount, true};
      app.create_file_rights = dwCreateFileRights;
      device.applications.emplace(*name, std::move(app));
      return SAR_OK;
    });
    if (rv != SAR_OK) return rv;
    *phApplication = registry().add(scope.device_id, ApplicationObject{*name});
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_EnumApplication(DEVHANDLE hDev, LPSTR szAppName, ULONG* pulSize) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = device_scope(hDev, scope); rv != SAR_OK) return rv;
    return put_names(keys_of(scope.backing().device.applications), szAppName, pulSize);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_DeleteApplication(DEVHANDLE hDev, LPSTR szAppName) {
  return guarded([&]() -> ULONG {
    auto name = name_of(szAppName);
    if (!name) return SAR_APPLICATION_NAME_INVALID;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = device_scope(hDev, scope); rv != SAR_OK) return rv;
    if (!scope.device->authenticated) return SAR_FAIL;
    return mutate(scope.backing(), [&](Device& device) -> ULONG {
      return device.applications.erase(*name) ? SAR_OK : SAR_APPLICATION_NOT_EXISTS;
    });
  });
}

ESEAL_SKF_EXPORT ULONG SKF_OpenApplication(DEVHANDLE hDev, LPSTR szAppName,
                                           HAPPLICATION* phApplication) {
  return guarded([&]() -> ULONG {
    if (phApplication == nullptr) return SAR_INVALIDPARAMERR;
    auto name = name_of(szAppName);
    if (!name) return SAR_APPLICATION_NAME_INVALID;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = device_scope(hDev, scope); rv != SAR_OK) return rv;
    if (!scope.backing().device.applications.count(*name)) return SAR_APPLICATION_NOT_EXISTS;
    *phApplication = registry().add(scope.device_id, ApplicationObject{*name});
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_CloseApplication(HAPPLICATION hApplication) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    if (!registry().find<ApplicationObject>(hApplication)) return SAR_INVALIDHANDLEERR;
    registry().close(soft::id_of(hApplication));
    return SAR_OK;
  });
}

// ---------------------------------------------------------------- 7.4 Files.

ESEAL_SKF_EXPORT ULONG SKF_CreateFile(HAPPLICATION hApplication, LPSTR szFileName, ULONG ulFileSize,
                                      ULONG ulReadRights, ULONG ulWriteRights) {
  return guarded([&]() -> ULONG {
    auto name = name_of(szFileName);
    if (!name) return SAR_NAMELENERR;
    if (!valid_rights(ulReadRights) || !valid_rights(ulWriteRights)) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    if (!permits(scope.application().create_file_rights, *scope.app)) {
      return SAR_USER_NOT_LOGGED_IN;
    }
    std::string app = scope.app->name;
    return mutate(scope.backing(), [&](Device& device) -> ULONG {
      if (ulFileSize > kTotalSpace - std::min(kTotalSpace, used_space(device))) return SAR_NO_ROOM;
      auto& files = device.applications.at(app).files;
      if (files.count(*name)) return SAR_FILE_ALREADY_EXIST;
      files.emplace(*name, File{Bytes(ulFileSize, 0), ulReadRights, ulWriteRights});
      return SAR_OK;
    });
  });
}

ESEAL_SKF_EXPORT ULONG SKF_DeleteFile(HAPPLICATION hApplication, LPSTR szFileName) {
  return guarded([&]() -> ULONG {
    auto name = name_of(szFileName);
    if (!name) return SAR_NAMELENERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    auto& files = scope.application().files;
    auto file = files.find(*name);
    if (file == files.end()) return SAR_FILE_NOT_EXIST;
    if (!permits(file->second.write_rights, *scope.app)) return SAR_USER_NOT_LOGGED_IN;
    std::string app = scope.app->name;
    return mutate(scope.backing(), [&](Device& device) -> ULONG {
      device.applications.at(app).files.erase(*name);
      return SAR_OK;
    });
  });
}

ESEAL_SKF_EXPORT ULONG SKF_EnumFiles(HAPPLICATION hApplication, LPSTR szFileList, ULONG* pulSize) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    return put_names(keys_of(scope.application().files), szFileList, pulSize);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_GetFileInfo(HAPPLICATION hApplication, LPSTR szFileName,
                                       FILEATTRIBUTE* pFileInfo) {
  return guarded([&]() -> ULONG {
    auto name = name_of(szFileName);
    if (!name) return SAR_NAMELENERR;
    if (pFileInfo == nullptr) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    const auto& files = scope.application().files;
    auto file = files.find(*name);
    if (file == files.end()) return SAR_FILE_NOT_EXIST;
    std::memset(pFileInfo, 0, sizeof *pFileInfo);
    put_text(pFileInfo->FileName, sizeof pFileInfo->FileName, *name);
    pFileInfo->FileSize = static_cast<ULONG>(file->second.data.size());
    pFileInfo->ReadRights = file->second.read_rights;
    pFileInfo->WriteRights = file->second.write_rights;
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ReadFile(HAPPLICATION hApplication, LPSTR szFileName, ULONG ulOffset,
                                    ULONG ulSize, BYTE* pbOutData, ULONG* pulOutLen) {
  return guarded([&]() -> ULONG {
    auto name = name_of(szFileName);
    if (!name) return SAR_NAMELENERR;
    if (pulOutLen == nullptr) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    const auto& files = scope.application().files;
    auto file = files.find(*name);
    if (file == files.end()) return SAR_FILE_NOT_EXIST;
    if (!permits(file->second.read_rights, *scope.app)) return SAR_USER_NOT_LOGGED_IN;
    const Bytes& data = file->second.data;
    if (ulOffset > data.size()) return SAR_INDATALENERR;
    std::size_t count = std::min<std::size_t>(ulSize, data.size() - ulOffset);
    return put_bytes(ByteView(data.data() + ulOffset, count), pbOutData, pulOutLen);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_WriteFile(HAPPLICATION hApplication, LPSTR szFileName, ULONG ulOffset,
                                     BYTE* pbData, ULONG ulSize) {
  return guarded([&]() -> ULONG {
    auto name = name_of(szFileName);
    if (!name) return SAR_NAMELENERR;
    if (pbData == nullptr && ulSize > 0) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    const auto& files = scope.application().files;
    auto file = files.find(*name);
    if (file == files.end()) return SAR_FILE_NOT_EXIST;
    if (!permits(file->second.write_rights, *scope.app)) return SAR_USER_NOT_LOGGED_IN;
    // A file keeps the size it was made with.
    if (ulOffset > file->second.data.size() || ulSize > file->second.data.size() - ulOffset) {
      return SAR_INDATALENERR;
    }
    std::string app = scope.app->name;
    return mutate(scope.backing(), [&](Device& device) -> ULONG {
      auto& target = device.applications.at(app).files.at(*name).data;
      if (ulSize > 0) std::memcpy(target.data() + ulOffset, pbData, ulSize);
      return SAR_OK;
    });
  });
}

// ---------------------------------------------------------------- 7.5 Containers.

ESEAL_SKF_EXPORT ULONG SKF_CreateContainer(HAPPLICATION hApplication, LPSTR szContainerName,
                                           HCONTAINER* phContainer) {
  return guarded([&]() -> ULONG {
    auto name = name_of(szContainerName);
    if (!name) return SAR_NAMELENERR;
    if (phContainer == nullptr) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    if (!scope.app->user) return SAR_USER_NOT_LOGGED_IN;
    std::string app = scope.app->name;
    ULONG rv = mutate(scope.backing(), [&](Device& device) -> ULONG {
      auto& containers = device.applications.at(app).containers;
      if (containers.count(*name)) return SAR_FILE_ALREADY_EXIST;
      if (containers.size() >= kMaxContainers) return SAR_REACH_MAX_CONTAINER_COUNT;
      containers.emplace(*name, Container{});
      return SAR_OK;
    });
    if (rv != SAR_OK) return rv;
    *phContainer = registry().add(scope.app_id, ContainerObject{*name});
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_DeleteContainer(HAPPLICATION hApplication, LPSTR szContainerName) {
  return guarded([&]() -> ULONG {
    auto name = name_of(szContainerName);
    if (!name) return SAR_NAMELENERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    if (!scope.app->user) return SAR_USER_NOT_LOGGED_IN;
    std::string app = scope.app->name;
    return mutate(scope.backing(), [&](Device& device) -> ULONG {
      return device.applications.at(app).containers.erase(*name) ? SAR_OK : SAR_KEYNOTFOUNTERR;
    });
  });
}

ESEAL_SKF_EXPORT ULONG SKF_OpenContainer(HAPPLICATION hApplication, LPSTR szContainerName,
                                         HCONTAINER* phContainer) {
  return guarded([&]() -> ULONG {
    auto name = name_of(szContainerName);
    if (!name) return SAR_NAMELENERR;
    if (phContainer == nullptr) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    if (!scope.application().containers.count(*name)) return SAR_KEYNOTFOUNTERR;
    *phContainer = registry().add(scope.app_id, ContainerObject{*name});
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_CloseContainer(HCONTAINER hContainer) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    if (!registry().find<ContainerObject>(hContainer)) return SAR_INVALIDHANDLEERR;
    registry().close(soft::id_of(hContainer));
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_EnumContainer(HAPPLICATION hApplication, LPSTR szContainerName,
                                         ULONG* pulSize) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = application_scope(hApplication, scope); rv != SAR_OK) return rv;
    return put_names(keys_of(scope.application().containers), szContainerName, pulSize);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_GetContainerType(HCONTAINER hContainer, ULONG* pulContainerType) {
  return guarded([&]() -> ULONG {
    if (pulContainerType == nullptr) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = container_scope(hContainer, scope); rv != SAR_OK) return rv;
    const Container& keys = scope.keys();
    *pulContainerType = keys.sign.key || keys.enc.key ? CONTAINER_ECC : CONTAINER_EMPTY;
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ImportCertificate(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbCert,
                                             ULONG ulCertLen) {
  return guarded([&]() -> ULONG {
    if (pbCert == nullptr || !looks_like_der(ByteView(pbCert, ulCertLen))) return SAR_INDATAERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = user_container_scope(hContainer, scope); rv != SAR_OK) return rv;
    std::string app = scope.app->name, container = scope.container->name;
    return mutate(scope.backing(), [&](Device& device) -> ULONG {
      std::size_t free = kTotalSpace - std::min(kTotalSpace, used_space(device));
      auto& keys = device.applications.at(app).containers.at(container);
      KeyPair& pair = bSignFlag ? keys.sign : keys.enc;
      if (ulCertLen > pair.certificate.size() && ulCertLen - pair.certificate.size() > free) {
        return SAR_NO_ROOM;
      }
      pair.certificate.assign(pbCert, pbCert + ulCertLen);
      return SAR_OK;
    });
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ExportCertificate(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbCert,
                                             ULONG* pulCertLen) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = container_scope(hContainer, scope); rv != SAR_OK) return rv;
    const KeyPair& pair = bSignFlag ? scope.keys().sign : scope.keys().enc;
    if (pair.certificate.empty()) return SAR_CERTNOTFOUNTERR;
    return put_bytes(pair.certificate, pbCert, pulCertLen);
  });
}

// ---------------------------------------------------------------- 7.6 Cryptographic services.

ESEAL_SKF_EXPORT ULONG SKF_GenRandom(DEVHANDLE hDev, BYTE* pbRandom, ULONG ulRandomLen) {
  return guarded([&]() -> ULONG {
    if (pbRandom == nullptr || ulRandomLen == 0 || ulRandomLen > kMaxBuffer) {
      return SAR_INVALIDPARAMERR;
    }
    Lock lock(registry().mutex);
    auto* device = registry().find<DeviceObject>(hDev);
    if (!device) return SAR_INVALIDHANDLEERR;
    if (!crypto::fill_random({pbRandom, ulRandomLen})) return SAR_GENRANDERR;
    device->challenge.assign(pbRandom, pbRandom + std::min<std::size_t>(ulRandomLen, kBlock));
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_GenExtRSAKey(DEVHANDLE, ULONG, RSAPRIVATEKEYBLOB*) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_GenRSAKeyPair(HCONTAINER, ULONG, RSAPUBLICKEYBLOB*) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_ImportRSAKeyPair(HCONTAINER, ULONG, BYTE*, ULONG, BYTE*, ULONG) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_RSASignData(HCONTAINER, BYTE*, ULONG, BYTE*, ULONG*) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_RSAVerify(DEVHANDLE, RSAPUBLICKEYBLOB*, BYTE*, ULONG, BYTE*, ULONG) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_RSAExportSessionKey(HCONTAINER, ULONG, RSAPUBLICKEYBLOB*, BYTE*, ULONG*,
                                               HANDLE*) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_ExtRSAPubKeyOperation(DEVHANDLE, RSAPUBLICKEYBLOB*, BYTE*, ULONG, BYTE*,
                                                 ULONG*) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_ExtRSAPriKeyOperation(DEVHANDLE, RSAPRIVATEKEYBLOB*, BYTE*, ULONG, BYTE*,
                                                 ULONG*) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_GenECCKeyPair(HCONTAINER hContainer, ULONG ulAlgId,
                                         ECCPUBLICKEYBLOB* pBlob) {
  return guarded([&]() -> ULONG {
    if (pBlob == nullptr) return SAR_INVALIDPARAMERR;
    if (ulAlgId != SGD_SM2_1 && ulAlgId != SGD_SM2) return SAR_NOTSUPPORTYETERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = user_container_scope(hContainer, scope); rv != SAR_OK) return rv;
    auto key = crypto::Sm2PrivateKey::generate();
    if (!key) return SAR_FAIL;
    std::string app = scope.app->name, container = scope.container->name;
    // A new signing key pair: the old certificate no longer belongs to it.
    ULONG rv = mutate(scope.backing(), [&](Device& device) -> ULONG {
      device.applications.at(app).containers.at(container).sign = KeyPair{*key, {}};
      return SAR_OK;
    });
    if (rv != SAR_OK) return rv;
    *pBlob = blob_of(key->public_key());
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ImportECCKeyPair(HCONTAINER hContainer,
                                            ENVELOPEDKEYBLOB* pEnvelopedKeyBlob) {
  return guarded([&]() -> ULONG {
    if (pEnvelopedKeyBlob == nullptr) return SAR_INVALIDPARAMERR;
    const ENVELOPEDKEYBLOB& envelope = *pEnvelopedKeyBlob;
    if (envelope.ulSymmAlgID != SGD_SM4_ECB || envelope.ulBits != 256) return SAR_INDATAERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = user_container_scope(hContainer, scope); rv != SAR_OK) return rv;
    // The symmetric key is SM2-encrypted to the container's signing key; it SM4-ECB-encrypts
    // the 64-byte field of the encryption private key.
    const auto& signing = scope.keys().sign.key;
    if (!signing) return SAR_KEYNOTFOUNTERR;
    auto symmetric = decrypt(*signing, &envelope.ECCCipherBlob);
    if (!symmetric || symmetric->size() != kSm4Key) return SAR_INDATAERR;
    auto field = crypto::sm4_ecb_decrypt(
        *symmetric, ByteView(envelope.cbEncryptedPriKey, sizeof envelope.cbEncryptedPriKey),
        crypto::Padding::kNone);
    if (!field || field->size() != soft::kField) return SAR_INDATAERR;
    auto key = soft::private_key_from(256, field->data());
    auto expected = public_key(&envelope.PubKey);
    if (!key || !expected || key->public_key().point() != expected->point()) {
      return SAR_INDATAERR;
    }
    std::string app = scope.app->name, container = scope.container->name;
    return mutate(scope.backing(), [&](Device& device) -> ULONG {
      device.applications.at(app).containers.at(container).enc = KeyPair{*key, {}};
      return SAR_OK;
    });
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ECCSignData(HCONTAINER hContainer, BYTE* pbDigest, ULONG ulDigestLen,
                                       ECCSIGNATUREBLOB* pSignature) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = user_container_scope(hContainer, scope); rv != SAR_OK) return rv;
    const auto& key = scope.keys().sign.key;
    if (!key) return SAR_KEYNOTFOUNTERR;
    return sign(*key, pbDigest, ulDigestLen, pSignature);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ECCVerify(DEVHANDLE hDev, ECCPUBLICKEYBLOB* pECCPubKeyBlob, BYTE* pbData,
                                     ULONG ulDataLen, ECCSIGNATUREBLOB* pSignature) {
  return guarded([&]() -> ULONG {
    {
      Lock lock(registry().mutex);
      if (!registry().find<DeviceObject>(hDev)) return SAR_INVALIDHANDLEERR;
    }
    return verify(pECCPubKeyBlob, pbData, ulDataLen, pSignature);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ECCExportSessionKey(HCONTAINER hContainer, ULONG ulAlgId,
                                               ECCPUBLICKEYBLOB* pPubKey, ECCCIPHERBLOB* pData,
                                               HANDLE* phSessionKey) {
  return guarded([&]() -> ULONG {
    if (phSessionKey == nullptr) return SAR_INVALIDPARAMERR;
    if (ulAlgId != SGD_SM4_ECB && ulAlgId != SGD_SM4_CBC) return SAR_NOTSUPPORTYETERR;
    auto to = public_key(pPubKey);
    if (!to) return SAR_INVALIDPARAMERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = container_scope(hContainer, scope); rv != SAR_OK) return rv;
    auto key = crypto::random_secret(kSm4Key);
    if (!key) return SAR_GENRANDERR;
    if (ULONG rv = encrypt(*to, *key, pData); rv != SAR_OK) return rv;
    *phSessionKey = registry().add(scope.device_id, KeyObject{std::move(*key), ulAlgId, {}});
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ECCDecrypt(HCONTAINER hContainer, ECCCIPHERBLOB* pCipherText,
                                      BYTE* pbPlainText, ULONG* pulPlainTextLen) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = user_container_scope(hContainer, scope); rv != SAR_OK) return rv;
    const auto& key = scope.keys().enc.key;
    if (!key) return SAR_KEYNOTFOUNTERR;
    return decrypt_to(*key, pCipherText, pbPlainText, pulPlainTextLen);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ExtECCEncrypt(DEVHANDLE hDev, ECCPUBLICKEYBLOB* pECCPubKeyBlob,
                                         BYTE* pbPlainText, ULONG ulPlainTextLen,
                                         ECCCIPHERBLOB* pCipherText) {
  return guarded([&]() -> ULONG {
    {
      Lock lock(registry().mutex);
      if (!registry().find<DeviceObject>(hDev)) return SAR_INVALIDHANDLEERR;
    }
    auto key = public_key(pECCPubKeyBlob);
    if (!key || pbPlainText == nullptr) return SAR_INVALIDPARAMERR;
    return encrypt(*key, ByteView(pbPlainText, ulPlainTextLen), pCipherText);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ExtECCDecrypt(DEVHANDLE hDev, ECCPRIVATEKEYBLOB* pECCPriKeyBlob,
                                         ECCCIPHERBLOB* pCipherText, BYTE* pbPlainText,
                                         ULONG* pulPlainTextLen) {
  return guarded([&]() -> ULONG {
    {
      Lock lock(registry().mutex);
      if (!registry().find<DeviceObject>(hDev)) return SAR_INVALIDHANDLEERR;
    }
    if (pECCPriKeyBlob == nullptr) return SAR_INVALIDPARAMERR;
    auto key = soft::private_key_from(pECCPriKeyBlob->BitLen, pECCPriKeyBlob->PrivateKey);
    if (!key) return SAR_INVALIDPARAMERR;
    return decrypt_to(*key, pCipherText, pbPlainText, pulPlainTextLen);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ExtECCSign(DEVHANDLE hDev, ECCPRIVATEKEYBLOB* pECCPriKeyBlob,
                                      BYTE* pbData, ULONG ulDataLen, ECCSIGNATUREBLOB* pSignature) {
  return guarded([&]() -> ULONG {
    {
      Lock lock(registry().mutex);
      if (!registry().find<DeviceObject>(hDev)) return SAR_INVALIDHANDLEERR;
    }
    if (pECCPriKeyBlob == nullptr) return SAR_INVALIDPARAMERR;
    auto key = soft::private_key_from(pECCPriKeyBlob->BitLen, pECCPriKeyBlob->PrivateKey);
    if (!key) return SAR_INVALIDPARAMERR;
    return sign(*key, pbData, ulDataLen, pSignature);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ExtECCVerify(DEVHANDLE hDev, ECCPUBLICKEYBLOB* pECCPubKeyBlob,
                                        BYTE* pbData, ULONG ulDataLen,
                                        ECCSIGNATUREBLOB* pSignature) {
  return SKF_ECCVerify(hDev, pECCPubKeyBlob, pbData, ulDataLen, pSignature);
}

ESEAL_SKF_EXPORT ULONG SKF_GenerateAgreementDataWithECC(HCONTAINER, ULONG, ECCPUBLICKEYBLOB*, BYTE*,
                                                        ULONG, HANDLE*) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_GenerateAgreementDataAndKeyWithECC(HANDLE, ULONG, ECCPUBLICKEYBLOB*,
                                                              ECCPUBLICKEYBLOB*, ECCPUBLICKEYBLOB*,
                                                              BYTE*, ULONG, BYTE*, ULONG, HANDLE*) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_GenerateKeyWithECC(HANDLE, ECCPUBLICKEYBLOB*, ECCPUBLICKEYBLOB*, BYTE*,
                                              ULONG, HANDLE*) {
  return SAR_NOTSUPPORTYETERR;
}

ESEAL_SKF_EXPORT ULONG SKF_ExportPublicKey(HCONTAINER hContainer, BOOL bSignFlag, BYTE* pbBlob,
                                           ULONG* pulBlobLen) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = container_scope(hContainer, scope); rv != SAR_OK) return rv;
    const auto& key = bSignFlag ? scope.keys().sign.key : scope.keys().enc.key;
    if (!key) return SAR_KEYNOTFOUNTERR;
    ECCPUBLICKEYBLOB blob = blob_of(key->public_key());
    return put_bytes(ByteView(reinterpret_cast<const BYTE*>(&blob), sizeof blob), pbBlob,
                     pulBlobLen);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_ImportSessionKey(HCONTAINER hContainer, ULONG ulAlgId,
                                            BYTE* pbWrapedData, ULONG ulWrapedLen, HANDLE* phKey) {
  return guarded([&]() -> ULONG {
    if (phKey == nullptr || pbWrapedData == nullptr) return SAR_INVALIDPARAMERR;
    if (ulAlgId != SGD_SM4_ECB && ulAlgId != SGD_SM4_CBC) return SAR_NOTSUPPORTYETERR;
    // The wrapped key is an ECCCIPHERBLOB with its whole C2.
    if (ulWrapedLen < offsetof(ECCCIPHERBLOB, Cipher)) return SAR_INDATALENERR;
    const auto* blob = reinterpret_cast<const ECCCIPHERBLOB*>(pbWrapedData);
    if (blob->CipherLen > ulWrapedLen - offsetof(ECCCIPHERBLOB, Cipher)) return SAR_INDATALENERR;
    Lock lock(registry().mutex);
    Scope scope;
    if (ULONG rv = user_container_scope(hContainer, scope); rv != SAR_OK) return rv;
    const auto& key = scope.keys().enc.key;
    if (!key) return SAR_KEYNOTFOUNTERR;
    auto session = decrypt(*key, blob);
    if (!session || session->size() != kSm4Key) return SAR_INDATAERR;
    *phKey = registry().add(scope.device_id, KeyObject{std::move(*session), ulAlgId, {}});
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_SetSymmKey(DEVHANDLE hDev, BYTE* pbKey, ULONG ulAlgID, HANDLE* phKey) {
  return guarded([&]() -> ULONG {
    if (pbKey == nullptr || phKey == nullptr) return SAR_INVALIDPARAMERR;
    if (!is_sm4(ulAlgID)) return SAR_NOTSUPPORTYETERR;
    Lock lock(registry().mutex);
    if (!registry().find<DeviceObject>(hDev)) return SAR_INVALIDHANDLEERR;
    *phKey = registry().add(soft::id_of(hDev),
                            KeyObject{crypto::to_secure(ByteView(pbKey, kSm4Key)), ulAlgID, {}});
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_EncryptInit(HANDLE hKey, BLOCKCIPHERPARAM EncryptParam) {
  return guarded([&] { return cipher_init(hKey, EncryptParam, true); });
}

ESEAL_SKF_EXPORT ULONG SKF_Encrypt(HANDLE hKey, BYTE* pbData, ULONG ulDataLen,
                                   BYTE* pbEncryptedData, ULONG* pulEncryptedLen) {
  return guarded(
      [&] { return cipher_once(hKey, pbData, ulDataLen, pbEncryptedData, pulEncryptedLen); });
}

ESEAL_SKF_EXPORT ULONG SKF_EncryptUpdate(HANDLE hKey, BYTE* pbData, ULONG ulDataLen,
                                         BYTE* pbEncryptedData, ULONG* pulEncryptedLen) {
  return guarded([&] {
    return cipher_step(hKey, pbData, ulDataLen, false, pbEncryptedData, pulEncryptedLen);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_EncryptFinal(HANDLE hKey, BYTE* pbEncryptedData,
                                        ULONG* pulEncryptedDataLen) {
  return guarded(
      [&] { return cipher_step(hKey, nullptr, 0, true, pbEncryptedData, pulEncryptedDataLen); });
}

ESEAL_SKF_EXPORT ULONG SKF_DecryptInit(HANDLE hKey, BLOCKCIPHERPARAM DecryptParam) {
  return guarded([&] { return cipher_init(hKey, DecryptParam, false); });
}

ESEAL_SKF_EXPORT ULONG SKF_Decrypt(HANDLE hKey, BYTE* pbEncryptedData, ULONG ulEncryptedLen,
                                   BYTE* pbData, ULONG* pulDataLen) {
  return guarded(
      [&] { return cipher_once(hKey, pbEncryptedData, ulEncryptedLen, pbData, pulDataLen); });
}

ESEAL_SKF_EXPORT ULONG SKF_DecryptUpdate(HANDLE hKey, BYTE* pbEncryptedData, ULONG ulEncryptedLen,
                                         BYTE* pbData, ULONG* pulDataLen) {
  return guarded([&] {
    return cipher_step(hKey, pbEncryptedData, ulEncryptedLen, false, pbData, pulDataLen);
  });
}

ESEAL_SKF_EXPORT ULONG SKF_DecryptFinal(HANDLE hKey, BYTE* pbDecryptedData,
                                        ULONG* pulDecryptedDataLen) {
  return guarded(
      [&] { return cipher_step(hKey, nullptr, 0, true, pbDecryptedData, pulDecryptedDataLen); });
}

ESEAL_SKF_EXPORT ULONG SKF_DigestInit(DEVHANDLE hDev, ULONG ulAlgID, ECCPUBLICKEYBLOB* pPubKey,
                                      BYTE* pbID, ULONG ulIDLen, HANDLE* phHash) {
  return guarded([&]() -> ULONG {
    if (phHash == nullptr) return SAR_INVALIDPARAMERR;
    crypto::HashAlgorithm algorithm;
    switch (ulAlgID) {
      case SGD_SM3:
        algorithm = crypto::HashAlgorithm::kSm3;
        break;
      case SGD_SHA1:
        algorithm = crypto::HashAlgorithm::kSha1;
        break;
      case SGD_SHA256:
        algorithm = crypto::HashAlgorithm::kSha256;
        break;
      default:
        return SAR_NOTSUPPORTYETERR;
    }
    crypto::Hasher hasher(algorithm);
    // With SM3 and a public key, the hash starts with Z over the signer's ID.
    if (pPubKey != nullptr && ulAlgID == SGD_SM3) {
      auto key = public_key(pPubKey);
      if (!key || (pbID == nullptr && ulIDLen > 0) || ulIDLen > kMaxId) {
        return SAR_INVALIDPARAMERR;
      }
      std::string_view id = pbID ? std::string_view(reinterpret_cast<const char*>(pbID), ulIDLen)
                                 : crypto::kSm2DefaultUserId;
      auto z = crypto::sm2_z_value(*key, id);
      if (!z) return SAR_HASHERR;
      hasher.update(*z);
    }
    Lock lock(registry().mutex);
    if (!registry().find<DeviceObject>(hDev)) return SAR_INVALIDHANDLEERR;
    *phHash = registry().add(
        soft::id_of(hDev),
        HashObject{std::move(hasher), static_cast<ULONG>(crypto::digest_size(algorithm))});
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_Digest(HANDLE hHash, BYTE* pbData, ULONG ulDataLen, BYTE* pbHashData,
                                  ULONG* pulHashLen) {
  return guarded(
      [&] { return digest_step(hHash, pbData, ulDataLen, true, pbHashData, pulHashLen); });
}

ESEAL_SKF_EXPORT ULONG SKF_DigestUpdate(HANDLE hHash, BYTE* pbData, ULONG ulDataLen) {
  return guarded([&] { return digest_step(hHash, pbData, ulDataLen, false, nullptr, nullptr); });
}

ESEAL_SKF_EXPORT ULONG SKF_DigestFinal(HANDLE hHash, BYTE* pHashData, ULONG* pulHashLen) {
  return guarded([&] { return digest_step(hHash, nullptr, 0, true, pHashData, pulHashLen); });
}

ESEAL_SKF_EXPORT ULONG SKF_MacInit(HANDLE hKey, BLOCKCIPHERPARAM* pMacParam, HANDLE* phMac) {
  return guarded([&]() -> ULONG {
    if (pMacParam == nullptr || phMac == nullptr) return SAR_INVALIDPARAMERR;
    if (pMacParam->PaddingType > 1 || (pMacParam->IVLen != 0 && pMacParam->IVLen != kBlock)) {
      return SAR_INVALIDPARAMERR;
    }
    Lock lock(registry().mutex);
    auto* key = registry().find<KeyObject>(hKey);
    if (!key) return SAR_INVALIDHANDLEERR;
    MacObject mac{key->key, Bytes(kBlock, 0), {}, pMacParam->PaddingType == 1};
    if (pMacParam->IVLen == kBlock) mac.chain.assign(pMacParam->IV, pMacParam->IV + kBlock);
    *phMac = registry().add(soft::id_of(hKey), std::move(mac));
    return SAR_OK;
  });
}

ESEAL_SKF_EXPORT ULONG SKF_Mac(HANDLE hMac, BYTE* pbData, ULONG ulDataLen, BYTE* pbMacData,
                               ULONG* pulMacLen) {
  return guarded([&] { return mac_step(hMac, pbData, ulDataLen, true, pbMacData, pulMacLen); });
}

ESEAL_SKF_EXPORT ULONG SKF_MacUpdate(HANDLE hMac, BYTE* pbData, ULONG ulDataLen) {
  return guarded([&] { return mac_step(hMac, pbData, ulDataLen, false, nullptr, nullptr); });
}

ESEAL_SKF_EXPORT ULONG SKF_MacFinal(HANDLE hMac, BYTE* pbMacData, ULONG* pulMacDataLen) {
  return guarded([&] { return mac_step(hMac, nullptr, 0, true, pbMacData, pulMacDataLen); });
}

ESEAL_SKF_EXPORT ULONG SKF_CloseHandle(HANDLE hHandle) {
  return guarded([&]() -> ULONG {
    Lock lock(registry().mutex);
    auto& r = registry();
    if (!r.find<HashObject>(hHandle) && !r.find<KeyObject>(hHandle) &&
        !r.find<MacObject>(hHandle)) {
      return SAR_INVALIDHANDLEERR;
    }
    r.close(soft::id_of(hHandle));
    return SAR_OK;
  });
}
