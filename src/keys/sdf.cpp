#include "keys/sdf.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <limits>

#include "crypto/sm2_cipher.h"
#include "keys/gmt0018.h"

namespace eseal::keys {

// Every function eseal requires of a vendor's library, in one list for the table and the loader.
#define ESEAL_SDF_REQUIRED(X)     \
  X(OpenDevice)                   \
  X(CloseDevice)                  \
  X(OpenSession)                  \
  X(CloseSession)                 \
  X(GetDeviceInfo)                \
  X(GenerateRandom)               \
  X(GetPrivateKeyAccessRight)     \
  X(ReleasePrivateKeyAccessRight) \
  X(ExportSignPublicKey_ECC)      \
  X(ExportEncPublicKey_ECC)       \
  X(InternalSign_ECC)             \
  X(HashInit)                     \
  X(HashUpdate)                   \
  X(HashFinal)                    \
  X(CreateFile)                   \
  X(ReadFile)                     \
  X(WriteFile)                    \
  X(DeleteFile)

// The functions eseal calls, typed from the standard's prototypes.
struct SdfFunctions {
#define ESEAL_SDF(name) decltype(&::SDF_##name) name = nullptr;
  ESEAL_SDF_REQUIRED(ESEAL_SDF)
  // Optional (not in the 2012 text): null when the library lacks it.
  ESEAL_SDF(InternalDecrypt_ECC)
#undef ESEAL_SDF
  // eseal's software device only (keys/soft_sdf/soft_sdf.h).
  int (*GenerateKeyPair)(unsigned int, const char*, ECCrefPublicKey*) = nullptr;
};

namespace {

constexpr std::size_t kScalar = 32;  // SM2 values: the last 32 bytes of 64
constexpr std::size_t kPad = ECCref_MAX_LEN - kScalar;
constexpr std::size_t kHashChunk = 64 * 1024;
constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kMaxIdleSessions = 8;

std::string hex_code(int rv) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08X", static_cast<unsigned>(rv));
  return hex;
}

// SDR_OK, or an error naming the function and the code in the kind a caller can act on.
Status check(int rv, const char* function, const std::string& what = {}) {
  if (rv == SDR_OK) return ok_status();
  std::string message = std::string("SDF_") + function + (what.empty() ? "" : " (" + what + ")") +
                        " failed: " + sdr_name(rv) + " (" + hex_code(rv) + ")";
  switch (rv) {
    case SDR_KEYNOTEXIST:
    case SDR_FILENOEXIST:
      return Error::not_found(std::move(message));
    case SDR_INARGERR:
    case SDR_OUTARGERR:
    case SDR_FILEEXSITS:
    case SDR_FILESIZEERR:
    case SDR_FILEOFSERR:
    case SDR_ENCDATAERR:
      return Error::invalid_input(std::move(message));
    case SDR_VERIFYERR:
      return Error::verification_failed(std::move(message));
    case SDR_COMMFAIL:
    case SDR_HARDFAIL:
    case SDR_OPENDEVICE:
    case SDR_OPENSESSION:
    case SDR_FILEWERR:
      return Error::io(std::move(message));
    default:
      return Error::internal(std::move(message));
  }
}

std::string text(const unsigned char* field, std::size_t size) {
  std::string out(reinterpret_cast<const char*>(field),
                  strnlen(reinterpret_cast<const char*>(field), size));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool zeros(const unsigned char* p, std::size_t n) {
  return std::all_of(p, p + n, [](unsigned char c) { return c == 0; });
}

ECCrefPublicKey to_ecc_ref(const crypto::Sm2PublicKey& key) {
  Bytes point = key.point();  // 04 || x || y
  ECCrefPublicKey out;
  std::memset(&out, 0, sizeof out);
  out.bits = 256;
  std::memcpy(out.x + kPad, point.data() + 1, kScalar);
  std::memcpy(out.y + kPad, point.data() + 1 + kScalar, kScalar);
  return out;
}

Result<crypto::Sm2PublicKey> from_ecc_ref(const ECCrefPublicKey& key, const std::string& what) {
  if (key.bits != 256 || !zeros(key.x, kPad) || !zeros(key.y, kPad)) {
    return Error::internal(what + " is not a 256-bit SM2 key (bits " + std::to_string(key.bits) +
                           ")");
  }
  Bytes point{0x04};
  point.insert(point.end(), key.x + kPad, key.x + ECCref_MAX_LEN);
  point.insert(point.end(), key.y + kPad, key.y + ECCref_MAX_LEN);
  auto result = crypto::Sm2PublicKey::from_point(point);
  if (!result) return Error::internal(what + ": " + result.error().message);
  return result;
}

unsigned char* bytes_of(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

// The C API takes inputs through non-const pointers; it does not write them.
unsigned char* input(ByteView data) {
  return const_cast<unsigned char*>(data.data());
}

Status check_name(const std::string& name) {
  if (name.empty() || name.size() > 128) {
    return Error::invalid_input("a device file name is 1 to 128 bytes, got " +
                                std::to_string(name.size()));
  }
  return ok_status();
}

Status check_size(std::size_t size, const char* what) {
  if (size > std::numeric_limits<unsigned>::max()) {
    return Error::invalid_input(std::string(what) + " is too large for the device");
  }
  return ok_status();
}

}  // namespace

const char* sdr_name(int code) {
  switch (code) {
    case SDR_OK:
      return "SDR_OK";
    case SDR_UNKNOWERR:
      return "SDR_UNKNOWERR";
    case SDR_NOTSUPPORT:
      return "SDR_NOTSUPPORT";
    case SDR_COMMFAIL:
      return "SDR_COMMFAIL";
    case SDR_HARDFAIL:
      return "SDR_HARDFAIL";
    case SDR_OPENDEVICE:
      return "SDR_OPENDEVICE";
    case SDR_OPENSESSION:
      return "SDR_OPENSESSION";
    case SDR_PARDENY:
      return "SDR_PARDENY";
    case SDR_KEYNOTEXIST:
      return "SDR_KEYNOTEXIST";
    case SDR_ALGNOTSUPPORT:
      return "SDR_ALGNOTSUPPORT";
    case SDR_ALGMODNOTSUPPORT:
      return "SDR_ALGMODNOTSUPPORT";
    case SDR_PKOPERR:
      return "SDR_PKOPERR";
    case SDR_SKOPERR:
      return "SDR_SKOPERR";
    case SDR_SIGNERR:
      return "SDR_SIGNERR";
    case SDR_VERIFYERR:
      return "SDR_VERIFYERR";
    case SDR_SYMOPERR:
      return "SDR_SYMOPERR";
    case SDR_STEPERR:
      return "SDR_STEPERR";
    case SDR_FILESIZEERR:
      return "SDR_FILESIZEERR";
    case SDR_FILENOEXIST:
      return "SDR_FILENOEXIST";
    case SDR_FILEOFSERR:
      return "SDR_FILEOFSERR";
    case SDR_KEYTYPEERR:
      return "SDR_KEYTYPEERR";
    case SDR_KEYERR:
      return "SDR_KEYERR";
    case SDR_ENCDATAERR:
      return "SDR_ENCDATAERR";
    case SDR_RANDERR:
      return "SDR_RANDERR";
    case SDR_PRKRERR:
      return "SDR_PRKRERR";
    case SDR_MACERR:
      return "SDR_MACERR";
    case SDR_FILEEXSITS:
      return "SDR_FILEEXSITS";
    case SDR_FILEWERR:
      return "SDR_FILEWERR";
    case SDR_NOBUFFER:
      return "SDR_NOBUFFER";
    case SDR_INARGERR:
      return "SDR_INARGERR";
    case SDR_OUTARGERR:
      return "SDR_OUTARGERR";
    default:
      return "an unknown code";
  }
}

// A session borrowed for one operation: returned to the pool when the operation marks it
// clean, closed otherwise (a failure may have left a right or a hash in it).
class SdfDevice::Lease {
 public:
  Lease(SdfDevice& device, void* session) : device_(device), session_(session) {}
  ~Lease() { device_.release(session_, clean_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  void* get() const { return session_; }
  void done() { clean_ = true; }

 private:
  SdfDevice& device_;
  void* session_;
  bool clean_ = false;
};

Result<std::shared_ptr<SdfDevice>> SdfDevice::open(const std::string& library_path) {
  auto library = DeviceLibrary::open(library_path);
  if (!library) return library.error();
  auto f = std::make_unique<SdfFunctions>();
  Status missing = ok_status();
  auto resolve = [&](auto& slot, const char* name) {
    if (missing) missing = library->bind(slot, name);
  };
#define ESEAL_SDF(name) resolve(f->name, "SDF_" #name);
  ESEAL_SDF_REQUIRED(ESEAL_SDF)
#undef ESEAL_SDF
  if (!missing) return missing.error();
  if (!library->bind(f->InternalDecrypt_ECC, "SDF_InternalDecrypt_ECC")) {
    f->InternalDecrypt_ECC = nullptr;
  }
  // Absent from every vendor's library: not an error.
  if (!library->bind(f->GenerateKeyPair, "ESEAL_SDF_GenerateKeyPair")) f->GenerateKeyPair = nullptr;

  void* handle = nullptr;
  if (auto s = check(f->OpenDevice(&handle), "OpenDevice", library_path); !s) {
    return Error::io(s.error().message);
  }
  return std::shared_ptr<SdfDevice>(new SdfDevice(std::move(*library), std::move(f), handle));
}

SdfDevice::SdfDevice(DeviceLibrary library, std::unique_ptr<SdfFunctions> f, void* handle)
    : library_(std::move(library)), f_(std::move(f)), handle_(handle) {}

SdfDevice::~SdfDevice() {
  for (void* session : idle_) f_->CloseSession(session);
  f_->CloseDevice(handle_);
}

Result<void*> SdfDevice::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      void* session = idle_.back();
      idle_.pop_back();
      return session;
    }
  }
  void* session = nullptr;
  if (auto s = check(f_->OpenSession(handle_, &session), "OpenSession"); !s) return s.error();
  return session;
}

void SdfDevice::release(void* session, bool reusable) {
  if (reusable) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdleSessions) {
      idle_.push_back(session);
      return;
    }
  }
  f_->CloseSession(session);
}

