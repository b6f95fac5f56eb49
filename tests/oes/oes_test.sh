#!/usr/bin/env bash
# libeseal-oes.so as an OFD reader loads it: a software USB key provisioned with a seal, then
# oes_reader (tests/oes/oes_reader.c) dlopens the module, lists and draws the key's seal,
# digests the data a reader protects (its Signature.xml), logs in, signs and verifies; the
# SES_Signature it wrote is checked here with `eseal seal verify` against that data and the CA,
# and its structure with OpenSSL. Then the other way round: an OFD whose signature value is in
# another vendor's format (tests/oes/vendor_oes.c) verifies only through that vendor's module.
# Usage: oes_test.sh ESEAL OPENSSL OES_READER OES_MODULE VENDOR_MODULE
READER=$3
MODULE=$4
VENDOR=$5
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../cli/lib.sh" "$1" "$2"
provision_usb_key ES-OES-1 5
cat >Signature.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<ofd:Signature xmlns:ofd="http://www.ofdspec.org/2016"><ofd:SignedInfo><ofd:Provider ProviderName="eseal OES" Version="4.0"/><ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod><ofd:References CheckMethod="1.2.156.10197.1.401"><ofd:Reference FileRef="/Doc_0/Pages/Page_0/Content.xml"><ofd:CheckValue>AAAA</ofd:CheckValue></ofd:Reference></ofd:References></ofd:SignedInfo><ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue></ofd:Signature>
XML
mkdir -p out

# The module finds the software USB key beside itself, as a reader would install both.
ESEAL_OES_ROOTS="$WORK/ca/root.pem" expect 0 "$READER" "$MODULE" 12345678 Signature.xml out
contains "provider eseal OES"
contains "seal ES-OES-1 某某科技有限公司"
contains "picture PNG"
contains "0 failed"

# The signature the module made: its seal, its signer, the data it protects.
expect 0 "$ESEAL" seal verify out/SignedValue.dat --ca ca/root.pem --data Signature.xml
expect 0 "$ESEAL" seal show out/SignedValue.dat
contains "/Doc_0/Signs/Sign_0/Signature.xml"
contains "ES-OES-1"
printf 'other' >other.xml
expect 1 "$ESEAL" seal verify out/SignedValue.dat --ca ca/root.pem --data other.xml
expect 0 "$OPENSSL" asn1parse -inform DER -in out/SignedValue.dat
contains "SM2-with-SM3"
[ "$(head -c 4 out/seal-picture | od -An -c | tr -d ' ')" = "211PNG" ] || fail "the picture is not a PNG"
checks=$((checks + 1))

# A document sealed by eseal, whose SignedValue.dat is replaced by the vendor's value over the
# same Signature.xml: eseal cannot read it; the vendor's module can, and tells a forgery.
printf '通知\n某某科技有限公司\n' >notice.txt
expect 0 "$ESEAL" ofd make --text-file notice.txt --out notice.ofd
expect 0 "$ESEAL" ofd sign --in notice.ofd --out signed.ofd --token --pin 12345678 --page 1 --x 40 --y 40
vendorize() { # vendorize IN OUT [forged]
  python3 - "$@" <<'PY'
import hashlib, hmac, sys, zipfile
source, target = sys.argv[1], sys.argv[2]
forged = len(sys.argv) > 3
with zipfile.ZipFile(source) as z:
    entries = {i.filename: z.read(i.filename) for i in z.infolist()}
value_path = next(n for n in entries if n.endswith("SignedValue.dat"))
xml = entries[value_path.rsplit("/", 1)[0] + "/Signature.xml"]
digest = hashlib.new("sm3", xml).digest()
mac = hmac.new(b"vendor-key", digest, "sm3").digest()
if forged:
    mac = bytes([mac[0] ^ 1]) + mac[1:]
entries[value_path] = b"VNDR" + digest + mac
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in entries.items():
        z.writestr(name, data)
PY
}
vendorize signed.ofd vendor.ofd || fail "cannot write vendor.ofd"
vendorize signed.ofd forged.ofd forged || fail "cannot write forged.ofd"
expect 1 "$ESEAL" ofd verify vendor.ofd --ca ca/root.pem
contains "signed-value"
expect 0 "$ESEAL" ofd verify vendor.ofd --ca ca/root.pem --oes-module "$VENDOR"
contains "Vendor OES 4.1"
ESEAL_OES_MODULE="$VENDOR" expect 1 "$ESEAL" ofd verify forged.ofd --ca ca/root.pem
contains "the Vendor signature does not match"
expect 2 "$ESEAL" ofd verify vendor.ofd --ca ca/root.pem --oes-module "$WORK/no-such-module.so"
done_checks
