#!/usr/bin/env bash
# `eseal seal make|show|verify`: seals made from each template and from a user's picture, laid
# out field by field as GB/T 38540 orders them (checked with openssl asn1parse), verified with
# the documented exit codes; and the interop fixtures read as their README says.
FIXTURES=$(cd "$(dirname "$0")/../.." && pwd)/../shared/fixtures/ofd-interop
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" --out maker
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=某某市人力资源和社会保障局,CN=合同章" --out signer
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=别的单位,CN=章" --out other

expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某某市人力资源和社会保障局 \
  --type 5 --code 4403000012345 --id 44030000012345 --out contract.esl --picture-out contract.png
contains "5 合同专用章"
contains "42 x 42 mm"
[ "$(head -c 8 contract.png | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || fail "picture is not a PNG"

# The primitive fields in the order of GB/T 38540 §7.1: header, esID, property, picture, then
# the maker's certificate, the algorithm and the signature.
fields=$("$OPENSSL" asn1parse -inform DER -in contract.esl | sed -n 's/.*prim: *//p' |
  sed -E "s/ *(\[HEX DUMP\])? *(:.*)?$//" | tr "\n" ",")
want="IA5STRING,INTEGER,IA5STRING,IA5STRING,INTEGER,UTF8STRING,INTEGER,OCTET STRING,"
want+="GENERALIZEDTIME,GENERALIZEDTIME,GENERALIZEDTIME,IA5STRING,OCTET STRING,INTEGER,INTEGER,"
want+="OCTET STRING,OBJECT,BIT STRING,"
checks=$((checks + 1))
[ "$fields" = "$want" ] || fail "asn1parse field order: $fields"
expect 0 "$OPENSSL" asn1parse -inform DER -in contract.esl
contains ":ES"
contains ":44030000012345"
contains ":SM2-with-SM3"

expect 0 "$ESEAL" seal verify contract.esl --ca ca/root.pem
contains "passed   maker-signature"
contains "passed   maker-chain"
contains "OK seal"
# Without --ca the chain is not checked: indeterminate, exit 4; another root is unknown.
expect 4 "$ESEAL" seal verify contract.esl
contains "skipped  maker-chain"
contains "INDETERMINATE seal"
contains ": no-chain-checked"
"$ESEAL" ca init --dir other-ca >/dev/null 2>&1
expect 4 "$ESEAL" seal verify contract.esl --ca other-ca/root.pem
contains "indeterminate maker-chain"
contains ": unknown-root"
expect 1 "$ESEAL" seal verify contract.esl --at 2000-01-01
contains "failed   validity"
contains "FAILED seal"
contains ": no-chain-checked, validity"

expect 0 "$ESEAL" seal show contract.esl --json --picture-out shown.png
contains '"esId": "44030000012345"'
contains '"typeName": "合同专用章"'
cmp -s shown.png contract.png || fail "show --picture-out differs from the made picture"

# The other templates, SVG output and a user's picture.
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 深圳市某某科技有限公司 \
  --type 3 --code 91440300MA5XXXXX0Y --out invoice.esl --picture-out invoice.svg
contains "40 x 30 mm"
grep -q "<svg" invoice.svg || fail "no SVG written"
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 张建国印 --type 4 --out name.esl
contains "20 x 20 mm"
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --signer-cert other.pem \
  --name 扫描章 --type 99 --picture contract.png --width-mm 38 --out scanned.esl
contains "38 x 38 mm"
expect 0 "$ESEAL" seal show scanned.esl
contains "别的单位"

# Bad input: exit 2, nothing written.
expect 2 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某单位 --type 7 --out bad.esl
contains "--type"
expect 2 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name "" --type 1 --out bad.esl
expect 2 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某单位 --type 1 --template hexagon --out bad.esl
expect 2 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某单位 --type 1 --template round --picture contract.png --out bad.esl
expect 2 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某单位 --type 1 --picture signer.pem --out bad.esl
expect 2 "$ESEAL" seal make --maker nobody --signer-cert signer.pem --name 某单位 --type 1 --out bad.esl
checks=$((checks + 1))
[ ! -e bad.esl ] || fail "a failed seal make left bad.esl behind"
expect 2 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某单位 --type 1 --out contract.esl
contains "already exists"
head -c 300 contract.esl > cut.esl
expect 2 "$ESEAL" seal verify cut.esl
contains "neither a seal nor a seal signature"
expect 2 "$ESEAL" seal show missing.esl
expect 2 "$ESEAL" seal verify contract.esl --data signer.pem
contains "--data applies to seal signatures"

if [ -d "$FIXTURES" ] && command -v unzip >/dev/null; then
  expect 0 "$ESEAL" seal show "$FIXTURES/UserV1.esl"
  contains "v1 (header \"ES\" 1"
  expect 1 "$ESEAL" seal verify "$FIXTURES/UserV4.esl"
  contains "passed   maker-signature"
  contains "failed   validity"
  expect 0 "$ESEAL" seal show "$FIXTURES/UserV5.esl" --json
  contains '"version": "v5"'
  # A real tax e-invoice: its SES_Signature protects Signature.xml.
  unzip -q "$FIXTURES/v4signed.ofd" 'Doc_0/Signs/Sign_0/*' -d tax
  # Every check passes; the bureau's root is not given, so the chain is not checked.
  expect 4 "$ESEAL" seal verify tax/Doc_0/Signs/Sign_0/SignedValue.dat --data tax/Doc_0/Signs/Sign_0/Signature.xml
  contains "passed   data-hash"
  contains "passed   seal.maker-signature"
  contains "INDETERMINATE seal signature"
  contains ": no-chain-checked"
  # Without --data the protected data is not checked either.
  expect 4 "$ESEAL" seal verify tax/Doc_0/Signs/Sign_0/SignedValue.dat
  contains "skipped  data-hash"
  contains "no-chain-checked, signed-data-not-given"
  echo tampered >> tax/Doc_0/Signs/Sign_0/Signature.xml
  expect 1 "$ESEAL" seal verify tax/Doc_0/Signs/Sign_0/SignedValue.dat --data tax/Doc_0/Signs/Sign_0/Signature.xml
  contains "failed   data-hash"
else
  echo "note: ../shared/fixtures or unzip missing; fixture checks skipped"
fi

done_checks
