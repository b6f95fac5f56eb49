/* eseal's software crypto device (libeseal-softsdf.so): the GM/T 0018 SDF interface of
 * keys/gmt0018.h over one file, for development and tests without an HSM. It is NOT a
 * production HSM: keys are kept in the clear in DIR/device.json, protected only by the file's
 * permissions (0600).
 *
 * DIR is the environment variable ESEAL_SOFTSDF_DIR, read by SDF_OpenDevice and by the
 * functions below; when it is unset, $HOME/.local/share/eseal/softsdf. A missing device file
 * is created (an empty device) by SDF_OpenDevice.
 *
 * Key management on a real HSM is the vendor's tool; on this device it is the two functions
 * below, which change DIR/device.json (and any device open on it in this process) at once.
 */
#ifndef ESEAL_KEYS_SOFT_SDF_H
#define ESEAL_KEYS_SOFT_SDF_H

#include "keys/gmt0018.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Key indexes and KEK indexes are 1..ESEAL_SDF_MAX_INDEX. */
#define ESEAL_SDF_MAX_INDEX 1024

/* Creates or replaces the key index uiKeyIndex with a new SM2 signing key pair and a new SM2
 * encryption key pair, whose private keys are used after SDF_GetPrivateKeyAccessRight with
 * pucPassword (a NUL-terminated, non-empty string). The signing public key is written to
 * pucSignPublicKey unless it is null. */
int ESEAL_SDF_GenerateKeyPair(unsigned int uiKeyIndex, const char* pucPassword,
                              ECCrefPublicKey* pucSignPublicKey);

/* Creates or replaces the key-encryption key uiKEKIndex (SM4, 128 bits). */
int ESEAL_SDF_GenerateKEK(unsigned int uiKEKIndex);

#ifdef __cplusplus
}
#endif

#endif /* ESEAL_KEYS_SOFT_SDF_H */
