#!/usr/bin/env bash
# Crash safety: `eseal serve` on the embedded store (SQLite and the blob folder) is killed with
# SIGKILL at random moments, KILLS times (50 by default), while clients sign (LD/T
# positionSealSign), lock (LD/T lockSign on OFD), time-stamp (POST /tsa), add and complete COSS
# sign jobs (addSignJob, then the phone's signature) and file (a seal maker's units pushed to this
# server as the national platform); each time it is started again on the same port and must
# answer. Afterwards:
# - every request acknowledged before a kill is durable: its document is the one stored under its
#   BIZNUM (and a resend answers the same bytes), its time stamp's serial and token are on record,
#   its job is FINISH, its unit is listed;
# - nothing unacknowledged left a half-written row or blob: every unacknowledged BIZNUM resent
#   once signs, with exactly one document; every blob's name is the SM3 of its content; every
#   document's blob exists; the temporary files of killed writes are removed by the next start
#   once they are old;
# - the audit chain verifies and the server exits 0 on SIGTERM.
# Every tenth kill waits until each kind of request has been acknowledged once more since the
# last such wait, so that every kind is exercised under the kills however slow the machine (a
# COSS job takes several requests and the phone's PIN key derivation: on a loaded machine, or
# sanitized, it may not fit between two kills).
# Usage: crash_test.sh ESEAL OPENSSL [KILLS [GAP]]: GAP seconds (0.2) and up to 1.3 more
# between kills.
KILLS=${3:-50}
GAP=${4:-0.2}
PROGRESS_WAIT=300
KINDS=(sign lock ts coss unit)
source "$(dirname "$0")/lib.sh" "$@"
MOBILE="$(dirname "$ESEAL")/eseal-mobile"

expect 0 "$ESEAL" demo --data-dir var
expect 0 "$ESEAL" demo --data-dir maker
start_serve --data-dir var --port 0
sed -i "s|http://127.0.0.1:8080|http://127.0.0.1:$port|" var/demo/app.toml var/demo/coss.toml
URL="http://127.0.0.1:$port/seal/v1/electricSeal"

# This server is also the national platform for the maker's filings.
expect 0 "$ESEAL" app add --data-dir var --name 某省电子印章制作系统 --syscode MAKERSYS \
  --cert maker/demo/app.pem --key maker/demo/app.key --url "$URL" --save maker/filing-app.toml
expect 0 "$ESEAL" filing account add DBAdmin --app MAKERSYS --data-dir var --save maker/filing-app.toml
cat >maker.toml <<EOF
[data]
dir = "maker"
[filing]
credentials = "maker/filing-app.toml"
platform_cert = "var/platform/lock.pem"
EOF

# The demo user's phone, activated before the load.
user_id=$(sed -n 's/^user_id = "\(.*\)"$/\1/p' var/demo/coss.toml)
expect 0 "$ESEAL" call coss getAuthCode --app var/demo/coss.toml --set "userId=$user_id"
auth_code=$(sed -n 's/^ *"authCode": "\(.*\)",\{0,1\}$/\1/p' <<<"$out" | sed 's/\\"/"/g')
export ESEAL_MOBILE_HOME="$WORK/phone" ESEAL_MOBILE_PIN=135790
expect 0 "$MOBILE" activate "$auth_code" --name 测试手机
contains "activated"

printf 'a document to time-stamp' >doc.txt
expect 0 "$ESEAL" ts request --data doc.txt --out q.tsq

mkdir -p sign lock ts coss unit
touch {sign,lock,ts,coss,unit}/acked {sign,lock,ts,coss,unit}/unacked coss/added ts/serials
# Each client writes the names of its acknowledged requests to KIND/acked and of the others to
# KIND/unacked, until the file stop exists.

# ldt_client KIND OPERATION FILE EXT: LD/T requests under the BIZNUMs CRASH-KIND-N.
ldt_client() {
  local kind=$1 op=$2 file=$3 ext=$4 n=0
  while [ ! -f stop ]; do
    n=$((n + 1))
    local b="CRASH-$kind-$n"
    sed 's/"BIZNUM":""/"BIZNUM":"'"$b"'"/' "var/demo/requests/$op.json" >"$kind/$b.json"
    if "$ESEAL" call ldt "$op" --app var/demo/app.toml --content "$kind/$b.json" --file "$file" \
      --save "$kind/$b.$ext" >"$kind/$b.out" 2>&1; then
      echo "$b" >>"$kind/acked"
    else
      echo "$b" >>"$kind/unacked"
    fi
  done
}

