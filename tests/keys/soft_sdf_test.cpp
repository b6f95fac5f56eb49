// eseal's software SDF device (libeseal-softsdf.so) through its C ABI, as a vendor's library
// would be called: key indexes with passwords, SM2 signing of e with the device's Z hash,
// external keys, SM2 encryption inside and outside, session keys wrapped with SM2 and with a
// KEK, SM4 and its MAC, files, refused handles and arguments, and state kept in the device file.
#include "keys/soft_sdf/soft_sdf.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstring>
#include <vector>

#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/sm2.h"
#include "crypto/sm2_cipher.h"
#include "crypto/sm4.h"
#include "support/process.h"

namespace eseal {
namespace {

constexpr unsigned kIndex = 1;
const std::string kPassword = "device-key-password";

Bytes tail(const unsigned char* field) {
  return Bytes(field + 32, field + 64);
}

crypto::Sm2PublicKey public_key_of(const ECCrefPublicKey& ref) {
  Bytes point{0x04};
  append(point, tail(ref.x));
  append(point, tail(ref.y));
  auto key = crypto::Sm2PublicKey::from_point(point);
  EXPECT_TRUE(key.ok());
  return *key;
}

Bytes der_of(const ECCSignature& signature) {
  Bytes raw = tail(signature.r);
  append(raw, tail(signature.s));
  auto der = crypto::sm2_signature_raw_to_der(raw);
  EXPECT_TRUE(der.ok());
  return der.ok() ? *der : Bytes{};
}

// An ECCCipher buffer with room for `length` bytes of C2.
std::vector<unsigned char> cipher_buffer(std::size_t length) {
  return std::vector<unsigned char>(sizeof(ECCCipher) + length, 0);
}

ECCCipher* as_cipher(std::vector<unsigned char>& buffer) {
  return reinterpret_cast<ECCCipher*>(buffer.data());
}

unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

// A device folder named by ESEAL_SOFTSDF_DIR, the device opened with one session.
class SoftSdf : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("ESEAL_SOFTSDF_DIR", dir_.path().c_str(), 1);
    ASSERT_EQ(SDF_OpenDevice(&device_), SDR_OK);
    ASSERT_EQ(SDF_OpenSession(device_, &session_), SDR_OK);
  }
  void TearDown() override {
    if (device_ != nullptr) {
      EXPECT_EQ(SDF_CloseDevice(device_), SDR_OK);
    }
    ::unsetenv("ESEAL_SOFTSDF_DIR");
  }

  // Key index kIndex with kPassword; its signing public key.
  crypto::Sm2PublicKey make_key(unsigned index = kIndex) {
    ECCrefPublicKey ref;
    EXPECT_EQ(ESEAL_SDF_GenerateKeyPair(index, kPassword.c_str(), &ref), SDR_OK);
    return public_key_of(ref);
  }

  int grant(void* session, unsigned index, std::string password) {
    return SDF_GetPrivateKeyAccessRight(session, index, bytes(password),
                                        static_cast<unsigned>(password.size()));
  }

  void reopen() {
    ASSERT_EQ(SDF_CloseDevice(device_), SDR_OK);
    device_ = nullptr;
    ASSERT_EQ(SDF_OpenDevice(&device_), SDR_OK);
    ASSERT_EQ(SDF_OpenSession(device_, &session_), SDR_OK);
  }

  test::TempDir dir_;
  void* device_ = nullptr;
  void* session_ = nullptr;
};

