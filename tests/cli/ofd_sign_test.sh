#!/usr/bin/env bash
# `eseal ofd sign | lock | unlock | copy` on a document `eseal ofd make` writes, checked with
# our verifier and independently: every CheckValue is base64 SM3 of the raw entry (unzip +
# openssl dgst), dataHash is SM3 of Signature.xml, and OpenSSL's SM2 verifies the signer's
# signature over the raw TBS_Sign bytes taken from SignedValue.dat (openssl asn1parse + dd).
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" --out maker
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=某某市人民政府,CN=公章" --out signer
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某某市人民政府 --type 1 --out gov.esl

{
  echo "关于开展电子印章应用试点工作的通知"
  echo
  for _ in $(seq 1 40); do echo "为贯彻落实电子政务建设部署，推进电子印章在政务服务中的应用，现将有关事项通知如下。"; done
  echo
  echo "某某市人民政府（盖章）"
  echo "2026年11月23日"
} >notice.txt
expect 0 "$ESEAL" ofd make --text-file notice.txt --out notice.ofd
contains "3 pages"
SIGN=("$ESEAL" ofd sign --seal gov.esl --key signer.key --cert signer.pem)

# Position, keyword and cross-page seals, one after the other on one document.
expect 0 "${SIGN[@]}" --in notice.ofd --out pos.ofd --page 1 --x 150 --y 40
contains "signature s001"
expect 0 "${SIGN[@]}" --in pos.ofd --out kw.ofd --keyword "人民政府（盖章）" --keyword-mode last
expect 0 "${SIGN[@]}" --in kw.ofd --out cross.ofd --cross-page
expect 0 "$ESEAL" ofd verify cross.ofd --ca ca/root.pem
contains "passed   cross-page"
contains "shown on page 2"
contains "OK every signature is valid"
expect 0 "$ESEAL" ofd verify cross.ofd --ca ca/root.pem --json
contains '"valid": true'
contains '"verdict": "valid"'
expect 2 "${SIGN[@]}" --in notice.ofd --out none.ofd --keyword "没有这个词"
contains "没有这个词"
expect 2 "${SIGN[@]}" --in notice.ofd --out none.ofd --page 9 --x 10 --y 10
expect 2 "${SIGN[@]}" --in notice.ofd --out none.ofd

# The independent checks on the keyword seal (the second signature).
mkdir x && (cd x && unzip -q ../kw.ofd) || fail "unzip kw.ofd"
xml=x/Doc_0/Signs/Sign_1/Signature.xml
[ -f "$xml" ] || fail "no $xml"
refs=$(grep -o 'FileRef="[^"]*"><ofd:CheckValue>[^<]*' "$xml")
[ -n "$refs" ] || fail "no references in $xml"
while read -r ref; do
  file=$(sed 's/FileRef="\/\([^"]*\)".*/\1/' <<<"$ref")
  want=$(sed 's/.*<ofd:CheckValue>//' <<<"$ref")
  got=$("$OPENSSL" dgst -sm3 -binary "x/$file" | base64)
  checks=$((checks + 1))
  [ "$got" = "$want" ] || fail "CheckValue of $file: $want, SM3 is $got"
done <<<"$refs"
grep -q 'FileRef="/Doc_0/Signs/Signatures.xml"' "$xml" && fail "a seal must leave Signatures.xml out"

value=x/Doc_0/Signs/Sign_1/SignedValue.dat
# asn1_field LINE: sets off, hl and len from a line of `openssl asn1parse`.
asn1_field() {
  off=$(sed 's/^ *\([0-9]*\):.*/\1/' <<<"$1")
  hl=$(sed 's/.*hl= *\([0-9]*\).*/\1/' <<<"$1")
  len=$(sed 's/.*l= *\([0-9]*\) .*/\1/' <<<"$1")
}
# SES_Signature ::= SEQUENCE { TBS_Sign, cert OCTET STRING, signatureAlgID, signature BIT STRING }
parse=$("$OPENSSL" asn1parse -inform DER -in "$value") || fail "asn1parse SignedValue.dat"
asn1_field "$(awk -F: '/d=1/ {print; exit}' <<<"$parse")"
dd if="$value" of=tbs.der bs=1 skip="$off" count=$((hl + len)) status=none
asn1_field "$(grep 'd=1.*BIT STRING' <<<"$parse" | tail -n 1)"
dd if="$value" of=sig.der bs=1 skip=$((off + hl + 1)) count=$((len - 1)) status=none
"$OPENSSL" x509 -in signer.pem -pubkey -noout >signer.pub
expect 0 "$OPENSSL" pkeyutl -verify -pubin -inkey signer.pub -rawin -digest sm3 -pkeyopt $DISTID -in tbs.der -sigfile sig.der
contains "Signature Verified Successfully"
# TBS_Sign's dataHash (its BIT STRING) is SM3 of the raw Signature.xml.
asn1_field "$("$OPENSSL" asn1parse -inform DER -in tbs.der | grep 'd=1.*BIT STRING' | head -n 1)"
got=$(dd if=tbs.der bs=1 skip=$((off + hl + 1)) count=32 status=none | od -An -tx1 | tr -d ' \n')
want=$("$OPENSSL" dgst -sm3 -r "$xml" | cut -d' ' -f1)
checks=$((checks + 1))
[ "$got" = "$want" ] || fail "dataHash $got, SM3(Signature.xml) $want"
cmp -s x/Doc_0/Signs/Sign_1/Seal.esl gov.esl || fail "Seal.esl is not the seal"

# The licence lock: refuses further seals, and unlock gives back a document that takes them.
expect 0 "$ESEAL" ofd lock --in cross.ofd --out locked.ofd --key signer.key --cert signer.pem
expect 0 "$ESEAL" ofd verify locked.ofd --ca ca/root.pem
contains "locks the package"
expect 2 "${SIGN[@]}" --in locked.ofd --out more.ofd --page 1 --x 10 --y 10
contains "locked"
expect 2 "$ESEAL" ofd unlock --in cross.ofd --out nolock.ofd
expect 0 "$ESEAL" ofd unlock --in locked.ofd --out unlocked.ofd
expect 0 "$ESEAL" ofd verify unlocked.ofd --ca ca/root.pem --json
contains '"locked": false'
expect 0 "${SIGN[@]}" --in unlocked.ofd --out more.ofd --page 2 --x 10 --y 10

# A certified copy: locked, with the original attached and verified in its turn.
expect 0 "$ESEAL" ofd copy --in cross.ofd --out copy.ofd --key signer.key --cert signer.pem \
  --creator 某某银行 --cause 贷款审批 --years 2
expect 0 "$ESEAL" ofd verify copy.ofd --ca ca/root.pem
contains "certified copy (加注件) made"
contains "passed   copy.original"
contains "original, attached as Doc_0/Attachs/original.ofd:"
expect 0 "$ESEAL" ofd verify copy.ofd --ca ca/root.pem --json
contains '"certifiedCopy"'
contains '"cause": "贷款审批"'
expect 2 "$ESEAL" ofd copy --in copy.ofd --out copy2.ofd --key signer.key --cert signer.pem \
  --creator 某某银行 --cause 再次 --years 1
contains "already a certified copy"

# A changed page is found.
mkdir t && (cd t && unzip -q ../kw.ofd) || fail "unzip"
echo " " >>t/Doc_0/Pages/Page_0/Content.xml
(cd t && zip -q -r ../tampered.ofd .) || fail "zip"
expect 1 "$ESEAL" ofd verify tampered.ofd
contains "failed   references"

done_checks
