#!/usr/bin/env bash
# A data folder carries its own key-encryption key (D/kek) and every key it signs with (D/keys):
# `seal register --key` imports the key rather than recording its path, a KEK that is not the
# folder's is refused at start-up with a message that says so, and a folder copied elsewhere
# with its kek still serves and signs.
source "$(dirname "$0")/lib.sh" "$@"
command -v sqlite3 >/dev/null || fail "the sqlite3 tool is needed"

expect 0 "$ESEAL" demo --data-dir one --port 1
contains "(key-encryption key one/kek)"
checks=$((checks + 1))
[ "$(stat -c %a one/kek)" = 600 ] && [ ! -e var/kek ] || fail "the KEK is not one/kek alone"

# A seal registered with --key: the key goes into one/keys, the database names no file.
expect 0 "$ESEAL" --kek-file one/kek seal make --maker one/demo/seal-maker \
  --signer-cert one/demo/signer.pem --name 演示合同章 --type 5 --id EXTRA-1 --out extra.esl
cp one/demo/signer.key own.key
expect 0 "$ESEAL" seal register --file extra.esl --key own.key --data-dir one
contains "registered seal EXTRA-1"
contains "(in one/keys)"
rm own.key
keys=$(sqlite3 one/eseal.db "SELECT id || '|' || location FROM keys")
checks=$((checks + 1))
[ "$(grep -c '^soft:[0-9a-f]\{32\}|$' <<<"$keys")" = 6 ] || fail "keys by path: $keys"
checks=$((checks + 1))
[ "$(ls one/keys | wc -l)" = 6 ] || fail "one/keys: $(ls one/keys)"

# Moved (copied, the original gone) with its kek, the folder serves and signs with every seal.
cp -a one two
mv one gone
start_serve --data-dir two --port 0
URL="http://127.0.0.1:$port/seal/v1/electricSeal"
for seal in "$(sed -n 's/.*"sealId":"\([^"]*\)".*/\1/p' two/demo/requests/positionSealSign.json)" EXTRA-1; do
  expect 0 "$ESEAL" --kek-file two/kek call ldt positionSealSign --app two/demo/app.toml --url "$URL" \
    --content two/demo/requests/positionSealSign.json --file two/demo/sample.pdf --save "signed-$seal.pdf" \
    --set "signList=[{\"sealId\":\"$seal\",\"pageNum\":\"1\",\"zx\":\"120\",\"zy\":\"60\"}]"
  contains '"errorCode": "1"'
  expect 0 "$ESEAL" pdf verify "signed-$seal.pdf" --ca two/platform/ca.pem
done
kill -TERM "$server"
wait "$server" || fail "serve did not exit 0 on SIGTERM"
server=

# A KEK that is not the folder's: serve and store-opening commands refuse, saying so (exit 2).
ESEAL_KEK=another-key-encryption-key expect 2 "$ESEAL" serve --data-dir two --port 0
contains "the key-encryption key does not belong to data folder two"
"$OPENSSL" rand -hex 32 > other.kek
chmod 600 other.kek
expect 2 "$ESEAL" --kek-file other.kek serve --data-dir two --port 0
contains "the key-encryption key does not belong to data folder two"
expect 2 "$ESEAL" --kek-file other.kek app rotate "$(sed -n 's/^syscode = "\(.*\)"/\1/p' two/demo/app.toml)" --data-dir two
contains "the key-encryption key does not belong to data folder two"
# Without its kek an existing folder does not start, and no new KEK is made for it.
mv two/kek two.kek
expect 2 "$ESEAL" serve --data-dir two --port 0
contains "two/kek does not exist"
checks=$((checks + 1))
[ ! -e two/kek ] || fail "serve made a new KEK for an existing folder"

done_checks