ts_client() {
  local n=0
  while [ ! -f stop ]; do
    n=$((n + 1))
    if curl -sf -H 'Content-Type: application/timestamp-query' --data-binary @q.tsq \
      "http://127.0.0.1:$port/tsa" -o "ts/$n.tsr" 2>/dev/null; then
      echo "$n" >>ts/acked
    else
      echo "$n" >>ts/unacked
    fi
  done
}

# A job is added, then signed from the phone; an acknowledged job that the phone could not sign
# yet is signed on the next turn (it must have survived the kills in between).
coss_client() {
  local n=0 job=
  while [ ! -f stop ]; do
    if [ -z "$job" ]; then
      n=$((n + 1))
      if "$ESEAL" call coss addSignJob --app var/demo/coss.toml --set "userId=$user_id" \
        --set "title=合同$n" --set dataType=DATA --set algo=SM3withSM2 \
        --set "data=$(printf '同意%s' "$n" | base64)" >"coss/add-$n.out" 2>&1; then
        job=$(sed -n 's/.*"signDataId": "\(SD_[0-9a-f-]*\)".*/\1/p' "coss/add-$n.out")
        echo "$job" >>coss/added
      else
        echo "$n" >>coss/unacked
        continue
      fi
    fi
    if "$MOBILE" sign "$job" >"coss/$job.out" 2>&1; then
      echo "$job" >>coss/acked
      job=
    fi
  done
}

unit_client() {
  local n=0
  while [ ! -f stop ]; do
    n=$((n + 1))
    if "$ESEAL" filing push-unit --config maker.toml --set "mspUnitCode=CRASHUNIT$n" --set mspSn=1 \
      --set "mspUnitNameCn=刻章单位$n" >"unit/$n.out" 2>&1; then
      echo "CRASHUNIT$n" >>unit/acked
    else
      echo "CRASHUNIT$n" >>unit/unacked
    fi
  done
}

clients=()
ldt_client sign positionSealSign var/demo/sample.pdf pdf &
clients+=($!)
ldt_client lock lockSign var/demo/sample.ofd ofd &
clients+=($!)
ts_client &
clients+=($!)
coss_client &
clients+=($!)
unit_client &
clients+=($!)

count() { wc -l <"$1"; }
declare -A seen
for kind in "${KINDS[@]}"; do seen[$kind]=0; done
# wait_for_progress: until every kind has more acknowledged than at the last call.
wait_for_progress() {
  local kind deadline=$((SECONDS + PROGRESS_WAIT))
  for kind in "${KINDS[@]}"; do
    while [ "$(count "$kind/acked")" -le "${seen[$kind]}" ]; do
      [ "$SECONDS" -lt "$deadline" ] ||
        fail "no $kind request was acknowledged in ${PROGRESS_WAIT}s between kills"
      sleep 0.2
    done
    checks=$((checks + 1))
    seen[$kind]=$(count "$kind/acked")
  done
}

# The kills: each after GAP and a random 0 to 1.3 s of load, the next start on the same port.
for kill in $(seq "$KILLS"); do
  [ $((kill % 10)) = 0 ] && wait_for_progress
  sleep "$(printf '0.%03d' $((RANDOM % 1000)))"
  sleep "$GAP"
  [ $((RANDOM % 2)) = 0 ] && sleep 0.3
  kill -KILL "$server"
  wait "$server" 2>/dev/null
  start_serve --data-dir var --port "$port"
  [ $((kill % 10)) = 0 ] && echo "$kill of $KILLS kills"
done
touch stop
wait "${clients[@]}"

for kind in sign lock ts unit; do
  echo "$kind: $(count "$kind/acked") acknowledged, $(count "$kind/unacked") not"
done
echo "coss: $(count coss/added) jobs added, $(count coss/acked) signed by the phone, $(count coss/unacked) not added"

# The server serves again.
expect 0 sh var/demo/requests/getSealStatus.sh --url "$URL"
contains '"errorCode": "1"'

sql() { sqlite3 -batch -noheader var/eseal.db "$@"; }
sm3_of() { "$OPENSSL" dgst -sm3 -r "$1" | cut -d' ' -f1; }