TEST_F(SoftSdf, DeviceInformationAndRandomNumbers) {
  DEVICEINFO info;
  ASSERT_EQ(SDF_GetDeviceInfo(session_, &info), SDR_OK);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(info.IssuerName)), "eseal");
  EXPECT_EQ(std::string(reinterpret_cast<char*>(info.DeviceName)), "eseal-softsdf");
  EXPECT_EQ(std::string(reinterpret_cast<char*>(info.DeviceSerial), 16).size(), 16u);
  EXPECT_EQ(info.AsymAlgAbility[0], unsigned(SGD_SM2_1 | SGD_SM2_3));
  EXPECT_EQ(info.HashAlgAbility, unsigned(SGD_SM3));
  EXPECT_NE(info.SymAlgAbility & SGD_SM4_CBC, 0u);

  unsigned char a[32] = {}, b[32] = {};
  ASSERT_EQ(SDF_GenerateRandom(session_, sizeof a, a), SDR_OK);
  ASSERT_EQ(SDF_GenerateRandom(session_, sizeof b, b), SDR_OK);
  EXPECT_NE(std::memcmp(a, b, sizeof a), 0);
  EXPECT_EQ(SDF_GenerateRandom(session_, 16, nullptr), SDR_INARGERR);

  // The device file exists, readable by its owner only.
  struct stat st {};
  ASSERT_EQ(::stat((dir_.path() / "device.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SoftSdf, UnknownHandlesAndBadArgumentsAreRefused) {
  void* bogus = reinterpret_cast<void*>(0x1234);
  void* out = nullptr;
  DEVICEINFO info;
  EXPECT_EQ(SDF_OpenSession(bogus, &out), SDR_INARGERR);
  EXPECT_EQ(SDF_OpenSession(nullptr, &out), SDR_INARGERR);
  EXPECT_EQ(SDF_OpenSession(device_, nullptr), SDR_INARGERR);
  EXPECT_EQ(SDF_CloseSession(bogus), SDR_INARGERR);
  EXPECT_EQ(SDF_CloseDevice(bogus), SDR_INARGERR);
  EXPECT_EQ(SDF_GetDeviceInfo(bogus, &info), SDR_INARGERR);
  EXPECT_EQ(SDF_GetDeviceInfo(session_, nullptr), SDR_INARGERR);
  EXPECT_EQ(SDF_OpenDevice(nullptr), SDR_INARGERR);
  // A device handle is not a session handle, nor the reverse.
  EXPECT_EQ(SDF_GetDeviceInfo(device_, &info), SDR_INARGERR);
  EXPECT_EQ(SDF_OpenSession(session_, &out), SDR_INARGERR);

  // A closed session is gone for good.
  void* second = nullptr;
  ASSERT_EQ(SDF_OpenSession(device_, &second), SDR_OK);
  ASSERT_EQ(SDF_CloseSession(second), SDR_OK);
  EXPECT_EQ(SDF_GetDeviceInfo(second, &info), SDR_INARGERR);
  EXPECT_EQ(SDF_CloseSession(second), SDR_INARGERR);

  unsigned char data[16] = {}, result[16];
  unsigned length = 0;
  EXPECT_EQ(SDF_Encrypt(session_, bogus, SGD_SM4_ECB, nullptr, data, 16, result, &length),
            SDR_INARGERR);
  EXPECT_EQ(SDF_DestroyKey(session_, bogus), SDR_INARGERR);
  EXPECT_EQ(SDF_HashUpdate(session_, data, 16), SDR_STEPERR);  // no HashInit
  EXPECT_EQ(SDF_HashFinal(session_, result, &length), SDR_STEPERR);
  EXPECT_EQ(SDF_HashInit(session_, SGD_SHA256, nullptr, nullptr, 0), SDR_ALGNOTSUPPORT);

  // Key indexes are 1..1024; an empty one has no key.
  ECCrefPublicKey key;
  EXPECT_EQ(SDF_ExportSignPublicKey_ECC(session_, 0, &key), SDR_INARGERR);
  EXPECT_EQ(SDF_ExportSignPublicKey_ECC(session_, 1025, &key), SDR_INARGERR);
  EXPECT_EQ(SDF_ExportSignPublicKey_ECC(session_, 7, &key), SDR_KEYNOTEXIST);
  EXPECT_EQ(SDF_ExportSignPublicKey_ECC(session_, 7, nullptr), SDR_INARGERR);
  EXPECT_EQ(ESEAL_SDF_GenerateKeyPair(0, "x", nullptr), SDR_INARGERR);
  EXPECT_EQ(ESEAL_SDF_GenerateKeyPair(1, "", nullptr), SDR_INARGERR);
  EXPECT_EQ(ESEAL_SDF_GenerateKeyPair(1, nullptr, nullptr), SDR_INARGERR);
  EXPECT_EQ(ESEAL_SDF_GenerateKEK(1025), SDR_INARGERR);

  // RSA, key agreement and envelope exchange are not supported.
  RSArefPublicKey rsa;
  EXPECT_EQ(SDF_ExportSignPublicKey_RSA(session_, 1, &rsa), SDR_NOTSUPPORT);
  EXPECT_EQ(SDF_GenerateKeyPair_RSA(session_, 2048, &rsa, nullptr), SDR_NOTSUPPORT);
  EXPECT_EQ(SDF_InternalPrivateKeyOperation_RSA(session_, 1, data, 16, result, &length),
            SDR_NOTSUPPORT);
  EXPECT_EQ(SDF_GenerateAgreementDataWithECC(session_, 1, 128, nullptr, 0, nullptr, nullptr, &out),
            SDR_NOTSUPPORT);
  EXPECT_EQ(SDF_GenerateKeyWithECC(session_, nullptr, 0, nullptr, nullptr, nullptr, &out),
            SDR_NOTSUPPORT);
  EXPECT_EQ(SDF_ExchangeDigitEnvelopeBaseOnECC(session_, 1, SGD_SM2_3, nullptr, nullptr, nullptr),
            SDR_NOTSUPPORT);
}

TEST_F(SoftSdf, TheDeviceHashesWithZAndSignsWithAKeyIndexAfterItsPassword) {
  auto key = make_key();
  ECCrefPublicKey exported, enc;
  ASSERT_EQ(SDF_ExportSignPublicKey_ECC(session_, kIndex, &exported), SDR_OK);
  EXPECT_EQ(exported.bits, 256u);
  EXPECT_EQ(public_key_of(exported), key);
  ASSERT_EQ(SDF_ExportEncPublicKey_ECC(session_, kIndex, &enc), SDR_OK);
  EXPECT_FALSE(public_key_of(enc) == key);

  // e = SM3(Z || M) by the device equals eseal's.
  std::string message = "TBS_Sign of a seal signature";
  std::string id(crypto::kSm2DefaultUserId);
  ASSERT_EQ(SDF_HashInit(session_, SGD_SM3, &exported, bytes(id), 16), SDR_OK);
  ASSERT_EQ(SDF_HashUpdate(session_, bytes(message), 10), SDR_OK);
  ASSERT_EQ(
      SDF_HashUpdate(session_, bytes(message) + 10, static_cast<unsigned>(message.size() - 10)),
      SDR_OK);
  unsigned char e[32];
  unsigned length = 0;
  ASSERT_EQ(SDF_HashFinal(session_, e, &length), SDR_OK);
  ASSERT_EQ(length, 32u);
  EXPECT_EQ(Bytes(e, e + 32), *crypto::sm2_signing_digest(key, as_bytes(message)));
  // Without a public key it is plain SM3; with one but no ID it is refused.
  ASSERT_EQ(SDF_HashInit(session_, SGD_SM3, nullptr, nullptr, 0), SDR_OK);
  ASSERT_EQ(SDF_HashUpdate(session_, bytes(message), static_cast<unsigned>(message.size())),
            SDR_OK);
  unsigned char plain[32];
  ASSERT_EQ(SDF_HashFinal(session_, plain, &length), SDR_OK);
  EXPECT_EQ(Bytes(plain, plain + 32), crypto::sm3(as_bytes(message)));
  EXPECT_EQ(SDF_HashInit(session_, SGD_SM3, &exported, nullptr, 0), SDR_INARGERR);

  // Signing needs the key's access right in this session.
  ECCSignature signature;
  EXPECT_EQ(SDF_InternalSign_ECC(session_, kIndex, e, 32, &signature), SDR_PARDENY);
  EXPECT_EQ(grant(session_, kIndex, "wrong password"), SDR_PARDENY);
  EXPECT_EQ(SDF_InternalSign_ECC(session_, kIndex, e, 32, &signature), SDR_PARDENY);
  EXPECT_EQ(grant(session_, 9, kPassword), SDR_KEYNOTEXIST);
  ASSERT_EQ(grant(session_, kIndex, kPassword), SDR_OK);
  EXPECT_EQ(SDF_InternalSign_ECC(session_, kIndex, e, 31, &signature), SDR_INARGERR);
  ASSERT_EQ(SDF_InternalSign_ECC(session_, kIndex, e, 32, &signature), SDR_OK);
  Bytes der = der_of(signature);
  EXPECT_TRUE(crypto::sm2_verify_digest(key, ByteView(e, 32), der).ok());
  EXPECT_TRUE(crypto::sm2_verify(key, as_bytes(message), der).ok());

  // The device verifies it with the index's key and with the key given.
  EXPECT_EQ(SDF_InternalVerify_ECC(session_, kIndex, e, 32, &signature), SDR_OK);
  EXPECT_EQ(SDF_ExternalVerify_ECC(session_, SGD_SM2_1, &exported, e, 32, &signature), SDR_OK);
  e[0] ^= 1;
  EXPECT_EQ(SDF_InternalVerify_ECC(session_, kIndex, e, 32, &signature), SDR_VERIFYERR);
  EXPECT_EQ(SDF_ExternalVerify_ECC(session_, SGD_SM2_1, &exported, e, 32, &signature),
            SDR_VERIFYERR);
  EXPECT_EQ(SDF_ExternalVerify_ECC(session_, SGD_SM4_ECB, &exported, e, 32, &signature),
            SDR_ALGNOTSUPPORT);

  // The right belongs to this session, until it is released.
  void* other = nullptr;
  ASSERT_EQ(SDF_OpenSession(device_, &other), SDR_OK);
  EXPECT_EQ(SDF_InternalSign_ECC(other, kIndex, e, 32, &signature), SDR_PARDENY);
  ASSERT_EQ(SDF_CloseSession(other), SDR_OK);
  ASSERT_EQ(SDF_ReleasePrivateKeyAccessRight(session_, kIndex), SDR_OK);
  EXPECT_EQ(SDF_InternalSign_ECC(session_, kIndex, e, 32, &signature), SDR_PARDENY);

  // A replaced key index takes its new password, and rights to the old key are gone.
  ASSERT_EQ(grant(session_, kIndex, kPassword), SDR_OK);
  ECCrefPublicKey replaced;
  ASSERT_EQ(ESEAL_SDF_GenerateKeyPair(kIndex, "another password", &replaced), SDR_OK);
  EXPECT_FALSE(public_key_of(replaced) == key);
  EXPECT_EQ(SDF_InternalSign_ECC(session_, kIndex, e, 32, &signature), SDR_PARDENY);
  EXPECT_EQ(grant(session_, kIndex, kPassword), SDR_PARDENY);
  EXPECT_EQ(grant(session_, kIndex, "another password"), SDR_OK);
}

TEST_F(SoftSdf, ExternalKeyPairsSignVerifyEncryptAndDecrypt) {
  ECCrefPublicKey public_ref;
  ECCrefPrivateKey private_ref;
  ASSERT_EQ(SDF_GenerateKeyPair_ECC(session_, SGD_SM2_1, 256, &public_ref, &private_ref), SDR_OK);
  EXPECT_EQ(SDF_GenerateKeyPair_ECC(session_, SGD_SM2_1, 512, &public_ref, &private_ref),
            SDR_INARGERR);
  auto key = crypto::Sm2PrivateKey::from_scalar(tail(private_ref.K));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key(), public_key_of(public_ref));

  Bytes e = *crypto::sm2_signing_digest(key->public_key(), as_bytes("message"));
  ECCSignature signature;
  ASSERT_EQ(SDF_ExternalSign_ECC(session_, SGD_SM2_1, &private_ref, e.data(), 32, &signature),
            SDR_OK);
  EXPECT_TRUE(crypto::sm2_verify_digest(key->public_key(), e, der_of(signature)).ok());
  EXPECT_EQ(SDF_ExternalVerify_ECC(session_, SGD_SM2_1, &public_ref, e.data(), 32, &signature),
            SDR_OK);

  // Encrypted by the device, decrypted by eseal and by the device.
  std::string secret = "a 24-byte session secret";
  auto buffer = cipher_buffer(secret.size());
  ASSERT_EQ(SDF_ExternalEncrypt_ECC(session_, SGD_SM2_3, &public_ref, bytes(secret),
                                    static_cast<unsigned>(secret.size()), as_cipher(buffer)),
            SDR_OK);
  EXPECT_EQ(as_cipher(buffer)->L, secret.size());
  Bytes encoded(buffer.begin(), buffer.begin() + 164 + secret.size());
  auto by_eseal = crypto::sm2_decrypt(*key, encoded, crypto::Sm2CipherFormat::kEccCipher);
  ASSERT_TRUE(by_eseal.ok()) << by_eseal.error().message;
  EXPECT_EQ(std::string(by_eseal->begin(), by_eseal->end()), secret);
  unsigned char plain[64];
  unsigned length = 0;
  ASSERT_EQ(
      SDF_ExternalDecrypt_ECC(session_, SGD_SM2_3, &private_ref, as_cipher(buffer), plain, &length),
      SDR_OK);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(plain), length), secret);

  // Encrypted by eseal (GM/T 0018 layout), decrypted by the device; a damaged one is refused.
  auto theirs =
      crypto::sm2_encrypt(key->public_key(), as_bytes(secret), crypto::Sm2CipherFormat::kEccCipher);
  ASSERT_TRUE(theirs.ok());
  auto copy = cipher_buffer(secret.size());
  std::memcpy(copy.data(), theirs->data(), theirs->size());
  ASSERT_EQ(
      SDF_ExternalDecrypt_ECC(session_, SGD_SM2_3, &private_ref, as_cipher(copy), plain, &length),
      SDR_OK);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(plain), length), secret);
  as_cipher(copy)->M[0] ^= 1;
  EXPECT_EQ(
      SDF_ExternalDecrypt_ECC(session_, SGD_SM2_3, &private_ref, as_cipher(copy), plain, &length),
      SDR_ENCDATAERR);
}

