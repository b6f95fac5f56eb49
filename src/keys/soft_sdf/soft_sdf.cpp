// eseal's software SDF device: the GM/T 0018 functions of keys/gmt0018.h over the device file
// of keys/soft_sdf/store.h. A development and test device, NOT a production HSM: its keys are in
// the clear in a file, protected only by the file's permissions.
//
// Handles are numbers from a registry, never addresses: an unknown or closed handle is refused
// with SDR_INARGERR, never followed. One mutex serializes the device (PBKDF2 of a password runs
// outside it). No exception leaves an exported function: an allocation failure is SDR_NOBUFFER,
// anything else unexpected SDR_UNKNOWERR.
//
// Supported: SM2 (signing with e given, encryption), SM3 (with Z), SM4 ECB and CBC without
// padding, SM4 CBC-MAC, session keys wrapped with SM2 or with a KEK (SM4-ECB), files. Not
// supported (SDR_NOTSUPPORT): RSA, SM2 key agreement, digital-envelope exchange.
#include "keys/soft_sdf/soft_sdf.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "base/utf8.h"
#include "crypto/digest.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "crypto/sm2_cipher.h"
#include "crypto/sm4.h"
#include "keys/soft_sdf/store.h"

#define ESEAL_SDF_EXPORT extern "C" __attribute__((visibility("default")))

namespace eseal::keys::soft_sdf {
namespace {

constexpr std::size_t kScalar = 32;  // SM2 values: the last 32 bytes of 64
constexpr std::size_t kPad = ECCref_MAX_LEN - kScalar;
constexpr std::size_t kSm4Key = 16;
constexpr unsigned kSessionKeyBits = 128;
constexpr std::size_t kMaxEccData = 4096;      // SM2 plaintext of one call
constexpr std::size_t kMaxId = 8191;           // SM2 user ID: ENTL is 16 bits of bits
constexpr unsigned kBufferSize = 1024 * 1024;  // reported in DEVICEINFO

// One device folder, shared by the handles open on it (and the ESEAL_SDF_* functions).
struct Backing {
  std::filesystem::path dir;
  Store store;
  FileIdentity identity;
  int open_handles = 0;
};

struct Device {
  std::shared_ptr<Backing> backing;
};

struct Session {
  std::uintptr_t device = 0;
  std::set<unsigned> rights;  // key indexes whose private keys this session may use
  std::optional<crypto::Hasher> hash;
};

struct SessionKey {
  std::uintptr_t session = 0;
  crypto::SecureBytes key;
};

struct Registry {
  std::mutex mutex;
  std::uintptr_t last = 0x5d000000;
  std::unordered_map<std::string, std::shared_ptr<Backing>> backings;
  std::unordered_map<std::uintptr_t, Device> devices;
  std::unordered_map<std::uintptr_t, Session> sessions;
  std::unordered_map<std::uintptr_t, SessionKey> keys;

