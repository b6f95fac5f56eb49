/* An OFD reader's side of the OES interface: loads libeseal-oes.so by path as readers do
 * (dlopen, then each function by name), lists the seals on the USB key, draws one, digests the
 * data to protect in one go and in pieces, logs in (a wrong PIN first), signs, verifies, and
 * checks the refusals; writes the signature and the seal picture for the script to check.
 * Usage: oes_reader MODULE PIN DATA_FILE OUT_DIR */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oes/oes.h"

static int failures = 0;
#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "oes_reader:%d: %s failed\n", __LINE__, #cond); \
      ++failures;                                                     \
    }                                                                 \
  } while (0)

static void* module;
static void* find(const char* name) {
  void* f = dlsym(module, name);
  if (!f) {
    fprintf(stderr, "oes_reader: the module lacks %s\n", name);
    exit(1);
  }
  return f;
}
/* POSIX's way of storing dlsym's answer in a function pointer. */
#define LOAD(name)  \
  name##_t name##_; \
  *(void**)(&name##_) = find(#name)

typedef int (*OESV4_GetProviderInfo_t)(unsigned char*, int*, unsigned char*, int*, unsigned char*,
                                       int*, unsigned char*, int*);
typedef int (*OESV4_GetProtocolVersion_t)(unsigned char*, int*);
typedef int (*OESV4_OpenSession_t)(OES_HANDLE*);
typedef int (*OESV4_CloseSession_t)(OES_HANDLE);
typedef int (*OESV4_Login_t)(OES_HANDLE, const unsigned char*, int);
typedef int (*OESV4_Logout_t)(OES_HANDLE);
typedef int (*OESV4_GetSealList_t)(OES_HANDLE, unsigned char*, int*);
typedef int (*OESV4_GetSealImageById_t)(OES_HANDLE, const unsigned char*, int, unsigned char*, int*,
                                        unsigned char*, int*, int*, int*);
typedef int (*OESV4_GetSealInfoById_t)(OES_HANDLE, const unsigned char*, int, unsigned char*, int*,
                                       unsigned char*, int*, unsigned char*, int*, unsigned char*,
                                       int*, unsigned char*, int*, unsigned char*, int*,
                                       unsigned char*, int*, unsigned char*, int*, unsigned char*,
                                       int*, unsigned char*, int*, unsigned char*, int*);
typedef int (*OESV4_GetCertList_t)(OES_HANDLE, unsigned char*, int*);
typedef int (*OESV4_GetCertById_t)(OES_HANDLE, const unsigned char*, int, unsigned char*, int*);
typedef int (*OESV4_GetSignImage_t)(OES_HANDLE, const unsigned char*, int, const unsigned char*,
                                    int, unsigned char*, int*, unsigned char*, int*, int*, int*);
typedef unsigned long (*OESV4_Digest_t)(OES_HANDLE, const unsigned char*, int, const unsigned char*,
                                        int, unsigned char*, int*);
typedef unsigned long (*OESV4_Digest_Init_t)(OES_HANDLE, const unsigned char*, int, OES_HANDLE*);
typedef unsigned long (*OESV4_Digest_Update_t)(OES_HANDLE, OES_HANDLE, const unsigned char*, int);
typedef unsigned long (*OESV4_Digest_Final_t)(OES_HANDLE, OES_HANDLE, unsigned char*, int*);
typedef unsigned long (*OESV4_Sign_t)(OES_HANDLE, const unsigned char*, int, const unsigned char*,
                                      int, const unsigned char*, int, unsigned char*, int*);
typedef unsigned long (*OESV4_Verify_t)(OES_HANDLE, const unsigned char*, int, const unsigned char*,
                                        int, int);
typedef int (*OESV4_GetErrMessage_t)(OES_HANDLE, unsigned long, unsigned char*, int*);
typedef int (*OES_GetSeal_t)(const unsigned char*, int, unsigned char*, int*);
typedef unsigned long (*OES_Verify_t)(const unsigned char*, int, const unsigned char*, int,
                                      const unsigned char*, int, const unsigned char*, int,
                                      const unsigned char*, int, const unsigned char*, int, int);

static void write_file(const char* dir, const char* name, const unsigned char* data, int size) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE* f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  fwrite(data, 1, (size_t)size, f);
  fclose(f);
}

