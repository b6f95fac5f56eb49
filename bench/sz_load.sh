#!/usr/bin/env bash
# Load on the DB4403 door: builds eseal, eseal-mobile and the load client (release), sets up the
# demo data in a temporary folder as tests/cli/sz_test.sh does (the demo's COSS user activates a
# phone, `eseal sz grant` gives the demo app the organization's seals), starts `eseal serve` on a
# free port and prints requests per second and p50/p99 latency for genFileVerify on a signed
# 1 MiB PDF and for genCalculateFileHash on batches of 30 such PDFs; then, against a freshly
# started server, how far one batch of 30 PDFs of BATCH_MIB each (30: the largest batch the
# door takes) raises the server's peak RSS next to the batch's size.
#   bench/sz_load.sh [REQUESTS] [CONNECTIONS] [BATCH_MIB]
# ESEAL_BENCH_BUILD names another build folder to use (build/normal: -O2 with debug symbols).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200}
connections=${2:-4}
batch_mib=${3:-30}
# A batch carries 30 documents: fewer of them keep the run about as long as the verifications.
batches=$((requests / 20 > 5 ? requests / 20 : 5))
build=${ESEAL_BENCH_BUILD:-build/release}
[ -f "$build/CMakeCache.txt" ] ||
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DESEAL_BUILD_TESTS=ON \
    -DESEAL_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target eseal eseal-mobile sz_load >/dev/null
eseal=$PWD/$build/src/eseal
mobile=$PWD/$build/src/eseal-mobile
load=$PWD/$build/bench/sz_load

work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
export ESEAL_KEK_FILE=$work/var/kek ESEAL_MOBILE_HOME=$work/phone ESEAL_MOBILE_PIN=135790
"$eseal" demo --data-dir var >/dev/null

# Starts `eseal serve` on a free port: $server is its pid, $url its address.
start_server() {
  "$eseal" serve --data-dir var --port 0 > serve.out 2> serve.err &
  server=$!
  for _ in $(seq 200); do grep -q '^eseal listening on ' serve.out && break; sleep 0.05; done
  url=$(sed -n 's|^eseal listening on \(.*\)$|\1|p' serve.out)
}
start_server

# The seal holder's phone and the grant, as the README walks a newcomer through them.
user_id=$(sed -n 's/^user_id = "\(.*\)"$/\1/p' var/demo/coss.toml)
qr=$("$eseal" call coss getAuthCode --app var/demo/coss.toml --url "$url" --set "userId=$user_id" |
  sed -n 's/.*"authCode": "\(.*\)",$/\1/p' | sed 's/\\"/"/g')
"$mobile" activate "$qr" --name 测试手机 >/dev/null
"$eseal" sz grant --app var/demo/sz.toml --org-name 深圳市演示科技有限公司 \
  --credit-code 91440300MA5DEM0019 --user "$user_id" --legal-person --seal-types 1,2,4 \
  --data-dir var >/dev/null

# make_big_pdf OUT BYTES: the sample PDF with an incompressible stream of BYTES bytes (base64
# text, a multiple of 4) appended in an update.
make_big_pdf() {
  cp var/demo/sample.pdf "$1"
  head -c $(($2 / 4 * 3)) /dev/urandom | base64 -w 0 > blob
  local size offset
  size=$(stat -c %s blob)
  offset=$(stat -c %s "$1")
  { printf '6 0 obj\n<< /Length %d >>\nstream\n' "$size"; cat blob; printf '\nendstream\nendobj\n'; } >> "$1"
  local xref
  xref=$(stat -c %s "$1")
  local prev
  prev=$(tail -n 2 var/demo/sample.pdf | head -n 1)  # the number after startxref
  printf 'xref\n6 1\n%010d 00000 n \ntrailer\n<< /Size 7 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n' \
    "$offset" "$prev" "$xref" >> "$1"
  rm blob
}
make_big_pdf big.pdf $((1 << 20))
# Just under the door's limit ([limits] file_mib) with the sample's own bytes.
make_big_pdf batch.pdf $(((batch_mib << 20) - 65536))
# Signed with the demo organization's official seal, the one its centralized-signing request
# names, held in the data folder.
seal_id=$(sed -n 's/.*"sealId":"\([^"]*\)".*/\1/p' var/demo/sz-requests/genCentralizedSignature.json)
"$eseal" pdf sign --in big.pdf --out signed.pdf --seal-id "$seal_id" --data-dir var --page 1 \
  --x 120 --y 40 >/dev/null

echo "eseal serve at $url/sz/v1; $requests verifications and $batches batches over" \
  "$connections connections each"
"$load" var/demo/sz.toml "$url" genFileVerify signed.pdf "$requests" "$connections"
"$load" var/demo/sz.toml "$url" genCalculateFileHash big.pdf "$batches" "$connections"
# One batch alone on a server that has answered nothing yet, so that its peak RSS is the batch's
# and not what earlier, concurrent requests left.
kill "$server"
wait "$server" || true
start_server
"$load" var/demo/sz.toml "$url" genCalculateFileHash batch.pdf 1 1 "$server"
echo "PDF size: $(stat -c %s big.pdf) bytes, signed $(stat -c %s signed.pdf) bytes," \
  "in the batch $(stat -c %s batch.pdf) bytes"