TEST_F(SoftSdf, AKeyIndexEncryptsForItsEncryptionKeyAndDecryptsAfterItsPassword) {
  make_key();
  ECCrefPublicKey enc;
  ASSERT_EQ(SDF_ExportEncPublicKey_ECC(session_, kIndex, &enc), SDR_OK);
  std::string secret = "for the encryption key";
  auto buffer = cipher_buffer(secret.size());
  ASSERT_EQ(SDF_InternalEncrypt_ECC(session_, kIndex, SGD_SM2_3, bytes(secret),
                                    static_cast<unsigned>(secret.size()), as_cipher(buffer)),
            SDR_OK);
  unsigned char plain[64];
  unsigned length = 0;
  EXPECT_EQ(SDF_InternalDecrypt_ECC(session_, kIndex, SGD_SM2_3, as_cipher(buffer), plain, &length),
            SDR_PARDENY);
  ASSERT_EQ(grant(session_, kIndex, kPassword), SDR_OK);
  ASSERT_EQ(SDF_InternalDecrypt_ECC(session_, kIndex, SGD_SM2_3, as_cipher(buffer), plain, &length),
            SDR_OK);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(plain), length), secret);

  // A ciphertext made by eseal for the exported encryption key decrypts the same way.
  auto theirs = crypto::sm2_encrypt(public_key_of(enc), as_bytes(secret),
                                    crypto::Sm2CipherFormat::kEccCipher);
  ASSERT_TRUE(theirs.ok());
  auto copy = cipher_buffer(secret.size());
  std::memcpy(copy.data(), theirs->data(), theirs->size());
  ASSERT_EQ(SDF_InternalDecrypt_ECC(session_, kIndex, SGD_SM2_3, as_cipher(copy), plain, &length),
            SDR_OK);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(plain), length), secret);
}