  // A new handle: never null, never one given before.
  std::uintptr_t next() { return last += 0x10; }
};

Registry& registry() {
  static Registry instance;
  return instance;
}

using Lock = std::lock_guard<std::mutex>;

template <typename F>
int guarded(F&& body) noexcept {
  return soft::guarded(SDR_NOBUFFER, SDR_UNKNOWERR, std::forward<F>(body));
}

using soft::as_handle;
using soft::id_of;

std::filesystem::path device_dir() {
  return soft::device_dir("ESEAL_SOFTSDF_DIR", "softsdf");
}

// The backing of `dir`, loaded (or created) if no handle has it. Needs the lock.
std::shared_ptr<Backing> attach(const std::filesystem::path& dir) {
  std::string key = std::filesystem::absolute(dir).lexically_normal().string();
  auto& backings = registry().backings;
  if (auto it = backings.find(key); it != backings.end()) return it->second;
  auto backing = std::make_shared<Backing>();
  backing->dir = key;
  auto store = load_store(backing->dir);
  if (store) {
    backing->store = std::move(*store);
    auto identity = identity_of(backing->dir);
    if (!identity) return nullptr;
    backing->identity = *identity;
  } else if (store.error().kind == ErrorKind::kNotFound) {
    backing->store = new_store();
    auto identity = save_store(backing->dir, backing->store);
    if (!identity) return nullptr;
    backing->identity = *identity;
  } else {
    return nullptr;
  }
  backings.emplace(key, backing);
  return backing;
}

// Forgets `backing` when no handle has it open. Needs the lock.
void detach_if_unused(const std::shared_ptr<Backing>& backing) {
  if (backing->open_handles == 0) registry().backings.erase(backing->dir.string());
}

// Reloads the store when another process has replaced the file. Needs the lock.
int refresh(Backing& backing) {
  auto identity = identity_of(backing.dir);
  if (!identity || *identity == backing.identity) return SDR_OK;
  auto store = load_store(backing.dir);
  if (!store) return SDR_HARDFAIL;
  backing.store = std::move(*store);
  backing.identity = *identity;
  return SDR_OK;
}

// Applies `change` to a copy of the store and writes it; the change counts only once written.
// Needs the lock.
template <typename F>
int mutate(Backing& backing, F&& change) {
  Store copy = backing.store;
  if (int rv = change(copy); rv != SDR_OK) return rv;
  auto identity = save_store(backing.dir, copy);
  if (!identity) return SDR_FILEWERR;
  backing.store = std::move(copy);
  backing.identity = *identity;
  return SDR_OK;
}

// The session `handle` and its device's (fresh) store. Needs the lock.
int find_session(void* handle, Session** session, Backing** backing = nullptr) {
  auto& r = registry();
  auto it = r.sessions.find(id_of(handle));
  if (it == r.sessions.end()) return SDR_INARGERR;
  *session = &it->second;
  if (backing) {
    auto device = r.devices.find(it->second.device);
    if (device == r.devices.end()) return SDR_INARGERR;
    *backing = device->second.backing.get();
    return refresh(**backing);
  }
  return SDR_OK;
}

// The session key `handle` of `session`. Needs the lock.
int find_key(void* session, void* handle, const crypto::SecureBytes** key) {
  auto it = registry().keys.find(id_of(handle));
  if (it == registry().keys.end() || it->second.session != id_of(session)) return SDR_INARGERR;
  *key = &it->second.key;
  return SDR_OK;
}

int new_session_key(void* session, crypto::SecureBytes key, void** handle) {
  std::uintptr_t id = registry().next();
  registry().keys.emplace(id, SessionKey{id_of(session), std::move(key)});
  *handle = as_handle(id);
  return SDR_OK;
}

void close_session(std::uintptr_t id) {
  auto& keys = registry().keys;
  for (auto it = keys.begin(); it != keys.end();) {
    it = it->second.session == id ? keys.erase(it) : std::next(it);
  }
  registry().sessions.erase(id);
}

bool valid_index(unsigned index) {
  return index >= 1 && index <= kMaxIndex;
}

// The key index `index` of `store`: SDR_INARGERR out of range, SDR_KEYNOTEXIST when empty.
int find_slot(const Store& store, unsigned index, const KeySlot** slot) {
  if (!valid_index(index)) return SDR_INARGERR;
  auto it = store.keys.find(index);
  if (it == store.keys.end()) return SDR_KEYNOTEXIST;
  *slot = &it->second;
  return SDR_OK;
}

// The key slot `index` of the device `handle`'s session is open on, and that session. Needs the
// lock.
int session_slot(void* handle, unsigned index, Session** session, const KeySlot** slot) {
  Backing* backing;
  if (int rv = find_session(handle, session, &backing); rv != SDR_OK) return rv;
  return find_slot(backing->store, index, slot);
}

// --- The standard's structures <-> eseal's types. ---

void put_public_key(const crypto::Sm2PublicKey& key, ECCrefPublicKey* out) {
  out->bits = 256;
  soft::public_key_to(key, out->x, out->y);
}

std::optional<crypto::Sm2PublicKey> get_public_key(const ECCrefPublicKey* in) {
  if (in == nullptr) return std::nullopt;
  return soft::public_key_from(in->bits, in->x, in->y);
}

void put_private_key(const crypto::Sm2PrivateKey& key, ECCrefPrivateKey* out) {
  out->bits = 256;
  soft::private_key_to(key, out->K);
}

std::optional<crypto::Sm2PrivateKey> get_private_key(const ECCrefPrivateKey* in) {
  if (in == nullptr) return std::nullopt;
  return soft::private_key_from(in->bits, in->K);
}

int verify(const crypto::Sm2PublicKey& key, const unsigned char* data, unsigned length,
           const ECCSignature* signature) {
  if (data == nullptr || length != kScalar || signature == nullptr) return SDR_INARGERR;
  auto der = soft::signature_from(signature->r, signature->s);
  if (!der) return SDR_VERIFYERR;
  return crypto::sm2_verify_digest(key, ByteView(data, length), *der) ? SDR_OK : SDR_VERIFYERR;
}

int sign(const crypto::Sm2PrivateKey& key, const unsigned char* data, unsigned length,
         ECCSignature* signature) {
  if (data == nullptr || length != kScalar || signature == nullptr) return SDR_INARGERR;
  auto der = crypto::sm2_sign_digest(key, ByteView(data, length));
  if (!der || !soft::signature_to(*der, signature->r, signature->s)) return SDR_SIGNERR;
  return SDR_OK;
}

// SM2-encrypts `plain` into the caller's ECCCipher (sizeof(ECCCipher) + length bytes).
int encrypt(const crypto::Sm2PublicKey& key, ByteView plain, ECCCipher* out) {
  if (out == nullptr || plain.empty() || plain.size() > kMaxEccData) return SDR_INARGERR;
  auto parts = soft::sm2_encrypt_parts(key, plain);
  if (!parts) return SDR_PKOPERR;
  std::memset(out, 0, offsetof(ECCCipher, C));
  std::memcpy(out->x + kPad, parts->x.data(), kScalar);
  std::memcpy(out->y + kPad, parts->y.data(), kScalar);
  std::memcpy(out->M, parts->c3.data(), 32);
  out->L = static_cast<unsigned>(parts->c2.size());
  std::memcpy(reinterpret_cast<unsigned char*>(out) + offsetof(ECCCipher, C), parts->c2.data(),
              parts->c2.size());
  return SDR_OK;
}

// Decrypts the caller's ECCCipher.
int decrypt(const crypto::Sm2PrivateKey& key, const ECCCipher* in, crypto::SecureBytes* plain) {
  if (in == nullptr || in->L == 0 || in->L > kMaxEccData) return SDR_INARGERR;
  const auto* c2 = reinterpret_cast<const unsigned char*>(in) + offsetof(ECCCipher, C);
  auto result = soft::sm2_decrypt_fields(key, in->x, in->y, in->M, ByteView(c2, in->L));
  if (!result) return SDR_ENCDATAERR;
  *plain = std::move(*result);
  return SDR_OK;
}

bool is_sm2_encryption(unsigned alg) {
  return alg == SGD_SM2_3 || alg == SGD_SM2;
}

bool is_sm2_signature(unsigned alg) {
  return alg == SGD_SM2_1 || alg == SGD_SM2;
}

// A file name: 1..128 bytes of UTF-8 without NUL (the device file is JSON).
std::optional<std::string> file_name(const unsigned char* name, unsigned length) {
  if (name == nullptr || length == 0 || length > kMaxFileName) return std::nullopt;
  std::string text(reinterpret_cast<const char*>(name), length);
  if (text.find('\0') != std::string::npos || !decode_utf8_strict(text)) return std::nullopt;
  return text;
}

void put_text(unsigned char* field, std::size_t size, const std::string& text) {
  std::memset(field, 0, size);
  std::memcpy(field, text.data(), std::min(size, text.size()));
}

// SM4 without padding over whole blocks; CBC reads *iv and leaves the chain's next IV in it.
int sm4(const crypto::SecureBytes& key, unsigned alg, unsigned char* iv, const unsigned char* in,
        unsigned length, bool encrypting, crypto::SecureBytes* out) {
  if (in == nullptr || length == 0 || length % crypto::kSm4BlockSize != 0) return SDR_INARGERR;
  ByteView data(in, length);
  if (alg == SGD_SM4_ECB) {
    if (encrypting) {
      auto result = crypto::sm4_ecb_encrypt(key, data, crypto::Padding::kNone);
      if (!result) return SDR_SYMOPERR;
      *out = crypto::to_secure(*result);
    } else {
      auto result = crypto::sm4_ecb_decrypt(key, data, crypto::Padding::kNone);
      if (!result) return SDR_SYMOPERR;
      *out = std::move(*result);
    }
    return SDR_OK;
  }
  if (alg == SGD_SM4_CBC) {
    if (iv == nullptr) return SDR_INARGERR;
    ByteView iv_view(iv, crypto::kSm4BlockSize);
    if (encrypting) {
      auto result = crypto::sm4_cbc_encrypt(key, iv_view, data, crypto::Padding::kNone);
      if (!result) return SDR_SYMOPERR;
      *out = crypto::to_secure(*result);
      std::memcpy(iv, out->data() + out->size() - crypto::kSm4BlockSize, crypto::kSm4BlockSize);
    } else {
      auto result = crypto::sm4_cbc_decrypt(key, iv_view, data, crypto::Padding::kNone);
      if (!result) return SDR_SYMOPERR;
      *out = std::move(*result);
      std::memcpy(iv, in + length - crypto::kSm4BlockSize, crypto::kSm4BlockSize);
    }
    return SDR_OK;
  }
  return SDR_ALGNOTSUPPORT;
}

}  // namespace
}  // namespace eseal::keys::soft_sdf

