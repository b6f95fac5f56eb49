#!/usr/bin/env bash
# `eseal demo` makes a CA, a seal maker's and a signer's certificates and a signed payload that
# OpenSSL accepts; it can run again over its own output.
source "$(dirname "$0")/lib.sh" "$@"

for run in 1 2; do
  expect 0 "$ESEAL" demo --dir var/demo
  contains "[5/8] verified"
  contains "[7/8] seals verified"
done
contains "signature OK"
expect 0 "$OPENSSL" verify -vfyopt $DISTID -CAfile var/demo/ca/root.pem var/demo/signer.pem var/demo/seal-maker.pem
"$OPENSSL" x509 -in var/demo/signer.pem -pubkey -noout > signer.pub
expect 0 "$OPENSSL" pkeyutl -verify -pubin -inkey signer.pub -rawin -digest sm3 -pkeyopt $DISTID -in var/demo/payload.txt -sigfile var/demo/payload.sig
expect 0 "$OPENSSL" x509 -noout -text -in var/demo/seal-maker.pem
contains "Digital Signature, Non Repudiation"
expect 0 "$ESEAL" verify-data --cert var/demo/signer.pem --in var/demo/payload.txt --sig var/demo/payload.sig
for seal in official finance invoice legal-rep personal; do
  [ -s "var/demo/seals/$seal.png" ] || fail "no picture for the $seal seal"
  expect 0 "$ESEAL" seal verify "var/demo/seals/$seal.esl" --ca var/demo/ca/root.pem
done
expect 0 "$ESEAL" seal show var/demo/seals/invoice.esl
contains "3 发票专用章"
contains "40 x 30 mm"
expect 0 "$ESEAL" seal show var/demo/seals/legal-rep.esl
contains "4 法定代表人名章"
expect 2 "$ESEAL"
expect 0 "$ESEAL" --help

done_checks
