/* LD/T 01.4 §5.3.2.1, distributed signing (分散式签章): the HRSS functions as a C library over
 * one document open at a time and the signer's USB key (GM/T 0016, keys/skf.h), laid out as
 * §5.3.2.3 says. The old controls were browser plugins; this library is what eseal's local
 * agent and a desktop program call.
 *
 * Conventions where the text leaves them open:
 *  - Strings are UTF-8 (the text's LPCTSTR and BSTR). A returned string belongs to the library
 *    and stays valid until the calling thread's next call.
 *  - SHORT results are 1 for success and 0 for failure, as the text says; HRSOfdLockSign and
 *    HRSOfdDeleteLockSign return a negative error number on failure. Every failure records an
 *    error number and message: HRSGetLastError(0) describes the calling thread's last failure,
 *    HRSGetLastError(n) the meaning of error number n.
 *  - Pages are 1-based. Page lists ("0;2-10;2,5") are numbers and ranges separated by ';' or
 *    ',', 0 meaning every page; the same syntax counts keyword occurrences (1-based).
 *  - HRSSSignByPos places the seal's centre xCenter, yCenter millimetres from the page's
 *    top-left corner, on every page of the list.
 *  - HRSSGetSignInfo returns the document's signatures as a JSON array (the text gives it SHORT
 *    but says it returns the information).
 *  - Functions that only drive a screen (the dialogs of HRSSOpenFile and HRSSFileSaveAs, printing,
 *    placing a seal with the mouse, the settings dialog) call the host that registered with
 *    ESEAL_HRSSSetHost, the agent's viewer; without one they fail with HRSS_E_NO_VIEWER.
 *    Zoom, rotation, the current page and the toolbar are kept here for that viewer to show.
 *  - The USB key's PIN is asked through the host's ask_pin, never taken from a page.
 */
#ifndef ESEAL_HRSS_H
#define ESEAL_HRSS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error numbers (HRSGetLastError). */
#define HRSS_E_NO_DOCUMENT (-1) /* no document is open */
#define HRSS_E_DOCUMENT (-2)    /* not a PDF or OFD, or damaged, or not readable */
#define HRSS_E_NO_KEY (-3)      /* no USB key, or its library cannot be loaded */
#define HRSS_E_NO_SEAL (-4)     /* the key holds no seal, or it does not fit the key */
#define HRSS_E_PIN (-5)         /* the PIN was wrong, locked or not given */
#define HRSS_E_PLACEMENT (-6)   /* no such page, keyword not found, bad page list */
#define HRSS_E_SIGN (-7)        /* the key or the engine failed to sign */
#define HRSS_E_NOT_OFD (-8)     /* the operation is for OFD documents */
#define HRSS_E_HTTP (-9)        /* the form post failed */
#define HRSS_E_NO_VIEWER (-10)  /* the function needs the agent's viewer */
#define HRSS_E_ARGUMENT (-11)   /* a bad argument */
#define HRSS_E_IO (-12)         /* a file could not be read or written */

/* 5.3.2.1.1-5 Files. */
short HRSSOpenFile(void);
short HRSSOpenFileByPath(const char* szFilePath, short iType); /* 0 local, 1 http:// URL */
short HRSSCloseFile(void);
short HRSSFileSaveAs(void);
short HRSSPrintFile(void);
/* 5.3.2.1.6-14 The view. */
short HRSSFileZoomLarge(void);
short HRSSFileZoomSmall(void);
short HRSSFileRotateLeft(void);
short HRSSFileRotateRight(void);
void HRSSGoToNextPage(void);
void HRSSGoToPrevPage(void);
void HRSSGoToFirstPage(void);
void HRSSGoToLastPage(void);
short HRSSGoToPage(short pageNo);
void HRSSShowToolBarButton(short nIndex, int bShow);
/* 5.3.2.1.16-19 Sealing with the mouse, verifying, settings. */
short HRSSInsertESeal(void);
short HRSSInsertPagingESeal(void);
short HRSSBatchVerify(void);
short HRSSSysSet(void);
/* 5.3.2.1.20-27 The key and the document's signatures. */
short HRSSCheckKey(void);
const char* HRSSGetKeyID(void);
const char* HRSSGetESealId(void);
short HRSSIsFileSigned(void);
short HRSSIsPagingSigned(void);
short HRSSGetCurrentSignatureCount(void);
short HRSSGetCurrentPageNum(void);
const char* HRSSGetSignInfo(void);
/* 5.3.2.1.28-29 Finding pages. */
short HRSSGotoBookMarkByBookMarkName(const char* strBookMarkName);
short HRSSGotoPageByKeyWord(const char* KeyWord);
/* 5.3.2.1.30-34 A multipart/form-data POST of fields, files and the current document. */
int HRSSHttpInit(void);
int HRSSHttpAddPostString(const char* FieldName, const char* FieldValue);
int HRSSHttpAddPostFile(const char* FieldName, const char* FilePath);
int HRSSHttpAddPostCurrFile(const char* FieldName, const char* Reserved);
int HRSSHttpPost(const char* url, const char* cookie);
/* 5.3.2.1.35-36 Sealing by keyword and by position. */
short HRSSSignByKeyword(const char* szKeyWord, const char* szPages, const char* szIndexes);
short HRSSSignByPos(const char* szPages, long xCenter, long yCenter);
/* 5.3.2.1.37-39 OFD certified copies and locks; errors. */
short HRSOfdLockSign(const char* disc);
short HRSOfdDeleteLockSign(void);
const char* HRSGetLastError(short errorNumber);

