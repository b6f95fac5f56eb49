#!/usr/bin/env bash
# `eseal app`, `eseal seal register|list|status|freeze|revoke` and `eseal audit` over the store
# in --data-dir: secrets shown once and never again, seal status changes by the table, every
# change in the audit chain, and a row changed with the sqlite3 tool named by `audit verify`;
# signing with a registered seal (--seal-id). Usage: app_test.sh ESEAL OPENSSL MAKE_FIXTURE_PDF
MAKE_PDF=$3
source "$(dirname "$0")/lib.sh" "$@"
command -v sqlite3 >/dev/null || fail "the sqlite3 tool is needed"
D="$WORK/data"
# The CA, the seals' keys and the data folder share one KEK: the folder's own.
export ESEAL_KEK_FILE="$D/kek"

expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" --out maker
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=某单位,CN=合同章" --out signer
expect 0 "$ESEAL" cert issue --ca ca --profile user --subject "C=CN,O=某单位,CN=业务系统乙" --out own
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某单位 --type 5 --id ES-1 --out one.esl
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某单位 --type 1 --id ES-2 --out two.esl

# An app with a key pair issued by the CA: secrets printed once, files for the integrator.
expect 0 "$ESEAL" app add --name 业务系统甲 --ca ca --scopes positionSealSign,getSeal --data-dir "$D"
contains "shown only now"
syscode=$(sed -n 's/^syscode *//p' <<<"$out")
authcode=$(sed -n 's/^authcode *//p' <<<"$out")
hmac=$(sed -n 's/^hmac key *//p' <<<"$out")
checks=$((checks + 1))
[[ $syscode =~ ^[0-9A-F]{16}$ && $authcode =~ ^[0-9a-f]{32}$ ]] || fail "syscode/authcode: $out"
[ "$(printf %s "$hmac" | base64 -d | wc -c)" = 32 ] || fail "HMAC key is not 32 bytes: $hmac"
[ -f "$D/apps/$syscode.pem" ] && [ -f "$D/apps/$syscode.key" ] || fail "no app key and certificate"
expect 0 "$ESEAL" cert verify --cert "$D/apps/$syscode.pem" --ca ca/root.pem
expect 0 "$OPENSSL" pkey -in "$D/apps/$syscode.key" -passin "file:$ESEAL_KEK_FILE" -noout
[ "$(stat -c %a "$D/eseal.db")" = 600 ] || fail "eseal.db is not 0600"

# An app bringing its own certificate, with a chosen syscode; a taken syscode is refused.
expect 0 "$ESEAL" app add --name 业务系统乙 --syscode SYS-B --cert own.pem --data-dir "$D"
contains "C=CN,O=某单位,CN=业务系统乙"
expect 2 "$ESEAL" app add --name 重复 --syscode SYS-B --cert own.pem --data-dir "$D"
contains "already taken"
expect 2 "$ESEAL" app add --name 无证书 --data-dir "$D"
expect 2 "$ESEAL" app add --name 坏范围 --cert own.pem --scopes "a b" --data-dir "$D"

# list and show never print a secret.
expect 0 "$ESEAL" app list --data-dir "$D"
contains "$syscode  enabled   ldt  positionSealSign,getSeal  业务系统甲"
contains "SYS-B  enabled   ldt  *  业务系统乙"
expect 0 "$ESEAL" app show "$syscode" --data-dir "$D"
contains "C=CN,O=业务系统甲,CN=$syscode"
all_output=$("$ESEAL" app list --data-dir "$D"; "$ESEAL" app show "$syscode" --data-dir "$D")
checks=$((checks + 1))
case "$all_output" in *"$authcode"* | *"$hmac"*) fail "a secret was printed again" ;; esac
checks=$((checks + 1))
! grep -qF "$authcode" "$D/eseal.db" || fail "the authcode is stored in the clear"
expect 2 "$ESEAL" app show NOPE --data-dir "$D"

# rotate prints new secrets; disable and enable.
expect 0 "$ESEAL" app rotate "$syscode" --data-dir "$D"
new_authcode=$(sed -n 's/^authcode *//p' <<<"$out")
checks=$((checks + 1))
[[ $new_authcode =~ ^[0-9a-f]{32}$ && $new_authcode != "$authcode" ]] || fail "rotate: $out"
expect 0 "$ESEAL" app disable SYS-B --data-dir "$D"
expect 0 "$ESEAL" app list --data-dir "$D"
contains "SYS-B  disabled"
expect 0 "$ESEAL" app enable SYS-B --data-dir "$D"
expect 2 "$ESEAL" app disable NOPE --data-dir "$D"