static unsigned char* read_file(const char* path, int* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *size = (int)ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char* data = malloc((size_t)*size + 1);
  if (fread(data, 1, (size_t)*size, f) != (size_t)*size) *size = 0;
  fclose(f);
  return data;
}

#define U(text) (const unsigned char*)(text), (int)strlen(text)

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: oes_reader MODULE PIN DATA_FILE OUT_DIR\n");
    return 2;
  }
  module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!module) {
    fprintf(stderr, "oes_reader: %s\n", dlerror());
    return 1;
  }
  const char* pin = argv[2];
  const char* out = argv[4];
  int data_size = 0;
  unsigned char* data = read_file(argv[3], &data_size);
  CHECK(data != NULL && data_size > 0);
  LOAD(OESV4_GetProviderInfo);
  LOAD(OESV4_GetProtocolVersion);
  LOAD(OESV4_OpenSession);
  LOAD(OESV4_CloseSession);
  LOAD(OESV4_Login);
  LOAD(OESV4_Logout);
  LOAD(OESV4_GetSealList);
  LOAD(OESV4_GetSealImageById);
  LOAD(OESV4_GetSealInfoById);
  LOAD(OESV4_GetCertList);
  LOAD(OESV4_GetCertById);
  LOAD(OESV4_GetSignImage);
  LOAD(OESV4_Digest);
  LOAD(OESV4_Digest_Init);
  LOAD(OESV4_Digest_Update);
  LOAD(OESV4_Digest_Final);
  LOAD(OESV4_Sign);
  LOAD(OESV4_Verify);
  LOAD(OESV4_GetErrMessage);
  LOAD(OES_GetSeal);
  LOAD(OES_Verify);
  /* A reader probes for what the module exports; nothing else is visible. */
  CHECK(dlsym(module, "HRSSOpenFile") == NULL && dlsym(module, "SKF_ConnectDev") == NULL);

  /* Who the module is; the lengths first, then the values. */
  int name_len = 0, company_len = 0, version_len = 0, extend_len = 0;
  CHECK(OESV4_GetProviderInfo_(NULL, &name_len, NULL, &company_len, NULL, &version_len, NULL,
                               &extend_len) == OES_OK);
  unsigned char name[256], company[256], version[256], extend[256];
  CHECK(name_len > 0 && name_len < 256 && extend_len < 256);
  CHECK(OESV4_GetProviderInfo_(name, &name_len, company, &company_len, version, &version_len,
                               extend, &extend_len) == OES_OK);
  printf("provider %.*s %.*s\n", name_len, (const char*)name, version_len, (const char*)version);
  unsigned char protocol[8];
  int protocol_len = sizeof protocol;
  CHECK(OESV4_GetProtocolVersion_(protocol, &protocol_len) == OES_OK && protocol_len == 1 &&
        protocol[0] == '4');

  OES_HANDLE session = NULL;
  CHECK(OESV4_OpenSession_(&session) == OES_OK && session != NULL);

  /* The seals: "id\0name\0\0". */
  int list_len = 0;
  CHECK(OESV4_GetSealList_(session, NULL, &list_len) == OES_OK && list_len > 2);
  unsigned char* list = malloc((size_t)list_len);
  CHECK(OESV4_GetSealList_(session, list, &list_len) == OES_OK);
  const char* seal_id = (const char*)list;
  printf("seal %s %s\n", seal_id, seal_id + strlen(seal_id) + 1);
  CHECK(list[list_len - 1] == 0 && list[list_len - 2] == 0);

  /* Its picture, and a buffer too small for it. */
  int picture_len = 0, type_len = 0, width = 0, height = 0;
  CHECK(OESV4_GetSealImageById_(session, U(seal_id), NULL, &picture_len, NULL, &type_len, &width,
                                &height) == OES_OK);
  CHECK(picture_len > 100 && width > 0 && height > 0);
  unsigned char* picture = malloc((size_t)picture_len);
  unsigned char type[16];
  int small = 10;
  type_len = sizeof type;
  CHECK(OESV4_GetSealImageById_(session, U(seal_id), picture, &small, type, &type_len, &width,
                                &height) == OES_E_BUFFER &&
        small == picture_len);
  type_len = sizeof type;
  CHECK(OESV4_GetSealImageById_(session, U(seal_id), picture, &picture_len, type, &type_len, &width,
                                &height) == OES_OK);
  printf("picture %.*s %dx%d mm\n", type_len, (const char*)type, width, height);
  write_file(out, "seal-picture", picture, picture_len);
  CHECK(OESV4_GetSealImageById_(session, U("NO-SUCH-SEAL"), NULL, &picture_len, NULL, &type_len,
                                &width, &height) == OES_E_NO_SEAL);

  /* What the seal says of itself: the lengths of its eleven fields, then its type and name. */
  int len[11] = {0};
  unsigned char seal_type[16], seal_name[256];
  CHECK(OESV4_GetSealInfoById_(session, U(seal_id), NULL, &len[0], NULL, &len[1], NULL, &len[2],
                               NULL, &len[3], NULL, &len[4], NULL, &len[5], NULL, &len[6], NULL,
                               &len[7], NULL, &len[8], NULL, &len[9], NULL, &len[10]) == OES_OK);
  CHECK(len[0] == 1 && len[2] == 1 && len[3] > 0 && len[4] > 200 && len[5] == 15);
  len[2] = sizeof seal_type;
  len[3] = sizeof seal_name;
  CHECK(OESV4_GetSealInfoById_(session, U(seal_id), NULL, &len[0], NULL, &len[1], seal_type,
                               &len[2], seal_name, &len[3], NULL, &len[4], NULL, &len[5], NULL,
                               &len[6], NULL, &len[7], NULL, &len[8], NULL, &len[9], NULL,
                               &len[10]) == OES_OK);
  CHECK(len[2] == 1 && seal_type[0] == '5');
  CHECK(len[3] == (int)strlen("某某科技有限公司") &&
        memcmp(seal_name, "某某科技有限公司", (size_t)len[3]) == 0);

  /* The signers' certificates: "serial\0CN\0\0", and one by its serial. */
  unsigned char certs[1024];
  int certs_len = sizeof certs;
  CHECK(OESV4_GetCertList_(session, certs, &certs_len) == OES_OK && certs_len > 4);
  const char* serial = (const char*)certs;
  CHECK(strcmp(serial + strlen(serial) + 1, "合同章") == 0);
  int cert_len = 0;
  CHECK(OESV4_GetCertById_(session, U(serial), NULL, &cert_len) == OES_OK && cert_len > 200);
  CHECK(OESV4_GetCertById_(session, U("00"), NULL, &cert_len) == OES_E_NO_SEAL);

  /* The digest of the data, in one go and in pieces (SM3 by default and by OID). */
  unsigned char digest[64], pieces[64];
  int digest_len = sizeof digest, pieces_len = sizeof pieces;
  CHECK(OESV4_Digest_(session, data, data_size, U("1.2.156.10197.1.401"), digest, &digest_len) ==
        OES_OK);
  CHECK(digest_len == 32);
  OES_HANDLE hash = NULL;
  CHECK(OESV4_Digest_Init_(session, U("SM3"), &hash) == OES_OK);
  CHECK(OESV4_Digest_Update_(session, hash, data, data_size / 2) == OES_OK);
  CHECK(OESV4_Digest_Update_(session, hash, data + data_size / 2, data_size - data_size / 2) ==
        OES_OK);
  CHECK(OESV4_Digest_Final_(session, hash, pieces, &pieces_len) == OES_OK);
  CHECK(pieces_len == 32 && memcmp(digest, pieces, 32) == 0);
  CHECK(OESV4_Digest_(session, data, data_size, U("MD5"), digest, &pieces_len) == OES_E_METHOD);
  write_file(out, "digest", digest, digest_len);

  /* Signing: not without the PIN; a wrong one counts down; the right one signs. */
  const char* property = "/Doc_0/Signs/Sign_0/Signature.xml";
  int value_len = 0;
  CHECK(OESV4_Sign_(session, U(seal_id), U(property), digest, 32, NULL, &value_len) ==
        OES_NEED_PIN);
  CHECK(OESV4_Login_(session, U("00000000")) == OES_E_PIN);
  unsigned char message[512];
  int message_len = sizeof message;
  CHECK(OESV4_GetErrMessage_(session, OES_E_PIN, message, &message_len) == OES_OK);
  printf("wrong PIN: %.*s\n", message_len, (const char*)message);
  CHECK(OESV4_Login_(session, U(pin)) == OES_OK);
  CHECK(OESV4_Sign_(session, U("NO-SUCH-SEAL"), U(property), digest, 32, NULL, &value_len) ==
        OES_E_NO_SEAL);
  CHECK(OESV4_Sign_(session, U(seal_id), U(property), digest, 32, NULL, &value_len) == OES_OK);
  CHECK(value_len > 0);
  unsigned char* value = malloc((size_t)value_len);
  CHECK(OESV4_Sign_(session, U(seal_id), U(property), digest, 32, value, &value_len) == OES_OK);
  write_file(out, "SignedValue.dat", value, value_len);

  /* Verifying: the digest signed, then another one. */
  CHECK(OESV4_Verify_(session, digest, 32, value, value_len, 0) == OES_OK);
  unsigned char other[32];
  memcpy(other, digest, 32);
  other[0] ^= 1;
  CHECK(OESV4_Verify_(session, other, 32, value, value_len, 0) == OES_E_VERIFY);
  int info_len = 0;
  CHECK(OESV4_GetErrMessage_(session, OES_VERIFYINFO, NULL, &info_len) == OES_OK);
  char* info = calloc((size_t)info_len + 1, 1);
  CHECK(OESV4_GetErrMessage_(session, OES_VERIFYINFO, (unsigned char*)info, &info_len) == OES_OK);
  CHECK(strstr(info, "data-hash: failed") != NULL);
  free(info);
  unsigned char broken[8] = {0x30, 0x03, 0x02, 0x01, 0x01};
  CHECK(OESV4_Verify_(session, digest, 32, broken, 5, 0) == OES_E_DECODE);

  /* Drawing the signature, as a reader does for each one in a document. */
  picture_len = 0;
  CHECK(OESV4_GetSignImage_(session, value, value_len, NULL, 0, NULL, &picture_len, NULL, &type_len,
                            &width, &height) == OES_OK &&
        picture_len > 100);

  /* Version 2, without a session: the seal's bytes and a verification against them. */
  int seal_len = 0;
  CHECK(OES_GetSeal_(U(seal_id), NULL, &seal_len) == OES_OK && seal_len > 0);
  unsigned char* seal = malloc((size_t)seal_len);
  CHECK(OES_GetSeal_(U(seal_id), seal, &seal_len) == OES_OK);
  CHECK(OES_Verify_(seal, seal_len, U(property), digest, 32, U("1.2.156.10197.1.501"),
                    U("2026-12-05 12:00:00"), value, value_len, 0) == OES_OK);
  seal[seal_len / 2] ^= 1;
  CHECK(OES_Verify_(seal, seal_len, U(property), digest, 32, U("1.2.156.10197.1.501"),
                    U("2026-12-05 12:00:00"), value, value_len, 0) != OES_OK);

  CHECK(OESV4_Logout_(session) == OES_OK);
  CHECK(OESV4_Sign_(session, U(seal_id), U(property), digest, 32, NULL, &value_len) ==
        OES_NEED_PIN);
  CHECK(OESV4_CloseSession_(session) == OES_OK);
  CHECK(OESV4_CloseSession_(session) == OES_E_SESSION);

  free(seal);
  free(value);
  free(picture);
  free(list);
  free(data);
  dlclose(module);
  printf("%d failed\n", failures);
  return failures == 0 ? 0 : 1;
}