TEST_F(SoftSdf, SessionKeysEncryptAsEsealsSm4Does) {
  // A session key for an external key pair: eseal decrypts it to learn the key.
  ECCrefPublicKey public_ref;
  ECCrefPrivateKey private_ref;
  ASSERT_EQ(SDF_GenerateKeyPair_ECC(session_, SGD_SM2_3, 256, &public_ref, &private_ref), SDR_OK);
  auto wrapped = cipher_buffer(16);
  void* key_handle = nullptr;
  ASSERT_EQ(SDF_GenerateKeyWithEPK_ECC(session_, 128, SGD_SM2_3, &public_ref, as_cipher(wrapped),
                                       &key_handle),
            SDR_OK);
  Bytes encoded(wrapped.begin(), wrapped.begin() + 164 + 16);
  auto key = crypto::sm2_decrypt(*crypto::Sm2PrivateKey::from_scalar(tail(private_ref.K)), encoded,
                                 crypto::Sm2CipherFormat::kEccCipher);
  ASSERT_TRUE(key.ok());
  ASSERT_EQ(key->size(), 16u);

  Bytes data(48);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
  Bytes out(48);
  unsigned length = 0;
  ASSERT_EQ(
      SDF_Encrypt(session_, key_handle, SGD_SM4_ECB, nullptr, data.data(), 48, out.data(), &length),
      SDR_OK);
  EXPECT_EQ(length, 48u);
  EXPECT_EQ(out, *crypto::sm4_ecb_encrypt(*key, data, crypto::Padding::kNone));
  Bytes back(48);
  ASSERT_EQ(
      SDF_Decrypt(session_, key_handle, SGD_SM4_ECB, nullptr, out.data(), 48, back.data(), &length),
      SDR_OK);
  EXPECT_EQ(back, data);

  // CBC: the IV given is used, and on return continues the chain.
  Bytes iv0(16, 0x5a);
  Bytes iv = iv0;
  ASSERT_EQ(SDF_Encrypt(session_, key_handle, SGD_SM4_CBC, iv.data(), data.data(), 48, out.data(),
                        &length),
            SDR_OK);
  EXPECT_EQ(out, *crypto::sm4_cbc_encrypt(*key, iv0, data, crypto::Padding::kNone));
  EXPECT_EQ(iv, Bytes(out.end() - 16, out.end()));
  iv = iv0;
  ASSERT_EQ(SDF_Decrypt(session_, key_handle, SGD_SM4_CBC, iv.data(), out.data(), 48, back.data(),
                        &length),
            SDR_OK);
  EXPECT_EQ(back, data);
  EXPECT_EQ(SDF_Encrypt(session_, key_handle, SGD_SM4_CBC, iv.data(), data.data(), 47, out.data(),
                        &length),
            SDR_INARGERR);
  EXPECT_EQ(SDF_Encrypt(session_, key_handle, SGD_SM4_OFB, iv.data(), data.data(), 48, out.data(),
                        &length),
            SDR_ALGNOTSUPPORT);

  // CBC-MAC: the last block of SM4-CBC.
  iv = iv0;
  unsigned char mac[16];
  ASSERT_EQ(
      SDF_CalculateMAC(session_, key_handle, SGD_SM4_MAC, iv.data(), data.data(), 48, mac, &length),
      SDR_OK);
  EXPECT_EQ(length, 16u);
  Bytes chain = *crypto::sm4_cbc_encrypt(*key, iv0, data, crypto::Padding::kNone);
  EXPECT_EQ(Bytes(mac, mac + 16), Bytes(chain.end() - 16, chain.end()));
  EXPECT_EQ(
      SDF_CalculateMAC(session_, key_handle, SGD_SM4_CBC, iv.data(), data.data(), 48, mac, &length),
      SDR_ALGNOTSUPPORT);

  // A key given in the clear works the same; destroyed keys are gone.
  void* clear = nullptr;
  ASSERT_EQ(SDF_ImportKey(session_, key->data(), 16, &clear), SDR_OK);
  Bytes again(48);
  ASSERT_EQ(
      SDF_Encrypt(session_, clear, SGD_SM4_ECB, nullptr, data.data(), 48, again.data(), &length),
      SDR_OK);
  EXPECT_EQ(again, *crypto::sm4_ecb_encrypt(*key, data, crypto::Padding::kNone));
  ASSERT_EQ(SDF_DestroyKey(session_, clear), SDR_OK);
  EXPECT_EQ(
      SDF_Encrypt(session_, clear, SGD_SM4_ECB, nullptr, data.data(), 48, again.data(), &length),
      SDR_INARGERR);
  // A key belongs to its session.
  void* other = nullptr;
  ASSERT_EQ(SDF_OpenSession(device_, &other), SDR_OK);
  EXPECT_EQ(
      SDF_Encrypt(other, key_handle, SGD_SM4_ECB, nullptr, data.data(), 48, again.data(), &length),
      SDR_INARGERR);
  EXPECT_EQ(SDF_DestroyKey(other, key_handle), SDR_INARGERR);
  ASSERT_EQ(SDF_CloseSession(other), SDR_OK);
  EXPECT_EQ(SDF_DestroyKey(session_, key_handle), SDR_OK);
}