bool SdfDevice::makes_keys() const {
  return f_->GenerateKeyPair != nullptr;
}

Result<crypto::Sm2PublicKey> SdfDevice::make_key_pair(unsigned index, const std::string& password) {
  if (!makes_keys()) {
    return Error::invalid_input(library_path() +
                                " is a vendor's library: its keys are made with the vendor's tool");
  }
  if (password.empty()) return Error::invalid_input("a key index needs a non-empty password");
  {
    std::lock_guard lock(mutex_);
    if (auto s = check(f_->GenerateKeyPair(index, password.c_str(), nullptr), "GenerateKeyPair",
                       "index " + std::to_string(index));
        !s)
      return s.error();
  }
  return sign_public_key(index);
}

Result<SdfDeviceInfo> SdfDevice::info() {
  auto session = acquire();
  if (!session) return session.error();
  Lease lease(*this, *session);
  DEVICEINFO raw;
  std::memset(&raw, 0, sizeof raw);
  if (auto s = check(f_->GetDeviceInfo(lease.get(), &raw), "GetDeviceInfo"); !s) {
    return s.error();
  }
  lease.done();
  SdfDeviceInfo out;
  out.issuer = text(raw.IssuerName, sizeof raw.IssuerName);
  out.name = text(raw.DeviceName, sizeof raw.DeviceName);
  out.serial = text(raw.DeviceSerial, sizeof raw.DeviceSerial);
  out.device_version = raw.DeviceVersion;
  out.standard_version = raw.StandardVersion;
  out.asymmetric_algorithms = raw.AsymAlgAbility[0];
  out.symmetric_algorithms = raw.SymAlgAbility;
  out.hash_algorithms = raw.HashAlgAbility;
  out.buffer_size = raw.BufferSize;
  return out;
}

