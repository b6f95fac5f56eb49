#!/usr/bin/env bash
# `eseal ofd prepare | complete`: an OFD seal signed elsewhere, as `pdf prepare | complete` does
# for PDF. The to-be-signed bytes are signed by `eseal sign-data` and by OpenSSL (the standard
# user ID), the digest written is SM3 of the new Signature.xml, and the completed package verifies.
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" --out maker
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=某某市人民政府,CN=公章" --out signer
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某某市人民政府 --type 1 --out gov.esl
printf '关于开展电子印章应用试点工作的通知\n某某市人民政府（盖章）\n' > notice.txt
expect 0 "$ESEAL" ofd make --text-file notice.txt --out notice.ofd

# Prepare: the package with a pending value, the digest and the bytes to sign.
expect 0 "$ESEAL" ofd prepare --in notice.ofd --out prepared.ofd --seal gov.esl --cert signer.pem \
  --keyword "人民政府（盖章）" --digest-out digest.bin --tbs-out tbs.bin
contains "prepared prepared.ofd (signature s001, Doc_0/Signs/Sign_0/Signature.xml)"
contains "document digest (SM3 of Signature.xml)"
contains "e = SM3(Z || to-be-signed)"
mkdir x && (cd x && unzip -q ../prepared.ofd) || fail "unzip prepared.ofd"
got=$(od -An -tx1 digest.bin | tr -d ' \n')
want=$("$OPENSSL" dgst -sm3 -r x/Doc_0/Signs/Sign_0/Signature.xml | cut -d' ' -f1)
checks=$((checks + 1))
[ "$got" = "$want" ] || fail "--digest-out $got, SM3(Signature.xml) $want"
expect 1 "$ESEAL" ofd verify prepared.ofd
expect 2 "$ESEAL" ofd prepare --in notice.ofd --out other.ofd --seal gov.esl --cert signer.pem \
  --page 1 --x 20 --y 20 --tbs-out tbs.bin
contains "tbs.bin already exists"
checks=$((checks + 1))
[ ! -e other.ofd ] || fail "a refused prepare wrote other.ofd"

# Complete with eseal's own signer, and with OpenSSL's as an outside signer would.
expect 0 "$ESEAL" sign-data --key signer.key --in tbs.bin --out tbs.sig
expect 0 "$ESEAL" ofd complete --in prepared.ofd --signature tbs.sig --out sealed.ofd
contains "completed prepared.ofd -> sealed.ofd"
expect 0 "$ESEAL" ofd verify sealed.ofd --ca ca/root.pem
contains "passed   signer-signature"
contains "OK every signature is valid"
"$OPENSSL" pkey -in signer.key -passin "file:$WORK/var/kek" -out plain.key 2>/dev/null ||
  fail "openssl cannot read signer.key"
"$OPENSSL" pkeyutl -sign -inkey plain.key -rawin -digest sm3 -pkeyopt "$DISTID" -in tbs.bin \
  -out openssl.sig || fail "openssl cannot sign tbs.bin"
expect 0 "$ESEAL" ofd complete --in prepared.ofd --signature openssl.sig --out sealed2.ofd
expect 0 "$ESEAL" ofd verify sealed2.ofd --ca ca/root.pem

# Bad input: nothing prepared, an existing output, a signature by another key.
expect 2 "$ESEAL" ofd complete --in notice.ofd --signature tbs.sig --out none.ofd
contains "no prepared signature"
expect 2 "$ESEAL" ofd complete --in prepared.ofd --signature tbs.sig --out sealed.ofd
contains "already exists"
expect 0 "$ESEAL" sign-data --key maker.key --in tbs.bin --out wrong.sig
expect 1 "$ESEAL" ofd complete --in prepared.ofd --signature wrong.sig --out none.ofd
checks=$((checks + 1))
[ ! -e none.ofd ] || fail "a refused complete wrote none.ofd"

done_checks
