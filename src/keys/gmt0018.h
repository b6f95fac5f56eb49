/* GM/T 0018-2012, the application interface of cryptography devices (SDF): the C ABI a server
 * crypto device's (HSM, PCI-E card) vendor library exports, as eseal loads it (keys/sdf.h) and
 * as eseal's own software device (libeseal-softsdf.so) implements it. Written from the
 * standard's clause 5 (types and structures), clause 6 (functions; section numbers below are
 * the standard's) and its annex A (return codes), with the algorithm identifiers of GM/T 0006.
 *
 * Structures are packed to 1 byte and ECCref_MAX_BITS is 512, as the standard defines them:
 * 256-bit SM2 values are big-endian and right-aligned in 64-byte fields (32 leading zero bytes).
 * Some vendors build with 256-bit fields or widen ECCCipher.C to a fixed array; a vendor whose
 * header differs needs its own build of the driver. Every function returns SDR_OK (0) or an
 * SDR_* code; handles are opaque pointers.
 */
#ifndef ESEAL_KEYS_GMT0018_H
#define ESEAL_KEYS_GMT0018_H

#ifdef __cplusplus
extern "C" {
#endif

/* GM/T 0006 algorithm identifiers. Guarded: keys/gmt0016.h defines some of the same. */
#ifndef SGD_SM1_ECB
#define SGD_SM1_ECB 0x00000101
#endif
#ifndef SGD_SM1_CBC
#define SGD_SM1_CBC 0x00000102
#endif
#ifndef SGD_SM1_CFB
#define SGD_SM1_CFB 0x00000104
#endif
#ifndef SGD_SM1_OFB
#define SGD_SM1_OFB 0x00000108
#endif
#ifndef SGD_SM1_MAC
#define SGD_SM1_MAC 0x00000110
#endif
#ifndef SGD_SSF33_ECB
#define SGD_SSF33_ECB 0x00000201
#endif
#ifndef SGD_SSF33_CBC
#define SGD_SSF33_CBC 0x00000202
#endif
#ifndef SGD_SSF33_CFB
#define SGD_SSF33_CFB 0x00000204
#endif
#ifndef SGD_SSF33_OFB
#define SGD_SSF33_OFB 0x00000208
#endif
#ifndef SGD_SSF33_MAC
#define SGD_SSF33_MAC 0x00000210
#endif
#ifndef SGD_SM4_ECB
#define SGD_SM4_ECB 0x00000401
#endif
#ifndef SGD_SM4_CBC
#define SGD_SM4_CBC 0x00000402
#endif
#ifndef SGD_SM4_CFB
#define SGD_SM4_CFB 0x00000404
#endif
#ifndef SGD_SM4_OFB
#define SGD_SM4_OFB 0x00000408
#endif
#ifndef SGD_SM4_MAC
#define SGD_SM4_MAC 0x00000410
#endif
#ifndef SGD_ZUC_EEA3
#define SGD_ZUC_EEA3 0x00000801
#endif
#ifndef SGD_ZUC_EIA3
#define SGD_ZUC_EIA3 0x00000802
#endif
#ifndef SGD_RSA
#define SGD_RSA 0x00010000
#endif
#ifndef SGD_SM2
#define SGD_SM2 0x00020100
#endif
#ifndef SGD_SM2_1
#define SGD_SM2_1 0x00020200 /* signature */
#endif
#ifndef SGD_SM2_2
#define SGD_SM2_2 0x00020400 /* key exchange */
#endif
#ifndef SGD_SM2_3
#define SGD_SM2_3 0x00020800 /* encryption */
#endif
#ifndef SGD_SM3
#define SGD_SM3 0x00000001
#endif
#ifndef SGD_SHA1
#define SGD_SHA1 0x00000002
#endif
#ifndef SGD_SHA256
#define SGD_SHA256 0x00000004
#endif

/* 5.2 Constants. */
#define RSAref_MAX_BITS 2048
#define RSAref_MAX_LEN ((RSAref_MAX_BITS + 7) / 8)
#define RSAref_MAX_PBITS ((RSAref_MAX_BITS + 1) / 2)
#define RSAref_MAX_PLEN ((RSAref_MAX_PBITS + 7) / 8)
#define ECCref_MAX_BITS 512
#define ECCref_MAX_LEN ((ECCref_MAX_BITS + 7) / 8)

#pragma pack(push, 1)

/* 5.3 Device information. Text fields are not NUL-terminated when full. */
typedef struct DeviceInfo_st {
  unsigned char IssuerName[40];
  unsigned char DeviceName[16];
  unsigned char DeviceSerial[16]; /* date (8) + batch (3) + number (5) */
  unsigned int DeviceVersion;
  unsigned int StandardVersion;
  unsigned int AsymAlgAbility[2]; /* [0] algorithm ids ORed, [1] modulus lengths ORed */
  unsigned int SymAlgAbility;
  unsigned int HashAlgAbility;
  unsigned int BufferSize;
} DEVICEINFO;

/* 5.4 RSA keys. */
typedef struct RSArefPublicKey_st {
  unsigned int bits;
  unsigned char m[RSAref_MAX_LEN];
  unsigned char e[RSAref_MAX_LEN];
} RSArefPublicKey;

typedef struct RSArefPrivateKey_st {
  unsigned int bits;
  unsigned char m[RSAref_MAX_LEN];
  unsigned char e[RSAref_MAX_LEN];
  unsigned char d[RSAref_MAX_LEN];
  unsigned char prime[2][RSAref_MAX_PLEN];
  unsigned char pexp[2][RSAref_MAX_PLEN];
  unsigned char coef[RSAref_MAX_PLEN];
} RSArefPrivateKey;

/* 5.5 ECC (SM2) keys, ciphertexts and signatures. */
typedef struct ECCrefPublicKey_st {
  unsigned int bits;
  unsigned char x[ECCref_MAX_LEN];
  unsigned char y[ECCref_MAX_LEN];
} ECCrefPublicKey;

typedef struct ECCrefPrivateKey_st {
  unsigned int bits;
  unsigned char K[ECCref_MAX_LEN];
} ECCrefPrivateKey;

/* C1 = (x, y), C3 = M (SM3 hash) and C2 = C, L bytes long: the buffer of a ciphertext of L
 * bytes is sizeof(ECCCipher) + L. */
typedef struct ECCCipher_st {
  unsigned char x[ECCref_MAX_LEN];
  unsigned char y[ECCref_MAX_LEN];
  unsigned char M[32];
  unsigned int L;
  unsigned char C[1];
} ECCCipher;

typedef struct ECCSignature_st {
  unsigned char r[ECCref_MAX_LEN];
  unsigned char s[ECCref_MAX_LEN];
} ECCSignature;

#pragma pack(pop)

/* Annex A: return codes. */
#define SDR_OK 0x0
#define SDR_BASE 0x01000000
#define SDR_UNKNOWERR (SDR_BASE + 0x00000001)        /* unknown error */
#define SDR_NOTSUPPORT (SDR_BASE + 0x00000002)       /* function not supported */
#define SDR_COMMFAIL (SDR_BASE + 0x00000003)         /* communication with the device failed */
#define SDR_HARDFAIL (SDR_BASE + 0x00000004)         /* the device does not respond */
#define SDR_OPENDEVICE (SDR_BASE + 0x00000005)       /* opening the device failed */
#define SDR_OPENSESSION (SDR_BASE + 0x00000006)      /* opening a session failed */
#define SDR_PARDENY (SDR_BASE + 0x00000007)          /* permission denied */
#define SDR_KEYNOTEXIST (SDR_BASE + 0x00000008)      /* no such key */
#define SDR_ALGNOTSUPPORT (SDR_BASE + 0x00000009)    /* algorithm not supported */
#define SDR_ALGMODNOTSUPPORT (SDR_BASE + 0x0000000A) /* algorithm mode not supported */
#define SDR_PKOPERR (SDR_BASE + 0x0000000B)          /* public-key operation failed */
#define SDR_SKOPERR (SDR_BASE + 0x0000000C)          /* private-key operation failed */
#define SDR_SIGNERR (SDR_BASE + 0x0000000D)          /* signing failed */
#define SDR_VERIFYERR (SDR_BASE + 0x0000000E)        /* signature does not verify */
#define SDR_SYMOPERR (SDR_BASE + 0x0000000F)         /* symmetric operation failed */
#define SDR_STEPERR (SDR_BASE + 0x00000010)          /* functions called out of order */
#define SDR_FILESIZEERR (SDR_BASE + 0x00000011)      /* file too large */
#define SDR_FILENOEXIST (SDR_BASE + 0x00000012)      /* no such file */
#define SDR_FILEOFSERR (SDR_BASE + 0x00000013)       /* file offset out of range */
#define SDR_KEYTYPEERR (SDR_BASE + 0x00000014)       /* wrong key type */
#define SDR_KEYERR (SDR_BASE + 0x00000015)           /* bad key */
#define SDR_ENCDATAERR (SDR_BASE + 0x00000016)       /* bad ECC ciphertext */
#define SDR_RANDERR (SDR_BASE + 0x00000017)          /* random generation failed */
#define SDR_PRKRERR (SDR_BASE + 0x00000018)    /* getting a private key's access right failed */
#define SDR_MACERR (SDR_BASE + 0x00000019)     /* MAC failed */
#define SDR_FILEEXSITS (SDR_BASE + 0x0000001A) /* file exists */
#define SDR_FILEWERR (SDR_BASE + 0x0000001B)   /* writing a file failed */
#define SDR_NOBUFFER (SDR_BASE + 0x0000001C)   /* out of memory */
#define SDR_INARGERR (SDR_BASE + 0x0000001D)   /* bad input argument */
#define SDR_OUTARGERR (SDR_BASE + 0x0000001E)  /* bad output argument */

/* 6.2 Device management. A key index's private key may be used by a session only after
 * GetPrivateKeyAccessRight with its password. */
int SDF_OpenDevice(void** phDeviceHandle);
int SDF_CloseDevice(void* hDeviceHandle);
int SDF_OpenSession(void* hDeviceHandle, void** phSessionHandle);
int SDF_CloseSession(void* hSessionHandle);
int SDF_GetDeviceInfo(void* hSessionHandle, DEVICEINFO* pstDeviceInfo);
int SDF_GenerateRandom(void* hSessionHandle, unsigned int uiLength, unsigned char* pucRandom);
int SDF_GetPrivateKeyAccessRight(void* hSessionHandle, unsigned int uiKeyIndex,
                                 unsigned char* pucPassword, unsigned int uiPwdLength);
int SDF_ReleasePrivateKeyAccessRight(void* hSessionHandle, unsigned int uiKeyIndex);

/* 6.3 Key management: the device's key pairs by index, session keys (symmetric, by handle)
 * generated or imported under an RSA or SM2 key or a key-encryption key (KEK), and key
 * agreement. */
int SDF_ExportSignPublicKey_RSA(void* hSessionHandle, unsigned int uiKeyIndex,
                                RSArefPublicKey* pucPublicKey);
int SDF_ExportEncPublicKey_RSA(void* hSessionHandle, unsigned int uiKeyIndex,
                               RSArefPublicKey* pucPublicKey);
int SDF_GenerateKeyPair_RSA(void* hSessionHandle, unsigned int uiKeyBits,
                            RSArefPublicKey* pucPublicKey, RSArefPrivateKey* pucPrivateKey);
int SDF_GenerateKeyWithIPK_RSA(void* hSessionHandle, unsigned int uiIPKIndex,
                               unsigned int uiKeyBits, unsigned char* pucKey,
                               unsigned int* puiKeyLength, void** phKeyHandle);
int SDF_GenerateKeyWithEPK_RSA(void* hSessionHandle, unsigned int uiKeyBits,
                               RSArefPublicKey* pucPublicKey, unsigned char* pucKey,
                               unsigned int* puiKeyLength, void** phKeyHandle);
int SDF_ImportKeyWithISK_RSA(void* hSessionHandle, unsigned int uiISKIndex, unsigned char* pucKey,
                             unsigned int uiKeyLength, void** phKeyHandle);
int SDF_ExchangeDigitEnvelopeBaseOnRSA(void* hSessionHandle, unsigned int uiKeyIndex,
                                       RSArefPublicKey* pucPublicKey, unsigned char* pucDEInput,
                                       unsigned int uiDELength, unsigned char* pucDEOutput,
                                       unsigned int* puiDELength);
int SDF_ExportSignPublicKey_ECC(void* hSessionHandle, unsigned int uiKeyIndex,
                                ECCrefPublicKey* pucPublicKey);
int SDF_ExportEncPublicKey_ECC(void* hSessionHandle, unsigned int uiKeyIndex,
                               ECCrefPublicKey* pucPublicKey);
/* A key pair generated by the device and returned to the caller (not stored). */
int SDF_GenerateKeyPair_ECC(void* hSessionHandle, unsigned int uiAlgID, unsigned int uiKeyBits,
                            ECCrefPublicKey* pucPublicKey, ECCrefPrivateKey* pucPrivateKey);
/* A new session key, returned encrypted to the encryption public key of uiIPKIndex. */
int SDF_GenerateKeyWithIPK_ECC(void* hSessionHandle, unsigned int uiIPKIndex,
                               unsigned int uiKeyBits, ECCCipher* pucKey, void** phKeyHandle);
/* A new session key, returned encrypted to an external public key. */
int SDF_GenerateKeyWithEPK_ECC(void* hSessionHandle, unsigned int uiKeyBits, unsigned int uiAlgID,
                               ECCrefPublicKey* pucPublicKey, ECCCipher* pucKey,
                               void** phKeyHandle);
/* A session key decrypted with the encryption private key of uiISKIndex. */
int SDF_ImportKeyWithISK_ECC(void* hSessionHandle, unsigned int uiISKIndex, ECCCipher* pucKey,
                             void** phKeyHandle);
int SDF_GenerateAgreementDataWithECC(void* hSessionHandle, unsigned int uiISKIndex,
                                     unsigned int uiKeyBits, unsigned char* pucSponsorID,
                                     unsigned int uiSponsorIDLength,
                                     ECCrefPublicKey* pucSponsorPublicKey,
                                     ECCrefPublicKey* pucSponsorTmpPublicKey,
                                     void** phAgreementHandle);
int SDF_GenerateKeyWithECC(void* hSessionHandle, unsigned char* pucResponseID,
                           unsigned int uiResponseIDLength, ECCrefPublicKey* pucResponsePublicKey,
                           ECCrefPublicKey* pucResponseTmpPublicKey, void* hAgreementHandle,
                           void** phKeyHandle);
int SDF_GenerateAgreementDataAndKeyWithECC(
    void* hSessionHandle, unsigned int uiISKIndex, unsigned int uiKeyBits,
    unsigned char* pucResponseID, unsigned int uiResponseIDLength, unsigned char* pucSponsorID,
    unsigned int uiSponsorIDLength, ECCrefPublicKey* pucSponsorPublicKey,
    ECCrefPublicKey* pucSponsorTmpPublicKey, ECCrefPublicKey* pucResponsePublicKey,
    ECCrefPublicKey* pucResponseTmpPublicKey, void** phKeyHandle);
int SDF_ExchangeDigitEnvelopeBaseOnECC(void* hSessionHandle, unsigned int uiKeyIndex,
                                       unsigned int uiAlgID, ECCrefPublicKey* pucPublicKey,
                                       ECCCipher* pucEncDataIn, ECCCipher* pucEncDataOut);
/* A new session key, returned encrypted under the KEK uiKEKIndex with the algorithm uiAlgID. */
int SDF_GenerateKeyWithKEK(void* hSessionHandle, unsigned int uiKeyBits, unsigned int uiAlgID,
                           unsigned int uiKEKIndex, unsigned char* pucKey,
                           unsigned int* puiKeyLength, void** phKeyHandle);
int SDF_ImportKeyWithKEK(void* hSessionHandle, unsigned int uiAlgID, unsigned int uiKEKIndex,
                         unsigned char* pucKey, unsigned int uiKeyLength, void** phKeyHandle);
int SDF_DestroyKey(void* hSessionHandle, void* hKeyHandle);

/* 6.4 Asymmetric operations. The ECC signing functions sign and verify the 32-byte
 * e = SM3(Z || M) as given (6.6 computes it); uiISKIndex / uiIPKIndex name a key index. */
int SDF_ExternalPublicKeyOperation_RSA(void* hSessionHandle, RSArefPublicKey* pucPublicKey,
                                       unsigned char* pucDataInput, unsigned int uiInputLength,
                                       unsigned char* pucDataOutput, unsigned int* puiOutputLength);
int SDF_InternalPublicKeyOperation_RSA(void* hSessionHandle, unsigned int uiKeyIndex,
                                       unsigned char* pucDataInput, unsigned int uiInputLength,
                                       unsigned char* pucDataOutput, unsigned int* puiOutputLength);
int SDF_InternalPrivateKeyOperation_RSA(void* hSessionHandle, unsigned int uiKeyIndex,
                                        unsigned char* pucDataInput, unsigned int uiInputLength,
                                        unsigned char* pucDataOutput,
                                        unsigned int* puiOutputLength);
int SDF_ExternalVerify_ECC(void* hSessionHandle, unsigned int uiAlgID,
                           ECCrefPublicKey* pucPublicKey, unsigned char* pucDataInput,
                           unsigned int uiInputLength, ECCSignature* pucSignature);
int SDF_InternalSign_ECC(void* hSessionHandle, unsigned int uiISKIndex, unsigned char* pucData,
                         unsigned int uiDataLength, ECCSignature* pucSignature);
int SDF_InternalVerify_ECC(void* hSessionHandle, unsigned int uiIPKIndex, unsigned char* pucData,
                           unsigned int uiDataLength, ECCSignature* pucSignature);
int SDF_ExternalEncrypt_ECC(void* hSessionHandle, unsigned int uiAlgID,
                            ECCrefPublicKey* pucPublicKey, unsigned char* pucData,
                            unsigned int uiDataLength, ECCCipher* pucEncData);

/* Not among the 2012 text's core functions but exported by most vendors (and kept by GM/T
 * 0018-2023): operations with a private key given in the clear (for testing), a session key
 * given in the clear, and SM2 encryption with the encryption key pair of a key index. */
int SDF_ExternalPrivateKeyOperation_RSA(void* hSessionHandle, RSArefPrivateKey* pucPrivateKey,
                                        unsigned char* pucDataInput, unsigned int uiInputLength,
                                        unsigned char* pucDataOutput,
                                        unsigned int* puiOutputLength);
int SDF_ExternalSign_ECC(void* hSessionHandle, unsigned int uiAlgID,
                         ECCrefPrivateKey* pucPrivateKey, unsigned char* pucData,
                         unsigned int uiDataLength, ECCSignature* pucSignature);
int SDF_ExternalDecrypt_ECC(void* hSessionHandle, unsigned int uiAlgID,
                            ECCrefPrivateKey* pucPrivateKey, ECCCipher* pucEncData,
                            unsigned char* pucData, unsigned int* puiDataLength);
int SDF_ImportKey(void* hSessionHandle, unsigned char* pucKey, unsigned int uiKeyLength,
                  void** phKeyHandle);
int SDF_InternalEncrypt_ECC(void* hSessionHandle, unsigned int uiIPKIndex, unsigned int uiAlgID,
                            unsigned char* pucData, unsigned int uiDataLength,
                            ECCCipher* pucEncData);
int SDF_InternalDecrypt_ECC(void* hSessionHandle, unsigned int uiISKIndex, unsigned int uiAlgID,
                            ECCCipher* pucEncData, unsigned char* pucData,
                            unsigned int* puiDataLength);

/* 6.5 Symmetric operations with a session key. pucIV is read and, for chaining modes,
 * overwritten with the IV that continues the chain. */
int SDF_Encrypt(void* hSessionHandle, void* hKeyHandle, unsigned int uiAlgID, unsigned char* pucIV,
                unsigned char* pucData, unsigned int uiDataLength, unsigned char* pucEncData,
                unsigned int* puiEncDataLength);
int SDF_Decrypt(void* hSessionHandle, void* hKeyHandle, unsigned int uiAlgID, unsigned char* pucIV,
                unsigned char* pucEncData, unsigned int uiEncDataLength, unsigned char* pucData,
                unsigned int* puiDataLength);
int SDF_CalculateMAC(void* hSessionHandle, void* hKeyHandle, unsigned int uiAlgID,
                     unsigned char* pucIV, unsigned char* pucData, unsigned int uiDataLength,
                     unsigned char* pucMAC, unsigned int* puiMACLength);

/* 6.6 Hashing, one hash per session at a time. With SGD_SM3, a public key and an ID, the hash
 * starts with Z (GB/T 32918.2), so that HashFinal gives the e an SM2 signature signs. */
int SDF_HashInit(void* hSessionHandle, unsigned int uiAlgID, ECCrefPublicKey* pucPublicKey,
                 unsigned char* pucID, unsigned int uiIDLength);
int SDF_HashUpdate(void* hSessionHandle, unsigned char* pucData, unsigned int uiDataLength);
int SDF_HashFinal(void* hSessionHandle, unsigned char* pucHash, unsigned int* puiHashLength);

/* 6.7 Files in the device's storage: created with a fixed size, then read and written by
 * offset. *puiReadLength is the length asked for, and on return the length read. */
int SDF_CreateFile(void* hSessionHandle, unsigned char* pucFileName, unsigned int uiNameLen,
                   unsigned int uiFileSize);
int SDF_ReadFile(void* hSessionHandle, unsigned char* pucFileName, unsigned int uiNameLen,
                 unsigned int uiOffset, unsigned int* puiReadLength, unsigned char* pucBuffer);
int SDF_WriteFile(void* hSessionHandle, unsigned char* pucFileName, unsigned int uiNameLen,
                  unsigned int uiOffset, unsigned int uiWriteLength, unsigned char* pucBuffer);
int SDF_DeleteFile(void* hSessionHandle, unsigned char* pucFileName, unsigned int uiNameLen);

#ifdef __cplusplus
}
#endif

#endif /* ESEAL_KEYS_GMT0018_H */