using namespace eseal;
using namespace eseal::keys::soft_sdf;

// ---------------------------------------------------------------- 6.2 Device management.

ESEAL_SDF_EXPORT int SDF_OpenDevice(void** phDeviceHandle) {
  return guarded([&] {
    if (phDeviceHandle == nullptr) return SDR_INARGERR;
    auto dir = device_dir();
    if (dir.empty()) return SDR_OPENDEVICE;
    Lock lock(registry().mutex);
    auto backing = attach(dir);
    if (!backing) return SDR_OPENDEVICE;
    ++backing->open_handles;
    std::uintptr_t id = registry().next();
    registry().devices.emplace(id, Device{backing});
    *phDeviceHandle = as_handle(id);
    return SDR_OK;
  });
}

ESEAL_SDF_EXPORT int SDF_CloseDevice(void* hDeviceHandle) {
  return guarded([&] {
    Lock lock(registry().mutex);
    auto& r = registry();
    auto it = r.devices.find(id_of(hDeviceHandle));
    if (it == r.devices.end()) return SDR_INARGERR;
    std::set<std::uintptr_t> sessions;
    for (const auto& [id, session] : r.sessions) {
      if (session.device == it->first) sessions.insert(id);
    }
    for (auto id : sessions) close_session(id);
    auto backing = it->second.backing;
    r.devices.erase(it);
    --backing->open_handles;
    detach_if_unused(backing);
    return SDR_OK;
  });
}

ESEAL_SDF_EXPORT int SDF_OpenSession(void* hDeviceHandle, void** phSessionHandle) {
  return guarded([&] {
    if (phSessionHandle == nullptr) return SDR_INARGERR;
    Lock lock(registry().mutex);
    auto& r = registry();
    if (r.devices.find(id_of(hDeviceHandle)) == r.devices.end()) return SDR_INARGERR;
    std::uintptr_t id = r.next();
    r.sessions.emplace(id, Session{id_of(hDeviceHandle), {}, std::nullopt});
    *phSessionHandle = as_handle(id);
    return SDR_OK;
  });
}

ESEAL_SDF_EXPORT int SDF_CloseSession(void* hSessionHandle) {
  return guarded([&] {
    Lock lock(registry().mutex);
    if (registry().sessions.count(id_of(hSessionHandle)) == 0) return SDR_INARGERR;
    close_session(id_of(hSessionHandle));
    return SDR_OK;
  });
}

ESEAL_SDF_EXPORT int SDF_GetDeviceInfo(void* hSessionHandle, DEVICEINFO* pstDeviceInfo) {
  return guarded([&] {
    if (pstDeviceInfo == nullptr) return SDR_INARGERR;
    Lock lock(registry().mutex);
    Session* session;
    Backing* backing;
    if (int rv = find_session(hSessionHandle, &session, &backing); rv != SDR_OK) return rv;
    const Store& store = backing->store;
    std::memset(pstDeviceInfo, 0, sizeof *pstDeviceInfo);
    put_text(pstDeviceInfo->IssuerName, sizeof pstDeviceInfo->IssuerName, store.issuer);
    put_text(pstDeviceInfo->DeviceName, sizeof pstDeviceInfo->DeviceName, store.name);
    put_text(pstDeviceInfo->DeviceSerial, sizeof pstDeviceInfo->DeviceSerial, store.serial);
    pstDeviceInfo->DeviceVersion = 1;
    pstDeviceInfo->StandardVersion = 1;
    pstDeviceInfo->AsymAlgAbility[0] = SGD_SM2_1 | SGD_SM2_3;
    pstDeviceInfo->AsymAlgAbility[1] = 256;
    pstDeviceInfo->SymAlgAbility = SGD_SM4_ECB | SGD_SM4_CBC | SGD_SM4_MAC;
    pstDeviceInfo->HashAlgAbility = SGD_SM3;
    pstDeviceInfo->BufferSize = kBufferSize;
    return SDR_OK;
  });
}

ESEAL_SDF_EXPORT int SDF_GenerateRandom(void* hSessionHandle, unsigned int uiLength,
                                        unsigned char* pucRandom) {
  return guarded([&] {
    if (pucRandom == nullptr && uiLength > 0) return SDR_INARGERR;
    {
      Lock lock(registry().mutex);
      Session* session;
      if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    }
    if (uiLength == 0) return SDR_OK;
    return crypto::fill_random({pucRandom, uiLength}) ? SDR_OK : SDR_RANDERR;
  });
}

ESEAL_SDF_EXPORT int SDF_GetPrivateKeyAccessRight(void* hSessionHandle, unsigned int uiKeyIndex,
                                                  unsigned char* pucPassword,
                                                  unsigned int uiPwdLength) {
  return guarded([&] {
    if (pucPassword == nullptr || uiPwdLength == 0 || uiPwdLength > kMaxPassword) {
      return SDR_INARGERR;
    }
    std::optional<KeySlot> slot;
    {
      Lock lock(registry().mutex);
      Session* session;
      const KeySlot* found;
      if (int rv = session_slot(hSessionHandle, uiKeyIndex, &session, &found); rv != SDR_OK)
        return rv;
      slot = *found;
    }
    // PBKDF2 takes milliseconds: the device is not held meanwhile.
    std::string_view password(reinterpret_cast<const char*>(pucPassword), uiPwdLength);
    if (!keys::soft::password_matches(slot->password, password)) return SDR_PARDENY;
    Lock lock(registry().mutex);
    Session* session;
    const KeySlot* now;
    if (int rv = session_slot(hSessionHandle, uiKeyIndex, &session, &now); rv != SDR_OK) return rv;
    if (now->password != slot->password) return SDR_PARDENY;
    session->rights.insert(uiKeyIndex);
    return SDR_OK;
  });
}

