/* eseal's OES module (libeseal-oes.so): the seal interface Chinese OFD readers load from a seal
 * vendor's library to list a person's seals, draw them, sign and verify. Its text is not public;
 * this follows the interface as readers and vendors implement it: the OESV4 functions (every
 * call on a session, prefixed OESV4_, protocol version "4") in full for listing, drawing,
 * digesting, signing and verifying, and the 2016 (version 2) functions without a session for
 * listing, drawing, digesting and verifying. The seals are those on the person's USB keys
 * (GM/T 0016, laid out as LD/T 01.4 §5.3.2.3 says: the seal in HRSS_ESEAL of the first
 * application, the key in its first container), reached through ESEAL_SKF_LIBRARY, else eseal's
 * software key beside this library. Verification trusts the roots in the PEM file named by
 * ESEAL_OES_ROOTS; without it certificate chains are not judged.
 *
 * Conventions, as the readers expect them:
 *  - An output is a buffer and a length: with a null buffer the length needed is returned (and
 *    OES_OK); otherwise *len is the buffer's size on the way in and the length written on the
 *    way out, and a buffer too small returns OES_E_BUFFER with the length needed.
 *  - Strings are UTF-8 without a terminating NUL in their length; lists are "id\0name\0…\0\0".
 *  - Seals are DER SES_Seal; a seal's id is its esID. A signature value is a DER SES_Signature
 *    (GB/T 38540 v4) over a digest the reader computes (OFD: of Signature.xml), with the
 *    reader's docProperty (the path of Signature.xml) as its propertyInfo.
 *  - Digests: SM3 ("1.2.156.10197.1.401" or "SM3", the default), SHA-256 and SHA-1 by OID or
 *    name. The signature method is SM3withSM2, "1.2.156.10197.1.501". Times are
 *    "YYYYMMDDhhmmssZ" (v4) and "yyyy-MM-dd hh:mm:ss" UTC (v2).
 *  - Signing needs OESV4_Login with the key's PIN first (the module shows no dialog); without it
 *    OESV4_Sign returns OES_NEED_PIN. A wrong PIN returns OES_E_PIN and counts down the key's
 *    tries (OESV4_GetErrMessage says how many are left).
 *  - Pictures are the seal's own bytes with their type ("PNG", "JPG", "GIF", "BMP", "SVG" or
 *    "OFD") and size in millimetres.
 *  - Not provided: OESV4_RawSign, OESV4_GetSignInfo, OESV4_GetRawSignInfo, time-stamp functions,
 *    extended parameters, OES_Sign of version 2 (no session to log in with) and the 2017
 *    variants that reuse the version 2 names with other parameters.
 */
#ifndef ESEAL_OES_H
#define ESEAL_OES_H

