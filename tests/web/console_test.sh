#!/usr/bin/env bash
# The web console and the public verification page (web/console) in a real browser: `eseal demo`
# makes the seals and one console account per role, `eseal serve` serves the built console at
# /console/, and console.mjs drives Debian's chromium through playwright-core (web/console's dev
# dependency): a seal administrator makes a seal and freezes it, an operator stamps a PDF by
# dragging a seal onto it and an OFD by keyword, a visitor verifies both and sees a tampered copy
# rejected, an auditor verifies the audit chain; axe-core checks the public page. Screenshots go
# to build/web-screenshots/console/. Prints SKIP and exits 0 without node or chromium. Builds
# the console (scripts/build-web) when it or its npm packages are missing.
# Usage: console_test.sh ESEAL [OPENSSL]
ROOT=$(cd "${0%/*}/../.." && pwd)
WEB_DIR=$ROOT/web/console
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

expect 0 "$ESEAL" demo --data-dir var
export ESEAL_CONSOLE_DIR=$WEB_DIR/dist
start_serve --port 0 --data-dir var
grep -q "the web console: " serve.err || fail "the console is not served: $(cat serve.err)"

ESEAL=$ESEAL PORT=$port CHROMIUM=$CHROMIUM WEB_DIR=$WEB_DIR \
  SHOTS=$ROOT/build/web-screenshots/console node "$ROOT/tests/web/console.mjs" ||
  fail "the browser test failed (screenshots in $ROOT/build/web-screenshots/console); the server's log ends:
$(tail -n 20 serve.err)"
checks=$((checks + $(cat browser-checks)))
done_checks