Result<crypto::Sm2PublicKey> SdfDevice::public_key(unsigned index, bool signing) {
  auto session = acquire();
  if (!session) return session.error();
  Lease lease(*this, *session);
  ECCrefPublicKey raw;
  std::memset(&raw, 0, sizeof raw);
  std::string what = "key index " + std::to_string(index);
  Status s = signing ? check(f_->ExportSignPublicKey_ECC(lease.get(), index, &raw),
                             "ExportSignPublicKey_ECC", what)
                     : check(f_->ExportEncPublicKey_ECC(lease.get(), index, &raw),
                             "ExportEncPublicKey_ECC", what);
  if (!s) return s.error();
  lease.done();
  return from_ecc_ref(
      raw, std::string(signing ? "the signing" : "the encryption") + " public key of " + what);
}

Result<crypto::Sm2PublicKey> SdfDevice::sign_public_key(unsigned index) {
  return public_key(index, true);
}

Result<crypto::Sm2PublicKey> SdfDevice::encryption_public_key(unsigned index) {
  return public_key(index, false);
}

Status SdfDevice::take_right(void* session, unsigned index, const std::string& password) {
  if (password.empty() || password.size() > std::numeric_limits<unsigned>::max()) {
    return Error::invalid_input("the password of key index " + std::to_string(index) +
                                (password.empty() ? " is empty" : " is too long"));
  }
  std::string copy = password;  // the C API takes a non-const pointer
  int rv = f_->GetPrivateKeyAccessRight(session, index, bytes_of(copy),
                                        static_cast<unsigned>(copy.size()));
  OPENSSL_cleanse(copy.data(), copy.size());
  if (rv == SDR_PARDENY || rv == SDR_PRKRERR) {
    return Error::verification_failed("the password of key index " + std::to_string(index) +
                                      " is incorrect: SDF_GetPrivateKeyAccessRight failed: " +
                                      sdr_name(rv) + " (" + hex_code(rv) + ")")
        .with_code(kDevicePinIncorrect);
  }
  return check(rv, "GetPrivateKeyAccessRight", "key index " + std::to_string(index));
}

