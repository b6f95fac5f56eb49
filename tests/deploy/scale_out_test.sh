#!/usr/bin/env bash
# Three `eseal serve` nodes on one PostgreSQL behind nginx, on loopback, with deploy/'s own files
# (deploy/nginx/eseal.conf and local.conf, deploy/wait-ready): the demo's data folder is moved to
# PostgreSQL, every LD/T 01.4 example passes through nginx, and each node is stopped with
# SIGTERM and started again in turn while clients keep sending requests, without one failing and
# with the audit chain whole; then each is killed with SIGKILL under clients that retry what
# fails, and every retried signature is answered with the one document its first attempt kept
# (LD/T under BIZNUMs, DB4403 resent under its reqId).
# Usage: scale_out_test.sh ESEAL OPENSSL [WORKERS [ROUNDS]]: WORKERS clients (3) through ROUNDS
# rolling restarts (1); scripts/scale-out runs the long form.
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
WORKERS=${3:-3}
ROUNDS=${4:-1}
source "$REPO/tests/cli/lib.sh" "$@"
CLUSTER="$REPO/tests/support/postgres_cluster"
PG="/tmp/eseal-pg-scale-$$"
NGINX_DIR="$WORK/nginx"
PORTS=(8081 8082 8083)
declare -A node

cleanup() {
  [ -f "$NGINX_DIR/nginx.pid" ] && kill -QUIT "$(cat "$NGINX_DIR/nginx.pid")" 2>/dev/null
  for pid in "${node[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
  "$CLUSTER" stop "$PG" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

for port in 8080 "${PORTS[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is taken: the deployment's ports are 8080 (nginx) and 8081-8083"
  fi
done
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || fail "nginx is not installed"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

"$CLUSTER" start "$PG" >/dev/null || fail "PostgreSQL did not start"
export ESEAL_KEK_FILE="$WORK/var/kek"
expect 0 "$ESEAL" demo --data-dir var
expect 0 "$ESEAL" store migrate --from sqlite:var --to "$(cat "$PG/url")" --to-blobs folder
contains "OK moved to"
# The nodes share the data folder's blobs and keys (one machine: one folder) and the database.
export ESEAL_STORE_URL
ESEAL_STORE_URL=$(cat "$PG/url")

start_node() {
  SERVE_NAME="node-$1" start_serve --data-dir var --port "$1"
  node[$1]=$server
}
for port in "${PORTS[@]}"; do start_node "$port"; done
mkdir -p "$NGINX_DIR"
"$NGINX" -p "$NGINX_DIR" -c "$REPO/deploy/nginx/local.conf" 2>"$WORK/nginx.err" ||
  fail "nginx did not start: $(cat "$WORK/nginx.err")"
"$REPO/deploy/wait-ready" 8080 20 || fail "nginx does not reach the nodes"
URL="http://127.0.0.1:8080/seal/v1/electricSeal"

# The LD/T suite through nginx, twice, so that every node gets some of it.
for round in 1 2; do
  for op in getSealStatus getSeal applySeal positionSealSign verifyFile keyWordSealSign \
    pagingSealSign lockSign delLockSign signAndLockSign verifyEleSign watermarkAndLockSign; do
    expect 0 sh "var/demo/requests/$op.sh" --url "$URL"
    contains '"errorCode": "1"'
  done
done
expect 0 "$ESEAL" pdf verify var/demo/out-positionSealSign.pdf --ca var/platform/ca.pem
for port in "${PORTS[@]}"; do
  checks=$((checks + 1))
  grep -q "operation=" "node-$port.err" || fail "node $port answered no LD/T request"
done

# A steady load while each node is stopped and started again in turn.
load() {
  local n=0 bad=0
  while [ ! -f "$WORK/stop-load" ]; do
    if sh var/demo/requests/getSealStatus.sh --url "$URL" >"$WORK/load-$1.last" 2>&1; then
      n=$((n + 1))
    else
      bad=$((bad + 1))
      cp "$WORK/load-$1.last" "$WORK/load-$1.failed-$bad"
    fi
    if [ $((n % 5)) = 0 ] && ! sh var/demo/requests/positionSealSign.sh --url "$URL" \
      >"$WORK/load-$1.last" 2>&1; then
      bad=$((bad + 1))
      cp "$WORK/load-$1.last" "$WORK/load-$1.failed-$bad"
    fi
  done
  echo "$n $bad" >"$WORK/load-$1.result"
}
loaders=()
for w in $(seq "$WORKERS"); do
  load "$w" &
  loaders+=($!)
done
sleep 2
for round in $(seq "$ROUNDS"); do
  for port in "${PORTS[@]}"; do
    kill -TERM "${node[$port]}"
    wait "${node[$port]}"
    code=$?
    checks=$((checks + 1))
    [ "$code" = 0 ] || fail "node $port exited with $code after SIGTERM: $(tail -5 "node-$port.err")"
    start_node "$port"
    "$REPO/deploy/wait-ready" "$port" 30 || fail "node $port is not ready again"
    # nginx's fail_timeout, as deploy/rolling-restart waits it.
    sleep 3
  done
  echo "rolling restart $round of $ROUNDS done"
done
sleep 2
touch "$WORK/stop-load"
wait "${loaders[@]}"
total=0
failed=0
for w in $(seq "$WORKERS"); do
  read -r n bad <"$WORK/load-$w.result"
  total=$((total + n))
  failed=$((failed + bad))
done
checks=$((checks + 1))
if [ "$failed" != 0 ]; then
  cat "$WORK"/load-*.failed-* >&2
  fail "$failed of the requests sent during the rolling restart failed"
fi
checks=$((checks + 1))
# Every client got requests through (a sanitizer build on a busy machine sends a few per second).
[ "$total" -ge "$WORKERS" ] || fail "only $total requests went through during the rolling restart"
echo "$ROUNDS rolling restarts: $total getSealStatus requests (and every fifth a positionSealSign) by $WORKERS clients, none failed"

# Each node killed with SIGKILL in turn under clients that sign under their own BIZNUMs and retry
# what fails: only the requests the killed node held fail, and each retry is answered with the
# document the first attempt kept, so that every BIZNUM has exactly one document.
mkdir -p kill
sign_until_done() {
  local n=0 retried=0 b try
  while [ ! -f "$WORK/stop-signers" ]; do
    n=$((n + 1))
    b="KILL-$1-$n"
    sed 's/"BIZNUM":""/"BIZNUM":"'"$b"'"/' var/demo/requests/positionSealSign.json >"kill/$b.json"
    sed -e "s|[^ ]*/positionSealSign.json|$WORK/kill/$b.json|" \
      -e "s|[^ ]*/out-positionSealSign.pdf|$WORK/kill/$b.try|" \
      var/demo/requests/positionSealSign.sh >"kill/$b.sh"
    try=1
    until sed -i "s|kill/$b\.try[0-9]*|kill/$b.try$try|" "kill/$b.sh" &&
      sh "kill/$b.sh" --url "$URL" >"kill/$b.out$try" 2>&1; do
      [ "$try" = 1 ] && retried=$((retried + 1))
      try=$((try + 1))
      if [ "$try" -gt 10 ]; then
        echo "$b failed 10 times: $(cat "kill/$b.out10")" >>"$WORK/signer-$1.gave-up"
        break
      fi
      sleep 0.5
    done
  done
  echo "$n $retried" >"$WORK/signer-$1.result"
}
# Beside them a DB4403 client signs under its own orderIds with `eseal call sz --retries`, which
# resends the same request (its reqId and bsign) when nginx answers 502: each orderId ends with
# one document, whichever node answered the retry.
sz_sign_until_done() {
  local n=0
  while [ ! -f "$WORK/stop-signers" ]; do
    n=$((n + 1))
    if ! sh var/demo/sz-requests/genCentralizedSignature.sh --url http://127.0.0.1:8080 \
      --set "orderId=SZKILL-$n" --retries 10 >"kill/sz-$n.out" 2>&1; then
      echo "SZKILL-$n: $(cat "kill/sz-$n.out")" >>"$WORK/signer-sz.gave-up"
    fi
  done
  echo "$n" >"$WORK/signer-sz.result"
}
signers=()
for w in $(seq "$WORKERS"); do
  sign_until_done "$w" &
  signers+=($!)
done
sz_sign_until_done &
signers+=($!)
sleep 2
for port in "${PORTS[@]}"; do
  sleep 1
  kill -KILL "${node[$port]}"
  wait "${node[$port]}" 2>/dev/null
  start_node "$port"
  "$REPO/deploy/wait-ready" "$port" 30 || fail "node $port is not ready after SIGKILL"
  sleep 3
done
touch "$WORK/stop-signers"
wait "${signers[@]}"
checks=$((checks + 1))
if ls "$WORK"/signer-*.gave-up >/dev/null 2>&1; then
  cat "$WORK"/signer-*.gave-up >&2
  fail "signing requests kept failing after SIGKILL"
fi
signed=0
retried=0
for w in $(seq "$WORKERS"); do
  read -r n r <"$WORK/signer-$w.result"
  signed=$((signed + n))
  retried=$((retried + r))
done
# Every BIZNUM has one document, and every attempt that was answered got that document.
PSQL=$(ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -n 1)
counts=$("$PSQL" "$ESEAL_STORE_URL" -Atc \
  "SELECT count(*), count(DISTINCT biznum) FROM documents WHERE biznum LIKE 'KILL-%'")
checks=$((checks + 1))
[ "$counts" = "$signed|$signed" ] ||
  fail "$signed BIZNUMs signed under SIGKILL, but documents (all|distinct BIZNUMs) are $counts"
sz_signed=$(cat "$WORK/signer-sz.result")
sz_counts=$("$PSQL" "$ESEAL_STORE_URL" -Atc \
  "SELECT count(*), count(DISTINCT biznum) FROM documents WHERE biznum LIKE 'SZKILL-%'")
checks=$((checks + 1))
[ "$sz_counts" = "$sz_signed|$sz_signed" ] ||
  fail "$sz_signed DB4403 orders signed under SIGKILL, but documents (all|distinct) are $sz_counts"
sz_retried=$(grep -l "retrying the same request" kill/sz-*.out 2>/dev/null | wc -l)
for first in kill/*.try1; do
  b=${first%.try1}
  for other in "$b".try*; do
    checks=$((checks + 1))
    cmp -s "$first" "$other" || fail "$other differs from the first answer for ${b#kill/}"
  done
done
echo "3 nodes killed with SIGKILL: $signed BIZNUMs signed by $WORKERS clients, $retried retried" \
  "after a failed attempt, each with one document; $sz_signed DB4403 orders, $sz_retried resent" \
  "as they were, each with one document"

expect 0 "$ESEAL" audit verify --data-dir var
contains "OK audit chain"
echo "$out"
done_checks