TEST_F(SoftSdf, SessionKeysWrappedForAKeyIndexImportWithItsPassword) {
  make_key();
  auto wrapped = cipher_buffer(16);
  void* generated = nullptr;
  ASSERT_EQ(SDF_GenerateKeyWithIPK_ECC(session_, kIndex, 128, as_cipher(wrapped), &generated),
            SDR_OK);
  void* imported = nullptr;
  EXPECT_EQ(SDF_ImportKeyWithISK_ECC(session_, kIndex, as_cipher(wrapped), &imported), SDR_PARDENY);
  ASSERT_EQ(grant(session_, kIndex, kPassword), SDR_OK);
  ASSERT_EQ(SDF_ImportKeyWithISK_ECC(session_, kIndex, as_cipher(wrapped), &imported), SDR_OK);
  EXPECT_NE(generated, imported);

  unsigned char data[32] = "the same key on both handles";
  unsigned char a[32], b[32];
  unsigned length = 0;
  ASSERT_EQ(SDF_Encrypt(session_, generated, SGD_SM4_ECB, nullptr, data, 32, a, &length), SDR_OK);
  ASSERT_EQ(SDF_Encrypt(session_, imported, SGD_SM4_ECB, nullptr, data, 32, b, &length), SDR_OK);
  EXPECT_EQ(std::memcmp(a, b, 32), 0);
  EXPECT_EQ(SDF_GenerateKeyWithIPK_ECC(session_, 5, 128, as_cipher(wrapped), &generated),
            SDR_KEYNOTEXIST);
}