Status SdfDevice::check_password(unsigned index, const std::string& password) {
  auto session = acquire();
  if (!session) return session.error();
  Lease lease(*this, *session);
  if (auto s = take_right(lease.get(), index, password); !s) return s;
  if (auto s = check(f_->ReleasePrivateKeyAccessRight(lease.get(), index),
                     "ReleasePrivateKeyAccessRight");
      !s) {
    return s;
  }
  lease.done();
  return ok_status();
}

Result<Bytes> SdfDevice::sign_digest(unsigned index, const std::string& password, ByteView e) {
  if (e.size() != kScalar) {
    return Error::invalid_input("an SM2 digest is 32 bytes (SM3(Z || M)), got " +
                                std::to_string(e.size()));
  }
  auto session = acquire();
  if (!session) return session.error();
  Lease lease(*this, *session);
  if (auto s = take_right(lease.get(), index, password); !s) return s.error();
  unsigned char digest[kScalar];
  std::memcpy(digest, e.data(), kScalar);
  ECCSignature raw;
  std::memset(&raw, 0, sizeof raw);
  std::string what = "key index " + std::to_string(index);
  Status signed_ = check(f_->InternalSign_ECC(lease.get(), index, digest, kScalar, &raw),
                         "InternalSign_ECC", what);
  Status released = check(f_->ReleasePrivateKeyAccessRight(lease.get(), index),
                          "ReleasePrivateKeyAccessRight", what);
  if (!signed_) return signed_.error();
  if (!released) return released.error();
  lease.done();
  if (!zeros(raw.r, kPad) || !zeros(raw.s, kPad)) {
    return Error::internal("SDF_InternalSign_ECC returned a signature that is not 256-bit");
  }
  Bytes rs(raw.r + kPad, raw.r + ECCref_MAX_LEN);
  rs.insert(rs.end(), raw.s + kPad, raw.s + ECCref_MAX_LEN);
  auto der = crypto::sm2_signature_raw_to_der(rs);
  if (!der) return Error::internal("SDF_InternalSign_ECC: " + der.error().message);
  return der;
}

Result<Bytes> SdfDevice::hash_for_signing(const crypto::Sm2PublicKey& key, ByteView message) {
  auto session = acquire();
  if (!session) return session.error();
  Lease lease(*this, *session);
  ECCrefPublicKey public_key = to_ecc_ref(key);
  std::string id(crypto::kSm2DefaultUserId);
  if (auto s = check(f_->HashInit(lease.get(), SGD_SM3, &public_key, bytes_of(id),
                                  static_cast<unsigned>(id.size())),
                     "HashInit");
      !s) {
    return s.error();
  }
  for (std::size_t at = 0; at < message.size(); at += kHashChunk) {
    auto part = message.subspan(at, std::min(kHashChunk, message.size() - at));
    if (auto s = check(f_->HashUpdate(lease.get(), input(part), static_cast<unsigned>(part.size())),
                       "HashUpdate");
        !s) {
      return s.error();
    }
  }
  unsigned char digest[64];
  unsigned length = 0;
  if (auto s = check(f_->HashFinal(lease.get(), digest, &length), "HashFinal"); !s) {
    return s.error();
  }
  if (length != kScalar) {
    return Error::internal("SDF_HashFinal returned " + std::to_string(length) +
                           " bytes for SM3, not 32");
  }
  lease.done();
  return Bytes(digest, digest + kScalar);
}

