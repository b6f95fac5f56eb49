#include "keys/skf.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "crypto/sm4.h"
#include "keys/gmt0016.h"

namespace eseal::keys {

// Every function eseal requires of a vendor's library, in one list for the table and the loader.
#define ESEAL_SKF_REQUIRED(X) \
  X(EnumDev)                  \
  X(ConnectDev)               \
  X(DisConnectDev)            \
  X(GetDevInfo)               \
  X(SetLabel)                 \
  X(GenRandom)                \
  X(DevAuth)                  \
  X(ChangeDevAuthKey)         \
  X(CreateApplication)        \
  X(EnumApplication)          \
  X(DeleteApplication)        \
  X(OpenApplication)          \
  X(CloseApplication)         \
  X(GetPINInfo)               \
  X(VerifyPIN)                \
  X(ChangePIN)                \
  X(UnblockPIN)               \
  X(ClearSecureState)         \
  X(CreateFile)               \
  X(DeleteFile)               \
  X(EnumFiles)                \
  X(GetFileInfo)              \
  X(ReadFile)                 \
  X(WriteFile)                \
  X(CreateContainer)          \
  X(DeleteContainer)          \
  X(EnumContainer)            \
  X(OpenContainer)            \
  X(CloseContainer)           \
  X(GenECCKeyPair)            \
  X(ExportPublicKey)          \
  X(ImportCertificate)        \
  X(ExportCertificate)        \
  X(DigestInit)               \
  X(Digest)                   \
  X(CloseHandle)              \
  X(ECCSignData)

// The functions eseal calls, typed from the standard's prototypes.
struct SkfFunctions {
#define ESEAL_SKF(name) decltype(&::SKF_##name) name = nullptr;
  ESEAL_SKF_REQUIRED(ESEAL_SKF)
#undef ESEAL_SKF
  // eseal's software key only (keys/soft_skf/soft_skf.h).
  ULONG (*CreateDevice)(LPSTR, LPSTR) = nullptr;
};

namespace {

constexpr std::size_t kCoordinate = 32;  // SM2 values, right-aligned in 64-byte fields

const char* sar_name(ULONG rv) {
  switch (rv) {
    case SAR_FAIL:
      return "SAR_FAIL";
    case SAR_UNKNOWNERR:
      return "SAR_UNKNOWNERR";
    case SAR_NOTSUPPORTYETERR:
      return "SAR_NOTSUPPORTYETERR";
    case SAR_FILEERR:
      return "SAR_FILEERR";
    case SAR_INVALIDHANDLEERR:
      return "SAR_INVALIDHANDLEERR";
    case SAR_INVALIDPARAMERR:
      return "SAR_INVALIDPARAMERR";
    case SAR_READFILEERR:
      return "SAR_READFILEERR";
    case SAR_WRITEFILEERR:
      return "SAR_WRITEFILEERR";
    case SAR_NAMELENERR:
      return "SAR_NAMELENERR";
    case SAR_KEYUSAGEERR:
      return "SAR_KEYUSAGEERR";
    case SAR_NOTINITIALIZEERR:
      return "SAR_NOTINITIALIZEERR";
    case SAR_OBJERR:
      return "SAR_OBJERR";
    case SAR_MEMORYERR:
      return "SAR_MEMORYERR";
    case SAR_TIMEOUTERR:
      return "SAR_TIMEOUTERR";
    case SAR_INDATALENERR:
      return "SAR_INDATALENERR";
    case SAR_INDATAERR:
      return "SAR_INDATAERR";
    case SAR_GENRANDERR:
      return "SAR_GENRANDERR";
    case SAR_HASHOBJERR:
      return "SAR_HASHOBJERR";
    case SAR_HASHERR:
      return "SAR_HASHERR";
    case SAR_HASHNOTEQUALERR:
      return "SAR_HASHNOTEQUALERR";
    case SAR_KEYNOTFOUNTERR:
      return "SAR_KEYNOTFOUNTERR";
    case SAR_CERTNOTFOUNTERR:
      return "SAR_CERTNOTFOUNTERR";
    case SAR_NOTEXPORTERR:
      return "SAR_NOTEXPORTERR";
    case SAR_BUFFER_TOO_SMALL:
      return "SAR_BUFFER_TOO_SMALL";
    case SAR_KEYINFOTYPEERR:
      return "SAR_KEYINFOTYPEERR";
    case SAR_DEVICE_REMOVED:
      return "SAR_DEVICE_REMOVED";
    case SAR_PIN_INCORRECT:
      return "SAR_PIN_INCORRECT";
    case SAR_PIN_LOCKED:
      return "SAR_PIN_LOCKED";
    case SAR_PIN_INVALID:
      return "SAR_PIN_INVALID";
    case SAR_PIN_LEN_RANGE:
      return "SAR_PIN_LEN_RANGE";
    case SAR_USER_ALREADY_LOGGED_IN:
      return "SAR_USER_ALREADY_LOGGED_IN";
    case SAR_USER_PIN_NOT_INITIALIZED:
      return "SAR_USER_PIN_NOT_INITIALIZED";
    case SAR_USER_TYPE_INVALID:
      return "SAR_USER_TYPE_INVALID";
    case SAR_APPLICATION_NAME_INVALID:
      return "SAR_APPLICATION_NAME_INVALID";
    case SAR_APPLICATION_EXISTS:
      return "SAR_APPLICATION_EXISTS";
    case SAR_USER_NOT_LOGGED_IN:
      return "SAR_USER_NOT_LOGGED_IN";
    case SAR_APPLICATION_NOT_EXISTS:
      return "SAR_APPLICATION_NOT_EXISTS";
    case SAR_FILE_ALREADY_EXIST:
      return "SAR_FILE_ALREADY_EXIST";
    case SAR_NO_ROOM:
      return "SAR_NO_ROOM";
    case SAR_FILE_NOT_EXIST:
      return "SAR_FILE_NOT_EXIST";
    case SAR_REACH_MAX_CONTAINER_COUNT:
      return "SAR_REACH_MAX_CONTAINER_COUNT";
    default:
      return "an unknown code";
  }
}

// SAR_OK, or an error naming the function and the code in the kind a caller can act on.
Status check(ULONG rv, const char* function, const std::string& what = {}) {
  if (rv == SAR_OK) return ok_status();
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08X", static_cast<unsigned>(rv));
  std::string message = std::string("SKF_") + function + (what.empty() ? "" : " (" + what + ")") +
                        " failed: " + sar_name(rv) + " (" + hex + ")";
  switch (rv) {
    case SAR_APPLICATION_NOT_EXISTS:
    case SAR_FILE_NOT_EXIST:
    case SAR_CERTNOTFOUNTERR:
    case SAR_KEYNOTFOUNTERR:
    case SAR_DEVICE_REMOVED:
      return Error::not_found(std::move(message));
    case SAR_INVALIDPARAMERR:
    case SAR_NAMELENERR:
    case SAR_INDATALENERR:
    case SAR_INDATAERR:
    case SAR_PIN_INVALID:
    case SAR_PIN_LEN_RANGE:
    case SAR_APPLICATION_NAME_INVALID:
    case SAR_APPLICATION_EXISTS:
    case SAR_FILE_ALREADY_EXIST:
    case SAR_USER_NOT_LOGGED_IN:
    case SAR_NO_ROOM:
    case SAR_REACH_MAX_CONTAINER_COUNT:
      return Error::invalid_input(std::move(message));
    case SAR_PIN_LOCKED:
      return Error::verification_failed(std::move(message)).with_code(kDevicePinLocked);
    case SAR_PIN_INCORRECT:
      return Error::verification_failed(std::move(message)).with_code(kDevicePinIncorrect);
    default:
      return Error::io(std::move(message));
  }
}

std::string text(const char* field, std::size_t size) {
  return std::string(field, strnlen(field, size));
}

// A name list: names separated by NUL, ending with an empty name.
std::vector<std::string> names(const std::vector<char>& list) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < list.size() && list[at] != '\0') {
    std::size_t end = std::find(list.begin() + at, list.end(), '\0') - list.begin();
    out.emplace_back(list.data() + at, end - at);
    at = end + 1;
  }
  return out;
}