#ifdef __cplusplus
extern "C" {
#endif

typedef void* OES_HANDLE;

#define OES_OK 0x0
#define OES_NEED_PIN 0x1
#define OES_CANCEL 0x10
#define OES_VERIFYINFO 0x1000 /* OESV4_GetErrMessage: the last verification's checks */
#define OES_RESERVED_MAX 0x1111
/* eseal's codes, above the reserved range. */
#define OES_E_BUFFER 0x2001    /* the output buffer is too small */
#define OES_E_ARGUMENT 0x2002  /* a missing or malformed argument */
#define OES_E_SESSION 0x2003   /* not a session of this module */
#define OES_E_NO_KEY 0x2004    /* no USB key, or its library cannot be loaded */
#define OES_E_NO_SEAL 0x2005   /* no such seal on the keys present */
#define OES_E_PIN 0x2006       /* the PIN is wrong, or the key is locked */
#define OES_E_METHOD 0x2007    /* a digest or signature method this module does not do */
#define OES_E_SIGN 0x2008      /* the key or the signature could not be made */
#define OES_E_DECODE 0x2009    /* not a readable SES_Signature or SES_Seal */
#define OES_E_VERIFY 0x200A    /* the signature, the seal or the digest does not verify */
#define OES_E_UNDECIDED 0x200B /* nothing failed, but trust could not be established */

/* --- OESV4 ----------------------------------------------------------------------------------- */
int OESV4_GetProviderInfo(unsigned char* puchName, int* piNameLen, unsigned char* puchCompany,
                          int* piCompanyLen, unsigned char* puchVersion, int* piVersionLen,
                          unsigned char* puchExtend, int* piExtendLen);
int OESV4_GetProtocolVersion(unsigned char* puchVersion, int* piVersionLen);
int OESV4_OpenSession(OES_HANDLE* phSession);
int OESV4_CloseSession(OES_HANDLE hSession);
int OESV4_Login(OES_HANDLE hSession, const unsigned char* puchPIN, int iPINLen);
int OESV4_Logout(OES_HANDLE hSession);
int OESV4_GetSealList(OES_HANDLE hSession, unsigned char* puchSealList, int* piSealListLen);
int OESV4_GetSealImageById(OES_HANDLE hSession, const unsigned char* puchSealId, int iSealIdLen,
                           unsigned char* puchPicture, int* piPictureLen,
                           unsigned char* puchPictureType, int* piPictureTypeLen,
                           int* piPictureWidth, int* piPictureHeight);
int OESV4_GetSealInfoById(
    OES_HANDLE hSession, const unsigned char* puchSealId, int iSealIdLen,
    unsigned char* puchVersion, int* piVersionLen, unsigned char* puchVenderId, int* piVenderIdLen,
    unsigned char* puchSealType, int* piSealTypeLen, unsigned char* puchSealName,
    int* piSealNameLen, unsigned char* puchCertList, int* piCertListLen,
    unsigned char* puchSignedDate, int* piSignedDateLen, unsigned char* puchValidStart,
    int* piValidStartLen, unsigned char* puchValidEnd, int* piValidEndLen,
    unsigned char* puchSignerName, int* piSignerNameLen, unsigned char* puchSignMethod,
    int* piSignMethodLen, unsigned char* puchSignature, int* piSignatureLen);
int OESV4_GetCertList(OES_HANDLE hSession, unsigned char* puchCertList, int* piCertListLen);
int OESV4_GetCertById(OES_HANDLE hSession, const unsigned char* puchCertId, int iCertIdLen,
                      unsigned char* puchCert, int* piCertLen);
int OESV4_GetSignImage(OES_HANDLE hSession, const unsigned char* puchSignedValue,
                       int iSignedValueLen, const unsigned char* puchExtendParam,
                       int iExtendParamLen, unsigned char* puchPicture, int* piPictureLen,
                       unsigned char* puchPictureType, int* piPictureTypeLen, int* piPictureWidth,
                       int* piPictureHeight);
int OESV4_GetSealImage(OES_HANDLE hSession, const unsigned char* puchSealData, int iSealDataLen,
                       const unsigned char* puchExtendParam, int iExtendParamLen,
                       unsigned char* puchPicture, int* piPictureLen,
                       unsigned char* puchPictureType, int* piPictureTypeLen, int* piPictureWidth,
                       int* piPictureHeight);
int OESV4_GetDigestMethod(OES_HANDLE hSession, unsigned char* puchMethod, int* piMethodLen);
int OESV4_GetSignMethod(OES_HANDLE hSession, unsigned char* puchMethod, int* piMethodLen);
int OESV4_GetDateTime(OES_HANDLE hSession, unsigned char* puchDateTime, int* piDateTimeLen);
unsigned long OESV4_Digest(OES_HANDLE hSession, const unsigned char* puchData, int iDataLen,
                           const unsigned char* puchDigestMethod, int iDigestMethodLen,
                           unsigned char* puchDigestValue, int* piDigestValueLen);
unsigned long OESV4_Digest_Init(OES_HANDLE hSession, const unsigned char* puchDigestMethod,
                                int iDigestMethodLen, OES_HANDLE* phHash);
unsigned long OESV4_Digest_Update(OES_HANDLE hSession, OES_HANDLE hHash,
                                  const unsigned char* puchData, int iDataLen);
unsigned long OESV4_Digest_Final(OES_HANDLE hSession, OES_HANDLE hHash,
                                 unsigned char* puchDigestValue, int* piDigestValueLen);
unsigned long OESV4_Sign(OES_HANDLE hSession, const unsigned char* puchSealId, int iSealIdLen,
                         const unsigned char* puchDocProperty, int iDocPropertyLen,
                         const unsigned char* puchDigestData, int iDigestDataLen,
                         unsigned char* puchSignValue, int* piSignValueLen);
unsigned long OESV4_Verify(OES_HANDLE hSession, const unsigned char* puchDigestData,
                           int iDigestDataLen, const unsigned char* puchSignValue,
                           int iSignValueLen, int iOnline);
int OESV4_GetErrMessage(OES_HANDLE hSession, unsigned long errCode, unsigned char* puchErrMessage,
                        int* piErrMessageLen);

/* --- version 2 (2016), without sessions ------------------------------------------------------ */
int OES_GetProviderInfo(unsigned char* puchName, int* piNameLen, unsigned char* puchCompany,
                        int* piCompanyLen, unsigned char* puchVersion, int* piVersionLen,
                        unsigned char* puchExtend, int* piExtendLen);
int OES_GetSealList(unsigned char* puchSealList, int* piSealListLen);
int OES_GetSeal(const unsigned char* puchSealId, int iSealIdLen, unsigned char* puchSealData,
                int* piSealDataLen);
int OES_GetSealImage(const unsigned char* puchSealData, int iSealDataLen, int iRenderFlag,
                     unsigned char* puchPicture, int* piPictureLen, int* piPictureWidth,
                     int* piPictureHeight);
int OES_GetSignImage(const unsigned char* puchSignedValue, int iSignedValueLen, int iRenderFlag,
                     unsigned char* puchPicture, int* piPictureLen, int* piPictureWidth,
                     int* piPictureHeight);
int OES_GetSignDateTime(unsigned char* puchDateTime, int* piDateTimeLen);
int OES_GetSignMethod(unsigned char* puchMethod, int* piMethodLen);
int OES_GetDigestMethod(unsigned char* puchMethod, int* piMethodLen);
unsigned long OES_Digest(const unsigned char* puchData, int iDataLen,
                         const unsigned char* puchDigestMethod, int iDigestMethodLen,
                         unsigned char* puchDigestValue, int* piDigestValueLen);
unsigned long OES_Verify(const unsigned char* puchSealData, int iSealDataLen,
                         const unsigned char* puchDocProperty, int iDocPropertyLen,
                         const unsigned char* puchDigestData, int iDigestDataLen,
                         const unsigned char* puchSignMethod, int iSignMethodLen,
                         const unsigned char* puchSignDateTime, int iSignDateTimeLen,
                         const unsigned char* puchSignValue, int iSignValueLen, int iOnline);
int OES_GetErrMessage(unsigned long errCode, unsigned char* puchErrMessage, int* piErrMessageLen);

#ifdef __cplusplus
}
#endif

#endif /* ESEAL_OES_H */