TEST_F(SoftSdf, KeysWrappedUnderAKekUnwrapToTheSameKey) {
  ASSERT_EQ(ESEAL_SDF_GenerateKEK(3), SDR_OK);
  unsigned char wrapped[32];
  unsigned wrapped_length = 0;
  void* generated = nullptr;
  ASSERT_EQ(
      SDF_GenerateKeyWithKEK(session_, 128, SGD_SM4_ECB, 3, wrapped, &wrapped_length, &generated),
      SDR_OK);
  ASSERT_EQ(wrapped_length, 16u);
  void* imported = nullptr;
  ASSERT_EQ(SDF_ImportKeyWithKEK(session_, SGD_SM4_ECB, 3, wrapped, wrapped_length, &imported),
            SDR_OK);

  unsigned char data[16] = "sixteen bytes..", a[16], b[16];
  unsigned length = 0;
  ASSERT_EQ(SDF_Encrypt(session_, generated, SGD_SM4_ECB, nullptr, data, 16, a, &length), SDR_OK);
  ASSERT_EQ(SDF_Encrypt(session_, imported, SGD_SM4_ECB, nullptr, data, 16, b, &length), SDR_OK);
  EXPECT_EQ(std::memcmp(a, b, 16), 0);

  EXPECT_EQ(
      SDF_GenerateKeyWithKEK(session_, 128, SGD_SM4_ECB, 4, wrapped, &wrapped_length, &generated),
      SDR_KEYNOTEXIST);
  EXPECT_EQ(
      SDF_GenerateKeyWithKEK(session_, 128, SGD_SM4_CBC, 3, wrapped, &wrapped_length, &generated),
      SDR_ALGNOTSUPPORT);
  EXPECT_EQ(SDF_ImportKeyWithKEK(session_, SGD_SM4_ECB, 3, wrapped, 15, &imported), SDR_INARGERR);
}

