#!/usr/bin/env bash
# A COSS callback survives a server restart: the receiver is down for the first attempt, the
# server is stopped before the retry, and the restarted server delivers it from the queue in the
# database. Usage: coss_callback_test.sh ESEAL OPENSSL HTTP_SINK
source "$(dirname "$0")/lib.sh" "$@"
SINK=$3
MOBILE="$(dirname "$ESEAL")/eseal-mobile"
command -v curl >/dev/null || fail "curl is needed"

expect 0 "$ESEAL" demo --data-dir var
expect 0 "$ESEAL" app add --name 业务系统 --family coss --data-dir var
app_id=$(sed -n 's/^appId *//p' <<<"$out")
secure_code=$(sed -n 's/^secureCode *//p' <<<"$out")
printf '[coss]\ncallback_first_retry_s = 3\n' >eseal.toml

"$SINK" callbacks.txt 1 >sink.out &
servers="$servers $!"
for _ in $(seq 100); do grep -q '^port ' sink.out && break; sleep 0.05; done
sink_port=$(sed -n 's/^port //p' sink.out)
checks=$((checks + 1))
[ -n "$sink_port" ] || fail "the callback receiver did not start"

start_serve --config eseal.toml --port 0 --data-dir var

# call OPERATION TRANS_ID FIELDS…: a request with FIELDS (name=value, in any order) signed with
# the secureCode as the manual says; the answer is kept in $out.
call() {
  local op=$1 trans=$2 body string_a signature
  shift 2
  local fields=("appId=$app_id" "signAlgo=HMAC" "transId=$trans" "version=1.0" "$@")
  string_a=$(printf '%s\n' "${fields[@]}" | LC_ALL=C sort | paste -sd '&')
  signature=$(printf %s "$string_a" | "$OPENSSL" dgst -sha256 -hmac "$secure_code" -binary | base64)
  body=$(printf '%s\n' "${fields[@]}" | sed 's/^\([^=]*\)=\(.*\)$/"\1":"\2"/' | paste -sd ,)
  out=$(curl -s -H 'Content-Type: application/json' "http://127.0.0.1:$port/coss/service/v1/$op" \
    -d "{$body,\"signature\":\"$signature\"}")
  checks=$((checks + 1))
  [ -n "$out" ] || fail "no answer to $op"
}

call addUser T-1 userName=张三 idType=SF idNumber=513436200005039279 mobile=18745292611 \
  department=办公室
contains '"status":200'
user_id=$(sed -n 's/.*"userId":"\([0-9a-f]*\)".*/\1/p' <<<"$out")
call getAuthCode T-2 "userId=$user_id"
contains '"status":200'
qr=$(sed -n 's/.*"authCode":"\(.*\)","code".*/\1/p' <<<"$out" | sed 's/\\"/"/g')
export ESEAL_MOBILE_HOME="$PWD/phone" ESEAL_MOBILE_PIN=135790
expect 0 "$MOBILE" activate "$qr"

call addSignJob T-3 "userId=$user_id" title=回调测试 dataType=DATA algo=SM3withSM2 \
  "data=$(printf 同意 | base64)" "callBackUrl=http://127.0.0.1:$sink_port/cb"
contains '"status":200'
job=$(sed -n 's/.*"signDataId":"\(SD_[0-9a-f-]*\)".*/\1/p' <<<"$out")
expect 0 "$MOBILE" sign "$job"

# The first attempt fails; the server stops before the retry (due 3 s later).
for _ in $(seq 200); do grep -q '^attempt 1' sink.out && break; sleep 0.05; done
checks=$((checks + 1))
grep -q '^attempt 1' sink.out || fail "no first callback attempt"
kill -TERM "$server"
wait "$server" 2>/dev/null
checks=$((checks + 1))
[ ! -s callbacks.txt ] || fail "delivered before the restart"

SERVE_NAME=again start_serve --config eseal.toml --port 0 --data-dir var
for _ in $(seq 300); do [ -s callbacks.txt ] && break; sleep 0.05; done
checks=$((checks + 1))
[ -s callbacks.txt ] || fail "the callback was not delivered after the restart: $(cat sink.out)"
out=$(cat callbacks.txt)
contains "\"signJobId\":\"$job\""
contains '"status":"FINISH"'
contains "\"msspId\":\"$user_id\""
contains "\"transId\":\"$(tr -d - <<<"${job#SD_}")-FINISH\""
contains '"signature":"'
done_checks