// Asks `call` for the size it needs, then for the data.
template <typename Call>
Result<std::vector<char>> sized(const char* function, Call call) {
  ULONG size = 0;
  if (auto s = check(call(nullptr, &size), function); !s) return s.error();
  std::vector<char> buffer(size + 2, '\0');
  size = static_cast<ULONG>(buffer.size());
  if (auto s = check(call(buffer.data(), &size), function); !s) return s.error();
  buffer.resize(std::min<std::size_t>(size, buffer.size()));
  buffer.push_back('\0');
  return buffer;
}

Result<crypto::Sm2PublicKey> key_of(const ECCPUBLICKEYBLOB& blob) {
  if (blob.BitLen != 256) {
    return Error::invalid_input("the key's public key has " + std::to_string(blob.BitLen) +
                                " bits, not SM2's 256");
  }
  Bytes point{0x04};
  point.insert(point.end(), std::end(blob.XCoordinate) - kCoordinate, std::end(blob.XCoordinate));
  point.insert(point.end(), std::end(blob.YCoordinate) - kCoordinate, std::end(blob.YCoordinate));
  return crypto::Sm2PublicKey::from_point(point);
}

ECCPUBLICKEYBLOB blob_of(const crypto::Sm2PublicKey& key) {
  ECCPUBLICKEYBLOB blob{};
  blob.BitLen = 256;
  Bytes point = key.point();
  std::copy(point.begin() + 1, point.begin() + 1 + kCoordinate,
            std::end(blob.XCoordinate) - kCoordinate);
  std::copy(point.begin() + 1 + kCoordinate, point.end(), std::end(blob.YCoordinate) - kCoordinate);
  return blob;
}