TEST_F(SoftSdf, FilesAreCreatedWrittenReadAndDeleted) {
  std::string name = "印章配置.bin";
  auto name_length = static_cast<unsigned>(name.size());
  ASSERT_EQ(SDF_CreateFile(session_, bytes(name), name_length, 32), SDR_OK);
  EXPECT_EQ(SDF_CreateFile(session_, bytes(name), name_length, 32), SDR_FILEEXSITS);
  EXPECT_EQ(SDF_CreateFile(session_, bytes(name), 0, 32), SDR_INARGERR);
  std::string payload = "hello, device";
  ASSERT_EQ(SDF_WriteFile(session_, bytes(name), name_length, 4,
                          static_cast<unsigned>(payload.size()), bytes(payload)),
            SDR_OK);
  unsigned char buffer[64];
  unsigned length = sizeof buffer;
  ASSERT_EQ(SDF_ReadFile(session_, bytes(name), name_length, 0, &length, buffer), SDR_OK);
  ASSERT_EQ(length, 32u);
  EXPECT_EQ(Bytes(buffer, buffer + 4), Bytes(4, 0));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer) + 4, payload.size()), payload);
  length = 5;
  ASSERT_EQ(SDF_ReadFile(session_, bytes(name), name_length, 4, &length, buffer), SDR_OK);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), length), "hello");

  length = 4;
  EXPECT_EQ(SDF_ReadFile(session_, bytes(name), name_length, 33, &length, buffer), SDR_FILEOFSERR);
  EXPECT_EQ(SDF_WriteFile(session_, bytes(name), name_length, 30, 4, bytes(payload)),
            SDR_FILESIZEERR);
  ASSERT_EQ(SDF_DeleteFile(session_, bytes(name), name_length), SDR_OK);
  EXPECT_EQ(SDF_ReadFile(session_, bytes(name), name_length, 0, &length, buffer), SDR_FILENOEXIST);
  EXPECT_EQ(SDF_DeleteFile(session_, bytes(name), name_length), SDR_FILENOEXIST);
}

