/* Another seal vendor's OES module, for the loader's test: its signature values are in its own
 * format, which eseal does not read — "VNDR", the 32-byte SM3 digest of Signature.xml, then
 * HMAC-SM3 under the vendor's key over that digest. It exports the OESV4 functions a verifier
 * needs (sessions, Digest, Verify, GetErrMessage) and version 2's GetProviderInfo. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#include "oes/oes.h"

#define VENDOR_NOT_OURS 0x3001
#define VENDOR_MISMATCH 0x3002

static int session_token;

static int put(const unsigned char* value, int size, unsigned char* out, int* length) {
  if (!length) return OES_E_ARGUMENT;
  if (!out) {
    *length = size;
    return OES_OK;
  }
  if (*length < size) {
    *length = size;
    return OES_E_BUFFER;
  }
  memcpy(out, value, (size_t)size);
  *length = size;
  return OES_OK;
}

int OES_GetProviderInfo(unsigned char* name, int* name_len, unsigned char* company,
                        int* company_len, unsigned char* version, int* version_len,
                        unsigned char* extend, int* extend_len) {
  int r = put((const unsigned char*)"Vendor OES", 10, name, name_len);
  if (r == OES_OK) r = put((const unsigned char*)"Vendor", 6, company, company_len);
  if (r == OES_OK) r = put((const unsigned char*)"4.1", 3, version, version_len);
  if (r == OES_OK) r = put((const unsigned char*)"", 0, extend, extend_len);
  return r;
}

int OESV4_OpenSession(OES_HANDLE* session) {
  *session = &session_token;
  return OES_OK;
}

int OESV4_CloseSession(OES_HANDLE session) {
  return session == &session_token ? OES_OK : OES_E_SESSION;
}

unsigned long OESV4_Digest(OES_HANDLE session, const unsigned char* data, int data_len,
                           const unsigned char* method, int method_len, unsigned char* out,
                           int* out_len) {
  (void)session;
  if (method_len > 0 && !(method_len == 3 && memcmp(method, "SM3", 3) == 0) &&
      !(method_len == 19 && memcmp(method, "1.2.156.10197.1.401", 19) == 0)) {
    return OES_E_METHOD;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!EVP_Digest(data, (size_t)data_len, digest, &size, EVP_get_digestbyname("SM3"), NULL)) {
    return OES_E_METHOD;
  }
  return (unsigned long)put(digest, (int)size, out, out_len);
}

unsigned long OESV4_Verify(OES_HANDLE session, const unsigned char* digest, int digest_len,
                           const unsigned char* value, int value_len, int online) {
  (void)session;
  (void)online;
  if (value_len != 68 || memcmp(value, "VNDR", 4) != 0) return VENDOR_NOT_OURS;
  if (digest_len != 32 || memcmp(value + 4, digest, 32) != 0) return VENDOR_MISMATCH;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!HMAC(EVP_get_digestbyname("SM3"), "vendor-key", 10, digest, 32, mac, &size) || size != 32 ||
      memcmp(value + 36, mac, 32) != 0) {
    return VENDOR_MISMATCH;
  }
  return OES_OK;
}

int OESV4_GetErrMessage(OES_HANDLE session, unsigned long code, unsigned char* out, int* length) {
  (void)session;
  const char* text = code == VENDOR_NOT_OURS   ? "not a Vendor signature"
                     : code == VENDOR_MISMATCH ? "the Vendor signature does not match"
                                               : "Vendor error";
  return put((const unsigned char*)text, (int)strlen(text), out, length);
}
