#!/usr/bin/env bash
# Load on the LD/T 01.4 door: builds eseal and the load client (release), sets up the demo data
# in a temporary folder, starts `eseal serve` on a free port and prints requests per second and
# p50/p99 latency for getSealStatus and for positionSealSign on a 1 MiB PDF, each next to its
# bound measured in the same run (request_path_bounds): SM2 verifications per second on the
# machine's cores (eseal's own arithmetic, and OpenSSL's, which the goal was set against), and
# the in-process sign of the same PDF, alone and with the passes the protocol requires around
# it (the request's `sign` verified over the document's base64, the base64 decoded, the answer's
# encoded); the ratio is the server's cost over the bound (goals: getSealStatus 1.5 against
# OpenSSL's verification, positionSealSign 2 against the sign alone).
#   bench/ldt_load.sh [REQUESTS] [CONNECTIONS (8)]
# ESEAL_BENCH_BUILD names another build folder to use (build/normal: -O2 with debug symbols).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200}
connections=${2:-8}
build=${ESEAL_BENCH_BUILD:-build/release}
[ -f "$build/CMakeCache.txt" ] ||
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DESEAL_BUILD_TESTS=ON \
    -DESEAL_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target eseal ldt_load request_path_bounds >/dev/null
eseal=$PWD/$build/src/eseal
load=$PWD/$build/bench/ldt_load
bounds=$PWD/$build/bench/request_path_bounds

work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
export ESEAL_KEK_FILE=$work/var/kek
"$eseal" demo --data-dir var >/dev/null
"$eseal" serve --data-dir var --port 0 > serve.out 2> serve.err &
server=$!
for _ in $(seq 200); do grep -q '^eseal listening on ' serve.out && break; sleep 0.05; done
url=$(sed -n 's|^eseal listening on \(.*\)$|\1|p' serve.out)/seal/v1/electricSeal

# A 1 MiB PDF: the sample with an incompressible stream object appended in an update.
make_big_pdf() {
  cp var/demo/sample.pdf big.pdf
  head -c $((3 << 18)) /dev/urandom | base64 -w 0 > blob  # 1 MiB of base64 text
  local size offset
  size=$(stat -c %s blob)
  offset=$(stat -c %s big.pdf)
  { printf '6 0 obj\n<< /Length %d >>\nstream\n' "$size"; cat blob; printf '\nendstream\nendobj\n'; } >> big.pdf
  local xref
  xref=$(stat -c %s big.pdf)
  local prev
  prev=$(tail -n 2 var/demo/sample.pdf | head -n 1)  # the number after startxref
  printf 'xref\n6 1\n%010d 00000 n \ntrailer\n<< /Size 7 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n' \
    "$offset" "$prev" "$xref" >> big.pdf
}
make_big_pdf
echo "eseal serve at $url; $requests requests over $connections connections each"
seal_id=$(sed -n 's/.*"sealId":"\([^"]*\)".*/\1/p' var/demo/requests/positionSealSign.json)
"$bounds" var var/demo/app.toml var/demo/requests/getSealStatus.json big.pdf "$seal_id" | tee bounds
# The server's CPU time (user + system, in clock ticks) so far, from /proc.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
ticks=$(server_ticks)
status=$("$load" var/demo/app.toml "$url" getSealStatus var/demo/requests/getSealStatus.json - \
  "$((requests * 10))" "$connections")
status_ticks=$(($(server_ticks) - ticks))
echo "$status"
ticks=$(server_ticks)
signing=$("$load" var/demo/app.toml "$url" positionSealSign \
  var/demo/requests/positionSealSign.json big.pdf "$requests" "$connections")
signing_ticks=$(($(server_ticks) - ticks))
echo "$signing"
per_second() { sed -n "s|.* \([0-9.]*\) $1.*|\1|p"; }
verify_rate=$(grep '^SM2 verification:' bounds | per_second 'per second')
openssl_rate=$(grep '^SM2 verification with OpenSSL' bounds | per_second 'per second')
sign_rate=$(grep '^positionSealSign in process' bounds | per_second 'per second')
passes_rate=$(grep '^positionSealSign protocol passes' bounds | per_second 'per second')
status_rate=$(echo "$status" | per_second 'requests/s')
signing_rate=$(echo "$signing" | per_second 'requests/s')
awk -v v="$verify_rate" -v o="$openssl_rate" -v s="$status_rate" -v i="$sign_rate" -v p="$signing_rate" 'BEGIN {
  printf "getSealStatus costs %.2fx an SM2 verification (%.0f requests/s against %.0f verifications/s)\n", v / s, s, v
  printf "getSealStatus costs %.2fx an OpenSSL SM2 verification (%.0f verifications/s; goal 1.5x)\n", o / s, o
  printf "positionSealSign on 1 MiB costs %.2fx the in-process sign (%.1f requests/s against %.1f signs/s; goal 2x)\n", i / p, p, i
}'
# The same in CPU time, the server's alone (the client shares the machine): milliseconds of
# server CPU per request against the bound's milliseconds of CPU per operation on one core.
threads=$(sed -n 's/^SM2 verification: .* on \([0-9]*\) threads$/\1/p' bounds)
awk -v tck="$(getconf CLK_TCK)" -v n="$threads" -v v="$verify_rate" -v o="$openssl_rate" -v i="$sign_rate" \
  -v pr="$passes_rate" -v st="$status_ticks" -v sn="$((requests * 10))" -v pt="$signing_ticks" \
  -v pn="$requests" 'BEGIN {
  s = st * 1000 / tck / sn; bv = n * 1000 / v
  p = pt * 1000 / tck / pn; bi = n * 1000 / i; bp = n * 1000 / pr
  bo = n * 1000 / o
  printf "getSealStatus: %.2f ms of server CPU per request, %.2fx an SM2 verification (%.3f ms), %.2fx an OpenSSL one (%.2f ms)\n", s, s / bv, bv, s / bo, bo
  printf "positionSealSign on 1 MiB: %.1f ms of server CPU per request, %.2fx the in-process sign (%.1f ms; goal 2x), %.2fx the sign and the protocol passes (%.1f + %.1f ms)\n", p, p / bi, bi, p / (bi + bp), bi, bp
}'
echo "PDF size: $(stat -c %s big.pdf) bytes"