ESEAL_SDF_EXPORT int SDF_ReleasePrivateKeyAccessRight(void* hSessionHandle,
                                                      unsigned int uiKeyIndex) {
  return guarded([&] {
    Lock lock(registry().mutex);
    Session* session;
    if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    if (!valid_index(uiKeyIndex)) return SDR_INARGERR;
    session->rights.erase(uiKeyIndex);
    return SDR_OK;
  });
}

// ---------------------------------------------------------------- 6.3 Key management.

ESEAL_SDF_EXPORT int SDF_ExportSignPublicKey_RSA(void*, unsigned int, RSArefPublicKey*) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_ExportEncPublicKey_RSA(void*, unsigned int, RSArefPublicKey*) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_GenerateKeyPair_RSA(void*, unsigned int, RSArefPublicKey*,
                                             RSArefPrivateKey*) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_GenerateKeyWithIPK_RSA(void*, unsigned int, unsigned int, unsigned char*,
                                                unsigned int*, void**) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_GenerateKeyWithEPK_RSA(void*, unsigned int, RSArefPublicKey*,
                                                unsigned char*, unsigned int*, void**) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_ImportKeyWithISK_RSA(void*, unsigned int, unsigned char*, unsigned int,
                                              void**) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_ExchangeDigitEnvelopeBaseOnRSA(void*, unsigned int, RSArefPublicKey*,
                                                        unsigned char*, unsigned int,
                                                        unsigned char*, unsigned int*) {
  return SDR_NOTSUPPORT;
}

namespace {

// The signing (or encryption) public key of `index` into `out`.
int export_public_key(void* session_handle, unsigned index, bool signing, ECCrefPublicKey* out) {
  return guarded([&] {
    if (out == nullptr) return SDR_INARGERR;
    Lock lock(registry().mutex);
    Session* session;
    const KeySlot* slot;
    if (int rv = session_slot(session_handle, index, &session, &slot); rv != SDR_OK) return rv;
    put_public_key((signing ? slot->sign : slot->enc).public_key(), out);
    return SDR_OK;
  });
}

// The encryption key pair of `index`; with `need_right`, only when the session holds the
// access right. Needs the lock.
int enc_key(void* session_handle, unsigned index, bool need_right,
            std::optional<crypto::Sm2PrivateKey>* key) {
  Session* session;
  const KeySlot* slot;
  if (int rv = session_slot(session_handle, index, &session, &slot); rv != SDR_OK) return rv;
  if (need_right && session->rights.count(index) == 0) return SDR_PARDENY;
  *key = slot->enc;
  return SDR_OK;
}

// A new SM4 session key, SM2-encrypted to `recipient` into `out`, with its handle.
int generate_wrapped_key(void* session_handle, const crypto::Sm2PublicKey& recipient, unsigned bits,
                         ECCCipher* out, void** handle) {
  if (bits != kSessionKeyBits || out == nullptr || handle == nullptr) return SDR_INARGERR;
  auto key = crypto::random_secret(kSm4Key);
  if (!key) return SDR_RANDERR;
  if (int rv = encrypt(recipient, *key, out); rv != SDR_OK) return rv;
  Lock lock(registry().mutex);
  Session* session;
  if (int rv = find_session(session_handle, &session); rv != SDR_OK) return rv;
  return new_session_key(session_handle, std::move(*key), handle);
}

}  // namespace

ESEAL_SDF_EXPORT int SDF_ExportSignPublicKey_ECC(void* hSessionHandle, unsigned int uiKeyIndex,
                                                 ECCrefPublicKey* pucPublicKey) {
  return export_public_key(hSessionHandle, uiKeyIndex, true, pucPublicKey);
}

ESEAL_SDF_EXPORT int SDF_ExportEncPublicKey_ECC(void* hSessionHandle, unsigned int uiKeyIndex,
                                                ECCrefPublicKey* pucPublicKey) {
  return export_public_key(hSessionHandle, uiKeyIndex, false, pucPublicKey);
}

ESEAL_SDF_EXPORT int SDF_GenerateKeyPair_ECC(void* hSessionHandle, unsigned int uiAlgID,
                                             unsigned int uiKeyBits, ECCrefPublicKey* pucPublicKey,
                                             ECCrefPrivateKey* pucPrivateKey) {
  return guarded([&] {
    if (pucPublicKey == nullptr || pucPrivateKey == nullptr || uiKeyBits != 256) {
      return SDR_INARGERR;
    }
    if (!is_sm2_signature(uiAlgID) && !is_sm2_encryption(uiAlgID) && uiAlgID != SGD_SM2_2) {
      return SDR_ALGNOTSUPPORT;
    }
    {
      Lock lock(registry().mutex);
      Session* session;
      if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    }
    auto key = crypto::Sm2PrivateKey::generate();
    if (!key) return SDR_UNKNOWERR;
    put_public_key(key->public_key(), pucPublicKey);
    put_private_key(*key, pucPrivateKey);
    return SDR_OK;
  });
}

ESEAL_SDF_EXPORT int SDF_GenerateKeyWithIPK_ECC(void* hSessionHandle, unsigned int uiIPKIndex,
                                                unsigned int uiKeyBits, ECCCipher* pucKey,
                                                void** phKeyHandle) {
  return guarded([&] {
    std::optional<crypto::Sm2PrivateKey> key;
    {
      Lock lock(registry().mutex);
      if (int rv = enc_key(hSessionHandle, uiIPKIndex, false, &key); rv != SDR_OK) return rv;
    }
    return generate_wrapped_key(hSessionHandle, key->public_key(), uiKeyBits, pucKey, phKeyHandle);
  });
}

