/* Drives libhrss (hrss/hrss.h) from C, as a desktop program or the agent would: the USB key's
 * checks, a PDF stamped by position, by keyword with page and occurrence ranges and across its
 * pages, its seals counted, saved and posted with a form; an OFD stamped, locked, unlocked and
 * made a certified copy; wrong PINs refused. tests/hrss/hrss_test.sh verifies what it writes
 * with `eseal pdf verify` and `eseal ofd verify`.
 *
 * Usage: hrss_demo PIN DOC.pdf DOC.ofd OUTDIR POST_URL ROOTS.pem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hrss/hrss.h"

static int failures = 0;
static const char* the_pin = "";
static int pins_asked = 0;

#define CHECK(cond)                                                                          \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      fprintf(stderr, "hrss_demo:%d: %s failed: %s\n", __LINE__, #cond, HRSGetLastError(0)); \
      ++failures;                                                                            \
    }                                                                                        \
  } while (0)

static int ask_pin(void* context, unsigned tries_left, char* pin, size_t size) {
  (void)context;
  (void)tries_left;
  ++pins_asked;
  snprintf(pin, size, "%s", the_pin);
  return 1;
}

static int place_seal(void* context, int cross_page, int* page, double* x_mm, double* y_mm) {
  (void)context;
  if (!cross_page) *page = 1; /* the person turned back to the first page */
  *x_mm = cross_page ? 0 : 150;
  *y_mm = 220;
  return 1;
}

/* Writes `text` (which must not be empty) to dir/name. */
static void write_text(const char* dir, const char* name, const char* text) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  CHECK(text != NULL && *text != '\0');
  FILE* f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f) return;
  fputs(text, f);
  fclose(f);
}

static void save(const char* dir, const char* name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  CHECK(ESEAL_HRSSSaveFileTo(path) == 1);
}

