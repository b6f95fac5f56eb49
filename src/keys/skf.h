// USB keys through GM/T 0016 (SKF): a vendor's library loaded at run time (keys/device_library.h)
// and the objects a key holds — devices, applications with their PINs, files and containers with
// SM2 keys and certificates — as eseal uses them: to provision a key with a seal (`eseal token`),
// and to sign with the key's container through the same prepare/complete path as every other
// signer (skf_signer). Each object keeps what it was opened from alive; all are safe to use from
// several threads (calls into one library are serialized, as most vendors' libraries require).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/sm2.h"
#include "keys/device_library.h"
#include "keys/signer.h"
#include "pki/certificate.h"

namespace eseal::keys {

// Who may read or write a file on the key (GM/T 0016 §6.4.10).
enum class SkfRights : unsigned { kNever = 0x00, kAdmin = 0x01, kUser = 0x10, kAnyone = 0xFF };

struct SkfDeviceInfo {
  std::string manufacturer, issuer, label, serial;
  std::size_t total_space = 0, free_space = 0;
};

struct SkfPinInfo {
  unsigned max_retries = 0, retries_left = 0;
  bool default_pin = false;  // still the PIN the application was created with
};

struct SkfFileInfo {
  std::string name;
  std::size_t size = 0;
  SkfRights read = SkfRights::kNever, write = SkfRights::kNever;
};

struct SkfFunctions;  // the resolved function table (skf.cpp)
class SkfDevice;
class SkfApplication;

// One vendor's library. Every function eseal uses is resolved when it is loaded, so a library
// that lacks one fails here, naming it (code kDeviceFunctionMissing).
class SkfLibrary : public std::enable_shared_from_this<SkfLibrary> {
 public:
  static Result<std::shared_ptr<SkfLibrary>> load(const std::string& path);
  ~SkfLibrary();

  const std::string& path() const { return library_.path(); }

  // The names of the keys present.
  Result<std::vector<std::string>> devices();
  // Connects to the key `name`; empty: the first key present (kNotFound when there is none).
  Result<std::shared_ptr<SkfDevice>> connect(const std::string& name = {});

  // eseal's software key makes new (empty) keys; a vendor's library cannot, and answers
  // kInvalidInput.
  bool makes_devices() const;
  Status make_device(const std::string& name, const std::string& label);

 private:
  friend class SkfDevice;
  friend class SkfApplication;
  SkfLibrary(DeviceLibrary library, std::unique_ptr<SkfFunctions> f);

  DeviceLibrary library_;
  std::unique_ptr<SkfFunctions> f_;
  std::mutex mutex_;
};

// A connected key.
class SkfDevice : public std::enable_shared_from_this<SkfDevice> {
 public:
  ~SkfDevice();
  const std::string& name() const { return name_; }

  Result<SkfDeviceInfo> info();
  Status set_label(const std::string& label);
  // Device authentication (§7.2.3): an 8-byte challenge from the key, encrypted with the
  // 16-byte device authentication key by SM4-ECB. Needed to create or delete applications.
  Status authenticate(ByteView auth_key);
  Status change_auth_key(ByteView new_key);

  Result<std::vector<std::string>> applications();
  Status create_application(const std::string& name, const std::string& admin_pin,
                            const std::string& user_pin, unsigned retries,
                            SkfRights create_file_rights = SkfRights::kUser);
  Status delete_application(const std::string& name);
  // Opens the application `name`; empty: the first one the key lists (LD/T 01.4 §5.3.2.3 keeps
  // the seal there).
  Result<std::shared_ptr<SkfApplication>> open_application(const std::string& name = {});

  Result<Bytes> random(std::size_t count);

 private:
  friend class SkfLibrary;
  friend class SkfApplication;
  SkfDevice(std::shared_ptr<SkfLibrary> library, void* handle, std::string name)
      : library_(std::move(library)), handle_(handle), name_(std::move(name)) {}

  std::shared_ptr<SkfLibrary> library_;
  void* handle_;
  std::string name_;
};

// An open application: its PINs, files and containers. Logging in (verify_pin) lasts as long as
// the object.
class SkfApplication {
 public:
  ~SkfApplication();
  const std::string& name() const { return name_; }
  SkfDevice& device() { return *device_; }

  Result<SkfPinInfo> pin_info(bool admin = false);
  // kVerificationFailed with code kDevicePinIncorrect ("… 2 tries left") for a wrong PIN, code
  // kDevicePinLocked once the key has locked it.
  Status verify_pin(const std::string& pin, bool admin = false);
  Status change_pin(const std::string& old_pin, const std::string& new_pin, bool admin = false);
  Status unblock_pin(const std::string& admin_pin, const std::string& new_user_pin);

  Result<std::vector<std::string>> files();
  Result<SkfFileInfo> file_info(const std::string& name);
  Result<Bytes> read_file(const std::string& name);
  // Creates the file with these rights, replacing one of the same name.
  Status write_file(const std::string& name, ByteView data, SkfRights read = SkfRights::kAnyone,
                    SkfRights write = SkfRights::kUser);
  Status delete_file(const std::string& name);

  Result<std::vector<std::string>> containers();
  Status create_container(const std::string& name);
  Status delete_container(const std::string& name);
  // A new signing key pair made inside the key (the private half never leaves it).
  Result<crypto::Sm2PublicKey> generate_key(const std::string& container);
  Result<crypto::Sm2PublicKey> public_key(const std::string& container, bool signing = true);
  Status import_certificate(const std::string& container, const pki::Certificate& certificate,
                            bool signing = true);
  Result<pki::Certificate> certificate(const std::string& container, bool signing = true);

  // e = SM3(Z ‖ message) computed by the key (§7.6.34) with the default user ID.
  Result<Bytes> signing_digest(const crypto::Sm2PublicKey& key, ByteView message);
  // The DER SM2Signature of the 32-byte e by the container's signing key.
  Result<Bytes> sign_digest(const std::string& container, ByteView e);

 private:
  friend class SkfDevice;
  SkfApplication(std::shared_ptr<SkfDevice> device, void* handle, std::string name)
      : device_(std::move(device)), handle_(handle), name_(std::move(name)) {}
  SkfLibrary& lib() { return *device_->library_; }

  std::shared_ptr<SkfDevice> device_;
  void* handle_;
  std::string name_;
};

// The signer of a USB key's container: its signing certificate, and signatures made inside the
// key (the digest too). The application must be logged in (verify_pin) before signing; the
// certificate is checked against the container's public key when the signer is made.
Result<std::unique_ptr<Signer>> skf_signer(std::shared_ptr<SkfApplication> application,
                                           const std::string& container,
                                           std::vector<pki::Certificate> chain = {});

}  // namespace eseal::keys
