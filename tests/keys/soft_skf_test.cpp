// eseal's software USB key (libeseal-softskf.so) through its C ABI, as a vendor's library would
// be called: keys made and listed, device authentication, PINs counted down, locked and
// unblocked with the count kept in the key's file, file rights, containers with a key pair made
// inside, signatures over the key's own Z hash, an encryption key pair imported in an envelope,
// session keys, SM4 in one call and in pieces, the MAC, and refused handles and arguments.
#include "keys/soft_skf/soft_skf.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstring>
#include <optional>
#include <vector>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "crypto/sm4.h"
#include "support/process.h"

namespace eseal {
namespace {

const std::string kAuthKey = "1234567812345678";
const std::string kAdminPin = "88888888", kUserPin = "12345678";

LPSTR c(const std::string& s) {
  return const_cast<char*>(s.c_str());
}

Bytes tail(const BYTE* field) {
  return Bytes(field + 32, field + 64);
}

crypto::Sm2PublicKey key_of(const ECCPUBLICKEYBLOB& blob) {
  Bytes point{0x04};
  append(point, tail(blob.XCoordinate));
  append(point, tail(blob.YCoordinate));
  auto key = crypto::Sm2PublicKey::from_point(point);
  EXPECT_TRUE(key.ok());
  return *key;
}

ECCPUBLICKEYBLOB blob_of(const crypto::Sm2PublicKey& key) {
  ECCPUBLICKEYBLOB blob{};
  blob.BitLen = 256;
  Bytes point = key.point();
  std::memcpy(blob.XCoordinate + 32, point.data() + 1, 32);
  std::memcpy(blob.YCoordinate + 32, point.data() + 33, 32);
  return blob;
}

Bytes der_of(const ECCSIGNATUREBLOB& signature) {
  Bytes raw = tail(signature.r);
  append(raw, tail(signature.s));
  auto der = crypto::sm2_signature_raw_to_der(raw);
  EXPECT_TRUE(der.ok());
  return der.ok() ? *der : Bytes{};
}

// An ECCCIPHERBLOB buffer with room for `length` bytes of C2.
std::vector<BYTE> cipher_buffer(std::size_t length) {
  return std::vector<BYTE>(sizeof(ECCCIPHERBLOB) + length, 0);
}

ECCCIPHERBLOB* as_cipher(std::vector<BYTE>& buffer) {
  return reinterpret_cast<ECCCIPHERBLOB*>(buffer.data());
}

// A NUL-separated name list as names.
std::vector<std::string> names_in(const std::vector<char>& list) {
  std::vector<std::string> out;
  for (const char* p = list.data(); *p; p += std::strlen(p) + 1) out.emplace_back(p);
  return out;
}

// A key folder named by ESEAL_SOFTSKF_DIR holding the key "key1", connected.
class SoftSkf : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("ESEAL_SOFTSKF_DIR", dir_.path().c_str(), 1);
    ASSERT_EQ(ESEAL_SKF_CreateDevice(c("key1"), c("合同章钥匙")), SAR_OK);
    ASSERT_EQ(SKF_ConnectDev(c("key1"), &dev_), SAR_OK);
  }
  void TearDown() override {
    if (dev_ != nullptr) {
      EXPECT_EQ(SKF_DisConnectDev(dev_), SAR_OK);
    }
    ::unsetenv("ESEAL_SOFTSKF_DIR");
  }

  // Device authentication with `key`: the answer to a fresh challenge.
  ULONG authenticate(const std::string& key = kAuthKey) {
    BYTE challenge[8];
    EXPECT_EQ(SKF_GenRandom(dev_, challenge, sizeof challenge), SAR_OK);
    Bytes block(challenge, challenge + 8);
    block.resize(16, 0);
    auto answer = crypto::sm4_ecb_encrypt(as_bytes(key), block, crypto::Padding::kNone);
    EXPECT_TRUE(answer.ok());
    return SKF_DevAuth(dev_, answer->data(), static_cast<ULONG>(answer->size()));
  }

  // The application "HRSS" with three tries for each PIN, opened.
  HAPPLICATION make_application(ULONG create_rights = SECURE_USER_ACCOUNT) {
    EXPECT_EQ(authenticate(), SAR_OK);
    HAPPLICATION app = nullptr;
    EXPECT_EQ(SKF_CreateApplication(dev_, c("HRSS"), c(kAdminPin), 3, c(kUserPin), 3, create_rights,
                                    &app),
              SAR_OK);
    return app;
  }

  HAPPLICATION logged_in() {
    HAPPLICATION app = make_application();
    ULONG left = 0;
    EXPECT_EQ(SKF_VerifyPIN(app, USER_TYPE, c(kUserPin), &left), SAR_OK);
    return app;
  }

