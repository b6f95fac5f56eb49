#!/usr/bin/env bash
# libhrss from C (tests/hrss/hrss_demo.c) against eseal's software USB key provisioned with a
# seal: every document it writes verified with `eseal pdf verify` / `eseal ofd verify`, and the
# stamped PDF it posted received by a business endpoint with its fields and cookie.
# Usage: hrss_test.sh ESEAL OPENSSL MAKE_FIXTURE_PDF HRSS_DEMO
MAKE_PDF=$3
DEMO=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../cli/lib.sh" "$1" "$2"
provision_usb_key ES-HRSS-1
"$MAKE_PDF" doc.pdf 3 || fail "cannot make doc.pdf"
printf '劳动合同\n某某科技有限公司（盖章）\n2026年12月5日\n' >notice.txt
expect 0 "$ESEAL" ofd make --text-file notice.txt --out notice.ofd

mkdir -p received out
python3 "$here/receiver.py" received >receiver.port &
servers="$servers $!"
for _ in $(seq 50); do [ -s receiver.port ] && break; sleep 0.1; done
port=$(cat receiver.port)
[ -n "$port" ] || fail "the receiver did not start"

# hrss_demo is not installed beside the software key, as eseal is: ESEAL_SKF_LIBRARY names it.
ESEAL_SKF_LIBRARY="$(dirname "$ESEAL")/libeseal-softskf.so" expect 0 "$DEMO" 12345678 doc.pdf notice.ofd out \
  "http://127.0.0.1:$port/business/receive" ca/root.pem
contains "seal ES-HRSS-1"
contains "0 failed"

# The login statement the key signed verifies under the key's certificate.
"$OPENSSL" base64 -d -A -in out/login-cert.b64 -out login-cert.der || fail "the certificate is not base64"
printf '登录确认' >login.txt
expect 0 "$ESEAL" verify-data --cert login-cert.der --in login.txt --sig out/login.sig

expect 0 "$ESEAL" pdf verify out/stamped.pdf --ca ca/root.pem
contains "合同章"
expect 0 "$ESEAL" ofd verify out/stamped.ofd --ca ca/root.pem
expect 0 "$ESEAL" ofd verify out/locked.ofd --ca ca/root.pem
contains "lock"
expect 0 "$ESEAL" ofd verify out/unlocked.ofd --ca ca/root.pem
expect 0 "$ESEAL" ofd verify out/copy.ofd --ca ca/root.pem
contains "办理社保"

# What the business endpoint received: the fields, the cookie and the stamped PDF itself.
[ "$(cat received/cookie)" = "JSESSIONID=hrss-demo" ] || fail "cookie: $(cat received/cookie)"
grep -q "multipart/form-data; boundary=" received/content-type || fail "not a form post"
python3 - received/body received/content-type <<'PY' || fail "the form is not as posted"
import sys, email.parser, email.policy
body = open(sys.argv[1], "rb").read()
ctype = open(sys.argv[2]).read()
message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
    b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
title = parts["title"].get_payload(decode=True).decode("utf-8")
assert title == "劳动合同", title
assert parts["file"].get_filename() == "doc.pdf"
open("received/doc.pdf", "wb").write(parts["file"].get_payload(decode=True))
assert parts["attachment"].get_filename() == "root.pem"
PY
checks=$((checks + 1))
cmp -s received/doc.pdf out/stamped.pdf || fail "the posted PDF is not the stamped one"
checks=$((checks + 1))
expect 0 "$ESEAL" pdf verify received/doc.pdf --ca ca/root.pem
done_checks