ESEAL_SDF_EXPORT int SDF_GenerateKeyWithEPK_ECC(void* hSessionHandle, unsigned int uiKeyBits,
                                                unsigned int uiAlgID, ECCrefPublicKey* pucPublicKey,
                                                ECCCipher* pucKey, void** phKeyHandle) {
  return guarded([&] {
    if (!is_sm2_encryption(uiAlgID)) return SDR_ALGNOTSUPPORT;
    auto recipient = get_public_key(pucPublicKey);
    if (!recipient) return SDR_INARGERR;
    {
      Lock lock(registry().mutex);
      Session* session;
      if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    }
    return generate_wrapped_key(hSessionHandle, *recipient, uiKeyBits, pucKey, phKeyHandle);
  });
}

ESEAL_SDF_EXPORT int SDF_ImportKeyWithISK_ECC(void* hSessionHandle, unsigned int uiISKIndex,
                                              ECCCipher* pucKey, void** phKeyHandle) {
  return guarded([&] {
    if (pucKey == nullptr || phKeyHandle == nullptr) return SDR_INARGERR;
    Lock lock(registry().mutex);
    std::optional<crypto::Sm2PrivateKey> key;
    if (int rv = enc_key(hSessionHandle, uiISKIndex, true, &key); rv != SDR_OK) return rv;
    crypto::SecureBytes plain;
    if (int rv = decrypt(*key, pucKey, &plain); rv != SDR_OK) return rv;
    if (plain.size() != kSm4Key) return SDR_KEYERR;
    return new_session_key(hSessionHandle, std::move(plain), phKeyHandle);
  });
}

ESEAL_SDF_EXPORT int SDF_GenerateAgreementDataWithECC(void*, unsigned int, unsigned int,
                                                      unsigned char*, unsigned int,
                                                      ECCrefPublicKey*, ECCrefPublicKey*, void**) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_GenerateKeyWithECC(void*, unsigned char*, unsigned int, ECCrefPublicKey*,
                                            ECCrefPublicKey*, void*, void**) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_GenerateAgreementDataAndKeyWithECC(
    void*, unsigned int, unsigned int, unsigned char*, unsigned int, unsigned char*, unsigned int,
    ECCrefPublicKey*, ECCrefPublicKey*, ECCrefPublicKey*, ECCrefPublicKey*, void**) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_ExchangeDigitEnvelopeBaseOnECC(void*, unsigned int, unsigned int,
                                                        ECCrefPublicKey*, ECCCipher*, ECCCipher*) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_GenerateKeyWithKEK(void* hSessionHandle, unsigned int uiKeyBits,
                                            unsigned int uiAlgID, unsigned int uiKEKIndex,
                                            unsigned char* pucKey, unsigned int* puiKeyLength,
                                            void** phKeyHandle) {
  return guarded([&] {
    if (uiKeyBits != kSessionKeyBits || pucKey == nullptr || puiKeyLength == nullptr ||
        phKeyHandle == nullptr || !valid_index(uiKEKIndex)) {
      return SDR_INARGERR;
    }
    if (uiAlgID != SGD_SM4_ECB) return SDR_ALGNOTSUPPORT;
    Lock lock(registry().mutex);
    Session* session;
    Backing* backing;
    if (int rv = find_session(hSessionHandle, &session, &backing); rv != SDR_OK) return rv;
    auto kek = backing->store.keks.find(uiKEKIndex);
    if (kek == backing->store.keks.end()) return SDR_KEYNOTEXIST;
    auto key = crypto::random_secret(kSm4Key);
    if (!key) return SDR_RANDERR;
    auto wrapped = crypto::sm4_ecb_encrypt(kek->second, *key, crypto::Padding::kNone);
    if (!wrapped) return SDR_SYMOPERR;
    std::memcpy(pucKey, wrapped->data(), wrapped->size());
    *puiKeyLength = static_cast<unsigned>(wrapped->size());
    return new_session_key(hSessionHandle, std::move(*key), phKeyHandle);
  });
}

ESEAL_SDF_EXPORT int SDF_ImportKeyWithKEK(void* hSessionHandle, unsigned int uiAlgID,
                                          unsigned int uiKEKIndex, unsigned char* pucKey,
                                          unsigned int uiKeyLength, void** phKeyHandle) {
  return guarded([&] {
    if (pucKey == nullptr || uiKeyLength != kSm4Key || phKeyHandle == nullptr ||
        !valid_index(uiKEKIndex)) {
      return SDR_INARGERR;
    }
    if (uiAlgID != SGD_SM4_ECB) return SDR_ALGNOTSUPPORT;
    Lock lock(registry().mutex);
    Session* session;
    Backing* backing;
    if (int rv = find_session(hSessionHandle, &session, &backing); rv != SDR_OK) return rv;
    auto kek = backing->store.keks.find(uiKEKIndex);
    if (kek == backing->store.keks.end()) return SDR_KEYNOTEXIST;
    auto key =
        crypto::sm4_ecb_decrypt(kek->second, ByteView(pucKey, uiKeyLength), crypto::Padding::kNone);
    if (!key) return SDR_SYMOPERR;
    return new_session_key(hSessionHandle, std::move(*key), phKeyHandle);
  });
}

ESEAL_SDF_EXPORT int SDF_ImportKey(void* hSessionHandle, unsigned char* pucKey,
                                   unsigned int uiKeyLength, void** phKeyHandle) {
  return guarded([&] {
    if (pucKey == nullptr || uiKeyLength != kSm4Key || phKeyHandle == nullptr) {
      return SDR_INARGERR;
    }
    Lock lock(registry().mutex);
    Session* session;
    if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    return new_session_key(hSessionHandle, crypto::to_secure(ByteView(pucKey, uiKeyLength)),
                           phKeyHandle);
  });
}

ESEAL_SDF_EXPORT int SDF_DestroyKey(void* hSessionHandle, void* hKeyHandle) {
  return guarded([&] {
    Lock lock(registry().mutex);
    Session* session;
    if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    const crypto::SecureBytes* key;
    if (int rv = find_key(hSessionHandle, hKeyHandle, &key); rv != SDR_OK) return rv;
    registry().keys.erase(id_of(hKeyHandle));
    return SDR_OK;
  });
}

// ---------------------------------------------------------------- 6.4 Asymmetric operations.

ESEAL_SDF_EXPORT int SDF_ExternalPublicKeyOperation_RSA(void*, RSArefPublicKey*, unsigned char*,
                                                        unsigned int, unsigned char*,
                                                        unsigned int*) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_ExternalPrivateKeyOperation_RSA(void*, RSArefPrivateKey*, unsigned char*,
                                                         unsigned int, unsigned char*,
                                                         unsigned int*) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_InternalPublicKeyOperation_RSA(void*, unsigned int, unsigned char*,
                                                        unsigned int, unsigned char*,
                                                        unsigned int*) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_InternalPrivateKeyOperation_RSA(void*, unsigned int, unsigned char*,
                                                         unsigned int, unsigned char*,
                                                         unsigned int*) {
  return SDR_NOTSUPPORT;
}