ULONG rights_value(SkfRights r) {
  return static_cast<ULONG>(r);
}

// The C ABI takes names as LPSTR (char*) though it never writes them.
LPSTR c_name(const std::string& s) {
  return const_cast<char*>(s.c_str());
}

// An open container, closed when it goes.
class Container {
 public:
  Container(SkfFunctions& f, HCONTAINER handle) : f_(f), handle_(handle) {}
  ~Container() { f_.CloseContainer(handle_); }
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;
  HCONTAINER get() const { return handle_; }

 private:
  SkfFunctions& f_;
  HCONTAINER handle_;
};

Result<std::unique_ptr<Container>> open_container(SkfFunctions& f, HAPPLICATION app,
                                                  const std::string& name) {
  HCONTAINER handle = nullptr;
  if (auto s = check(f.OpenContainer(app, c_name(name), &handle), "OpenContainer", name); !s)
    return s.error();
  return std::make_unique<Container>(f, handle);
}

}  // namespace

// --- the library ------------------------------------------------------------------------------

SkfLibrary::SkfLibrary(DeviceLibrary library, std::unique_ptr<SkfFunctions> f)
    : library_(std::move(library)), f_(std::move(f)) {}
SkfLibrary::~SkfLibrary() = default;

Result<std::shared_ptr<SkfLibrary>> SkfLibrary::load(const std::string& path) {
  auto library = DeviceLibrary::open(path);
  if (!library) return library.error();
  auto f = std::make_unique<SkfFunctions>();
  Status missing = ok_status();
  auto resolve = [&](auto& slot, const char* name) {
    if (missing) missing = library->bind(slot, name);
  };
#define ESEAL_SKF(name) resolve(f->name, "SKF_" #name);
  ESEAL_SKF_REQUIRED(ESEAL_SKF)
#undef ESEAL_SKF
  if (!missing) return missing.error();
  // Absent from every vendor's library: not an error.
  (void)library->bind(f->CreateDevice, "ESEAL_SKF_CreateDevice");
  return std::shared_ptr<SkfLibrary>(new SkfLibrary(std::move(*library), std::move(f)));
}

Result<std::vector<std::string>> SkfLibrary::devices() {
  std::lock_guard lock(mutex_);
  auto list =
      sized("EnumDev", [&](char* buffer, ULONG* size) { return f_->EnumDev(TRUE, buffer, size); });
  if (!list) return list.error();
  return names(*list);
}

Result<std::shared_ptr<SkfDevice>> SkfLibrary::connect(const std::string& name) {
  std::string chosen = name;
  if (chosen.empty()) {
    auto present = devices();
    if (!present) return present.error();
    if (present->empty()) return Error::not_found("no USB key is present (" + path() + ")");
    chosen = present->front();
  }
  std::lock_guard lock(mutex_);
  DEVHANDLE handle = nullptr;
  if (auto s = check(f_->ConnectDev(c_name(chosen), &handle), "ConnectDev", chosen); !s)
    return s.error();
  return std::shared_ptr<SkfDevice>(new SkfDevice(shared_from_this(), handle, chosen));
}

bool SkfLibrary::makes_devices() const {
  return f_->CreateDevice != nullptr;
}