# A COSS app: its appId (APP_ and 32 hex digits) and secureCode, shown once; no certificate
# needed; rotate replaces the secureCode; an unknown family is refused.
expect 0 "$ESEAL" app add --name 移动签名业务 --family coss --data-dir "$D"
app_id=$(sed -n 's/^appId *//p' <<<"$out")
secure_code=$(sed -n 's/^secureCode *//p' <<<"$out")
checks=$((checks + 1))
[[ $app_id =~ ^APP_[0-9A-F]{32}$ && $secure_code =~ ^[0-9A-F]{32}$ ]] || fail "COSS app: $out"
expect 0 "$ESEAL" app show "$app_id" --data-dir "$D"
contains "families      coss"
case "$out" in *"$secure_code"*) fail "show printed the secureCode" ;; esac
checks=$((checks + 1))
! grep -qF "$secure_code" "$D/eseal.db" || fail "the secureCode is stored in the clear"
expect 0 "$ESEAL" app rotate "$app_id" --data-dir "$D"
new_code=$(sed -n 's/^secureCode *//p' <<<"$out")
checks=$((checks + 1))
[[ $new_code =~ ^[0-9A-F]{32}$ && $new_code != "$secure_code" ]] || fail "rotate COSS: $out"
expect 0 "$ESEAL" app add --name 两种都要 --family ldt --family coss --cert own.pem --data-dir "$D"
contains "secureCode"
contains "authcode"
expect 2 "$ESEAL" app add --name 坏族 --family rest --data-dir "$D"
contains "is not ldt, coss or sz"

# A DB4403 app: its systemID (the syscode), appKey, SM4 key and MAC key, shown once; no
# certificate needed; list and show name the appKey, never a key; rotate gives a new appKey.
expect 0 "$ESEAL" app add --name 深圳对接系统 --family sz --data-dir "$D"
contains "shown only now"
system_id=$(sed -n 's/^systemID *//p' <<<"$out")
app_key=$(sed -n 's/^appKey *//p' <<<"$out")
sm4_key=$(sed -n 's/^sm4 key *//p' <<<"$out")
mac_key=$(sed -n 's/^mac key *//p' <<<"$out")
checks=$((checks + 1))
[[ $system_id =~ ^[0-9A-F]{16}$ && $app_key =~ ^[0-9a-f]{32}$ && $sm4_key =~ ^[0-9a-f]{32}$ ]] ||
  fail "DB4403 app: $out"
[ "$(printf %s "$mac_key" | base64 -d | wc -c)" = 32 ] || fail "MAC key is not 32 bytes: $mac_key"
case "$out" in *authcode* | *secureCode*) fail "a DB4403 app got other families' secrets: $out" ;; esac
expect 0 "$ESEAL" app show "$system_id" --data-dir "$D"
contains "families      sz"
contains "appKey        $app_key"
expect 0 "$ESEAL" app list --data-dir "$D"
contains "$system_id  enabled   sz  *  深圳对接系统  appKey $app_key"
all_output=$("$ESEAL" app list --data-dir "$D"; "$ESEAL" app show "$system_id" --data-dir "$D")
checks=$((checks + 1))
case "$all_output" in *"$sm4_key"* | *"$mac_key"*) fail "a DB4403 key was printed again" ;; esac
checks=$((checks + 1))
! grep -qiF "$sm4_key" "$D/eseal.db" && ! grep -qF "$mac_key" "$D/eseal.db" ||
  fail "a DB4403 key is stored in the clear"
expect 0 "$ESEAL" app rotate "$system_id" --data-dir "$D"
new_app_key=$(sed -n 's/^appKey *//p' <<<"$out")
new_sm4_key=$(sed -n 's/^sm4 key *//p' <<<"$out")
checks=$((checks + 1))
[[ $new_app_key =~ ^[0-9a-f]{32}$ && $new_app_key != "$app_key" && $new_sm4_key != "$sm4_key" ]] ||
  fail "rotate DB4403: $out"
contains "systemID      $system_id"
expect 0 "$ESEAL" app show "$system_id" --data-dir "$D"
contains "appKey        $new_app_key"
# All three families on one app: each family's credentials, one syscode.
expect 0 "$ESEAL" app add --name 三种都要 --family ldt --family coss --family sz --cert own.pem --data-dir "$D"
contains "authcode"
contains "secureCode"
contains "appKey"
syscode3=$(sed -n 's/^syscode *//p' <<<"$out")
contains "systemID      $syscode3"
expect 0 "$ESEAL" app show "$syscode3" --data-dir "$D"
contains "families      ldt,coss,sz"

