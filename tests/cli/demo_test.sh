#!/usr/bin/env bash
# `eseal demo` makes a CA, a seal maker's and a signer's certificates and a signed payload that
# OpenSSL accepts. A second run keeps all of it (documents stamped in between still verify) and
# adds no app or seal; --force starts over.
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "$ESEAL" demo --dir var/demo
contains "[5/8] verified"
contains "[7/8] seals verified"
contains "(5 new)"
checks=$((checks + 1))
case "$out" in *"kept:"*) fail "a first run kept something: $out" ;; esac
apps=$("$ESEAL" app list)
seals=$("$ESEAL" seal list)
# One console account per role, printed with its password, which signs in over the REST API.
console=$(grep -A4 "console accounts, one per role" <<<"$out" | tail -n 4)
checks=$((checks + 1))
[ "$(awk '{print $1}' <<<"$console" | tr '\n' ' ')" = "admin seal-admin operator auditor " ] ||
  fail "the demo's console accounts: $console"
expect 0 "$ESEAL" pdf sign --seal var/demo/seals/official.esl --key var/demo/signer.key \
  --cert var/demo/signer.pem --in var/demo/sample.pdf --out stamped.pdf --page 1 --x 100 --y 100

expect 0 "$ESEAL" demo --dir var/demo
contains "[1/8] root CA                  var/demo/ca/root.pem  C=CN,O=eseal 演示,CN=eseal 演示根CA (kept)"
contains "[6/8] seals                    公章, 财务专用章, 发票专用章, 法定代表人名章 and a personal seal: (kept)"
contains "(0 new)"
contains "kept: root CA, seal maker certificate, "
contains "--force starts over"
contains "signature OK"
contains "$console"
expect 0 "$ESEAL" admin list
contains "seal-admin  seal-admin  enabled"
expect 0 "$ESEAL" admin create auditor2 --role auditor --password-stdin <<<"a long password"
contains "console account auditor2 (auditor) created"
expect 2 "$ESEAL" admin create auditor2 --role auditor --password-stdin <<<"a long password"
contains "taken"
# New hashes cost what the server's [console] kdf_* say, here from the environment.
ESEAL_CONSOLE_KDF_MEMORY_KIB=2048 ESEAL_CONSOLE_KDF_PASSES=3 \
  expect 0 "$ESEAL" admin create auditor3 --role auditor --password-stdin <<<"a long password"
hash=$(sqlite3 var/eseal.db "SELECT password_hash FROM console_accounts WHERE login = 'auditor3'")
[[ $hash == '$argon2id$v=19$m=2048,t=3,p=1$'* ]] || fail "the hash does not follow [console]: $hash"
checks=$((checks + 1))
checks=$((checks + 1))
[ "$("$ESEAL" app list)" = "$apps" ] && [ "$("$ESEAL" seal list)" = "$seals" ] ||
  fail "a second run added apps or seals: $("$ESEAL" app list; "$ESEAL" seal list)"
for ca in var/demo/ca/root.pem var/platform/ca.pem; do
  expect 0 "$ESEAL" pdf verify stamped.pdf --ca "$ca"
done
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

# --force: a new CA and everything under it, new apps (LD/T and COSS); the earlier ones are
# disabled.
expect 0 "$ESEAL" demo --dir var/demo --force
contains "(5 new)"
checks=$((checks + 1))
case "$out" in *"kept"*) fail "--force kept something: $out" ;; esac
# Its root is no longer the platform's: sound, but not established (indeterminate, unknown-root).
expect 4 "$ESEAL" pdf verify stamped.pdf --ca var/platform/ca.pem
contains "unknown-root"
expect 0 "$ESEAL" app list
checks=$((checks + 1))
[ "$(grep -c '  enabled ' <<<"$out")" = 2 ] && [ "$(grep -c '  disabled' <<<"$out")" = 2 ] ||
  fail "after --force: $out"
contains "演示协同签名应用"

expect 2 "$ESEAL"
expect 0 "$ESEAL" --help

done_checks
