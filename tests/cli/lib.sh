# Shared helpers for the CLI contract tests. Usage: source lib.sh ESEAL OPENSSL
set -u
ESEAL=$1
OPENSSL=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export ESEAL_KEK_FILE="$WORK/var/kek"
unset ESEAL_KEK
DISTID="distid:1234567812345678"
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