ESEAL_SDF_EXPORT int SDF_ExternalSign_ECC(void* hSessionHandle, unsigned int uiAlgID,
                                          ECCrefPrivateKey* pucPrivateKey, unsigned char* pucData,
                                          unsigned int uiDataLength, ECCSignature* pucSignature) {
  return guarded([&] {
    if (!is_sm2_signature(uiAlgID)) return SDR_ALGNOTSUPPORT;
    auto key = get_private_key(pucPrivateKey);
    if (!key) return SDR_INARGERR;
    {
      Lock lock(registry().mutex);
      Session* session;
      if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    }
    return sign(*key, pucData, uiDataLength, pucSignature);
  });
}

ESEAL_SDF_EXPORT int SDF_ExternalVerify_ECC(void* hSessionHandle, unsigned int uiAlgID,
                                            ECCrefPublicKey* pucPublicKey,
                                            unsigned char* pucDataInput, unsigned int uiInputLength,
                                            ECCSignature* pucSignature) {
  return guarded([&] {
    if (!is_sm2_signature(uiAlgID)) return SDR_ALGNOTSUPPORT;
    auto key = get_public_key(pucPublicKey);
    if (!key) return SDR_INARGERR;
    {
      Lock lock(registry().mutex);
      Session* session;
      if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    }
    return verify(*key, pucDataInput, uiInputLength, pucSignature);
  });
}

ESEAL_SDF_EXPORT int SDF_InternalSign_ECC(void* hSessionHandle, unsigned int uiISKIndex,
                                          unsigned char* pucData, unsigned int uiDataLength,
                                          ECCSignature* pucSignature) {
  return guarded([&] {
    std::optional<crypto::Sm2PrivateKey> key;
    {
      Lock lock(registry().mutex);
      Session* session;
      const KeySlot* slot;
      if (int rv = session_slot(hSessionHandle, uiISKIndex, &session, &slot); rv != SDR_OK)
        return rv;
      if (session->rights.count(uiISKIndex) == 0) return SDR_PARDENY;
      key = slot->sign;
    }
    return sign(*key, pucData, uiDataLength, pucSignature);
  });
}

ESEAL_SDF_EXPORT int SDF_InternalVerify_ECC(void* hSessionHandle, unsigned int uiIPKIndex,
                                            unsigned char* pucData, unsigned int uiDataLength,
                                            ECCSignature* pucSignature) {
  return guarded([&] {
    std::optional<crypto::Sm2PublicKey> key;
    {
      Lock lock(registry().mutex);
      Session* session;
      const KeySlot* slot;
      if (int rv = session_slot(hSessionHandle, uiIPKIndex, &session, &slot); rv != SDR_OK)
        return rv;
      key = slot->sign.public_key();
    }
    return verify(*key, pucData, uiDataLength, pucSignature);
  });
}

ESEAL_SDF_EXPORT int SDF_ExternalEncrypt_ECC(void* hSessionHandle, unsigned int uiAlgID,
                                             ECCrefPublicKey* pucPublicKey, unsigned char* pucData,
                                             unsigned int uiDataLength, ECCCipher* pucEncData) {
  return guarded([&] {
    if (!is_sm2_encryption(uiAlgID)) return SDR_ALGNOTSUPPORT;
    auto key = get_public_key(pucPublicKey);
    if (!key || pucData == nullptr) return SDR_INARGERR;
    {
      Lock lock(registry().mutex);
      Session* session;
      if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    }
    return encrypt(*key, ByteView(pucData, uiDataLength), pucEncData);
  });
}

ESEAL_SDF_EXPORT int SDF_ExternalDecrypt_ECC(void* hSessionHandle, unsigned int uiAlgID,
                                             ECCrefPrivateKey* pucPrivateKey, ECCCipher* pucEncData,
                                             unsigned char* pucData, unsigned int* puiDataLength) {
  return guarded([&] {
    if (!is_sm2_encryption(uiAlgID)) return SDR_ALGNOTSUPPORT;
    auto key = get_private_key(pucPrivateKey);
    if (!key || pucData == nullptr || puiDataLength == nullptr) return SDR_INARGERR;
    {
      Lock lock(registry().mutex);
      Session* session;
      if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    }
    crypto::SecureBytes plain;
    if (int rv = decrypt(*key, pucEncData, &plain); rv != SDR_OK) return rv;
    std::memcpy(pucData, plain.data(), plain.size());
    *puiDataLength = static_cast<unsigned>(plain.size());
    return SDR_OK;
  });
}

ESEAL_SDF_EXPORT int SDF_InternalEncrypt_ECC(void* hSessionHandle, unsigned int uiIPKIndex,
                                             unsigned int uiAlgID, unsigned char* pucData,
                                             unsigned int uiDataLength, ECCCipher* pucEncData) {
  return guarded([&] {
    if (!is_sm2_encryption(uiAlgID)) return SDR_ALGNOTSUPPORT;
    if (pucData == nullptr) return SDR_INARGERR;
    std::optional<crypto::Sm2PrivateKey> key;
    {
      Lock lock(registry().mutex);
      if (int rv = enc_key(hSessionHandle, uiIPKIndex, false, &key); rv != SDR_OK) return rv;
    }
    return encrypt(key->public_key(), ByteView(pucData, uiDataLength), pucEncData);
  });
}

ESEAL_SDF_EXPORT int SDF_InternalDecrypt_ECC(void* hSessionHandle, unsigned int uiISKIndex,
                                             unsigned int uiAlgID, ECCCipher* pucEncData,
                                             unsigned char* pucData, unsigned int* puiDataLength) {
  return guarded([&] {
    if (!is_sm2_encryption(uiAlgID)) return SDR_ALGNOTSUPPORT;
    if (pucData == nullptr || puiDataLength == nullptr) return SDR_INARGERR;
    std::optional<crypto::Sm2PrivateKey> key;
    {
      Lock lock(registry().mutex);
      if (int rv = enc_key(hSessionHandle, uiISKIndex, true, &key); rv != SDR_OK) return rv;
    }
    crypto::SecureBytes plain;
    if (int rv = decrypt(*key, pucEncData, &plain); rv != SDR_OK) return rv;
    std::memcpy(pucData, plain.data(), plain.size());
    *puiDataLength = static_cast<unsigned>(plain.size());
    return SDR_OK;
  });
}