Status SkfLibrary::make_device(const std::string& name, const std::string& label) {
  if (!makes_devices()) {
    return Error::invalid_input(path() + " is a vendor's library: its keys are made by the vendor");
  }
  std::lock_guard lock(mutex_);
  return check(f_->CreateDevice(c_name(name), c_name(label)), "CreateDevice", name);
}

// --- a device ---------------------------------------------------------------------------------

SkfDevice::~SkfDevice() {
  std::lock_guard lock(library_->mutex_);
  library_->f_->DisConnectDev(handle_);
}

Result<SkfDeviceInfo> SkfDevice::info() {
  std::lock_guard lock(library_->mutex_);
  DEVINFO raw{};
  if (auto s = check(library_->f_->GetDevInfo(handle_, &raw), "GetDevInfo"); !s) return s.error();
  return SkfDeviceInfo{text(raw.Manufacturer, sizeof raw.Manufacturer),
                       text(raw.Issuer, sizeof raw.Issuer),
                       text(raw.Label, sizeof raw.Label),
                       text(raw.SerialNumber, sizeof raw.SerialNumber),
                       raw.TotalSpace,
                       raw.FreeSpace};
}

Status SkfDevice::set_label(const std::string& label) {
  std::lock_guard lock(library_->mutex_);
  return check(library_->f_->SetLabel(handle_, c_name(label)), "SetLabel");
}

Result<Bytes> SkfDevice::random(std::size_t count) {
  std::lock_guard lock(library_->mutex_);
  Bytes out(count);
  if (auto s = check(library_->f_->GenRandom(handle_, out.data(), static_cast<ULONG>(count)),
                     "GenRandom");
      !s)
    return s.error();
  return out;
}

Status SkfDevice::authenticate(ByteView auth_key) {
  if (auth_key.size() != crypto::kSm4KeySize)
    return Error::invalid_input("a device authentication key is 16 bytes");
  auto challenge = random(8);
  if (!challenge) return challenge.error();
  challenge->resize(crypto::kSm4BlockSize, 0);
  auto answer = crypto::sm4_ecb_encrypt(auth_key, *challenge, crypto::Padding::kNone);
  if (!answer) return answer.error();
  std::lock_guard lock(library_->mutex_);
  return check(library_->f_->DevAuth(handle_, answer->data(), static_cast<ULONG>(answer->size())),
               "DevAuth");
}

Status SkfDevice::change_auth_key(ByteView new_key) {
  if (new_key.size() != crypto::kSm4KeySize)
    return Error::invalid_input("a device authentication key is 16 bytes");
  Bytes key(new_key.begin(), new_key.end());
  std::lock_guard lock(library_->mutex_);
  return check(library_->f_->ChangeDevAuthKey(handle_, key.data(), static_cast<ULONG>(key.size())),
               "ChangeDevAuthKey");
}

Result<std::vector<std::string>> SkfDevice::applications() {
  std::lock_guard lock(library_->mutex_);
  auto list = sized("EnumApplication", [&](char* buffer, ULONG* size) {
    return library_->f_->EnumApplication(handle_, buffer, size);
  });
  if (!list) return list.error();
  return names(*list);
}

Status SkfDevice::create_application(const std::string& name, const std::string& admin_pin,
                                     const std::string& user_pin, unsigned retries,
                                     SkfRights create_file_rights) {
  std::lock_guard lock(library_->mutex_);
  HAPPLICATION app = nullptr;
  if (auto s = check(library_->f_->CreateApplication(handle_, c_name(name), c_name(admin_pin),
                                                     retries, c_name(user_pin), retries,
                                                     rights_value(create_file_rights), &app),
                     "CreateApplication", name);
      !s)
    return s;
  library_->f_->CloseApplication(app);
  return ok_status();
}

Status SkfDevice::delete_application(const std::string& name) {
  std::lock_guard lock(library_->mutex_);
  return check(library_->f_->DeleteApplication(handle_, c_name(name)), "DeleteApplication", name);
}

Result<std::shared_ptr<SkfApplication>> SkfDevice::open_application(const std::string& name) {
  std::string chosen = name;
  if (chosen.empty()) {
    auto all = applications();
    if (!all) return all.error();
    if (all->empty()) return Error::not_found("the USB key " + name_ + " has no application");
    chosen = all->front();
  }
  std::lock_guard lock(library_->mutex_);
  HAPPLICATION handle = nullptr;
  if (auto s = check(library_->f_->OpenApplication(handle_, c_name(chosen), &handle),
                     "OpenApplication", chosen);
      !s)
    return s.error();
  return std::shared_ptr<SkfApplication>(
      new SkfApplication(shared_from_this(), handle, std::move(chosen)));
}

