#!/usr/bin/env bash
# `eseal ts request|reply|verify|show` with the data folder's own time-stamp authority,
# cross-checked with `openssl ts`, and `--tsa builtin` on `pdf sign` and `ofd sign`: the
# signatures' verification reports the proven time.
# Usage: ts_test.sh ESEAL OPENSSL MAKE_FIXTURE_PDF
MAKE_PDF=$3
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "$ESEAL" ca init --dir ca
mkdir -p var/platform
expect 0 "$ESEAL" cert issue --ca ca --profile tsa --subject "C=CN,O=测试单位,CN=时间戳服务" \
  --out var/platform/tsa
printf 'a document to time-stamp' > doc.txt
printf 'another document' > other.txt

# Our request and the built-in authority's reply, read by OpenSSL.
expect 0 "$ESEAL" ts request --data doc.txt --out q.tsq
expect 0 "$OPENSSL" ts -query -in q.tsq -text
contains "Certificate required: yes"
expect 0 "$ESEAL" ts reply --in q.tsq --out r.tsr
contains "granted"
expect 0 "$OPENSSL" ts -reply -in r.tsr -text
contains "Status: Granted"
expect 0 "$ESEAL" ts verify --in r.tsr --data doc.txt --request q.tsq --ca ca/root.pem
contains "OK"
contains "z-default-id"
expect 1 "$ESEAL" ts verify --in r.tsr --data other.txt --ca ca/root.pem
contains "imprint"
expect 4 "$ESEAL" ts verify --in r.tsr --data doc.txt
expect 0 "$ESEAL" ts show r.tsr
contains "genTime"
contains "CN=时间戳服务"
expect 0 "$ESEAL" ts show q.tsq
contains "certReq"

# OpenSSL's own request; the no-Z form for relying parties on OpenSSL 3.0, which it verifies.
expect 0 "$OPENSSL" ts -query -sm3 -cert -data doc.txt -out o.tsq
expect 0 "$ESEAL" ts reply --in o.tsq --out o.tsr
expect 0 "$ESEAL" ts verify --in o.tsr --data doc.txt --request o.tsq --ca ca/root.pem --json
contains '"signatureForm": "z-default-id"'
ESEAL_TSA_SIGNATURE=no-z expect 0 "$ESEAL" ts reply --in o.tsq --out nz.tsr
expect 0 "$OPENSSL" ts -verify -data doc.txt -in nz.tsr -partial_chain -CAfile var/platform/tsa.pem
contains "Verification: OK"
expect 0 "$ESEAL" ts verify --in nz.tsr --data doc.txt --ca ca/root.pem
contains "no-z"

# A refusal is a reply too, with its failInfo.
expect 0 "$ESEAL" ts request --data doc.txt --policy 1.2.3.4 --out p.tsq
expect 2 "$ESEAL" ts reply --in p.tsq --out p.tsr
contains "unacceptedPolicy"
expect 0 "$ESEAL" ts show p.tsr
contains "unacceptedPolicy"
expect 1 "$ESEAL" ts verify --in p.tsr --data doc.txt
contains "refusal"
expect 2 "$ESEAL" ts request --out x.tsq
contains "--data FILE or --digest HEX"

# Signing with --tsa builtin: PDF (ses and gmcms) and OFD seals carry a verified time.
expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" --out maker
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=某某公司,CN=合同章" --out signer
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某某公司 --type 5 --out s.esl
"$MAKE_PDF" doc.pdf 1 || fail "cannot make doc.pdf"
for format in ses gmcms; do
  expect 0 "$ESEAL" pdf sign --seal s.esl --key signer.key --cert signer.pem --in doc.pdf \
    --out $format.pdf --page 1 --x 50 --y 50 --format $format --tsa builtin
  expect 0 "$ESEAL" pdf verify $format.pdf --ca ca/root.pem --json
  contains '"timeStampAuthority": "C=CN,O=测试单位,CN=时间戳服务"'
done
expect 0 "$ESEAL" ofd make --text-file doc.txt --out doc.ofd
expect 0 "$ESEAL" ofd sign --seal s.esl --key signer.key --cert signer.pem --in doc.ofd \
  --out sealed.ofd --page 1 --x 30 --y 30 --tsa builtin
expect 0 "$ESEAL" ofd verify sealed.ofd --ca ca/root.pem
contains "time-stamp"
contains "genTime"
unzip -q -o sealed.ofd -d sealed
expect 0 "$ESEAL" seal verify sealed/Doc_0/Signs/Sign_0/SignedValue.dat --ca ca/root.pem \
  --data sealed/Doc_0/Signs/Sign_0/Signature.xml
contains "genTime"
expect 2 "$ESEAL" pdf sign --seal s.esl --key signer.key --cert signer.pem --in doc.pdf \
  --out x.pdf --page 1 --x 50 --y 50 --tsa http://127.0.0.1:1/tsa
contains "http://127.0.0.1:1/tsa"
[ ! -e x.pdf ] || fail "a failed time stamp left x.pdf behind"

done_checks
