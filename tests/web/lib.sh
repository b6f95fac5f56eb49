# What the browser tests share, sourced as `source tests/web/lib.sh WEB_DIR ESEAL [OPENSSL]`:
# prints SKIP and exits 0 without node or chromium; builds the pages (scripts/build-web) when
# WEB_DIR's dist or its playwright-core is missing; then sources tests/cli/lib.sh (a work
# folder, expect, start_serve, …) with ESEAL and OPENSSL. Sets ROOT, WEB_DIR and CHROMIUM.
ROOT=$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)
WEB_DIR=$ROOT/$1
shift
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if ! command -v node >/dev/null; then
  echo "SKIP: node is not installed"
  exit 0
fi
if [ -z "$CHROMIUM" ]; then
  echo "SKIP: chromium is not installed (apt-get install chromium)"
  exit 0
fi
[ $# -ge 1 ] || { echo "usage: $0 ESEAL [OPENSSL]" >&2; exit 2; }
ESEAL_BIN=$(realpath "$1")
OPENSSL_BIN=$(command -v "${2:-openssl}")
if [ ! -f "$WEB_DIR/dist/index.html" ] || [ ! -d "$WEB_DIR/node_modules/playwright-core" ]; then
  "$ROOT/scripts/build-web" || { echo "FAIL: scripts/build-web" >&2; exit 1; }
fi
source "$ROOT/tests/cli/lib.sh" "$ESEAL_BIN" "$OPENSSL_BIN"
