#!/usr/bin/env bash
# Cross-checks eseal's certificates, CRLs and data signatures with BouncyCastle (Debian's
# libbcprov-java). Usage: bouncycastle_test.sh ESEAL OPENSSL
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../cli/lib.sh" "$@"
BCPROV=/usr/share/java/bcprov.jar
command -v java >/dev/null && [ -f "$BCPROV" ] || fail "java or $BCPROV missing (scripts/install-deps installs them)"

expect 0 "$ESEAL" ca init --dir ca --subject "C=CN,O=互认测试,CN=互认测试根CA"
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=某某局,CN=公章" --out signer
printf 'interop payload 电子印章\n' > payload.txt
expect 0 "$ESEAL" sign-data --key signer.key --in payload.txt --out payload.sig
expect 0 "$ESEAL" crl issue --ca ca --revoke-cert signer.pem --reason superseded
expect 0 java -cp "$BCPROV" "$here/BcCheck.java" ca/root.pem signer.pem payload.txt payload.sig ca/crl.pem
contains "certificate signature OK"
contains "data signature OK"
contains "CRL signature OK"

# A tampered payload must fail under BouncyCastle too.
printf 'tampered\n' > payload.txt
expect 1 java -cp "$BCPROV" "$here/BcCheck.java" ca/root.pem signer.pem payload.txt payload.sig ca/crl.pem
contains "data signature FAILED"

done_checks