# Seals: register (with a key and an owning app), list, status changes.
expect 0 "$ESEAL" seal register --file one.esl --key signer.key --app "$syscode" --data-dir "$D"
contains "registered seal ES-1"
contains "status        valid"
expect 0 "$ESEAL" seal register --file two.esl --cert signer.pem --data-dir "$D"
expect 2 "$ESEAL" seal register --file one.esl --data-dir "$D"
contains "already registered"
expect 2 "$ESEAL" seal register --file two.esl --cert own.pem --data-dir "$D"
contains "not a signer certificate"
expect 2 "$ESEAL" seal register --file two.esl --key own.key --data-dir "$D"
contains "is not the key of"
expect 2 "$ESEAL" seal register --file two.esl --app NOPE --data-dir "$D"
# A seal whose maker signature is broken is refused (exit 1).
cp two.esl bad.esl
size=$(stat -c %s bad.esl)
printf '\x00' | dd of=bad.esl bs=1 seek=$((size - 3)) conv=notrunc status=none
expect 1 "$ESEAL" seal register --file bad.esl --data-dir "$D"
contains "maker-signature"

expect 0 "$ESEAL" seal list --data-dir "$D"
contains "ES-1  valid  5  某单位  C=CN,O=某单位,CN=合同章"
contains "ES-2  valid  1"

# Signing with a registered seal, as the server does: the registry's usable-seal rule, the
# signer the folder holds, and the use in the audit log. A seal without a key can still be
# prepared for a signer elsewhere.
"$MAKE_PDF" doc.pdf 1 || fail "cannot make doc.pdf"
expect 0 "$ESEAL" pdf sign --in doc.pdf --out registered.pdf --seal-id ES-1 --data-dir "$D" --page 1 --x 20 --y 20
expect 0 "$ESEAL" pdf verify registered.pdf --ca ca/root.pem
echo 正文 > doc.txt
expect 0 "$ESEAL" ofd make --text-file doc.txt --out doc.ofd
expect 0 "$ESEAL" ofd sign --in doc.ofd --out registered.ofd --seal-id ES-1 --data-dir "$D" --page 1 --x 20 --y 20
expect 0 "$ESEAL" ofd verify registered.ofd --ca ca/root.pem
expect 2 "$ESEAL" pdf sign --in doc.pdf --out x.pdf --seal-id ES-2 --data-dir "$D" --page 1 --x 20 --y 20
contains "the platform holds no key for seal ES-2"
expect 0 "$ESEAL" pdf prepare --in doc.pdf --out prepared.pdf --seal-id ES-2 --data-dir "$D" --page 1 --x 20 --y 20
expect 2 "$ESEAL" pdf sign --in doc.pdf --out x.pdf --seal-id NO-SUCH --data-dir "$D" --page 1 --x 20 --y 20
contains "no seal NO-SUCH"
expect 0 "$ESEAL" audit list --data-dir "$D"
contains "pdf.sign"
contains "ofd.sign"

expect 0 "$ESEAL" seal freeze ES-1 --data-dir "$D"
contains "valid -> frozen"
expect 2 "$ESEAL" pdf sign --in doc.pdf --out x.pdf --seal-id ES-1 --data-dir "$D" --page 1 --x 20 --y 20
contains "seal ES-1 is frozen"
expect 0 "$ESEAL" seal status ES-1 --data-dir "$D"
contains "ES-1 frozen"
expect 2 "$ESEAL" seal freeze ES-1 --data-dir "$D"
expect 0 "$ESEAL" seal status ES-1 --set valid --data-dir "$D"
expect 0 "$ESEAL" seal status ES-1 --set lost --data-dir "$D"
expect 2 "$ESEAL" seal status ES-1 --set valid --data-dir "$D"
contains "is lost and cannot become valid"
expect 2 "$ESEAL" seal status ES-1 --set expired --data-dir "$D"
expect 2 "$ESEAL" seal status ES-1 --set broken --data-dir "$D"
expect 0 "$ESEAL" seal revoke ES-1 --data-dir "$D"
expect 2 "$ESEAL" seal status ES-1 --set valid --data-dir "$D"
expect 0 "$ESEAL" seal status ES-1 --data-dir "$D"
contains "ES-1 revoked"
expect 2 "$ESEAL" seal freeze ES-9 --data-dir "$D"

# Every change is in the chain: 6 apps, 3 rotations, disable, enable, 2 seals, 2 signatures
# with a registered seal, 4 status changes.
expect 0 "$ESEAL" audit verify --data-dir "$D"
contains "OK audit chain: 19 rows"
expect 0 "$ESEAL" audit list --data-dir "$D"
contains "app.rotate  $syscode"
contains "seal.status  ES-1  lost -> revoked"
checks=$((checks + 1))
[ "$(grep -c . <<<"$out")" = 19 ] || fail "audit list: $out"

# Changing one row with the sqlite3 tool breaks the chain at that row.
sqlite3 "$D/eseal.db" "UPDATE audit SET detail = 'valid -> valid' WHERE id = 8"
expect 1 "$ESEAL" audit verify --data-dir "$D"
contains "FAILED audit chain: row 8"
done_checks