/* eseal's extensions. */

/* What the host (the agent's viewer) does for the library; any member may be null. Each
 * returns 1 when done, 0 when the person cancelled. They are called while the library holds its
 * lock: a callback must not call HRSS functions. */
typedef struct ESEAL_HRSS_HOST {
  void* context;
  /* The USB key's PIN, asked of the person (tries_left: 0 when unknown); written to pin
   * (NUL-terminated, at most size bytes with the NUL). */
  int (*ask_pin)(void* context, unsigned tries_left, char* pin, size_t size);
  /* A file to open or to save to, chosen by the person. */
  int (*choose_file)(void* context, int saving, char* path, size_t size);
  /* Where the person put the seal: the page (1-based; set to the current page on the way in)
   * and the seal's centre in millimetres from that page's top-left corner. For a cross-page seal
   * only y counts. */
  int (*place_seal)(void* context, int cross_page, int* page, double* x_mm, double* y_mm);
  int (*print)(void* context);
  int (*settings)(void* context);
} ESEAL_HRSS_HOST;
void ESEAL_HRSSSetHost(const ESEAL_HRSS_HOST* host);

/* The USB key to use: its vendor's SKF library (null or "": ESEAL_SKF_LIBRARY, else eseal's
 * software key) and the key's name (null or "": the first present). */
short ESEAL_HRSSSetKey(const char* szLibrary, const char* szDevice);
/* Trusted roots (a PEM file) for HRSSBatchVerify and HRSSGetSignInfo; without, the chains are
 * not judged (indeterminate). */
short ESEAL_HRSSSetTrust(const char* szRootsPem);
/* Opens a document from memory (szName: its name in form posts). */
short ESEAL_HRSSOpenFileFromMemory(const unsigned char* pbData, size_t ulSize, const char* szName);
/* Saves the current document to a path, without a dialog. */
short ESEAL_HRSSSaveFileTo(const char* szPath);
/* A cross-page seal with its top y millimetres from the top of the pages, every 10 pages. */
short ESEAL_HRSSSignPaging(long yTop);
/* The current document's bytes (valid until the document changes) and the view's state. */
const unsigned char* ESEAL_HRSSCurrentFile(size_t* pulSize);
short ESEAL_HRSSPageCount(void);
short ESEAL_HRSSZoomPercent(void);
short ESEAL_HRSSRotation(void);
int ESEAL_HRSSToolBarButtonShown(short nIndex);
/* The current document's name (its file name, or the name it was opened from memory with). */
const char* ESEAL_HRSSFileName(void);
/* A number that changes whenever the current document does (opened, signed, closed). */
unsigned long ESEAL_HRSSDocumentVersion(void);
/* The key's signing certificate (base64 of its DER) and its serial number (hex: DB4403's
 * mediaNo), read without the PIN. */
const char* ESEAL_HRSSGetCertificate(void);
const char* ESEAL_HRSSGetCertSerial(void);
/* SM3withSM2 (the default user id) over the base64 `szDataB64` with the key, the PIN asked
 * through the host: a login statement (DB4403 LOGIN-04's signData) or other data a business
 * system has the person sign. Base64 of the DER signature; "" on failure. */
const char* ESEAL_HRSSSignData(const char* szDataB64);
/* The error number of the calling thread's last failure (0 after a success). */
short ESEAL_HRSSLastErrorNumber(void);

#ifdef __cplusplus
}
#endif

#endif /* ESEAL_HRSS_H */