# Acknowledged documents are the ones stored under their BIZNUMs, once each, and a resend answers
# the same bytes; an unacknowledged BIZNUM resent signs, leaving one document.
for kind in sign lock; do
  op=positionSealSign file=var/demo/sample.pdf ext=pdf
  [ "$kind" = lock ] && op=lockSign file=var/demo/sample.ofd ext=ofd
  while read -r b; do
    checks=$((checks + 1))
    stored=$(sql "SELECT blob_sm3 FROM documents WHERE biznum = '$b'")
    [ "$stored" = "$(sm3_of "$kind/$b.$ext")" ] ||
      fail "$b was acknowledged, but the document stored under it is '$stored'"
  done <"$kind/acked"
  sample=$(shuf -n 5 "$kind/acked")
  for b in $sample $(cat "$kind/unacked"); do
    expect 0 "$ESEAL" call ldt "$op" --app var/demo/app.toml --content "$kind/$b.json" \
      --file "$file" --save "$kind/$b.again.$ext"
    if grep -qx "$b" "$kind/acked"; then
      checks=$((checks + 1))
      cmp -s "$kind/$b.$ext" "$kind/$b.again.$ext" || fail "the resent $b answered another document"
    fi
  done
  checks=$((checks + 1))
  dup=$(sql "SELECT biznum FROM documents WHERE biznum LIKE 'CRASH-$kind-%' GROUP BY biznum HAVING count(*) > 1")
  [ -z "$dup" ] || fail "BIZNUMs with more than one document: $dup"
done

# Acknowledged time stamps are on record, token and all; no serial was issued twice.
while read -r n; do
  serial=$("$OPENSSL" ts -reply -in "ts/$n.tsr" -text 2>/dev/null |
    sed -n 's/^Serial number: 0x\(.*\)$/\1/p' | tr 'A-F' 'a-f')
  checks=$((checks + 1))
  [ -n "$serial" ] || fail "ts/$n.tsr has no serial"
  echo "$serial" >>ts/serials
done <ts/acked
checks=$((checks + 1))
[ -z "$(sort ts/serials | uniq -d)" ] || fail "serials granted twice: $(sort ts/serials | uniq -d)"
recorded=$(sql "SELECT lower(serial) FROM time_stamps" | sort)
checks=$((checks + 1))
missing=$(sort ts/serials | comm -23 - <(echo "$recorded"))
[ -z "$missing" ] || fail "acknowledged time stamps not on record: $missing (recorded: $(echo "$recorded" | head -3) …)"

# Acknowledged jobs are FINISH with the phone's signature; a job added but not signed yet is
# still there, waiting for the phone.
while read -r job; do
  expect 0 "$ESEAL" call coss getSignResult --app var/demo/coss.toml --set "signDataId=$job"
  if grep -qx "$job" coss/acked; then
    contains '"jobStatus": "FINISH"'
    contains '"signResult": "'
  else
    contains '"jobStatus": "'
  fi
done <coss/added

# Acknowledged units are listed on the platform.
expect 0 "$ESEAL" filing units --data-dir var
units=$out
while read -r u; do
  checks=$((checks + 1))
  grep -q "^$u " <<<"$units" || fail "unit $u was acknowledged but is not on the platform"
done <unit/acked

kill -TERM "$server"
wait "$server" || fail "serve exited with $? after SIGTERM: $(tail -5 serve.err)"
server=

# Every blob is whole, and every document's blob is there.
checks=$((checks + 1))
bad=$(find var/blobs -type f ! -name '*.tmp-*' -print0 | xargs -0 "$OPENSSL" dgst -sm3 -r |
  awk '{n = $2; sub(/.*blobs\//, "", n); sub(/\//, "", n); if (n != $1) print $2}')
[ -z "$bad" ] || fail "blobs whose content is not their name: $bad"
while read -r sm3; do
  checks=$((checks + 1))
  [ -f "var/blobs/${sm3:0:2}/${sm3:2}" ] || fail "the blob $sm3 of a document is missing"
done < <(sql "SELECT DISTINCT blob_sm3 FROM documents")

# The temporary files of killed writes go at the next start once they are a minute old.
leftovers=$(find var -name '*.tmp-*' | wc -l)
find var -name '*.tmp-*' -exec touch -d '2 minutes ago' {} +
start_serve --data-dir var --port "$port"
kill -TERM "$server"
wait "$server" || fail "serve exited with $? after SIGTERM: $(tail -5 serve.err)"
server=
checks=$((checks + 1))
[ -z "$(find var -name '*.tmp-*')" ] || fail "temporary files survived a start: $(find var -name '*.tmp-*')"
echo "$leftovers temporary files of killed writes, removed by the next start"

expect 0 "$ESEAL" audit verify --data-dir var
contains "OK audit chain"
echo "$out"
echo "$KILLS kills with SIGKILL survived"
done_checks
