#!/usr/bin/env bash
# Cross-checks eseal's certificates, CRLs, data signatures and time stamps with BouncyCastle
# (Debian's libbcprov-java and libbcpkix-java). Usage: bouncycastle_test.sh ESEAL OPENSSL
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

# Time stamps both ways: BouncyCastle's TimeStampToken.validate accepts eseal's token (with Z,
# the default), and eseal verifies a token BouncyCastle made.
CLASSPATH_BC="$BCPROV:/usr/share/java/bcpkix.jar:/usr/share/java/bcutil.jar"
mkdir -p var/platform
expect 0 "$ESEAL" cert issue --ca ca --profile tsa --subject "C=CN,O=互认测试,CN=时间戳服务" \
  --out var/platform/tsa
printf 'time-stamped payload\n' > stamped.txt
printf 'other payload\n' > other.txt
expect 0 "$ESEAL" ts request --data stamped.txt --out q.tsq
expect 0 "$ESEAL" ts reply --in q.tsq --out r.tsr
expect 0 java -cp "$CLASSPATH_BC" "$here/TsaCheck.java" validate r.tsr var/platform/tsa.pem stamped.txt
contains "token validated"
contains "imprint OK"
expect 1 java -cp "$CLASSPATH_BC" "$here/TsaCheck.java" validate r.tsr var/platform/tsa.pem other.txt
contains "imprint FAILED"
expect 0 java -cp "$CLASSPATH_BC" "$here/TsaCheck.java" make stamped.txt bc.tsr bc-tsa.pem
expect 0 "$ESEAL" ts verify --in bc.tsr --data stamped.txt --ca bc-tsa.pem
contains "z-default-id"
contains "ESSCertIDv2 names the TSA certificate"
expect 1 "$ESEAL" ts verify --in bc.tsr --data other.txt --ca bc-tsa.pem

done_checks