// --- an application ---------------------------------------------------------------------------

SkfApplication::~SkfApplication() {
  std::lock_guard lock(lib().mutex_);
  lib().f_->ClearSecureState(handle_);
  lib().f_->CloseApplication(handle_);
}

Result<SkfPinInfo> SkfApplication::pin_info(bool admin) {
  std::lock_guard lock(lib().mutex_);
  ULONG max = 0, left = 0;
  BOOL default_pin = FALSE;
  if (auto s = check(
          lib().f_->GetPINInfo(handle_, admin ? ADMIN_TYPE : USER_TYPE, &max, &left, &default_pin),
          "GetPINInfo");
      !s)
    return s.error();
  return SkfPinInfo{max, left, default_pin != FALSE};
}

namespace {

// A PIN refusal that says how many tries are left.
Status pin_refusal(ULONG rv, ULONG left, const char* function) {
  Status s = check(rv, function);
  if (!s && rv == SAR_PIN_INCORRECT) {
    Error e = s.error();
    e.message = "the PIN is wrong: " + std::to_string(left) + (left == 1 ? " try" : " tries") +
                " left before the key locks it (" + e.message + ")";
    return e;
  }
  if (!s && rv == SAR_PIN_LOCKED) {
    Error e = s.error();
    e.message = "the key has locked this PIN after too many wrong tries (" + e.message + ")";
    return e;
  }
  return s;
}

}  // namespace

Status SkfApplication::verify_pin(const std::string& pin, bool admin) {
  std::lock_guard lock(lib().mutex_);
  ULONG left = 0;
  ULONG rv = lib().f_->VerifyPIN(handle_, admin ? ADMIN_TYPE : USER_TYPE, c_name(pin), &left);
  return pin_refusal(rv, left, "VerifyPIN");
}

Status SkfApplication::change_pin(const std::string& old_pin, const std::string& new_pin,
                                  bool admin) {
  std::lock_guard lock(lib().mutex_);
  ULONG left = 0;
  ULONG rv = lib().f_->ChangePIN(handle_, admin ? ADMIN_TYPE : USER_TYPE, c_name(old_pin),
                                 c_name(new_pin), &left);
  return pin_refusal(rv, left, "ChangePIN");
}

Status SkfApplication::unblock_pin(const std::string& admin_pin, const std::string& new_user_pin) {
  std::lock_guard lock(lib().mutex_);
  ULONG left = 0;
  ULONG rv = lib().f_->UnblockPIN(handle_, c_name(admin_pin), c_name(new_user_pin), &left);
  return pin_refusal(rv, left, "UnblockPIN");
}

Result<std::vector<std::string>> SkfApplication::files() {
  std::lock_guard lock(lib().mutex_);
  auto list = sized("EnumFiles", [&](char* buffer, ULONG* size) {
    return lib().f_->EnumFiles(handle_, buffer, size);
  });
  if (!list) return list.error();
  return names(*list);
}

Result<SkfFileInfo> SkfApplication::file_info(const std::string& name) {
  std::lock_guard lock(lib().mutex_);
  FILEATTRIBUTE raw{};
  if (auto s = check(lib().f_->GetFileInfo(handle_, c_name(name), &raw), "GetFileInfo", name); !s)
    return s.error();
  return SkfFileInfo{text(raw.FileName, sizeof raw.FileName), raw.FileSize,
                     static_cast<SkfRights>(raw.ReadRights),
                     static_cast<SkfRights>(raw.WriteRights)};
}

Result<Bytes> SkfApplication::read_file(const std::string& name) {
  auto info = file_info(name);
  if (!info) return info.error();
  std::lock_guard lock(lib().mutex_);
  Bytes out(info->size);
  // Keys read at most a few kilobytes per call; read on from where each call ended.
  std::size_t done = 0;
  while (done < out.size()) {
    ULONG got = static_cast<ULONG>(out.size() - done);
    if (auto s = check(lib().f_->ReadFile(handle_, c_name(name), static_cast<ULONG>(done), got,
                                          out.data() + done, &got),
                       "ReadFile", name);
        !s)
      return s.error();
    if (got == 0) break;
    done += got;
  }
  out.resize(done);
  return out;
}

