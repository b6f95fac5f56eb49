#!/usr/bin/env bash
# The CLI contract for sign-data and verify-data, cross-checked with `openssl pkeyutl`.
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=某局,CN=公章" --out signer
printf '电子印章 payload\n' > doc.txt
"$OPENSSL" x509 -in signer.pem -pubkey -noout > signer.pub

expect 0 "$ESEAL" sign-data --key signer.key --in doc.txt --out doc.sig
contains "DER"
expect 0 "$OPENSSL" asn1parse -inform DER -in doc.sig
expect 0 "$OPENSSL" pkeyutl -verify -pubin -inkey signer.pub -rawin -digest sm3 -pkeyopt $DISTID -in doc.txt -sigfile doc.sig
expect 0 "$ESEAL" verify-data --cert signer.pem --in doc.txt --sig doc.sig
contains "OK signature by C=CN,O=某局,CN=公章"

# Raw r||s, and the same as base64 and hex text, verify too.
expect 0 "$ESEAL" sign-data --key signer.key --in doc.txt --out doc.raw --raw
[ "$(stat -c %s doc.raw)" = 64 ] || fail "raw signature is not 64 bytes"
expect 0 "$ESEAL" verify-data --cert signer.pem --in doc.txt --sig doc.raw
base64 -w0 doc.raw > doc.b64
expect 0 "$ESEAL" verify-data --cert signer.pem --in doc.txt --sig doc.b64
od -An -tx1 doc.sig | tr -d ' \n' > doc.hex
expect 0 "$ESEAL" verify-data --cert signer.pem --in doc.txt --sig doc.hex

# A signature made by OpenSSL with the standard ID verifies with ours.
"$OPENSSL" pkey -in signer.key -passin file:var/kek -out plain.key 2>/dev/null || fail "openssl cannot read signer.key with the KEK"
expect 0 "$OPENSSL" pkeyutl -sign -inkey plain.key -rawin -digest sm3 -pkeyopt $DISTID -in doc.txt -out openssl.sig
expect 0 "$ESEAL" verify-data --cert signer.pem --in doc.txt --sig openssl.sig
# ... and our command accepts the unencrypted key OpenSSL wrote.
expect 0 "$ESEAL" sign-data --key plain.key --in doc.txt --out doc2.sig
expect 0 "$ESEAL" verify-data --cert signer.pem --in doc.txt --sig doc2.sig

# Wrong data, wrong ID, wrong signer: exit 1. Garbage: exit 2.
printf 'tampered\n' > other.txt
expect 1 "$ESEAL" verify-data --cert signer.pem --in other.txt --sig doc.sig
contains "FAILED"
expect 1 "$ESEAL" verify-data --cert signer.pem --in doc.txt --sig doc.sig --id alice
expect 0 "$ESEAL" cert issue --ca ca --profile user --subject "CN=someone else" --out other
expect 1 "$ESEAL" verify-data --cert other.pem --in doc.txt --sig doc.sig
printf 'not a signature' > junk.sig
expect 2 "$ESEAL" verify-data --cert signer.pem --in doc.txt --sig junk.sig
contains "no SM2 signature (DER, 64-byte r||s"
expect 2 "$ESEAL" verify-data --cert signer.pem --in missing.txt --sig doc.sig
expect 2 "$ESEAL" sign-data --key signer.pem --in doc.txt --out x.sig
expect 2 "$ESEAL" sign-data --key signer.key --in doc.txt
expect 2 "$ESEAL" sign-data --key signer.key --in doc.txt --out doc.sig
contains "already exists"
expect 0 "$ESEAL" sign-data --key signer.key --in doc.txt --out doc.sig --force
expect 2 "$ESEAL" sign-data --key signer.key --in doc.txt --out empty-id.sig --id ""
expect 2 "$ESEAL" verify-data --cert signer.pem --in doc.txt --sig doc.sig --id ""
expect 0 "$ESEAL" sign-data --key signer.key --in doc.txt --out alice.sig --id alice
expect 0 "$ESEAL" verify-data --cert signer.pem --in doc.txt --sig alice.sig --id alice

done_checks
