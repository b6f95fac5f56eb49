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
source "${0%/*}/lib.sh" web/console "$@"

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