int main(int argc, char** argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: hrss_demo PIN DOC.pdf DOC.ofd OUTDIR POST_URL ROOTS.pem\n");
    return 2;
  }
  const char* out = argv[4];
  ESEAL_HRSS_HOST host;
  memset(&host, 0, sizeof host);
  host.ask_pin = ask_pin;
  host.place_seal = place_seal;
  ESEAL_HRSSSetHost(&host);
  the_pin = argv[1];

  /* The key: present, its serial and its seal read without the PIN. */
  CHECK(HRSSCheckKey() == 1);
  /* A returned string lasts until the next call: each is printed before the next. */
  CHECK(strlen(HRSSGetKeyID()) > 0);
  printf("key %s\n", HRSSGetKeyID());
  CHECK(strlen(HRSSGetESealId()) > 0);
  printf("seal %s\n", HRSSGetESealId());
  CHECK(ESEAL_HRSSSetTrust(argv[6]) == 1);
  /* A login (DB4403 LOGIN-04): the certificate's serial, and a statement signed after the PIN. */
  CHECK(strlen(ESEAL_HRSSGetCertSerial()) > 0);
  printf("certificate serial %s\n", ESEAL_HRSSGetCertSerial());
  write_text(out, "login-cert.b64", ESEAL_HRSSGetCertificate());
  int asked_before = pins_asked;
  write_text(out, "login.sig", ESEAL_HRSSSignData("55m75b2V56Gu6K6k")); /* "登录确认" */
  CHECK(pins_asked == asked_before + 1);
  CHECK(strcmp(ESEAL_HRSSSignData("not base64!"), "") == 0);
  CHECK(ESEAL_HRSSLastErrorNumber() == HRSS_E_ARGUMENT);

  /* Nothing open yet. */
  CHECK(HRSSSignByPos("1", 50, 50) == 0);
  CHECK(strstr(HRSGetLastError(0), "没有打开的文档") != NULL);
  CHECK(HRSSFileSaveAs() == 0); /* no viewer to ask where */

  /* The PDF: the view, then seals by position, by keyword and across the pages. */
  CHECK(HRSSOpenFileByPath(argv[2], 0) == 1);
  CHECK(strstr(argv[2], ESEAL_HRSSFileName()) != NULL);
  CHECK(ESEAL_HRSSPageCount() == 3);
  HRSSGoToLastPage();
  CHECK(HRSSGetCurrentPageNum() == 3);
  HRSSGoToPrevPage();
  CHECK(HRSSGetCurrentPageNum() == 2);
  CHECK(HRSSGoToPage(9) == 0);
  CHECK(strstr(HRSGetLastError(0), "no page 9") != NULL);
  CHECK(HRSSFileZoomLarge() == 1 && ESEAL_HRSSZoomPercent() == 125);
  CHECK(HRSSFileRotateLeft() == 1 && ESEAL_HRSSRotation() == 270);
  HRSSShowToolBarButton(99, 0);
  HRSSShowToolBarButton(21, 1);
  CHECK(ESEAL_HRSSToolBarButtonShown(21) == 1 && ESEAL_HRSSToolBarButtonShown(22) == 0);
  CHECK(HRSSGotoPageByKeyWord("甲方（签章）") == 1 && HRSSGetCurrentPageNum() == 2);
  CHECK(HRSSGotoPageByKeyWord("乙方（签章）") == 1 && HRSSGetCurrentPageNum() == 3);
  CHECK(HRSSGotoPageByKeyWord("没有这个词") == 0);
  CHECK(HRSSIsFileSigned() == 0);

  CHECK(HRSSSignByPos("1;3", 60, 60) == 1);
  CHECK(HRSSIsFileSigned() == 1);
  CHECK(HRSSSignByPos("7", 60, 60) == 0);
  CHECK(HRSSSignByPos("2-x", 60, 60) == 0);
  CHECK(ESEAL_HRSSLastErrorNumber() == HRSS_E_PLACEMENT);
  CHECK(HRSSSignByKeyword("乙方（签章）", "0", "1") == 1);
  CHECK(HRSSSignByKeyword("乙方（签章）", "1-2", "0") == 0); /* not on those pages */
  unsigned long version = ESEAL_HRSSDocumentVersion();
  CHECK(HRSSInsertESeal() == 1); /* the viewer placed it */
  CHECK(HRSSGetCurrentPageNum() == 1 && ESEAL_HRSSDocumentVersion() != version);
  CHECK(ESEAL_HRSSLastErrorNumber() == 0);
  CHECK(ESEAL_HRSSSignPaging(100) == 1);
  CHECK(HRSSIsFileSigned() == 4);
  CHECK(HRSSIsPagingSigned() == 1);
  CHECK(HRSSGetCurrentSignatureCount() == 4);
  CHECK(HRSSBatchVerify() == 1);
  const char* info = HRSSGetSignInfo();
  printf("%s\n", info);
  CHECK(strstr(info, "\"kind\":\"seal\"") != NULL);
  CHECK(strstr(info, "\"result\":\"valid\"") != NULL);
  CHECK(strstr(info, "\"pages\":[1,2,3]") != NULL);
  save(out, "stamped.pdf");

  /* The form: a field, a file and the stamped document, with the session's cookie. */
  CHECK(HRSSHttpInit() == 1);
  CHECK(HRSSHttpAddPostString("title", "劳动合同") == 1);
  CHECK(HRSSHttpAddPostFile("attachment", argv[6]) == 1);
  CHECK(HRSSHttpAddPostFile("missing", "/nonexistent/file") == 0);
  CHECK(HRSSHttpAddPostCurrFile("file", "") == 1);
  CHECK(HRSSHttpPost(argv[5], "JSESSIONID=hrss-demo") == 1);
  CHECK(HRSSHttpPost("ftp://example.org/", "") == 0);
  CHECK(HRSSCloseFile() == 1);

  /* The OFD: a seal by keyword, then the lock, its removal and a certified copy. */
  CHECK(HRSSOpenFileByPath(argv[3], 0) == 1);
  CHECK(HRSSSignByKeyword("某某科技有限公司（盖章）", "1", "0") == 1);
  save(out, "stamped.ofd");
  CHECK(HRSOfdLockSign("") == 1);
  save(out, "locked.ofd");
  CHECK(HRSSSignByKeyword("某某科技有限公司（盖章）", "0", "0") == 0); /* locked */
  CHECK(HRSOfdDeleteLockSign() == 1);
  save(out, "unlocked.ofd");
  CHECK(HRSOfdLockSign("{\"watermarkInfomation\":{\"watermarkType\":\"text\"}}") == -11);
  CHECK(HRSOfdLockSign("{\"certificateCopyMetaData\":{\"certificateCopyCreator\":\"人社局\","
                       "\"certificateCopyCause\":\"办理社保\","
                       "\"certificateCopyCpiringTime\":\"2030年12月31日\"}}") == 1);
  save(out, "copy.ofd");

  /* A PDF is not locked; a wrong PIN is refused and counted by the key. */
  CHECK(HRSSOpenFileByPath(argv[2], 0) == 1);
  CHECK(HRSOfdLockSign("") == -8);
  the_pin = "00000000";
  pins_asked = 0;
  CHECK(HRSSSignByPos("1", 60, 60) == 0);
  CHECK(strstr(HRSGetLastError(0), "PIN") != NULL);
  CHECK(pins_asked == 3); /* asked again while tries were left: 3 tries lock the key */
  CHECK(strcmp(HRSGetLastError(-5), "PIN码错误、已锁定或未输入") == 0);

  printf("%d failed\n", failures);
  return failures == 0 ? 0 : 1;
}
