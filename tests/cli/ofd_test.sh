#!/usr/bin/env bash
# `eseal ofd verify` on OFD files made by other implementations (../shared/fixtures, skipped
# when absent): the real tax e-invoice and the locked package verify, a legacy bare SM2
# signature verifies once given its certificate, and bad input exits 2.
FIXTURES=$(cd "$(dirname "$0")/../.." && pwd)/../shared/fixtures/ofd-interop
source "$(dirname "$0")/lib.sh" "$@"

if [ ! -d "$FIXTURES" ]; then
  echo "note: ../shared/fixtures missing; OFD checks skipped"
  done_checks
  exit 0
fi

expect 0 "$ESEAL" ofd verify "$FIXTURES/v4signed.ofd"
contains "passed   references"
contains "passed   data-hash"
contains "passed   seal.maker-signature"
contains "OK every signature is valid"
expect 0 "$ESEAL" ofd verify "$FIXTURES/allprotected.ofd" --json
contains '"locked": true'
contains '"format": "ses"'
# signedFile.ofd's seal was made five days before its maker's certificate became valid.
expect 1 "$ESEAL" ofd verify "$FIXTURES/signedFile.ofd"
contains "failed   seal.maker-certificate"
contains "passed   signer-signature"

# DigitalSign.ofd is a bare SM2 signature without a certificate; ofdrw's test certificate, the
# signer of SESV4SignDoc.ofd, verifies it.
expect 1 "$ESEAL" ofd verify "$FIXTURES/DigitalSign.ofd"
contains "skipped  signer-signature"
expect 0 "$ESEAL" seal show "$FIXTURES/SignedValueV4.dat" --json
sed -n 's/.*"certificate": "\(.*\)".*/\1/p' <<<"$out" | head -n 1 | base64 -d > signer.der
"$OPENSSL" x509 -inform DER -in signer.der -out signer.pem || fail "cannot read the signer certificate"
expect 0 "$ESEAL" ofd verify "$FIXTURES/DigitalSign.ofd" --signer-cert signer.pem
contains "passed   signer-signature"

echo "not a zip" > bad.ofd
expect 2 "$ESEAL" ofd verify bad.ofd
expect 2 "$ESEAL" ofd verify missing.ofd

done_checks