// ---------------------------------------------------------------- 6.5 Symmetric operations.

namespace {

int symmetric(void* session_handle, void* key_handle, unsigned alg, unsigned char* iv,
              const unsigned char* in, unsigned length, unsigned char* out, unsigned* out_length,
              bool encrypting) {
  return guarded([&] {
    if (out == nullptr || out_length == nullptr) return SDR_INARGERR;
    crypto::SecureBytes key;
    {
      Lock lock(registry().mutex);
      Session* session;
      if (int rv = find_session(session_handle, &session); rv != SDR_OK) return rv;
      const crypto::SecureBytes* found;
      if (int rv = find_key(session_handle, key_handle, &found); rv != SDR_OK) return rv;
      key = *found;
    }
    crypto::SecureBytes result;
    if (int rv = sm4(key, alg, iv, in, length, encrypting, &result); rv != SDR_OK) return rv;
    std::memcpy(out, result.data(), result.size());
    *out_length = static_cast<unsigned>(result.size());
    return SDR_OK;
  });
}

}  // namespace

ESEAL_SDF_EXPORT int SDF_Encrypt(void* hSessionHandle, void* hKeyHandle, unsigned int uiAlgID,
                                 unsigned char* pucIV, unsigned char* pucData,
                                 unsigned int uiDataLength, unsigned char* pucEncData,
                                 unsigned int* puiEncDataLength) {
  return symmetric(hSessionHandle, hKeyHandle, uiAlgID, pucIV, pucData, uiDataLength, pucEncData,
                   puiEncDataLength, true);
}

ESEAL_SDF_EXPORT int SDF_Decrypt(void* hSessionHandle, void* hKeyHandle, unsigned int uiAlgID,
                                 unsigned char* pucIV, unsigned char* pucEncData,
                                 unsigned int uiEncDataLength, unsigned char* pucData,
                                 unsigned int* puiDataLength) {
  return symmetric(hSessionHandle, hKeyHandle, uiAlgID, pucIV, pucEncData, uiEncDataLength, pucData,
                   puiDataLength, false);
}

// SM4 CBC-MAC: the last block of SM4-CBC over the data (whole blocks), which is also left in
// pucIV to continue the chain.
ESEAL_SDF_EXPORT int SDF_CalculateMAC(void* hSessionHandle, void* hKeyHandle, unsigned int uiAlgID,
                                      unsigned char* pucIV, unsigned char* pucData,
                                      unsigned int uiDataLength, unsigned char* pucMAC,
                                      unsigned int* puiMACLength) {
  return guarded([&] {
    if (uiAlgID != SGD_SM4_MAC) return SDR_ALGNOTSUPPORT;
    if (pucIV == nullptr || pucMAC == nullptr || puiMACLength == nullptr) return SDR_INARGERR;
    crypto::SecureBytes key;
    {
      Lock lock(registry().mutex);
      Session* session;
      if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
      const crypto::SecureBytes* found;
      if (int rv = find_key(hSessionHandle, hKeyHandle, &found); rv != SDR_OK) return rv;
      key = *found;
    }
    crypto::SecureBytes chain;
    int rv = sm4(key, SGD_SM4_CBC, pucIV, pucData, uiDataLength, true, &chain);
    if (rv != SDR_OK) return rv == SDR_SYMOPERR ? SDR_MACERR : rv;
    std::memcpy(pucMAC, pucIV, crypto::kSm4BlockSize);
    *puiMACLength = static_cast<unsigned>(crypto::kSm4BlockSize);
    return SDR_OK;
  });
}

// ---------------------------------------------------------------- 6.6 Hashing.

ESEAL_SDF_EXPORT int SDF_HashInit(void* hSessionHandle, unsigned int uiAlgID,
                                  ECCrefPublicKey* pucPublicKey, unsigned char* pucID,
                                  unsigned int uiIDLength) {
  return guarded([&] {
    if (uiAlgID != SGD_SM3) return SDR_ALGNOTSUPPORT;
    crypto::Hasher hasher(crypto::HashAlgorithm::kSm3);
    if (pucPublicKey != nullptr) {
      // e = SM3(Z || M): Z needs the signer's public key and ID.
      if (pucID == nullptr || uiIDLength == 0 || uiIDLength > kMaxId) return SDR_INARGERR;
      auto key = get_public_key(pucPublicKey);
      if (!key) return SDR_INARGERR;
      auto z = crypto::sm2_z_value(
          *key, std::string_view(reinterpret_cast<const char*>(pucID), uiIDLength));
      if (!z) return SDR_INARGERR;
      hasher.update(*z);
    }
    Lock lock(registry().mutex);
    Session* session;
    if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    session->hash = std::move(hasher);
    return SDR_OK;
  });
}

ESEAL_SDF_EXPORT int SDF_HashUpdate(void* hSessionHandle, unsigned char* pucData,
                                    unsigned int uiDataLength) {
  return guarded([&] {
    if (pucData == nullptr && uiDataLength > 0) return SDR_INARGERR;
    Lock lock(registry().mutex);
    Session* session;
    if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    if (!session->hash) return SDR_STEPERR;
    if (uiDataLength > 0) session->hash->update(ByteView(pucData, uiDataLength));
    return SDR_OK;
  });
}

ESEAL_SDF_EXPORT int SDF_HashFinal(void* hSessionHandle, unsigned char* pucHash,
                                   unsigned int* puiHashLength) {
  return guarded([&] {
    if (pucHash == nullptr || puiHashLength == nullptr) return SDR_INARGERR;
    Lock lock(registry().mutex);
    Session* session;
    if (int rv = find_session(hSessionHandle, &session); rv != SDR_OK) return rv;
    if (!session->hash) return SDR_STEPERR;
    Bytes digest = session->hash->finish();
    session->hash.reset();
    std::memcpy(pucHash, digest.data(), digest.size());
    *puiHashLength = static_cast<unsigned>(digest.size());
    return SDR_OK;
  });
}

// ---------------------------------------------------------------- 6.7 Files.

