#!/usr/bin/env bash
# `eseal store migrate`: a data folder's SQLite store and blobs moved to a throw-away PostgreSQL
# (tests/support/postgres_cluster), checked by the command itself, then used there by the CLI
# through ESEAL_STORE_URL; a target that is not empty is refused, and so is an unknown address.
# Usage: store_migrate_test.sh ESEAL OPENSSL
CLUSTER="$(cd "$(dirname "$0")/../support" && pwd)/postgres_cluster"
source "$(dirname "$0")/lib.sh" "$@"
D="$WORK/data"
export ESEAL_KEK_FILE="$D/kek"
# Outside $WORK (mode 0700), which the postgres user could not enter.
PG="/tmp/eseal-pg-migrate-$$"
trap '"$CLUSTER" stop "$PG" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
"$CLUSTER" start "$PG" >/dev/null || fail "PostgreSQL did not start"
URL=$(cat "$PG/url")

expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" --out maker
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=某单位,CN=合同章" --out signer
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某单位 --type 5 --id ES-1 --out one.esl
expect 0 "$ESEAL" app add --name 业务系统甲 --ca ca --scopes positionSealSign --data-dir "$D"
syscode=$(sed -n 's/^syscode *//p' <<<"$out")
expect 0 "$ESEAL" seal register --file one.esl --key signer.key --app "$syscode" --data-dir "$D"
expect 0 "$ESEAL" seal freeze ES-1 --data-dir "$D"
expect 0 "$ESEAL" audit verify --data-dir "$D"
contains "OK audit chain: 3 rows"

expect 0 "$ESEAL" store migrate --from "sqlite:$D" --to "$URL" --data-dir "$D"
contains "OK moved to postgresql://eseal@"
contains "audit chain of 3 rows verified"
contains "checked by SM3"
[[ $out == *" 1 blobs ("* ]] || fail "one blob (the seal) should have moved: $out"
contains "table audit: 3 of 3"

# The CLI on the moved store: the seal's status and the chain, blobs from the database.
export ESEAL_STORE_URL="$URL" ESEAL_STORE_BLOBS=database
expect 0 "$ESEAL" seal list --data-dir "$D"
contains "ES-1"
contains "frozen"
expect 0 "$ESEAL" seal status ES-1 --set valid --data-dir "$D"
expect 0 "$ESEAL" audit verify --data-dir "$D"
contains "OK audit chain: 4 rows"
unset ESEAL_STORE_URL ESEAL_STORE_BLOBS
expect 0 "$ESEAL" audit verify --data-dir "$D"
contains "OK audit chain: 3 rows"

# A second move to the same database is refused: it is no longer empty.
expect 2 "$ESEAL" store migrate --from "sqlite:$D" --to "$URL" --data-dir "$D"
contains "is not empty: its table"
# A mistyped source is not an empty store to move.
expect 2 "$ESEAL" store migrate --from "sqlite:$WORK/nowhere" --to "$URL" --data-dir "$D"
contains "no database to move at $WORK/nowhere"
[ ! -e "$WORK/nowhere" ] || fail "the missing source was created"
expect 2 "$ESEAL" store migrate --from "sqlite:$D" --to "mysql://x:secret@db/eseal" --data-dir "$D"
contains "neither sqlite:"
[[ $out != *secret* ]] || fail "the password was printed: $out"
done_checks