Result<Bytes> SdfDevice::random(std::size_t count) {
  if (auto s = check_size(count, "the random length"); !s) return s.error();
  Bytes out(count);
  if (count == 0) return out;
  auto session = acquire();
  if (!session) return session.error();
  Lease lease(*this, *session);
  if (auto s = check(f_->GenerateRandom(lease.get(), static_cast<unsigned>(count), out.data()),
                     "GenerateRandom");
      !s) {
    return s.error();
  }
  lease.done();
  return out;
}

Result<crypto::SecureBytes> SdfDevice::decrypt(unsigned index, const std::string& password,
                                               ByteView ciphertext) {
  if (f_->InternalDecrypt_ECC == nullptr) {
    return Error::not_found("the device library " + library_path() +
                            " has no function SDF_InternalDecrypt_ECC")
        .with_code(kDeviceFunctionMissing);
  }
  auto format = crypto::sm2_ciphertext_detect(ciphertext);
  if (!format) return format.error();
  auto parts = crypto::sm2_ciphertext_decode(ciphertext, *format);
  if (!parts) return parts.error();
  if (parts->x.size() != kScalar || parts->y.size() != kScalar || parts->c3.size() != 32 ||
      parts->c2.empty() || parts->c2.size() > std::numeric_limits<unsigned>::max()) {
    return Error::invalid_input("not an SM2 ciphertext the device can take");
  }
  // ECCCipher with C2 after it: sizeof(ECCCipher) + L bytes.
  std::vector<unsigned char> buffer(sizeof(ECCCipher) + parts->c2.size(), 0);
  auto* cipher = reinterpret_cast<ECCCipher*>(buffer.data());
  std::memcpy(cipher->x + kPad, parts->x.data(), kScalar);
  std::memcpy(cipher->y + kPad, parts->y.data(), kScalar);
  std::memcpy(cipher->M, parts->c3.data(), 32);
  cipher->L = static_cast<unsigned>(parts->c2.size());
  std::memcpy(buffer.data() + offsetof(ECCCipher, C), parts->c2.data(), parts->c2.size());

  auto session = acquire();
  if (!session) return session.error();
  Lease lease(*this, *session);
  if (auto s = take_right(lease.get(), index, password); !s) return s.error();
  crypto::SecureBytes plain(parts->c2.size() + 64, 0);
  unsigned length = 0;
  std::string what = "key index " + std::to_string(index);
  Status decrypted =
      check(f_->InternalDecrypt_ECC(lease.get(), index, SGD_SM2_3, cipher, plain.data(), &length),
            "InternalDecrypt_ECC", what);
  Status released = check(f_->ReleasePrivateKeyAccessRight(lease.get(), index),
                          "ReleasePrivateKeyAccessRight", what);
  if (!decrypted) return decrypted.error();
  if (!released) return released.error();
  lease.done();
  if (length > parts->c2.size()) {
    return Error::internal("SDF_InternalDecrypt_ECC returned more bytes than it was given");
  }
  plain.resize(length);
  return plain;
}

Status SdfDevice::create_file(const std::string& name, std::size_t size) {
  if (auto s = check_name(name); !s) return s;
  if (auto s = check_size(size, "the file size"); !s) return s;
  auto session = acquire();
  if (!session) return session.error();
  Lease lease(*this, *session);
  std::string copy = name;
  if (auto s = check(f_->CreateFile(lease.get(), bytes_of(copy), static_cast<unsigned>(copy.size()),
                                    static_cast<unsigned>(size)),
                     "CreateFile", name);
      !s) {
    return s;
  }
  lease.done();
  return ok_status();
}

Status SdfDevice::write_file(const std::string& name, std::size_t offset, ByteView data) {
  if (auto s = check_name(name); !s) return s;
  if (auto s = check_size(offset, "the file offset"); !s) return s;
  if (auto s = check_size(data.size(), "the data"); !s) return s;
  auto session = acquire();
  if (!session) return session.error();
  Lease lease(*this, *session);
  std::string copy = name;
  if (auto s = check(f_->WriteFile(lease.get(), bytes_of(copy), static_cast<unsigned>(copy.size()),
                                   static_cast<unsigned>(offset),
                                   static_cast<unsigned>(data.size()), input(data)),
                     "WriteFile", name);
      !s) {
    return s;
  }
  lease.done();
  return ok_status();
}