ESEAL_SDF_EXPORT int SDF_CreateFile(void* hSessionHandle, unsigned char* pucFileName,
                                    unsigned int uiNameLen, unsigned int uiFileSize) {
  return guarded([&] {
    auto name = file_name(pucFileName, uiNameLen);
    if (!name) return SDR_INARGERR;
    if (uiFileSize > kMaxFileSize) return SDR_FILESIZEERR;
    Lock lock(registry().mutex);
    Session* session;
    Backing* backing;
    if (int rv = find_session(hSessionHandle, &session, &backing); rv != SDR_OK) return rv;
    return mutate(*backing, [&](Store& store) {
      if (store.files.count(*name) != 0) return SDR_FILEEXSITS;
      store.files.emplace(*name, Bytes(uiFileSize, 0));
      return SDR_OK;
    });
  });
}

ESEAL_SDF_EXPORT int SDF_ReadFile(void* hSessionHandle, unsigned char* pucFileName,
                                  unsigned int uiNameLen, unsigned int uiOffset,
                                  unsigned int* puiReadLength, unsigned char* pucBuffer) {
  return guarded([&] {
    auto name = file_name(pucFileName, uiNameLen);
    if (!name || puiReadLength == nullptr) return SDR_INARGERR;
    Lock lock(registry().mutex);
    Session* session;
    Backing* backing;
    if (int rv = find_session(hSessionHandle, &session, &backing); rv != SDR_OK) return rv;
    auto file = backing->store.files.find(*name);
    if (file == backing->store.files.end()) return SDR_FILENOEXIST;
    const Bytes& data = file->second;
    if (uiOffset > data.size()) return SDR_FILEOFSERR;
    std::size_t count = std::min<std::size_t>(*puiReadLength, data.size() - uiOffset);
    if (count > 0 && pucBuffer == nullptr) return SDR_INARGERR;
    if (count > 0) std::memcpy(pucBuffer, data.data() + uiOffset, count);
    *puiReadLength = static_cast<unsigned>(count);
    return SDR_OK;
  });
}

ESEAL_SDF_EXPORT int SDF_WriteFile(void* hSessionHandle, unsigned char* pucFileName,
                                   unsigned int uiNameLen, unsigned int uiOffset,
                                   unsigned int uiWriteLength, unsigned char* pucBuffer) {
  return guarded([&] {
    auto name = file_name(pucFileName, uiNameLen);
    if (!name || (pucBuffer == nullptr && uiWriteLength > 0)) return SDR_INARGERR;
    Lock lock(registry().mutex);
    Session* session;
    Backing* backing;
    if (int rv = find_session(hSessionHandle, &session, &backing); rv != SDR_OK) return rv;
    return mutate(*backing, [&](Store& store) {
      auto file = store.files.find(*name);
      if (file == store.files.end()) return SDR_FILENOEXIST;
      Bytes& data = file->second;
      if (uiOffset > data.size()) return SDR_FILEOFSERR;
      if (uiWriteLength > data.size() - uiOffset) return SDR_FILESIZEERR;
      if (uiWriteLength > 0) std::memcpy(data.data() + uiOffset, pucBuffer, uiWriteLength);
      return SDR_OK;
    });
  });
}

ESEAL_SDF_EXPORT int SDF_DeleteFile(void* hSessionHandle, unsigned char* pucFileName,
                                    unsigned int uiNameLen) {
  return guarded([&] {
    auto name = file_name(pucFileName, uiNameLen);
    if (!name) return SDR_INARGERR;
    Lock lock(registry().mutex);
    Session* session;
    Backing* backing;
    if (int rv = find_session(hSessionHandle, &session, &backing); rv != SDR_OK) return rv;
    return mutate(*backing, [&](Store& store) {
      return store.files.erase(*name) == 1 ? SDR_OK : SDR_FILENOEXIST;
    });
  });
}

// ---------------------------------------------------------------- Extension (soft_sdf.h).

ESEAL_SDF_EXPORT int ESEAL_SDF_GenerateKeyPair(unsigned int uiKeyIndex, const char* pucPassword,
                                               ECCrefPublicKey* pucSignPublicKey) {
  return guarded([&] {
    if (!valid_index(uiKeyIndex) || pucPassword == nullptr) return SDR_INARGERR;
    std::size_t length = strnlen(pucPassword, kMaxPassword + 1);
    if (length == 0 || length > kMaxPassword) return SDR_INARGERR;
    auto dir = device_dir();
    if (dir.empty()) return SDR_OPENDEVICE;
    auto slot = make_slot(std::string_view(pucPassword, length));
    if (!slot) return SDR_UNKNOWERR;
    crypto::Sm2PublicKey public_key = slot->sign.public_key();

    Lock lock(registry().mutex);
    auto backing = attach(dir);
    if (!backing) return SDR_OPENDEVICE;
    int rv = refresh(*backing);
    if (rv == SDR_OK) {
      rv = mutate(*backing, [&](Store& store) {
        store.keys.insert_or_assign(uiKeyIndex, std::move(*slot));
        return SDR_OK;
      });
    }
    if (rv == SDR_OK) {
      // Rights granted for the replaced key do not carry over to the new one.
      for (auto& [id, session] : registry().sessions) {
        auto device = registry().devices.find(session.device);
        if (device != registry().devices.end() && device->second.backing == backing) {
          session.rights.erase(uiKeyIndex);
        }
      }
      if (pucSignPublicKey != nullptr) put_public_key(public_key, pucSignPublicKey);
    }
    detach_if_unused(backing);
    return rv;
  });
}

ESEAL_SDF_EXPORT int ESEAL_SDF_GenerateKEK(unsigned int uiKEKIndex) {
  return guarded([&] {
    if (!valid_index(uiKEKIndex)) return SDR_INARGERR;
    auto dir = device_dir();
    if (dir.empty()) return SDR_OPENDEVICE;
    auto kek = crypto::random_secret(kSm4Key);
    if (!kek) return SDR_RANDERR;

    Lock lock(registry().mutex);
    auto backing = attach(dir);
    if (!backing) return SDR_OPENDEVICE;
    int rv = refresh(*backing);
    if (rv == SDR_OK) {
      rv = mutate(*backing, [&](Store& store) {
        store.keks.insert_or_assign(uiKEKIndex, std::move(*kek));
        return SDR_OK;
      });
    }
    detach_if_unused(backing);
    return rv;
  });
}
