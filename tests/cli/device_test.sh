#!/usr/bin/env bash
# `eseal device` and [keys] provider = "sdf": a key index made on eseal's software crypto device,
# certified by the CA, a seal made for it and registered with --key sdf:N, a PDF stamped with it
# through the device and verified; the password refused, a key index not the certificate's, and
# a device key used or registered without provider = "sdf" refused clearly.
# Usage: device_test.sh ESEAL OPENSSL MAKE_FIXTURE_PDF
MAKE_PDF=$3
source "$(dirname "$0")/lib.sh" "$@"
D="$WORK/data"
export ESEAL_KEK_FILE="$D/kek"
export ESEAL_SOFTSDF_DIR="$WORK/device"
unset ESEAL_KEYS_PROVIDER ESEAL_KEYS_SDF_LIBRARY ESEAL_KEYS_SDF_PASSWORD

expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" --out maker

expect 0 "$ESEAL" device info
contains "eseal-softsdf"
contains "yes (eseal's software device)"
expect 2 "$ESEAL" device keygen --index 3
contains "ESEAL_KEYS_SDF_PASSWORD"
export ESEAL_KEYS_SDF_PASSWORD=device-password-1
expect 0 "$ESEAL" device keygen --index 3
contains "made key index 3"
key3=$(sed -n 's/^public key *//p' <<<"$out")
expect 0 "$ESEAL" device keygen --index 4
expect 2 "$ESEAL" device keygen --index 0
expect 0 "$ESEAL" device certify --index 3 --issuer ca/root --subject "C=CN,O=某某科技有限公司,CN=财务章" --out finance.pem
contains "certified key index 3: C=CN,O=某某科技有限公司,CN=财务章"
expect 0 "$ESEAL" cert verify --cert finance.pem --ca ca/root.pem
# The certificate is the device's key: OpenSSL reads the same public key.
pub=$("$OPENSSL" x509 -in finance.pem -noout -pubkey | "$OPENSSL" pkey -pubin -outform DER | tail -c 65 | od -An -tx1 | tr -d ' \n')
[ -n "$key3" ] && [ "$pub" = "$key3" ] || fail "the certificate's key $pub is not index 3's $key3"
checks=$((checks + 1))
expect 0 "$ESEAL" device keygen --index 5
expect 0 "$ESEAL" seal make --maker maker --signer-cert finance.pem --name 某某科技有限公司 --type 2 --id ES-DEV --out finance.esl

# Registering with a device key needs provider = "sdf"; with it, a key file is refused.
expect 2 "$ESEAL" seal register --file finance.esl --key sdf:3 --data-dir "$D"
contains "[keys] provider"
export ESEAL_KEYS_PROVIDER=sdf
expect 2 "$ESEAL" seal register --file finance.esl --key maker.key --data-dir "$D"
contains "--key sdf:N"
expect 2 "$ESEAL" seal register --file finance.esl --key sdf:4 --data-dir "$D"
contains "not the key of"
ESEAL_KEYS_SDF_PASSWORD=wrong expect 1 "$ESEAL" seal register --file finance.esl --key sdf:3 --data-dir "$D"
expect 0 "$ESEAL" seal register --file finance.esl --key sdf:3 --data-dir "$D"
contains "registered seal ES-DEV"
contains "crypto device key index 3"
[[ "$(sqlite3 "$D/eseal.db" "SELECT location FROM keys")" == "sdf:3" ]] || fail "the key record is not sdf:3"
checks=$((checks + 1))

"$MAKE_PDF" doc.pdf 1 || fail "cannot make doc.pdf"
expect 0 "$ESEAL" pdf sign --in doc.pdf --out signed.pdf --seal-id ES-DEV --data-dir "$D" --page 1 --x 30 --y 30
expect 0 "$ESEAL" pdf verify signed.pdf --ca ca/root.pem
contains "财务章"
ESEAL_KEYS_SDF_PASSWORD=wrong expect 1 "$ESEAL" pdf sign --in doc.pdf --out no.pdf --seal-id ES-DEV --data-dir "$D" --page 1 --x 30 --y 30
[ ! -e no.pdf ] || fail "a refused signature left no.pdf"
checks=$((checks + 1))
ESEAL_KEYS_PROVIDER=soft expect 2 "$ESEAL" pdf sign --in doc.pdf --out no.pdf --seal-id ES-DEV --data-dir "$D" --page 1 --x 30 --y 30
contains "[keys] provider is not sdf"
ESEAL_KEYS_SDF_LIBRARY=/nonexistent/libhsm.so expect 2 "$ESEAL" device info
contains "/nonexistent/libhsm.so"
done_checks