  // A container "ESEAL" with a signing key pair made inside.
  HCONTAINER container_with_key(HAPPLICATION app, std::optional<crypto::Sm2PublicKey>* key) {
    HCONTAINER con = nullptr;
    EXPECT_EQ(SKF_CreateContainer(app, c("ESEAL"), &con), SAR_OK);
    ECCPUBLICKEYBLOB blob{};
    EXPECT_EQ(SKF_GenECCKeyPair(con, SGD_SM2_1, &blob), SAR_OK);
    *key = key_of(blob);
    return con;
  }

  test::TempDir dir_;
  DEVHANDLE dev_ = nullptr;
};

TEST_F(SoftSkf, KeysAreMadeListedAndDescribed) {
  ULONG size = 0;
  ASSERT_EQ(SKF_EnumDev(TRUE, nullptr, &size), SAR_OK);
  EXPECT_EQ(size, 6u);  // "key1\0\0"
  ASSERT_EQ(ESEAL_SKF_CreateDevice(c("key0"), c("")), SAR_OK);
  EXPECT_EQ(ESEAL_SKF_CreateDevice(c("key1"), c("again")), SAR_FILE_ALREADY_EXIST);
  EXPECT_EQ(ESEAL_SKF_CreateDevice(c("../key"), c("")), SAR_NAMELENERR);
  EXPECT_EQ(ESEAL_SKF_CreateDevice(c("key2"), c(std::string(33, 'x'))), SAR_NAMELENERR);

  std::vector<char> list(64);
  size = 3;
  EXPECT_EQ(SKF_EnumDev(TRUE, list.data(), &size), SAR_BUFFER_TOO_SMALL);
  EXPECT_EQ(size, 11u);
  size = static_cast<ULONG>(list.size());
  ASSERT_EQ(SKF_EnumDev(TRUE, list.data(), &size), SAR_OK);
  EXPECT_EQ(names_in(list), (std::vector<std::string>{"key0", "key1"}));

  ULONG state = 0;
  ASSERT_EQ(SKF_GetDevState(c("key1"), &state), SAR_OK);
  EXPECT_EQ(state, ULONG(DEV_PRESENT_STATE));
  ASSERT_EQ(SKF_GetDevState(c("key9"), &state), SAR_OK);
  EXPECT_EQ(state, ULONG(DEV_ABSENT_STATE));
  DEVHANDLE absent = nullptr;
  EXPECT_EQ(SKF_ConnectDev(c("key9"), &absent), SAR_DEVICE_REMOVED);

  DEVINFO info;
  ASSERT_EQ(SKF_GetDevInfo(dev_, &info), SAR_OK);
  EXPECT_EQ(std::string(info.Manufacturer), "eseal");
  EXPECT_EQ(std::string(info.Label), "合同章钥匙");
  EXPECT_EQ(std::strlen(info.SerialNumber), 16u);
  EXPECT_EQ(ULONG(info.DevAuthAlgId), ULONG(SGD_SM4_ECB));
  EXPECT_NE(info.AlgAsymCap & SGD_SM2_1, 0u);
  EXPECT_EQ(ULONG(info.FreeSpace), ULONG(info.TotalSpace));

  ASSERT_EQ(SKF_SetLabel(dev_, c("财务章")), SAR_OK);
  ASSERT_EQ(SKF_GetDevInfo(dev_, &info), SAR_OK);
  EXPECT_EQ(std::string(info.Label), "财务章");

  struct stat st {};
  ASSERT_EQ(::stat((dir_.path() / "key1.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto text = read_file(dir_.path() / "key1.json");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(to_string(*text).find(kUserPin), std::string::npos);
}

TEST_F(SoftSkf, ApplicationsNeedDeviceAuthentication) {
  HAPPLICATION app = nullptr;
  EXPECT_EQ(SKF_CreateApplication(dev_, c("HRSS"), c(kAdminPin), 3, c(kUserPin), 3,
                                  SECURE_USER_ACCOUNT, &app),
            SAR_FAIL);
  EXPECT_EQ(authenticate("0000000000000000"), SAR_FAIL);
  BYTE replay[16] = {};
  EXPECT_EQ(SKF_DevAuth(dev_, replay, sizeof replay), SAR_FAIL);  // no challenge pending
  ASSERT_EQ(authenticate(), SAR_OK);
  EXPECT_EQ(SKF_CreateApplication(dev_, c("HRSS"), c("123"), 3, c(kUserPin), 3, SECURE_USER_ACCOUNT,
                                  &app),
            SAR_PIN_LEN_RANGE);
  EXPECT_EQ(SKF_CreateApplication(dev_, c("HRSS"), c(kAdminPin), 0, c(kUserPin), 3,
                                  SECURE_USER_ACCOUNT, &app),
            SAR_INVALIDPARAMERR);
  ASSERT_EQ(SKF_CreateApplication(dev_, c("HRSS"), c(kAdminPin), 3, c(kUserPin), 3,
                                  SECURE_USER_ACCOUNT, &app),
            SAR_OK);
  EXPECT_EQ(SKF_CreateApplication(dev_, c("HRSS"), c(kAdminPin), 3, c(kUserPin), 3,
                                  SECURE_USER_ACCOUNT, &app),
            SAR_APPLICATION_EXISTS);
  ULONG size = 0;
  ASSERT_EQ(SKF_EnumApplication(dev_, nullptr, &size), SAR_OK);
  std::vector<char> list(size);
  ASSERT_EQ(SKF_EnumApplication(dev_, list.data(), &size), SAR_OK);
  EXPECT_EQ(names_in(list), std::vector<std::string>{"HRSS"});

  // A new authentication key: the factory key no longer answers.
  Bytes new_key(16, 0x42);
  ASSERT_EQ(SKF_ChangeDevAuthKey(dev_, new_key.data(), 16), SAR_OK);
  EXPECT_EQ(authenticate(), SAR_FAIL);
  EXPECT_EQ(SKF_DeleteApplication(dev_, c("HRSS")), SAR_FAIL);
  ASSERT_EQ(authenticate(std::string(16, 0x42)), SAR_OK);
  ASSERT_EQ(SKF_DeleteApplication(dev_, c("HRSS")), SAR_OK);
  EXPECT_EQ(SKF_DeleteApplication(dev_, c("HRSS")), SAR_APPLICATION_NOT_EXISTS);
  // The handle opened before the deletion now reaches nothing.
  ULONG max = 0, left = 0;
  BOOL is_default = FALSE;
  EXPECT_EQ(SKF_GetPINInfo(app, USER_TYPE, &max, &left, &is_default), SAR_APPLICATION_NOT_EXISTS);
  HAPPLICATION gone = nullptr;
  EXPECT_EQ(SKF_OpenApplication(dev_, c("HRSS"), &gone), SAR_APPLICATION_NOT_EXISTS);
}

TEST_F(SoftSkf, WrongPinsCountDownInTheKeysFileAndTheAdminPinUnblocks) {
  HAPPLICATION app = make_application();
  ULONG left = 99;
  EXPECT_EQ(SKF_VerifyPIN(app, USER_TYPE, c("00000000"), &left), SAR_PIN_INCORRECT);
  EXPECT_EQ(left, 2u);
  EXPECT_EQ(SKF_VerifyPIN(app, 7, c(kUserPin), &left), SAR_USER_TYPE_INVALID);

  // Another connection (as another process would) sees the count the key keeps.
  ASSERT_EQ(SKF_DisConnectDev(dev_), SAR_OK);
  EXPECT_EQ(SKF_CloseApplication(app), SAR_INVALIDHANDLEERR);  // closed with its device
  ASSERT_EQ(SKF_ConnectDev(c("key1"), &dev_), SAR_OK);
  ASSERT_EQ(SKF_OpenApplication(dev_, c("HRSS"), &app), SAR_OK);
  ULONG max = 0;
  BOOL is_default = FALSE;
  ASSERT_EQ(SKF_GetPINInfo(app, USER_TYPE, &max, &left, &is_default), SAR_OK);
  EXPECT_EQ(max, 3u);
  EXPECT_EQ(left, 2u);
  EXPECT_EQ(is_default, TRUE);

  EXPECT_EQ(SKF_VerifyPIN(app, USER_TYPE, c("00000000"), &left), SAR_PIN_INCORRECT);
  EXPECT_EQ(left, 1u);
  EXPECT_EQ(SKF_VerifyPIN(app, USER_TYPE, c("00000000"), &left), SAR_PIN_LOCKED);
  EXPECT_EQ(left, 0u);
  EXPECT_EQ(SKF_VerifyPIN(app, USER_TYPE, c(kUserPin), &left), SAR_PIN_LOCKED);

  EXPECT_EQ(SKF_UnblockPIN(app, c("00000000"), c("24681357"), &left), SAR_PIN_INCORRECT);
  EXPECT_EQ(left, 2u);
  ASSERT_EQ(SKF_UnblockPIN(app, c(kAdminPin), c("24681357"), &left), SAR_OK);
  ASSERT_EQ(SKF_GetPINInfo(app, ADMIN_TYPE, &max, &left, &is_default), SAR_OK);
  EXPECT_EQ(left, 3u);  // the right admin PIN restored its count
  ASSERT_EQ(SKF_VerifyPIN(app, USER_TYPE, c("24681357"), &left), SAR_OK);
  EXPECT_EQ(left, 3u);
  EXPECT_EQ(SKF_ChangePIN(app, USER_TYPE, c("24681357"), c("1234"), &left), SAR_PIN_LEN_RANGE);
  ASSERT_EQ(SKF_ChangePIN(app, USER_TYPE, c("24681357"), c("11223344"), &left), SAR_OK);
  ASSERT_EQ(SKF_GetPINInfo(app, USER_TYPE, &max, &left, &is_default), SAR_OK);
  EXPECT_EQ(is_default, FALSE);
  EXPECT_EQ(SKF_VerifyPIN(app, USER_TYPE, c("24681357"), &left), SAR_PIN_INCORRECT);
  EXPECT_EQ(SKF_VerifyPIN(app, USER_TYPE, c("11223344"), &left), SAR_OK);
}

TEST_F(SoftSkf, FilesKeepTheirRights) {
  HAPPLICATION app = make_application();
  // Creating files needs the user PIN here.
  EXPECT_EQ(SKF_CreateFile(app, c("HRSS_ESEAL"), 8, SECURE_ANYONE_ACCOUNT, SECURE_USER_ACCOUNT),
            SAR_USER_NOT_LOGGED_IN);
  ULONG left = 0;
  ASSERT_EQ(SKF_VerifyPIN(app, USER_TYPE, c(kUserPin), &left), SAR_OK);
  ASSERT_EQ(SKF_CreateFile(app, c("HRSS_ESEAL"), 8, SECURE_ANYONE_ACCOUNT, SECURE_USER_ACCOUNT),
            SAR_OK);
  ASSERT_EQ(SKF_CreateFile(app, c("SECRET"), 4, SECURE_ADM_ACCOUNT, SECURE_ADM_ACCOUNT), SAR_OK);
  EXPECT_EQ(SKF_CreateFile(app, c("HRSS_ESEAL"), 8, SECURE_ANYONE_ACCOUNT, SECURE_USER_ACCOUNT),
            SAR_FILE_ALREADY_EXIST);
  EXPECT_EQ(
      SKF_CreateFile(app, c("BIG"), 2 * 1024 * 1024, SECURE_ANYONE_ACCOUNT, SECURE_USER_ACCOUNT),
      SAR_NO_ROOM);
  EXPECT_EQ(
      SKF_CreateFile(app, c(std::string(32, 'F')), 1, SECURE_ANYONE_ACCOUNT, SECURE_USER_ACCOUNT),
      SAR_NAMELENERR);

  Bytes data = {'s', 'e', 'a', 'l', 'd', 'a', 't', 'a'};
  ASSERT_EQ(SKF_WriteFile(app, c("HRSS_ESEAL"), 0, data.data(), 8), SAR_OK);
  EXPECT_EQ(SKF_WriteFile(app, c("HRSS_ESEAL"), 4, data.data(), 8), SAR_INDATALENERR);
  EXPECT_EQ(SKF_WriteFile(app, c("SECRET"), 0, data.data(), 4), SAR_USER_NOT_LOGGED_IN);
  EXPECT_EQ(SKF_WriteFile(app, c("NONE"), 0, data.data(), 4), SAR_FILE_NOT_EXIST);

  FILEATTRIBUTE info;
  ASSERT_EQ(SKF_GetFileInfo(app, c("HRSS_ESEAL"), &info), SAR_OK);
  EXPECT_EQ(std::string(info.FileName), "HRSS_ESEAL");
  EXPECT_EQ(ULONG(info.FileSize), 8u);
  EXPECT_EQ(ULONG(info.ReadRights), ULONG(SECURE_ANYONE_ACCOUNT));
  EXPECT_EQ(ULONG(info.WriteRights), ULONG(SECURE_USER_ACCOUNT));

  // Anyone reads HRSS_ESEAL, in pieces; nobody but the administrator reads SECRET.
  ASSERT_EQ(SKF_ClearSecureState(app), SAR_OK);
  BYTE out[8];
  ULONG got = sizeof out;
  ASSERT_EQ(SKF_ReadFile(app, c("HRSS_ESEAL"), 4, 100, out, &got), SAR_OK);
  EXPECT_EQ(Bytes(out, out + got), Bytes(data.begin() + 4, data.end()));
  got = 2;
  EXPECT_EQ(SKF_ReadFile(app, c("HRSS_ESEAL"), 0, 8, out, &got), SAR_BUFFER_TOO_SMALL);
  EXPECT_EQ(got, 8u);
  got = sizeof out;
  EXPECT_EQ(SKF_ReadFile(app, c("HRSS_ESEAL"), 9, 1, out, &got), SAR_INDATALENERR);
  EXPECT_EQ(SKF_ReadFile(app, c("SECRET"), 0, 4, out, &got), SAR_USER_NOT_LOGGED_IN);
  EXPECT_EQ(SKF_DeleteFile(app, c("HRSS_ESEAL")), SAR_USER_NOT_LOGGED_IN);
  ASSERT_EQ(SKF_VerifyPIN(app, ADMIN_TYPE, c(kAdminPin), &left), SAR_OK);
  got = sizeof out;
  EXPECT_EQ(SKF_ReadFile(app, c("SECRET"), 0, 4, out, &got), SAR_OK);
  ASSERT_EQ(SKF_DeleteFile(app, c("SECRET")), SAR_OK);

  ULONG size = 0;
  ASSERT_EQ(SKF_EnumFiles(app, nullptr, &size), SAR_OK);
  std::vector<char> list(size);
  ASSERT_EQ(SKF_EnumFiles(app, list.data(), &size), SAR_OK);
  EXPECT_EQ(names_in(list), std::vector<std::string>{"HRSS_ESEAL"});
  DEVINFO device;
  ASSERT_EQ(SKF_GetDevInfo(dev_, &device), SAR_OK);
  EXPECT_EQ(device.TotalSpace - device.FreeSpace, 8u);
}

TEST_F(SoftSkf, ContainersSignWithAKeyMadeInside) {
  HAPPLICATION app = make_application();
  HCONTAINER con = nullptr;
  EXPECT_EQ(SKF_CreateContainer(app, c("ESEAL"), &con), SAR_USER_NOT_LOGGED_IN);
  ULONG left = 0;
  ASSERT_EQ(SKF_VerifyPIN(app, USER_TYPE, c(kUserPin), &left), SAR_OK);
  std::optional<crypto::Sm2PublicKey> made;
  con = container_with_key(app, &made);
  const crypto::Sm2PublicKey& key = *made;
  ULONG type = 0;
  ASSERT_EQ(SKF_GetContainerType(con, &type), SAR_OK);
  EXPECT_EQ(type, ULONG(CONTAINER_ECC));

  ECCPUBLICKEYBLOB exported{};
  ULONG size = sizeof exported;
  ASSERT_EQ(SKF_ExportPublicKey(con, TRUE, reinterpret_cast<BYTE*>(&exported), &size), SAR_OK);
  EXPECT_EQ(key_of(exported).point(), key.point());
  EXPECT_EQ(SKF_ExportPublicKey(con, FALSE, reinterpret_cast<BYTE*>(&exported), &size),
            SAR_KEYNOTFOUNTERR);

  // e = SM3(Z || M) by the key, as the SKF driver asks for it; then the signature of e.
  Bytes message = to_bytes(std::string_view("某某科技有限公司 合同"));
  HANDLE hash = nullptr;
  std::string id(crypto::kSm2DefaultUserId);
  ASSERT_EQ(SKF_DigestInit(dev_, SGD_SM3, &exported, reinterpret_cast<BYTE*>(id.data()),
                           static_cast<ULONG>(id.size()), &hash),
            SAR_OK);
  ASSERT_EQ(SKF_DigestUpdate(hash, message.data(), 5), SAR_OK);
  BYTE e[32];
  ULONG e_size = sizeof e;
  ASSERT_EQ(SKF_DigestFinal(hash, nullptr, &e_size), SAR_OK);
  EXPECT_EQ(e_size, 32u);
  ASSERT_EQ(SKF_DigestUpdate(hash, message.data() + 5, static_cast<ULONG>(message.size() - 5)),
            SAR_OK);
  ASSERT_EQ(SKF_DigestFinal(hash, e, &e_size), SAR_OK);
  EXPECT_EQ(SKF_CloseHandle(hash), SAR_INVALIDHANDLEERR);  // a finished hash is gone
  EXPECT_EQ(Bytes(e, e + 32), *crypto::sm2_signing_digest(key, message));

  ECCSIGNATUREBLOB signature{};
  ASSERT_EQ(SKF_ECCSignData(con, e, 32, &signature), SAR_OK);
  EXPECT_TRUE(crypto::sm2_verify(key, message, der_of(signature)).ok());
  EXPECT_EQ(SKF_ECCVerify(dev_, &exported, e, 32, &signature), SAR_OK);
  e[0] ^= 1;
  EXPECT_EQ(SKF_ECCVerify(dev_, &exported, e, 32, &signature), SAR_FAIL);
  EXPECT_EQ(SKF_ECCSignData(con, e, 31, &signature), SAR_INVALIDPARAMERR);

  // Without the user PIN the key does not sign.
  ASSERT_EQ(SKF_ClearSecureState(app), SAR_OK);
  EXPECT_EQ(SKF_ECCSignData(con, e, 32, &signature), SAR_USER_NOT_LOGGED_IN);
  Bytes fake_cert = {0x30, 0x03, 0x02, 0x01, 0x01};
  EXPECT_EQ(SKF_ImportCertificate(con, TRUE, fake_cert.data(), 5), SAR_USER_NOT_LOGGED_IN);
  ASSERT_EQ(SKF_VerifyPIN(app, USER_TYPE, c(kUserPin), &left), SAR_OK);
  EXPECT_EQ(SKF_ImportCertificate(con, TRUE, fake_cert.data(), 4), SAR_INDATAERR);
  ASSERT_EQ(SKF_ImportCertificate(con, TRUE, fake_cert.data(), 5), SAR_OK);
  ULONG cert_size = 0;
  ASSERT_EQ(SKF_ExportCertificate(con, TRUE, nullptr, &cert_size), SAR_OK);
  EXPECT_EQ(cert_size, 5u);
  EXPECT_EQ(SKF_ExportCertificate(con, FALSE, nullptr, &cert_size), SAR_CERTNOTFOUNTERR);

  // A new key pair drops the old key's certificate.
  ECCPUBLICKEYBLOB blob{};
  ASSERT_EQ(SKF_GenECCKeyPair(con, SGD_SM2_1, &blob), SAR_OK);
  EXPECT_NE(key_of(blob).point(), key.point());
  EXPECT_EQ(SKF_ExportCertificate(con, TRUE, nullptr, &cert_size), SAR_CERTNOTFOUNTERR);

  size = 0;
  ASSERT_EQ(SKF_EnumContainer(app, nullptr, &size), SAR_OK);
  std::vector<char> list(size);
  ASSERT_EQ(SKF_EnumContainer(app, list.data(), &size), SAR_OK);
  EXPECT_EQ(names_in(list), std::vector<std::string>{"ESEAL"});
  ASSERT_EQ(SKF_DeleteContainer(app, c("ESEAL")), SAR_OK);
  EXPECT_EQ(SKF_ECCSignData(con, e, 32, &signature), SAR_KEYNOTFOUNTERR);
  EXPECT_EQ(SKF_CloseContainer(con), SAR_OK);
  EXPECT_EQ(SKF_CloseContainer(con), SAR_INVALIDHANDLEERR);
}

TEST_F(SoftSkf, AnEncryptionKeyPairArrivesInAnEnvelope) {
  HAPPLICATION app = logged_in();
  std::optional<crypto::Sm2PublicKey> signing;
  HCONTAINER con = container_with_key(app, &signing);

  // The CA's envelope: the encryption private key under a fresh SM4 key, that key SM2-encrypted
  // to the container's signing key.
  auto enc = crypto::Sm2PrivateKey::generate();
  ASSERT_TRUE(enc.ok());
  auto sm4_key = crypto::random_bytes(16);
  ASSERT_TRUE(sm4_key.ok());
  Bytes field(32, 0);
  append(field, enc->scalar());
  auto sealed = crypto::sm4_ecb_encrypt(*sm4_key, field, crypto::Padding::kNone);
  ASSERT_TRUE(sealed.ok());
  std::vector<BYTE> envelope_buffer(sizeof(ENVELOPEDKEYBLOB) + 16, 0);
  auto* envelope = reinterpret_cast<ENVELOPEDKEYBLOB*>(envelope_buffer.data());
  envelope->Version = 1;
  envelope->ulSymmAlgID = SGD_SM4_ECB;
  envelope->ulBits = 256;
  std::memcpy(envelope->cbEncryptedPriKey, sealed->data(), 64);
  envelope->PubKey = blob_of(enc->public_key());
  ECCPUBLICKEYBLOB signing_blob = blob_of(*signing);
  ASSERT_EQ(SKF_ExtECCEncrypt(dev_, &signing_blob, sm4_key->data(), 16, &envelope->ECCCipherBlob),
            SAR_OK);
  // A wrong public key in the envelope is refused.
  envelope->PubKey = signing_blob;
  EXPECT_EQ(SKF_ImportECCKeyPair(con, envelope), SAR_INDATAERR);
  envelope->PubKey = blob_of(enc->public_key());
  ASSERT_EQ(SKF_ImportECCKeyPair(con, envelope), SAR_OK);

  ECCPUBLICKEYBLOB exported{};
  ULONG size = sizeof exported;
  ASSERT_EQ(SKF_ExportPublicKey(con, FALSE, reinterpret_cast<BYTE*>(&exported), &size), SAR_OK);
  EXPECT_EQ(key_of(exported).point(), enc->public_key().point());

  // Data encrypted to the encryption key comes back through the container.
  Bytes secret = to_bytes(std::string_view("证照加密数据"));
  auto cipher = cipher_buffer(secret.size());
  ASSERT_EQ(SKF_ExtECCEncrypt(dev_, &exported, secret.data(), static_cast<ULONG>(secret.size()),
                              as_cipher(cipher)),
            SAR_OK);
  ULONG plain_size = 0;
  ASSERT_EQ(SKF_ECCDecrypt(con, as_cipher(cipher), nullptr, &plain_size), SAR_OK);
  Bytes plain(plain_size);
  ASSERT_EQ(SKF_ECCDecrypt(con, as_cipher(cipher), plain.data(), &plain_size), SAR_OK);
  EXPECT_EQ(plain, secret);
  ECCPRIVATEKEYBLOB private_blob{};
  private_blob.BitLen = 256;
  auto scalar = enc->scalar();
  std::memcpy(private_blob.PrivateKey + 32, scalar.data(), 32);
  plain_size = static_cast<ULONG>(plain.size());
  ASSERT_EQ(SKF_ExtECCDecrypt(dev_, &private_blob, as_cipher(cipher), plain.data(), &plain_size),
            SAR_OK);
  EXPECT_EQ(plain, secret);

  // A session key exported to the container's own encryption key imports back into it, and
  // both handles encrypt alike.
  auto wrapped = cipher_buffer(16);
  HANDLE exported_key = nullptr, imported_key = nullptr;
  ASSERT_EQ(SKF_ECCExportSessionKey(con, SGD_SM4_ECB, &exported, as_cipher(wrapped), &exported_key),
            SAR_OK);
  ASSERT_EQ(SKF_ImportSessionKey(con, SGD_SM4_ECB, wrapped.data(),
                                 static_cast<ULONG>(wrapped.size()), &imported_key),
            SAR_OK);
  BLOCKCIPHERPARAM param{};
  Bytes block(16, 0x5a), a(16), b(16);
  ULONG a_size = 16, b_size = 16;
  ASSERT_EQ(SKF_EncryptInit(exported_key, param), SAR_OK);
  ASSERT_EQ(SKF_Encrypt(exported_key, block.data(), 16, a.data(), &a_size), SAR_OK);
  ASSERT_EQ(SKF_EncryptInit(imported_key, param), SAR_OK);
  ASSERT_EQ(SKF_Encrypt(imported_key, block.data(), 16, b.data(), &b_size), SAR_OK);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, block);
  EXPECT_EQ(SKF_CloseHandle(exported_key), SAR_OK);
  EXPECT_EQ(SKF_CloseHandle(imported_key), SAR_OK);

  // The external signature matches the key's verification.
  BYTE e[32] = {1, 2, 3};
  ECCSIGNATUREBLOB signature{};
  ASSERT_EQ(SKF_ExtECCSign(dev_, &private_blob, e, 32, &signature), SAR_OK);
  EXPECT_EQ(SKF_ExtECCVerify(dev_, &exported, e, 32, &signature), SAR_OK);
}

TEST_F(SoftSkf, Sm4InOneCallInPiecesAndItsMac) {
  Bytes key(16);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<BYTE>(i * 7);
  Bytes iv(16, 0x11);
  Bytes data = to_bytes(std::string_view("GM/T 0016 smart key: SM4-CBC with PKCS#5 padding, 53"));
  auto expected = crypto::sm4_cbc_encrypt(key, iv, data, crypto::Padding::kPkcs7);
  ASSERT_TRUE(expected.ok());

  HANDLE handle = nullptr;
  ASSERT_EQ(SKF_SetSymmKey(dev_, key.data(), SGD_SM4_CBC, &handle), SAR_OK);
  BLOCKCIPHERPARAM param{};
  std::memcpy(param.IV, iv.data(), 16);
  param.IVLen = 16;
  param.PaddingType = 1;
  Bytes out(128);
  ULONG size = 0;
  EXPECT_EQ(SKF_Encrypt(handle, data.data(), static_cast<ULONG>(data.size()), out.data(), &size),
            SAR_NOTINITIALIZEERR);
  ASSERT_EQ(SKF_EncryptInit(handle, param), SAR_OK);
  ASSERT_EQ(SKF_Encrypt(handle, data.data(), static_cast<ULONG>(data.size()), nullptr, &size),
            SAR_OK);
  EXPECT_EQ(size, expected->size());
  size = 8;
  EXPECT_EQ(SKF_Encrypt(handle, data.data(), static_cast<ULONG>(data.size()), out.data(), &size),
            SAR_BUFFER_TOO_SMALL);
  size = static_cast<ULONG>(out.size());
  ASSERT_EQ(SKF_Encrypt(handle, data.data(), static_cast<ULONG>(data.size()), out.data(), &size),
            SAR_OK);
  EXPECT_EQ(Bytes(out.begin(), out.begin() + size), *expected);

  // In pieces of 7 bytes, encrypting and then decrypting.
  ASSERT_EQ(SKF_EncryptInit(handle, param), SAR_OK);
  Bytes pieces;
  for (std::size_t at = 0; at < data.size(); at += 7) {
    ULONG n = static_cast<ULONG>(out.size());
    ULONG length = static_cast<ULONG>(std::min<std::size_t>(7, data.size() - at));
    ASSERT_EQ(SKF_EncryptUpdate(handle, data.data() + at, length, out.data(), &n), SAR_OK);
    pieces.insert(pieces.end(), out.begin(), out.begin() + n);
  }
  size = static_cast<ULONG>(out.size());
  ASSERT_EQ(SKF_EncryptFinal(handle, out.data(), &size), SAR_OK);
  pieces.insert(pieces.end(), out.begin(), out.begin() + size);
  EXPECT_EQ(pieces, *expected);

  ASSERT_EQ(SKF_DecryptInit(handle, param), SAR_OK);
  Bytes back;
  for (std::size_t at = 0; at < expected->size(); at += 16) {
    ULONG n = static_cast<ULONG>(out.size());
    ASSERT_EQ(SKF_DecryptUpdate(handle, expected->data() + at, 16, out.data(), &n), SAR_OK);
    back.insert(back.end(), out.begin(), out.begin() + n);
  }
  size = static_cast<ULONG>(out.size());
  ASSERT_EQ(SKF_DecryptFinal(handle, out.data(), &size), SAR_OK);
  back.insert(back.end(), out.begin(), out.begin() + size);
  EXPECT_EQ(back, data);

  // Bad padding is refused; without padding, only whole blocks.
  Bytes bad = *expected;
  bad.back() ^= 0x55;
  ASSERT_EQ(SKF_DecryptInit(handle, param), SAR_OK);
  size = static_cast<ULONG>(out.size());
  EXPECT_EQ(SKF_Decrypt(handle, bad.data(), static_cast<ULONG>(bad.size()), out.data(), &size),
            SAR_DECRYPTPADERR);
  param.PaddingType = 0;
  ASSERT_EQ(SKF_EncryptInit(handle, param), SAR_OK);
  size = static_cast<ULONG>(out.size());
  EXPECT_EQ(SKF_Encrypt(handle, data.data(), 17, out.data(), &size), SAR_INDATALENERR);

  // The MAC is the last block of CBC over the padded data, in one call or in pieces.
  HANDLE mac = nullptr;
  param.PaddingType = 1;
  ASSERT_EQ(SKF_MacInit(handle, &param, &mac), SAR_OK);
  BYTE tag[16];
  ULONG tag_size = sizeof tag;
  ASSERT_EQ(SKF_Mac(mac, data.data(), static_cast<ULONG>(data.size()), tag, &tag_size), SAR_OK);
  EXPECT_EQ(Bytes(tag, tag + 16), Bytes(expected->end() - 16, expected->end()));
  ASSERT_EQ(SKF_MacInit(handle, &param, &mac), SAR_OK);
  ASSERT_EQ(SKF_MacUpdate(mac, data.data(), 20), SAR_OK);
  ASSERT_EQ(SKF_MacUpdate(mac, data.data() + 20, static_cast<ULONG>(data.size() - 20)), SAR_OK);
  ASSERT_EQ(SKF_MacFinal(mac, tag, &tag_size), SAR_OK);
  EXPECT_EQ(Bytes(tag, tag + 16), Bytes(expected->end() - 16, expected->end()));
  EXPECT_EQ(SKF_CloseHandle(handle), SAR_OK);
}

TEST_F(SoftSkf, HandlesAndArgumentsAreChecked) {
  int local = 0;
  EXPECT_EQ(SKF_GetDevInfo(&local, nullptr), SAR_INVALIDPARAMERR);
  DEVINFO info;
  EXPECT_EQ(SKF_GetDevInfo(&local, &info), SAR_INVALIDHANDLEERR);
  EXPECT_EQ(SKF_CloseHandle(&local), SAR_INVALIDHANDLEERR);
  HAPPLICATION app = make_application();
  // An application handle is not a device handle, nor the other way round.
  EXPECT_EQ(SKF_GetDevInfo(app, &info), SAR_INVALIDHANDLEERR);
  ULONG max = 0, left = 0;
  BOOL is_default = FALSE;
  EXPECT_EQ(SKF_GetPINInfo(dev_, USER_TYPE, &max, &left, &is_default), SAR_INVALIDHANDLEERR);
  EXPECT_EQ(SKF_OpenApplication(dev_, c(std::string(40, 'A')), &app), SAR_APPLICATION_NAME_INVALID);
  EXPECT_EQ(SKF_GenRSAKeyPair(nullptr, 2048, nullptr), SAR_NOTSUPPORTYETERR);
  EXPECT_EQ(SKF_Transmit(dev_, nullptr, 0, nullptr, nullptr), SAR_NOTSUPPORTYETERR);
  HANDLE hash = nullptr;
  EXPECT_EQ(SKF_DigestInit(dev_, 0x1234, nullptr, nullptr, 0, &hash), SAR_NOTSUPPORTYETERR);
  ASSERT_EQ(SKF_DigestInit(dev_, SGD_SHA256, nullptr, nullptr, 0, &hash), SAR_OK);
  BYTE digest[32];
  ULONG size = sizeof digest;
  ASSERT_EQ(SKF_Digest(hash, reinterpret_cast<BYTE*>(c("abc")), 3, digest, &size), SAR_OK);
  EXPECT_EQ(Bytes(digest, digest + size), crypto::sha256(as_bytes(std::string_view("abc"))));

  // A key whose file disappears is removed; its handles say so.
  std::filesystem::remove(dir_.path() / "key1.json");
  EXPECT_EQ(SKF_GetDevInfo(dev_, &info), SAR_DEVICE_REMOVED);
}

TEST_F(SoftSkf, AnotherProcesssChangeIsSeen) {
  HAPPLICATION app = logged_in();
  auto before = read_file(dir_.path() / "key1.json");
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(SKF_CreateContainer(app, c("LATER"), nullptr), SAR_INVALIDPARAMERR);
  HCONTAINER con = nullptr;
  ASSERT_EQ(SKF_CreateContainer(app, c("LATER"), &con), SAR_OK);
  // The file replaced under the library (as another process's write does): the container made
  // after it was read is gone.
  ASSERT_TRUE(write_file_atomic(dir_.path() / "key1.json", *before, 0600).ok());
  ULONG size = 0;
  ASSERT_EQ(SKF_EnumContainer(app, nullptr, &size), SAR_OK);
  EXPECT_EQ(size, 1u);
  EXPECT_EQ(SKF_GetContainerType(con, &size), SAR_KEYNOTFOUNTERR);
}

}  // namespace
}  // namespace eseal
