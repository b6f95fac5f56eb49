#!/usr/bin/env bash
# `eseal token` and `--token`: a software USB key provisioned as LD/T 01.4 §5.3.2.3 lays it out
# (the seal in HRSS_ESEAL, the police's file in GA_ENCFILE, the signing key made inside the key),
# a PDF and an OFD stamped with the seal from the key and verified, wrong PINs counted down to a
# lock, and a vendor library that is missing or is not an SKF library refused clearly.
# Usage: token_test.sh ESEAL OPENSSL MAKE_FIXTURE_PDF
MAKE_PDF=$3
source "$(dirname "$0")/lib.sh" "$@"
export ESEAL_SOFTSKF_DIR="$WORK/keys"
unset ESEAL_SKF_LIBRARY ESEAL_TOKEN_PIN

expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" --out maker

expect 0 "$ESEAL" token list
contains "no USB key is present"
expect 0 "$ESEAL" token init --new --device key1 --label 合同章钥匙 --admin-pin 88888888 \
  --user-pin 12345678 --retries 3
contains "made the software USB key key1"
contains "application HRSS, 3 PIN tries"
expect 2 "$ESEAL" token init --device key1 --admin-pin 1 --user-pin 2 --auth-key 00000000000000000000000000000000
contains "SAR_"

expect 0 "$ESEAL" token write-seal --pin 12345678 --issuer ca/root --subject "C=CN,O=某某科技有限公司,CN=合同章" \
  --maker maker --name 某某科技有限公司 --type 5 --out contract.esl
contains "to key1/HRSS/HRSS_ESEAL"
contains "CN=合同章"
printf 'police file' >ga.bin
expect 0 "$ESEAL" token write-file --pin 12345678 --name GA_ENCFILE --in ga.bin
expect 0 "$ESEAL" token list
contains "application HRSS  user PIN 3/3 tries left, still the first"
contains "file HRSS_ESEAL"
contains "seal "
contains "file GA_ENCFILE  11 bytes"
contains "container ESEAL  C=CN,O=某某科技有限公司,CN=合同章"
expect 0 "$ESEAL" seal verify contract.esl --ca ca/root.pem

"$MAKE_PDF" doc.pdf 2 || fail "cannot make doc.pdf"
expect 0 "$ESEAL" pdf sign --token --pin 12345678 --in doc.pdf --out stamped.pdf --page 1 --x 120 --y 200
expect 0 "$ESEAL" pdf verify stamped.pdf --ca ca/root.pem
contains "合同章"
ESEAL_TOKEN_PIN=12345678 expect 0 "$ESEAL" pdf sign --token --in stamped.pdf --out twice.pdf \
  --keyword 乙方（签章）
expect 0 "$ESEAL" pdf verify twice.pdf --ca ca/root.pem
printf '某某科技有限公司（盖章）\n2026年12月5日\n' >notice.txt
expect 0 "$ESEAL" ofd make --text-file notice.txt --out notice.ofd
expect 0 "$ESEAL" ofd sign --token --pin 12345678 --in notice.ofd --out notice-signed.ofd \
  --keyword "某某科技有限公司（盖章）"
expect 0 "$ESEAL" ofd verify notice-signed.ofd --ca ca/root.pem
contains "OK every signature is valid"

# Wrong PINs: the key says how many tries are left, then locks; the right PIN no longer opens it.
expect 1 "$ESEAL" pdf sign --token --pin 00000000 --in doc.pdf --out no.pdf --page 1 --x 10 --y 10
contains "2 tries left"
expect 1 "$ESEAL" pdf sign --token --pin 00000000 --in doc.pdf --out no.pdf --page 1 --x 10 --y 10
contains "1 try left"
expect 1 "$ESEAL" pdf sign --token --pin 00000000 --in doc.pdf --out no.pdf --page 1 --x 10 --y 10
expect 1 "$ESEAL" pdf sign --token --pin 12345678 --in doc.pdf --out no.pdf --page 1 --x 10 --y 10
contains "locked"
[ ! -e no.pdf ] || fail "a refused signature left no.pdf"
checks=$((checks + 1))

expect 2 "$ESEAL" pdf sign --token --seal contract.esl --pin 1 --in doc.pdf --out no.pdf --page 1 --x 1 --y 1
contains "not several"
ESEAL_SKF_LIBRARY=/nonexistent/libvendor.so expect 2 "$ESEAL" token list
contains "cannot load the device library /nonexistent/libvendor.so"
ESEAL_SKF_LIBRARY=libz.so.1 expect 2 "$ESEAL" token list
contains "has no function SKF_"
done_checks