Result<Bytes> SdfDevice::read_file(const std::string& name, std::size_t offset,
                                   std::size_t length) {
  if (auto s = check_name(name); !s) return s.error();
  if (auto s = check_size(offset, "the file offset"); !s) return s.error();
  if (auto s = check_size(length, "the length"); !s) return s.error();
  auto session = acquire();
  if (!session) return session.error();
  Lease lease(*this, *session);
  std::string copy = name;
  Bytes out(length);
  auto count = static_cast<unsigned>(length);
  if (auto s = check(f_->ReadFile(lease.get(), bytes_of(copy), static_cast<unsigned>(copy.size()),
                                  static_cast<unsigned>(offset), &count, out.data()),
                     "ReadFile", name);
      !s) {
    return s.error();
  }
  lease.done();
  if (count > length) return Error::internal("SDF_ReadFile read more than it was asked for");
  out.resize(count);
  return out;
}

Result<Bytes> SdfDevice::read_file(const std::string& name) {
  Bytes out;
  while (true) {
    auto part = read_file(name, out.size(), kReadChunk);
    if (!part) return part.error();
    append(out, *part);
    if (part->size() < kReadChunk) return out;
  }
}

Status SdfDevice::delete_file(const std::string& name) {
  if (auto s = check_name(name); !s) return s;
  auto session = acquire();
  if (!session) return session.error();
  Lease lease(*this, *session);
  std::string copy = name;
  if (auto s =
          check(f_->DeleteFile(lease.get(), bytes_of(copy), static_cast<unsigned>(copy.size())),
                "DeleteFile", name);
      !s) {
    return s;
  }
  lease.done();
  return ok_status();
}

namespace {

class SdfSigner final : public Signer {
 public:
  SdfSigner(std::shared_ptr<SdfDevice> device, unsigned index, std::string password,
            pki::Certificate certificate, crypto::Sm2PublicKey key,
            std::vector<pki::Certificate> chain)
      : device_(std::move(device)),
        index_(index),
        password_(std::move(password)),
        certificate_(std::move(certificate)),
        key_(std::move(key)),
        chain_(std::move(chain)) {}
  ~SdfSigner() override { OPENSSL_cleanse(password_.data(), password_.size()); }

  const pki::Certificate& certificate() const override { return certificate_; }
  std::span<const pki::Certificate> chain() const override { return chain_; }

  // The device hashes and signs: e = SM3(Z ‖ message) by SDF_HashInit with the public key.
  Result<Bytes> sign(ByteView to_be_signed) override {
    auto e = device_->hash_for_signing(key_, to_be_signed);
    if (!e) return e.error();
    return sign_digest(*e);
  }
  Result<Bytes> sign_digest(ByteView digest) override {
    return device_->sign_digest(index_, password_, digest);
  }

 private:
  std::shared_ptr<SdfDevice> device_;
  unsigned index_;
  std::string password_;
  pki::Certificate certificate_;
  crypto::Sm2PublicKey key_;
  std::vector<pki::Certificate> chain_;
};

}  // namespace

Result<std::unique_ptr<Signer>> sdf_signer(std::shared_ptr<SdfDevice> device, unsigned index,
                                           std::string password, pki::Certificate certificate,
                                           std::vector<pki::Certificate> chain) {
  if (!device) return Error::invalid_input("no SDF device");
  auto key = device->sign_public_key(index);
  if (!key) return key.error();
  auto certified = certificate.public_key();
  if (!certified) return certified.error().with_context("the signer's certificate");
  if (!(*certified == *key)) {
    return Error::invalid_input("the signing key of SDF key index " + std::to_string(index) +
                                " is not the key of the certificate of " +
                                certificate.subject().to_string())
        .with_code(kKeyMismatch);
  }
  if (auto s = device->check_password(index, password); !s) {
    OPENSSL_cleanse(password.data(), password.size());
    return s.error();
  }
  return std::unique_ptr<Signer>(new SdfSigner(std::move(device), index, std::move(password),
                                               std::move(certificate), std::move(*key),
                                               std::move(chain)));
}

}  // namespace eseal::keys
