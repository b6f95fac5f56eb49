#!/usr/bin/env bash
# Load on the public seal-status service (LD/T 01.4 §5.2.15, DB.seal.status.query): builds eseal
# and the LD/T load client (release), sets up the demo data in a temporary folder, starts
# `eseal serve`, files the demo's official seal with the server itself (`eseal filing run`, the
# demo app as the seal-making system), then prints requests per second and p50/p99 latency for
# anonymous status queries of that seal, beside getSealStatus on the same door as a reference
# measured in the same run.
#   bench/filing_load.sh [REQUESTS] [CONNECTIONS]
# ESEAL_BENCH_BUILD names another build folder to use, as for bench/ldt_load.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-2000}
connections=${2:-8}
build=${ESEAL_BENCH_BUILD:-build/release}
[ -f "$build/CMakeCache.txt" ] ||
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DESEAL_BUILD_TESTS=ON \
    -DESEAL_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target eseal ldt_load >/dev/null
eseal=$PWD/$build/src/eseal
load=$PWD/$build/bench/ldt_load

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

cat > filing.toml <<TOML
[data]
dir = "var"
[filing]
upstream_url = "$url"
credentials = "var/demo/app.toml"
platform_cert = "var/platform/lock.pem"
TOML
seal=$("$eseal" seal list --data-dir var | awk '$3 == 1 {print $1; exit}')
code=$("$eseal" filing run "$seal" --config filing.toml --area 440 --district 440300 |
  sed -n 's/^seal code *//p')

# An anonymous query: its sign is the first 16 bytes of SM3 over the sorted fields.
query_time="2030-01-01 00:00:00"
canonical="format=json&method=DB.seal.status.query&queryTime=$query_time&sealCode=$code&timestamp=20300101000000&type=sync&version=1.0"
sign=$(printf '%s' "$canonical" | openssl dgst -sm3 -r | cut -c1-32 | tr a-f A-F)
cat > status.json <<JSON
{"format":"json","method":"DB.seal.status.query","queryTime":"$query_time","sealCode":"$code",
 "timestamp":"20300101000000","type":"sync","version":"1.0","sign":"$sign"}
JSON
echo "eseal serve at $url; seal $seal filed as $code; $requests requests over $connections connections"
status=$("$load" var/demo/app.toml "$url" DB.seal.status.query status.json - "$requests" "$connections")
echo "$status"
reference=$("$load" var/demo/app.toml "$url" getSealStatus var/demo/requests/getSealStatus.json - \
  "$requests" "$connections")
echo "$reference"
rate() { echo "$1" | sed -n 's/.* \([0-9.]*\) requests\/s.*/\1/p' | head -n 1; }
echo "DB.seal.status.query / getSealStatus: $(awk -v a="$(rate "$status")" -v b="$(rate "$reference")" \
  'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')"
