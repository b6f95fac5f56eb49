#!/usr/bin/env bash
# The COSS phone page (web/coss-h5) in a real browser: `eseal demo` makes the COSS app and user
# 张三, `eseal serve` serves the built page at /coss/h5/, and coss_h5.mjs drives Debian's
# chromium through playwright-core (web/coss-h5's dev dependency) through activation, signing,
# refusing, wrong PINs and expired and revoked jobs; screenshots go to build/web-screenshots/.
# Prints SKIP and exits 0 without node or chromium. Builds the page (scripts/build-web) when
# it or playwright-core is missing.
# Usage: coss_h5_test.sh ESEAL [OPENSSL]
source "${0%/*}/lib.sh" web/coss-h5 "$@"

expect 0 "$ESEAL" demo --data-dir var
export ESEAL_COSS_H5_DIR=$WEB_DIR/dist
start_serve --port 0 --data-dir var
grep -q "the phone page: " serve.err || fail "the page is not served: $(cat serve.err)"

ESEAL=$ESEAL OPENSSL=$OPENSSL PORT=$port CHROMIUM=$CHROMIUM WEB_DIR=$WEB_DIR \
  SHOTS=$ROOT/build/web-screenshots node "$ROOT/tests/web/coss_h5.mjs" ||
  fail "the browser test failed (screenshots in $ROOT/build/web-screenshots); the server's log ends:
$(tail -n 20 serve.err)"
checks=$((checks + $(cat browser-checks)))
done_checks
