# Shared helpers for the CLI contract tests. Usage: source lib.sh ESEAL OPENSSL
set -u
ESEAL=$1
OPENSSL=$2
WORK=$(mktemp -d)
cd "$WORK"
# Each data folder's own KEK (D/kek; var/kek for commands without --data-dir).
unset ESEAL_KEK ESEAL_KEK_FILE
DISTID="distid:1234567812345678"
server=
servers=
trap '[ -n "$servers" ] && kill $servers 2>/dev/null; rm -rf "$WORK"' EXIT
checks=0

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect CODE COMMAND...: runs COMMAND, which must exit with CODE; its output is kept in $out.
expect() {
  local want=$1
  shift
  out=$("$@" 2>&1)
  local got=$?
  checks=$((checks + 1))
  [ "$got" = "$want" ] || fail "exit $got (want $want): $*"$'\n'"$out"
}

# contains TEXT: the last command's output must contain TEXT.
contains() {
  checks=$((checks + 1))
  case "$out" in *"$1"*) ;; *) fail "output lacks '$1':"$'\n'"$out" ;; esac
}

done_checks() { echo "ok: $checks checks"; }

# start_serve ARGS...: runs `eseal serve ARGS` in the background (output in serve.out and
# serve.err, or $SERVE_NAME.out and .err), waits for its "eseal listening on" line and sets
# $server (its pid) and $port. At exit servers still running are killed and the work folder
# removed. A start usually takes a fraction of a second; on a machine busy with other tests it
# may take seconds, so the wait ends only after START_WAIT seconds (60). A server still silent
# then is shown with its threads' stacks, which say where the start stood. An earlier server's
# output goes first: the background shell truncates it only when it gets to run, and until then
# its listening line would pass for the new server's.
start_serve() {
  local name=${SERVE_NAME:-serve}
  rm -f "$name.out" "$name.err"
  "$ESEAL" serve "$@" > "$name.out" 2> "$name.err" &
  server=$!
  servers="$servers $server"
  local started=$SECONDS
  until grep -qs '^eseal listening on ' "$name.out"; do
    kill -0 "$server" 2>/dev/null || fail "serve exited early: $(cat "$name.err")"
    if [ $((SECONDS - started)) -ge "${START_WAIT:-60}" ]; then
      local stacks=
      command -v gdb >/dev/null &&
        stacks=$(timeout 60 gdb -batch -p "$server" -ex 'thread apply all bt' 2>&1 | grep '^#')
      fail "no listening line after $((SECONDS - started)) s: $(cat "$name.out" "$name.err")"$'\n'"$stacks"
    fi
    sleep 0.05
  done
  port=$(sed -n 's|^eseal listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$name.out")
  checks=$((checks + 1))
  [ -n "$port" ] || fail "no port in the listening line: $(cat "$name.out")"
}

# provision_usb_key SEAL_ID [RETRIES]: a CA (ca/), a seal maker (maker.pem, maker.key) and a new
# software USB key "key1" in $WORK/keys (ESEAL_SOFTSKF_DIR; user PIN 12345678, admin PIN
# 88888888, RETRIES wrong PINs before it locks, 3 by default) holding the seal SEAL_ID of
# 某某科技有限公司 for a key made inside it (a copy in contract.esl).
provision_usb_key() {
  export ESEAL_SOFTSKF_DIR="$WORK/keys"
  unset ESEAL_SKF_LIBRARY ESEAL_TOKEN_PIN
  expect 0 "$ESEAL" ca init --dir ca
  expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" \
    --out maker
  expect 0 "$ESEAL" token init --new --device key1 --admin-pin 88888888 --user-pin 12345678 \
    --retries "${2:-3}"
  expect 0 "$ESEAL" token write-seal --pin 12345678 --issuer ca/root \
    --subject "C=CN,O=某某科技有限公司,CN=合同章" --maker maker --name 某某科技有限公司 --type 5 \
    --id "$1" --out contract.esl
}