Status SkfApplication::write_file(const std::string& name, ByteView data, SkfRights read,
                                  SkfRights write) {
  std::lock_guard lock(lib().mutex_);
  FILEATTRIBUTE existing{};
  if (lib().f_->GetFileInfo(handle_, c_name(name), &existing) == SAR_OK) {
    if (auto s = check(lib().f_->DeleteFile(handle_, c_name(name)), "DeleteFile", name); !s)
      return s;
  }
  if (auto s = check(lib().f_->CreateFile(handle_, c_name(name), static_cast<ULONG>(data.size()),
                                          rights_value(read), rights_value(write)),
                     "CreateFile", name);
      !s)
    return s;
  Bytes copy(data.begin(), data.end());
  return check(
      lib().f_->WriteFile(handle_, c_name(name), 0, copy.data(), static_cast<ULONG>(copy.size())),
      "WriteFile", name);
}

Status SkfApplication::delete_file(const std::string& name) {
  std::lock_guard lock(lib().mutex_);
  return check(lib().f_->DeleteFile(handle_, c_name(name)), "DeleteFile", name);
}

Result<std::vector<std::string>> SkfApplication::containers() {
  std::lock_guard lock(lib().mutex_);
  auto list = sized("EnumContainer", [&](char* buffer, ULONG* size) {
    return lib().f_->EnumContainer(handle_, buffer, size);
  });
  if (!list) return list.error();
  return names(*list);
}

Status SkfApplication::create_container(const std::string& name) {
  std::lock_guard lock(lib().mutex_);
  HCONTAINER handle = nullptr;
  if (auto s =
          check(lib().f_->CreateContainer(handle_, c_name(name), &handle), "CreateContainer", name);
      !s)
    return s;
  lib().f_->CloseContainer(handle);
  return ok_status();
}

Status SkfApplication::delete_container(const std::string& name) {
  std::lock_guard lock(lib().mutex_);
  return check(lib().f_->DeleteContainer(handle_, c_name(name)), "DeleteContainer", name);
}

Result<crypto::Sm2PublicKey> SkfApplication::generate_key(const std::string& container) {
  std::lock_guard lock(lib().mutex_);
  auto open = open_container(*lib().f_, handle_, container);
  if (!open) return open.error();
  ECCPUBLICKEYBLOB blob{};
  if (auto s = check(lib().f_->GenECCKeyPair((*open)->get(), SGD_SM2_1, &blob), "GenECCKeyPair",
                     container);
      !s)
    return s.error();
  return key_of(blob);
}

Result<crypto::Sm2PublicKey> SkfApplication::public_key(const std::string& container,
                                                        bool signing) {
  std::lock_guard lock(lib().mutex_);
  auto open = open_container(*lib().f_, handle_, container);
  if (!open) return open.error();
  ECCPUBLICKEYBLOB blob{};
  ULONG size = sizeof blob;
  if (auto s = check(lib().f_->ExportPublicKey((*open)->get(), signing ? TRUE : FALSE,
                                               reinterpret_cast<BYTE*>(&blob), &size),
                     "ExportPublicKey", container);
      !s)
    return s.error();
  if (size != sizeof blob)
    return Error::invalid_input("the key's public key in " + container + " is not an SM2 key");
  return key_of(blob);
}

Status SkfApplication::import_certificate(const std::string& container,
                                          const pki::Certificate& certificate, bool signing) {
  std::lock_guard lock(lib().mutex_);
  auto open = open_container(*lib().f_, handle_, container);
  if (!open) return open.error();
  Bytes der = certificate.der();
  return check(lib().f_->ImportCertificate((*open)->get(), signing ? TRUE : FALSE, der.data(),
                                           static_cast<ULONG>(der.size())),
               "ImportCertificate", container);
}

Result<pki::Certificate> SkfApplication::certificate(const std::string& container, bool signing) {
  std::lock_guard lock(lib().mutex_);
  auto open = open_container(*lib().f_, handle_, container);
  if (!open) return open.error();
  auto der = sized("ExportCertificate", [&](char* buffer, ULONG* size) {
    return lib().f_->ExportCertificate((*open)->get(), signing ? TRUE : FALSE,
                                       reinterpret_cast<BYTE*>(buffer), size);
  });
  if (!der) return der.error();
  der->pop_back();  // the terminator sized() adds for name lists
  auto cert = pki::Certificate::from_der(
      ByteView(reinterpret_cast<const std::uint8_t*>(der->data()), der->size()));
  if (!cert) return cert.error().with_context("the certificate in " + container);
  return cert;
}

