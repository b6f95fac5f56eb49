#!/usr/bin/env bash
# `eseal ts request|reply|verify|show` with the data folder's own time-stamp authority,
# cross-checked with `openssl ts`; `--tsa builtin` on `pdf sign`, `ofd sign` and `pdf complete`:
# the signatures' verification reports the proven time; `pdf timestamp` (document time stamps,
# checked by qpdf and pdfsig) and `--ltv` (the /DSS the verifier uses).
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

# Two server processes on one data folder answer at once, over HTTP: every reply granted, no
# serial issued twice, every token recorded.
SERVE_NAME=a start_serve --port 0 --data-dir var
port_a=$port
SERVE_NAME=b start_serve --port 0 --data-dir var
port_b=$port
before=$(sqlite3 var/eseal.db "SELECT count(*) FROM time_stamps")
loops=
for p in $port_a $port_b; do
  (for i in $(seq 30); do
    curl -sf -H 'Content-Type: application/timestamp-query' --data-binary @o.tsq \
      "http://127.0.0.1:$p/tsa" -o "r-$p-$i.tsr" || exit 1
    "$OPENSSL" ts -reply -in "r-$p-$i.tsr" -text 2>/dev/null | grep -q "Status: Granted" || exit 1
  done) &
  loops="$loops $!"
done
for l in $loops; do
  wait "$l" || fail "a time-stamp request to one of the two servers failed"
done
out=$(sqlite3 var/eseal.db "SELECT count(*) - $before, count(DISTINCT serial) - $before FROM time_stamps")
contains "60|60"
kill $servers 2>/dev/null
servers=
server=

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

# Signing elsewhere: the time stamp goes in when the signature is completed.
expect 0 "$ESEAL" pdf prepare --seal s.esl --cert signer.pem --in doc.pdf --out prepared.pdf \
  --page 1 --x 50 --y 50 --tbs-out tbs.bin
expect 0 "$ESEAL" sign-data --key signer.key --in tbs.bin --out tbs.sig
expect 0 "$ESEAL" pdf complete --in prepared.pdf --signature tbs.sig --out completed.pdf --tsa builtin
expect 0 "$ESEAL" pdf verify completed.pdf --ca ca/root.pem --json
contains '"timeStampAuthority": "C=CN,O=测试单位,CN=时间戳服务"'

# A document time stamp over a sealed PDF: both verify, and qpdf and poppler read the file.
expect 2 "$ESEAL" pdf timestamp --in gmcms.pdf --out x.pdf
expect 0 "$ESEAL" pdf timestamp --in gmcms.pdf --out stamped.pdf --tsa builtin
expect 0 "$ESEAL" pdf verify stamped.pdf --ca ca/root.pem
contains 'signature 2 "Signature2" (doc-time-stamp)'
contains "by C=CN,O=测试单位,CN=时间戳服务"
contains "passed   imprint"
contains "OK every signature is valid"
expect 0 qpdf --check stamped.pdf
if command -v pdfsig >/dev/null; then
  expect 0 pdfsig stamped.pdf
  contains "Signature #2"
  contains "Signer Certificate Common Name: 时间戳服务"
  contains "Total document signed"
fi
expect 0 "$ESEAL" pdf timestamp --in stamped.pdf --out sha256.pdf --tsa builtin --hash sha256
expect 0 "$ESEAL" pdf verify sha256.pdf --ca ca/root.pem
contains "SHA-256 of the"
expect 2 "$ESEAL" pdf timestamp --in stamped.pdf --out x.pdf --tsa builtin --hash md5

# Long-term validation: a signer certified by an intermediate CA the verifier is not given
# verifies through the /DSS, which a document time stamp then covers (PAdES B-LTA).
expect 0 "$ESEAL" cert issue --ca ca --profile sub-ca --subject "C=CN,CN=二级CA" --out sub
expect 0 "$ESEAL" cert issue --issuer sub --profile seal --subject "C=CN,O=某某公司,CN=二级章" \
  --out subsigner
expect 0 "$ESEAL" seal make --maker maker --signer-cert subsigner.pem --name 某某公司 --type 5 \
  --out sub.esl
expect 0 "$ESEAL" crl issue --ca ca
expect 0 "$ESEAL" crl issue --issuer sub
expect 0 "$ESEAL" pdf sign --seal sub.esl --key subsigner.key --cert subsigner.pem --in doc.pdf \
  --out short.pdf --page 1 --x 50 --y 50 --tsa builtin
expect 4 "$ESEAL" pdf verify short.pdf --ca ca/root.pem
expect 0 "$ESEAL" pdf sign --seal sub.esl --key subsigner.key --cert subsigner.pem --in doc.pdf \
  --out lt.pdf --page 1 --x 50 --y 50 --tsa builtin --ltv --chain sub.pem --crl ca/crl.pem \
  --crl sub.crl.pem
expect 0 "$ESEAL" pdf verify lt.pdf --ca ca/root.pem
contains "document security store: 4 certificates, 2 CRLs"
contains "validation data was added to the /DSS after the last signature"
cp lt.pdf junk.pdf
printf '\n%% appended\n' >> junk.pdf
expect 1 "$ESEAL" pdf verify junk.pdf --ca ca/root.pem
contains "the document was changed after its last signature"
expect 0 "$ESEAL" pdf timestamp --in short.pdf --out lta.pdf --tsa builtin --ltv --chain sub.pem \
  --crl ca/crl.pem --crl sub.crl.pem
expect 0 "$ESEAL" pdf verify lta.pdf --ca ca/root.pem --json
contains '"unsignedChanges": false'
contains '"format": "doc-time-stamp"'
expect 0 qpdf --check lta.pdf
expect 2 "$ESEAL" pdf sign --seal s.esl --key signer.key --cert signer.pem --in doc.pdf \
  --out x.pdf --page 1 --x 50 --y 50 --crl ca/crl.pem
contains "--ltv"

expect 2 "$ESEAL" pdf sign --seal s.esl --key signer.key --cert signer.pem --in doc.pdf \
  --out x.pdf --page 1 --x 50 --y 50 --tsa http://127.0.0.1:1/tsa
contains "http://127.0.0.1:1/tsa"
[ ! -e x.pdf ] || fail "a failed time stamp left x.pdf behind"

done_checks
