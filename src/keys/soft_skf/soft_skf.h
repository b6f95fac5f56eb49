/* eseal's software USB key (libeseal-softskf.so): the GM/T 0016 SKF interface of
 * keys/gmt0016.h over files, for development and tests without a USB key. It is NOT a USB key:
 * keys are kept in the clear in DIR/NAME.json, protected only by the file's permissions (0600).
 *
 * DIR is the environment variable ESEAL_SOFTSKF_DIR, read on every call; when it is unset,
 * $HOME/.local/share/eseal/softskf. Each DIR/NAME.json is one key, present as NAME. A key is
 * made by ESEAL_SKF_CreateDevice below (on a real key, by its vendor's tool), with the
 * device authentication key "1234567812345678" (16 bytes) and no application.
 *
 * Not supported (SAR_NOTSUPPORTYETERR): RSA, SM2 key agreement, SKF_Transmit, SKF_LockDev and
 * SKF_UnlockDev, and waiting for device events.
 */
#ifndef ESEAL_KEYS_SOFT_SKF_H
#define ESEAL_KEYS_SOFT_SKF_H

#include "keys/gmt0016.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Makes the key szName (1..31 of A-Z a-z 0-9 . _ -) labelled szLabel (at most 32 bytes):
 * SAR_FILE_ALREADY_EXIST when there is one, SAR_NAMELENERR for a bad name or label. */
ULONG ESEAL_SKF_CreateDevice(LPSTR szName, LPSTR szLabel);

#ifdef __cplusplus
}
#endif

#endif /* ESEAL_KEYS_SOFT_SKF_H */