Result<Bytes> SkfApplication::signing_digest(const crypto::Sm2PublicKey& key, ByteView message) {
  std::lock_guard lock(lib().mutex_);
  ECCPUBLICKEYBLOB blob = blob_of(key);
  std::string id(crypto::kSm2DefaultUserId);
  HANDLE hash = nullptr;
  if (auto s = check(
          lib().f_->DigestInit(device_->handle_, SGD_SM3, &blob, reinterpret_cast<BYTE*>(id.data()),
                               static_cast<ULONG>(id.size()), &hash),
          "DigestInit");
      !s)
    return s.error();
  Bytes copy(message.begin(), message.end());
  Bytes e(32);
  ULONG size = static_cast<ULONG>(e.size());
  ULONG rv = lib().f_->Digest(hash, copy.data(), static_cast<ULONG>(copy.size()), e.data(), &size);
  lib().f_->CloseHandle(hash);
  if (auto s = check(rv, "Digest"); !s) return s.error();
  if (size != e.size()) return Error::io("SKF_Digest gave " + std::to_string(size) + " bytes");
  return e;
}

Result<Bytes> SkfApplication::sign_digest(const std::string& container, ByteView e) {
  if (e.size() != 32) return Error::invalid_input("an SM2 digest e is 32 bytes");
  std::lock_guard lock(lib().mutex_);
  auto open = open_container(*lib().f_, handle_, container);
  if (!open) return open.error();
  Bytes digest(e.begin(), e.end());
  ECCSIGNATUREBLOB signature{};
  if (auto s = check(lib().f_->ECCSignData((*open)->get(), digest.data(),
                                           static_cast<ULONG>(digest.size()), &signature),
                     "ECCSignData", container);
      !s)
    return s.error();
  Bytes raw(std::end(signature.r) - kCoordinate, std::end(signature.r));
  raw.insert(raw.end(), std::end(signature.s) - kCoordinate, std::end(signature.s));
  return crypto::sm2_signature_raw_to_der(raw);
}

// --- the signer -------------------------------------------------------------------------------

namespace {

class SkfSigner final : public Signer {
 public:
  SkfSigner(std::shared_ptr<SkfApplication> application, std::string container,
            pki::Certificate certificate, crypto::Sm2PublicKey key,
            std::vector<pki::Certificate> chain)
      : application_(std::move(application)),
        container_(std::move(container)),
        certificate_(std::move(certificate)),
        key_(std::move(key)),
        chain_(std::move(chain)) {}

  const pki::Certificate& certificate() const override { return certificate_; }
  std::span<const pki::Certificate> chain() const override { return chain_; }

  // The key hashes and signs: e = SM3(Z ‖ message) by DigestInit with the public key.
  Result<Bytes> sign(ByteView to_be_signed) override {
    auto e = application_->signing_digest(key_, to_be_signed);
    if (!e) return e.error();
    return sign_digest(*e);
  }
  Result<Bytes> sign_digest(ByteView digest) override {
    return application_->sign_digest(container_, digest);
  }

 private:
  std::shared_ptr<SkfApplication> application_;
  std::string container_;
  pki::Certificate certificate_;
  crypto::Sm2PublicKey key_;
  std::vector<pki::Certificate> chain_;
};

}  // namespace

Result<std::unique_ptr<Signer>> skf_signer(std::shared_ptr<SkfApplication> application,
                                           const std::string& container,
                                           std::vector<pki::Certificate> chain) {
  auto certificate = application->certificate(container, true);
  if (!certificate) return certificate.error();
  auto key = application->public_key(container, true);
  if (!key) return key.error();
  auto certified = certificate->public_key();
  if (!certified) return certified.error();
  if (!(*certified == *key)) {
    return Error::invalid_input("the signing certificate in " + container +
                                " is not for the container's signing key")
        .with_code(kKeyMismatch);
  }
  return std::unique_ptr<Signer>(new SkfSigner(std::move(application), container,
                                               std::move(*certificate), std::move(*key),
                                               std::move(chain)));
}

}  // namespace eseal::keys