TEST_F(SoftSdf, StateIsKeptInTheDeviceFile) {
  auto key = make_key(12);
  ASSERT_EQ(ESEAL_SDF_GenerateKEK(1), SDR_OK);
  unsigned char wrapped[16];
  unsigned wrapped_length = 0;
  void* generated = nullptr;
  ASSERT_EQ(
      SDF_GenerateKeyWithKEK(session_, 128, SGD_SM4_ECB, 1, wrapped, &wrapped_length, &generated),
      SDR_OK);
  unsigned char data[16] = "kept across...", a[16], b[16];
  unsigned length = 0;
  ASSERT_EQ(SDF_Encrypt(session_, generated, SGD_SM4_ECB, nullptr, data, 16, a, &length), SDR_OK);
  std::string name = "kept";
  std::string content = "file content";
  ASSERT_EQ(SDF_CreateFile(session_, bytes(name), 4, static_cast<unsigned>(content.size())),
            SDR_OK);
  ASSERT_EQ(SDF_WriteFile(session_, bytes(name), 4, 0, static_cast<unsigned>(content.size()),
                          bytes(content)),
            SDR_OK);

  reopen();
  ECCrefPublicKey exported;
  ASSERT_EQ(SDF_ExportSignPublicKey_ECC(session_, 12, &exported), SDR_OK);
  EXPECT_EQ(public_key_of(exported), key);
  EXPECT_EQ(grant(session_, 12, kPassword), SDR_OK);
  void* imported = nullptr;
  ASSERT_EQ(SDF_ImportKeyWithKEK(session_, SGD_SM4_ECB, 1, wrapped, 16, &imported), SDR_OK);
  ASSERT_EQ(SDF_Encrypt(session_, imported, SGD_SM4_ECB, nullptr, data, 16, b, &length), SDR_OK);
  EXPECT_EQ(std::memcmp(a, b, 16), 0);
  unsigned char buffer[64];
  length = sizeof buffer;
  ASSERT_EQ(SDF_ReadFile(session_, bytes(name), 4, 0, &length, buffer), SDR_OK);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), length), content);

  // Another process's change to the file (here: an older copy put back) is seen at once.
  auto file = dir_.path() / "device.json";
  auto before = read_file(file);
  ASSERT_TRUE(before.ok());
  make_key(13);
  ASSERT_EQ(SDF_ExportSignPublicKey_ECC(session_, 13, &exported), SDR_OK);
  ASSERT_TRUE(write_file_atomic(file, *before, 0600).ok());
  EXPECT_EQ(SDF_ExportSignPublicKey_ECC(session_, 13, &exported), SDR_KEYNOTEXIST);
  EXPECT_EQ(SDF_ExportSignPublicKey_ECC(session_, 12, &exported), SDR_OK);

  // A damaged file is refused rather than taken for an empty device.
  ASSERT_EQ(SDF_CloseDevice(device_), SDR_OK);
  device_ = nullptr;
  test::write_text(file, "{ not json");
  void* device = nullptr;
  EXPECT_EQ(SDF_OpenDevice(&device), SDR_OPENDEVICE);
}

}  // namespace
}  // namespace eseal
