// Server crypto devices (HSMs, PCI-E cards) through GM/T 0018 (SDF): a vendor's library loaded
// at run time (keys/device_library.h) — or eseal's software device, libeseal-softsdf.so — and
// the device's key pairs by index, as eseal uses them: to sign with a key index for a
// certificate (sdf_signer), the device computing e = SM3(Z ‖ message) and signing it, and the
// device's random numbers, files and decryption.
//
// A key index's private key is used after SDF_GetPrivateKeyAccessRight with its password; each
// operation borrows a session from a small pool, takes the right, uses it and releases it, so a
// session never keeps a right between operations. SdfDevice is safe to use from several threads
// at once (each operation has a session of its own).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/secure_buffer.h"
#include "crypto/sm2.h"
#include "keys/device_library.h"
#include "keys/signer.h"
#include "pki/certificate.h"

namespace eseal::keys {

// The name of an SDR_* return code ("SDR_PARDENY"), or "an unknown code".
const char* sdr_name(int code);

struct SdfDeviceInfo {
  std::string issuer, name, serial;
  unsigned device_version = 0, standard_version = 0;
  unsigned asymmetric_algorithms = 0;  // SGD_* ids ORed
  unsigned symmetric_algorithms = 0;
  unsigned hash_algorithms = 0;
  std::size_t buffer_size = 0;
};

struct SdfFunctions;  // the resolved function table (sdf.cpp)

// One device, opened (SDF_OpenDevice) through one vendor library.
//
// Errors name the SDF function and its code ("SDF_InternalSign_ECC failed: SDR_PARDENY
// (0x01000007)"). A wrong password is kVerificationFailed with code kDevicePinIncorrect; an
// empty key index or a missing file kNotFound; arguments the device refuses kInvalidInput;
// a device that cannot be reached kIo; anything else kInternal.
class SdfDevice {
 public:
  // Loads the library, resolves every function used below (kNotFound with code
  // kDeviceFunctionMissing naming the first one missing; code kDeviceLibraryMissing when the
  // library cannot be loaded) and opens the device (kIo when SDF_OpenDevice fails).
  static Result<std::shared_ptr<SdfDevice>> open(const std::string& library_path);
  ~SdfDevice();
  SdfDevice(const SdfDevice&) = delete;
  SdfDevice& operator=(const SdfDevice&) = delete;

  const std::string& library_path() const { return library_.path(); }

  Result<SdfDeviceInfo> info();

  // eseal's software device makes key pairs (a new signing and encryption pair at `index`,
  // opened by `password`, replacing what was there); a vendor's device cannot, and answers
  // kInvalidInput.
  bool makes_keys() const;
  Result<crypto::Sm2PublicKey> make_key_pair(unsigned index, const std::string& password);

  // The public keys of a key index (kNotFound when the index holds no key).
  Result<crypto::Sm2PublicKey> sign_public_key(unsigned index);
  Result<crypto::Sm2PublicKey> encryption_public_key(unsigned index);

  // Whether `password` opens key index `index` (the right is taken and released at once).
  Status check_password(unsigned index, const std::string& password);

  // The DER SM2Signature by key index `index` of the 32-byte e, as is.
  Result<Bytes> sign_digest(unsigned index, const std::string& password, ByteView e);

  // e = SM3(Z ‖ message), computed by the device (SDF_HashInit with the public key and the
  // default user ID "1234567812345678").
  Result<Bytes> hash_for_signing(const crypto::Sm2PublicKey& key, ByteView message);

  Result<Bytes> random(std::size_t count);

  // Decrypts an SM2 ciphertext (DER SM2Cipher, C1‖C3‖C2 or GM/T 0018 ECCCipher) with the
  // encryption key of `index`. Needs SDF_InternalDecrypt_ECC, which is not among the 2012
  // standard's functions: a library without it is refused here (code kDeviceFunctionMissing),
  // not when it is opened.
  Result<crypto::SecureBytes> decrypt(unsigned index, const std::string& password,
                                      ByteView ciphertext);

  // The device's files: created with a fixed size (zeros), then written and read by offset.
  // Names are at most 128 bytes.
  Status create_file(const std::string& name, std::size_t size);
  Status write_file(const std::string& name, std::size_t offset, ByteView data);
  // Up to `length` bytes from `offset` (fewer at the end of the file).
  Result<Bytes> read_file(const std::string& name, std::size_t offset, std::size_t length);
  // The whole file.
  Result<Bytes> read_file(const std::string& name);
  Status delete_file(const std::string& name);

 private:
  class Lease;
  SdfDevice(DeviceLibrary library, std::unique_ptr<SdfFunctions> f, void* handle);

  // A session for one operation: one from the pool, or a new one.
  Result<void*> acquire();
  // Back to the pool when `reusable` (the operation left it clean), closed otherwise.
  void release(void* session, bool reusable);
  Status take_right(void* session, unsigned index, const std::string& password);
  Result<crypto::Sm2PublicKey> public_key(unsigned index, bool signing);

  DeviceLibrary library_;
  std::unique_ptr<SdfFunctions> f_;
  void* handle_;
  std::mutex mutex_;
  std::vector<void*> idle_;  // open sessions holding no right and no hash
};

// The signer of a device's key index for `certificate`: the device computes e = SM3(Z ‖ M)
// and signs it with the index's signing key, unlocked by `password` for each signature. Made
// only when the index's signing public key is the certificate's (else kInvalidInput with code
// kKeyMismatch) and the password opens it (else code kDevicePinIncorrect). Safe for concurrent
// use.
Result<std::unique_ptr<Signer>> sdf_signer(std::shared_ptr<SdfDevice> device, unsigned index,
                                           std::string password, pki::Certificate certificate,
                                           std::vector<pki::Certificate> chain = {});

}  // namespace eseal::keys
