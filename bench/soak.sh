#!/usr/bin/env bash
# Soak: a bounded mixed load on one `eseal serve` for MINUTES (60), watching the server for
# growth of memory, descriptors and latency. It makes a throw-away demo data folder (`eseal
# demo`), starts the server on a free port and runs SOAK_CLIENTS (4) clients, each sending the
# mix below round after round, one request at a time, SOAK_PAUSE_SECONDS (0.2) apart (together
# about one of two cores, the server some 20% of one):
#   - LD/T 01.4: the demo's requests (D/demo/requests/*.sh, `eseal call ldt`) but applySeal,
#     which registers a new seal with every call (the registry would grow by design);
#   - DB4403: the demo's requests that need no grant (genFileVerify, genRecognizeRegionalsSeal,
#     genFormatFile, genFileUplode, genCentralizedSignature, genFileDownload); the others need a
#     seal holder's activated phone;
#   - COSS: reads that need no phone (queryUserInfo, queryAutoSignRegion, getAuthorizedsDetail);
#   - REST: a console sign-in (Argon2id), the seal list, a public seal, an upload verified, the
#     sign-out; and GET /readyz;
#   - time stamps: a request made by `eseal ts request` POSTed to /tsa, the reply checked;
#   - 20 MiB: a one-page PDF whose page is a 20 MiB picture (`eseal convert` of a noise BMP),
#     verified over LD/T, DB4403 and REST every round and signed over LD/T every
#     SOAK_BIG_SIGN_EVERY-th (4th) round of each client (each signed copy is archived: about
#     3 GB of disk an hour);
#   - bad requests, counted as refused (expected) when the answer carries the refusal's own code:
#     wrong HMAC, bsign and COSS signature; an unknown seal (LD/T, DB4403, REST) and COSS user;
#     malformed JSON (every family); a sealed PDF cut short (LD/T, DB4403); no session; an unknown
#     login; a cut time-stamp request; a body over the LD/T limit (413 from its Content-Length);
#     a body cut short by a client that goes away.
# Signed outputs (small PDF and OFD, the 20 MiB PDF) are checked with `eseal pdf|ofd verify`.
# Every SOAK_SAMPLE_SECONDS (5) it samples the server's VmRSS, open descriptors and CPU time, and
# every SOAK_INTERVAL_SECONDS (600) prints a line: minutes elapsed, requests (ok / refused as
# expected / failed), RSS in MiB and descriptors (the interval's median and maximum), the
# server's CPU (100: one core), and p50/p90/p99 latency in ms of small requests, 20 MiB ones and
# refusals. Latency is the client's, from starting its command (`eseal call`, curl) to its exit:
# it includes the client's own work (a process start, the envelope, base64 of 20 MiB).
# At the end: a table per request, the server's log lines above info, SIGTERM to the server (it
# must exit 0), `eseal audit verify`, and the verdict: exit 1 when a request failed unexpectedly,
# a client or the server died, the server did not exit 0, the audit chain does not verify, or
# RSS or descriptors grew by more than SOAK_MAX_RSS_GROWTH_PERCENT or SOAK_MAX_FD_GROWTH_PERCENT
# (5; "off": shown, not judged) from the first interval after warm-up (the first interval) to
# the last, each the interval's median; growth under 2 MiB, or under SOAK_CLIENTS descriptors
# (each client holds a connection at times), is not counted. With fewer than three intervals
# growth is not judged.
# The short form (ctest bench.soak_short: 2 minutes, 30 s intervals) judges descriptors but not
# RSS (SOAK_MAX_RSS_GROWTH_PERCENT=off): an interval of 30 s holds six samples, and a 20 MiB
# request in flight adds up to 90 MiB to the 45 MiB the server otherwise holds, so its medians
# say more about when the samples fell than about growth. (Before `eseal serve` fixed glibc's
# mmap threshold at 4 MiB, the freed 20 MiB buffers stayed in each worker thread's heap and RSS
# climbed for a quarter of an hour, to about 476 MiB.) Growth is for the longer forms; leaks
# also for LeakSanitizer, in the sanitizer build's other server tests.
#   bench/soak.sh [MINUTES]
# ESEAL names the eseal binary (default: build/release/src/eseal, else build/normal/src/eseal);
# the script builds nothing. Ctrl-C stops the clients and the server and removes the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-60}
interval=${SOAK_INTERVAL_SECONDS:-600}
clients=${SOAK_CLIENTS:-4}
pause=${SOAK_PAUSE_SECONDS:-0.2}
sample_every=${SOAK_SAMPLE_SECONDS:-5}
big_sign_every=${SOAK_BIG_SIGN_EVERY:-4}
max_rss_growth=${SOAK_MAX_RSS_GROWTH_PERCENT:-5}
max_fd_growth=${SOAK_MAX_FD_GROWTH_PERCENT:-5}
[[ $minutes =~ ^[1-9][0-9]*$ && $interval =~ ^[1-9][0-9]*$ ]] ||
  { echo "usage: bench/soak.sh [MINUTES] (SOAK_INTERVAL_SECONDS: seconds)" >&2; exit 2; }
eseal=${ESEAL:-}
if [ -z "$eseal" ]; then
  eseal=build/release/src/eseal
  [ -x "$eseal" ] || eseal=build/normal/src/eseal
fi
[ -x "$eseal" ] || { echo "soak: no eseal at $eseal (build it, or set ESEAL)" >&2; exit 2; }
eseal=$(realpath "$eseal")

work=$(mktemp -d)
server=
sampler=
client_pids=()
# Stops whatever is still running and removes the folder; the normal end has stopped the
# clients and the server already.
cleanup() {
  set +e
  trap '' INT TERM
  [ ${#client_pids[@]} -gt 0 ] && kill "${client_pids[@]}" 2>/dev/null
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null
    wait "$server" 2>/dev/null
  fi
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "soak: interrupted" >&2; exit 130' INT TERM
cd "$work"
export ESEAL_KEK_FILE=$work/var/kek
var=$work/var
demo=$var/demo
ca=$var/platform/ca.pem
# setup COMMAND...: a step before the load; its output in setup.out, shown when it fails.
setup() { "$@" >setup.out 2>&1 || { echo "soak: failed: $*" >&2; cat setup.out >&2; exit 1; }; }
setup "$eseal" demo --data-dir "$var"
# alive PID: the process is there and not a zombie (a child that ended, not yet waited for).
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }

"$eseal" serve --data-dir "$var" --port 0 >serve.out 2>serve.err &
server=$!
for _ in $(seq 600); do
  grep -q '^eseal listening on ' serve.out && break
  alive "$server" || { cat serve.err >&2; exit 1; }
  sleep 0.1
done
base=$(sed -n 's|^eseal listening on \(.*\)$|\1|p' serve.out)
[ -n "$base" ] || { echo "soak: the server did not start" >&2; cat serve.err >&2; exit 1; }
port=${base##*:}
ldt_url=$base/seal/v1/electricSeal

# The 20 MiB PDF: a 2560 x 2730 BMP of noise (24 bits, no padding: 7680-byte rows) converted.
le32() {
  local b
  for b in 0 8 16 24; do printf '%b' "\\x$(printf %02x $((($1 >> b) & 255)))"; done
}
pixels=$((2560 * 3 * 2730))
{
  printf BM; le32 $((54 + pixels)); le32 0; le32 54
  le32 40; le32 2560; le32 2730; printf '\x01\x00\x18\x00'; le32 0; le32 "$pixels"
  le32 2835; le32 2835; le32 0; le32 0
  head -c "$pixels" /dev/urandom
} >noise.bmp
setup "$eseal" convert noise.bmp --to pdf --out big.pdf
rm noise.bmp
# Signed once before the load: the document the 20 MiB verifications send.
setup "$eseal" call ldt positionSealSign --app "$demo/app.toml" --url "$ldt_url" \
  --content "$demo/requests/positionSealSign.json" --file big.pdf --save big-signed.pdf
setup "$eseal" pdf verify big-signed.pdf --ca "$ca"
echo "{\"fileName\":\"big.pdf\",\"fileBase64\":\"@file:$work/big-signed.pdf\"}" >sz-big.json
# A stored document of the demo app, for genFileDownload.
setup sh "$demo/sz-requests/genCentralizedSignature.sh" --url "$base" --set orderId=SOAK-0
document=$(sed -n 's/.*"layoutPath": "\([^"]*\)".*/\1/p' setup.out)

# Bad material: credentials with one character changed (beside the originals, whose relative
# key paths they keep), the sealed sample PDF without its last 200 bytes (its signature's
# revision cut short), a time-stamp request cut short.
corrupt() { sed "s/^$1 = \"A/$1 = \"B/; t; s/^$1 = \"./$1 = \"A/" "$demo/$2" >"$demo/soak-bad-$2"; }
corrupt hmac_key app.toml
corrupt mac_key sz.toml
corrupt secure_code coss.toml
head -c $(($(stat -c %s "$demo/sample-sealed.pdf") - 200)) "$demo/sample-sealed.pdf" >truncated.pdf
echo "{\"fileName\":\"t.pdf\",\"fileBase64\":\"@file:$work/truncated.pdf\"}" >sz-truncated.json
setup "$eseal" ts request --data "$demo/sample.pdf" --out full.tsq
head -c 20 full.tsq >truncated.tsq
seal_id=$(sed -n 's/.*"sealId":"\([^"]*\)".*/\1/p' "$demo/requests/positionSealSign.json")
user_id=$(sed -n 's/^user_id = "\(.*\)"$/\1/p' "$demo/coss.toml")
password=$(awk '$1 == "operator" { print $2 }' "$demo/console.txt")
unknown=00000000000000000000000000000000

# One round of every client, small and bad requests interleaved with the 20 MiB ones; the REST
# session's three requests in this order.
mix=(
  ldt.getSealStatus ldt.positionSealSign bad.ldt.hmac sz.genFileVerify coss.queryUserInfo
  rest.session rest.seals bad.rest.noSession rest.signOut big.ldt.verifyFile
  ldt.keyWordSealSign bad.sz.bsign tsa ldt.getSeal bad.coss.signature rest.publicSeal
  sz.genRecognizeRegionalsSeal bad.ldt.json ldt.pagingSealSign readyz bad.tsa.truncated
  big.sz.genFileVerify ldt.lockSign bad.sz.unknownSeal sz.genFormatFile coss.queryAutoSignRegion
  bad.ldt.oversize ldt.delLockSign rest.verification bad.rest.unknownSeal big.ldt.positionSealSign
  ldt.signAndLockSign bad.coss.unknownUser sz.genFileUplode bad.ldt.unknownSeal ldt.verifyEleSign
  bad.sz.json coss.getAuthorizedsDetail big.rest.verification ldt.watermarkAndLockSign
  bad.ldt.truncatedBody sz.genCentralizedSignature bad.rest.json ldt.verifyFile bad.coss.json
  sz.genFileDownload bad.ldt.truncatedPdf bad.rest.password bad.sz.truncatedPdf
)

# A client: N, its folder (copies of the demo's request scripts writing their documents there),
# its log of requests ("END_MS KIND OP OUTCOME LATENCY_MS"). SIGTERM ends it at once, with the
# request in flight.
client() {
  local n=$1 round=0 op child='' post=() csrf=''
  local dir=$work/client-$n
  mkdir -p "$dir/requests" "$dir/sz-requests"
  local f
  for f in "$demo"/requests/*.sh "$demo"/sz-requests/*.sh; do
    sed "s|--save [^ ]*/\(out-[^ ]*\)|--save $dir/\1|" "$f" >"$dir/${f#"$demo"/}"
  done
  trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 0' TERM

  # run KIND OP EXPECTED STATUS PATTERN COMMAND...: runs COMMAND, timed, then the check in
  # $post if any; records EXPECTED (ok or refused) when COMMAND exits with STATUS, the check
  # passes and their output holds PATTERN (a fixed string; empty: anything), else "failed",
  # keeping the output in $work/failures.
  run() {
    local kind=$1 name=$2 expected=$3 want=$4 pattern=$5 start end status outcome
    shift 5
    start=${EPOCHREALTIME//[!0-9]/}
    "$@" >"$dir/out" 2>&1 &
    child=$!
    if wait "$child"; then status=0; else status=$?; fi
    child=
    end=${EPOCHREALTIME//[!0-9]/}
    outcome=$expected
    if [ "$status" != "$want" ]; then
      outcome=failed
      echo "(exit $status, expected $want)" >>"$dir/out"
    elif [ ${#post[@]} -gt 0 ] && ! "${post[@]}" >>"$dir/out" 2>&1; then
      outcome=failed
    elif [ -n "$pattern" ] && ! grep -qF -- "$pattern" "$dir/out"; then
      outcome=failed
    fi
    post=()
    echo "$((end / 1000)) $kind $name $outcome $(((end - start) / 1000))" >>"$dir/log"
    if [ "$outcome" = failed ] && [ "$(find "$work/failures" -type f | wc -l)" -lt 50 ]; then
      cp "$dir/out" "$work/failures/$((end / 1000))-client$n-$name"
    fi
  }
  good() { run "$1" "$2" ok 0 "$3" "${@:4}"; }
  bad() { run refusal "$1" refused "$2" "$3" "${@:4}"; }
  # The clients' commands, run as they are (not in functions), so that SIGTERM reaches them.
  local call=(timeout 300 "$eseal" call)
  local http=(curl -sS --max-time 300 -w '\nHTTP %{http_code}\n')
  local json=("${http[@]}" -H 'Content-Type: application/json' --data-binary)
  # raw HEAD [BODY]: sends HEAD and BODY (printf %b escapes) on a new connection; with a BODY
  # (cut short of its Content-Length) it goes away at once, without one it prints the status
  # line answered within 10 s.
  # shellcheck disable=SC2317 # run calls it
  raw() {
    local fd line=
    exec {fd}<>"/dev/tcp/127.0.0.1/$port"
    printf '%b' "$1${2-}" >&"$fd"
    if [ -n "${2-}" ]; then
      echo "sent ${#2} bytes of the body and closed"
    else
      read -r -t 10 line <&"$fd" || true
      echo "answer: ${line:-none}"
    fi
    exec {fd}<&-
  }
  local head='POST /seal/v1/electricSeal HTTP/1.1\r\nHost: 127.0.0.1\r\n'
  head+='Content-Type: application/json\r\n'
  local ldt=("${call[@]}" ldt --app "$demo/app.toml" --url "$ldt_url")
  local sz=("${call[@]}" sz --app "$demo/sz.toml" --url "$base")
  local coss=("${call[@]}" coss --app "$demo/coss.toml" --url "$base")
  local pdf=("${http[@]}" -H 'Content-Type: application/pdf')
  local tsq=(curl -sS --max-time 300 -H 'Content-Type: application/timestamp-query')

  # send OP: one request of the mix.
  send() {
    case $1 in
      ldt.positionSealSign)
        post=("$eseal" pdf verify "$dir/out-positionSealSign.pdf" --ca "$ca")
        good small "$1" "" timeout 300 sh "$dir/requests/positionSealSign.sh" --url "$ldt_url" ;;
      ldt.keyWordSealSign)
        post=("$eseal" ofd verify "$dir/out-keyWordSealSign.ofd" --ca "$ca")
        good small "$1" "" timeout 300 sh "$dir/requests/keyWordSealSign.sh" --url "$ldt_url" ;;
      ldt.*) good small "$1" "" timeout 300 sh "$dir/requests/${1#ldt.}.sh" --url "$ldt_url" ;;
      sz.genFileDownload)
        good small "$1" "" timeout 300 sh "$dir/sz-requests/genFileDownload.sh" --url "$base" \
          --set "documentPath=$document" ;;
      sz.genCentralizedSignature)
        good small "$1" "" timeout 300 sh "$dir/sz-requests/genCentralizedSignature.sh" \
          --url "$base" --set "orderId=SOAK-$n-$round" ;;
      sz.*) good small "$1" "" timeout 300 sh "$dir/sz-requests/${1#sz.}.sh" --url "$base" ;;
      coss.getAuthorizedsDetail)
        good small "$1" "" "${coss[@]}" getAuthorizedsDetail --set "userId=$user_id" \
          --set status=AUTHORIZE ;;
      coss.*) good small "$1" "" "${coss[@]}" "${1#coss.}" --set "userId=$user_id" ;;
      rest.session)
        good small "$1" 'HTTP 200' "${json[@]}" \
          "{\"login\":\"operator\",\"password\":\"$password\"}" -c "$dir/cookies" \
          "$base/api/v1/session"
        csrf=$(sed -n 's/.*"csrf": *"\([0-9a-f]*\)".*/\1/p' "$dir/out") ;;
      rest.seals) good small "$1" 'HTTP 200' "${http[@]}" -b "$dir/cookies" "$base/api/v1/seals" ;;
      rest.signOut)
        good small "$1" '"signedOut":true' "${http[@]}" -b "$dir/cookies" -X DELETE \
          -H "X-CSRF-Token: $csrf" "$base/api/v1/session" ;;
      rest.publicSeal)
        good small "$1" 'HTTP 200' "${http[@]}" "$base/api/v1/public/seals/$seal_id" ;;
      rest.verification)
        good small "$1" '"valid": true' "${pdf[@]}" --data-binary "@$demo/sample-sealed.pdf" \
          "$base/api/v1/verification" ;;
      readyz) good small "$1" '"status":"ready"' "${http[@]}" "$base/readyz" ;;
      tsa)
        "$eseal" ts request --data "$demo/sample.pdf" --out "$dir/request.tsq" --force >/dev/null
        post=("$eseal" ts verify --in "$dir/reply.tsr" --request "$dir/request.tsq"
          --data "$demo/sample.pdf" --ca "$ca")
        good small "$1" 'OK the time stamp holds' "${tsq[@]}" -o "$dir/reply.tsr" \
          --data-binary "@$dir/request.tsq" "$base/tsa" ;;
      big.ldt.verifyFile)
        good 20MiB "${1#big.}" "" "${ldt[@]}" verifyFile \
          --content "$demo/requests/verifyFile.json" --file "$work/big-signed.pdf" ;;
      big.ldt.positionSealSign)
        [ $(((round + n) % big_sign_every)) = 0 ] || return 0
        post=("$eseal" pdf verify "$dir/big-signed.pdf" --ca "$ca")
        good 20MiB "${1#big.}" "" "${ldt[@]}" positionSealSign \
          --content "$demo/requests/positionSealSign.json" --file "$work/big.pdf" \
          --save "$dir/big-signed.pdf" ;;
      big.sz.genFileVerify)
        good 20MiB "${1#big.}" "" "${sz[@]}" genFileVerify --content "$work/sz-big.json" ;;
      big.rest.verification)
        good 20MiB "${1#big.}" '"valid": true' "${pdf[@]}" --data-binary "@$work/big-signed.pdf" \
          "$base/api/v1/verification" ;;
      bad.ldt.hmac)
        bad "$1" 1 'hmac验证失败' "${call[@]}" ldt getSealStatus \
          --app "$demo/soak-bad-app.toml" --url "$ldt_url" \
          --content "$demo/requests/getSealStatus.json" ;;
      bad.ldt.unknownSeal)
        bad "$1" 1 "印章不存在：$unknown" "${ldt[@]}" positionSealSign \
          --content "$demo/requests/positionSealSign.json" --file "$demo/sample.pdf" --set \
          "signList=[{\"sealId\":\"$unknown\",\"pageNum\":\"1\",\"zx\":\"120\",\"zy\":\"60\"}]" ;;
      bad.ldt.json)
        bad "$1" 0 '报文不是合法的JSON' "${json[@]}" '{"message_header":{"businesstype":' \
          "$ldt_url" ;;
      bad.ldt.oversize)
        bad "$1" 0 'answer: HTTP/1.1 413' raw "${head}Content-Length: $((100 << 20))\r\n\r\n" ;;
      bad.ldt.truncatedBody)
        bad "$1" 0 'closed' raw "${head}Content-Length: 100000\r\n\r\n" '{"message_header":{' ;;
      bad.ldt.truncatedPdf)
        bad "$1" 1 '签章验证未通过' "${ldt[@]}" verifyFile \
          --content "$demo/requests/verifyFile.json" --file "$work/truncated.pdf" ;;
      bad.sz.bsign)
        bad "$1" 1 'T000034' "${call[@]}" sz genFileVerify --app "$demo/soak-bad-sz.toml" \
          --url "$base" --content "$demo/sz-requests/genFileVerify.json" ;;
      bad.sz.unknownSeal)
        bad "$1" 1 'T000004' "${sz[@]}" genCentralizedSignature \
          --content "$demo/sz-requests/genCentralizedSignature.json" \
          --set "signatoriesList=[{\"x\":0.7,\"y\":0.25,\"page\":1,\"sealId\":\"$unknown\"}]" ;;
      bad.sz.json) bad "$1" 0 'T000011' "${json[@]}" '{"reqId":' "$base/sz/v1/genFileVerify" ;;
      bad.sz.truncatedPdf)
        bad "$1" 1 'T000040' "${sz[@]}" genFileVerify --content "$work/sz-truncated.json" ;;
      bad.coss.signature)
        bad "$1" 1 '89000005' "${call[@]}" coss queryUserInfo --app "$demo/soak-bad-coss.toml" \
          --url "$base" --set "userId=$user_id" ;;
      bad.coss.unknownUser)
        bad "$1" 1 '89004022' "${coss[@]}" queryUserInfo --set "userId=$unknown$unknown" ;;
      bad.coss.json)
        bad "$1" 0 '89000001' "${json[@]}" '{"appId":' "$base/coss/service/v1/queryUserInfo" ;;
      bad.rest.noSession) bad "$1" 0 'HTTP 401' "${http[@]}" "$base/api/v1/seals" ;;
      bad.rest.unknownSeal)
        bad "$1" 0 'HTTP 404' "${http[@]}" "$base/api/v1/public/seals/$unknown" ;;
      bad.rest.json) bad "$1" 0 'invalid_json' "${json[@]}" '{"login":' "$base/api/v1/session" ;;
      bad.rest.password)
        bad "$1" 0 'bad_credentials' "${json[@]}" '{"login":"soak-nobody","password":"wrong"}' \
          "$base/api/v1/session" ;;
      bad.tsa.truncated)
        post=("$eseal" ts show "$dir/refused.tsr")
        bad "$1" 0 'badDataFormat' "${tsq[@]}" -o "$dir/refused.tsr" \
          --data-binary "@$work/truncated.tsq" "$base/tsa" ;;
    esac
  }

  while :; do
    round=$((round + 1))
    for op in "${mix[@]}"; do
      send "$op"
      sleep "$pause"
    done
  done
}

# sampler: every $sample_every seconds "EPOCH RSS_KIB FDS CPU_TICKS" of the server.
sampler() {
  local key value rss fds stat
  while alive "$server"; do
    rss=
    while read -r key value _; do
      case $key in VmRSS:) rss=$value ;; esac
    done 2>/dev/null <"/proc/$server/status" || break
    fds=("/proc/$server/fd/"*)
    read -r -a stat 2>/dev/null <"/proc/$server/stat" || break
    [ -n "$rss" ] && echo "$EPOCHSECONDS $rss ${#fds[@]} $((stat[13] + stat[14]))" >>"$work/samples"
    sleep "$sample_every"
  done
}

# percentiles: reads numbers, prints p50/p90/p99 (nearest rank), or "-".
percentiles() {
  sort -n | awk '{ v[NR] = $1 }
    function rank(q,  i) { i = int(q * NR); if (i < q * NR) i++; return i < 1 ? 1 : i }
    END { if (NR) printf "%d/%d/%d", v[rank(0.5)], v[rank(0.9)], v[rank(0.99)]; else printf "-" }'
}
# records FROM TO: the requests that ended in [FROM, TO) (seconds).
records() {
  cat "$work"/client-*/log 2>/dev/null | awk -v a="$1" -v b="$2" '$1 >= a * 1000 && $1 < b * 1000'
}
# latency FROM TO KIND: p50/p90/p99 of KIND's requests that did not fail.
latency() {
  records "$1" "$2" | awk -v k="$3" '$2 == k && $4 != "failed" { print $5 }' | percentiles
}
# samples FROM TO COLUMN: the median and maximum of a sample column in [FROM, TO).
samples() {
  awk -v a="$1" -v b="$2" -v c="$3" '$1 >= a && $1 < b { print $c }' "$work/samples" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)], v[NR]; else print 0, 0 }'
}

mkdir -p failures
echo "soak: eseal serve (pid $server) at $base, $clients clients for $minutes minutes," \
  "a line every $interval s; 20 MiB PDF of $(stat -c %s big.pdf) bytes"
sampler &
sampler=$!
for n in $(seq "$clients"); do
  client "$n" &
  client_pids+=($!)
  sleep 1
done

total=$((minutes * 60))
intervals=$(((total + interval - 1) / interval))
start=$EPOCHSECONDS
problems=()
rss_median=()
fds_median=()
row='%5s %8s %17s %15s %9s %4s  %-17s %-17s %s\n'
# shellcheck disable=SC2059 # one format for the heading and the rows
printf "$row" min requests ok/refused/failed 'RSS MiB med/max' 'fds m/max' cpu% \
  'small p50/90/99' '20MiB p50/90/99' 'refusals p50/90/99 (ms)'
for ((k = 1; k <= intervals; k++)); do
  from=$((start + (k - 1) * interval))
  to=$((start + k * interval))
  ((to > start + total)) && to=$((start + total))
  while ((EPOCHSECONDS < to)); do
    if ! alive "$server"; then
      problems+=("the server stopped during the run")
      break
    fi
    for pid in "${client_pids[@]}"; do
      alive "$pid" || problems+=("client process $pid stopped")
    done
    [ ${#problems[@]} = 0 ] || break
    sleep 1
  done
  now=$((EPOCHSECONDS < to ? EPOCHSECONDS : to))
  read -r ok refused failed < <(records "$from" "$now" |
    awk '{ n[$4]++ } END { print n["ok"] + 0, n["refused"] + 0, n["failed"] + 0 }')
  read -r rss rss_max < <(samples "$from" "$now" 2)
  read -r fds fds_max < <(samples "$from" "$now" 3)
  cpu=$(awk -v a="$from" -v b="$now" -v hz="$(getconf CLK_TCK)" '$1 >= a && $1 < b {
      if (!t0) { t0 = $1; c0 = $4 } t1 = $1; c1 = $4 }
    END { if (t1 > t0) printf "%.0f", (c1 - c0) / hz / (t1 - t0) * 100; else printf "-" }' samples)
  rss_median+=("$rss")
  fds_median+=("$fds")
  # shellcheck disable=SC2059
  printf "$row" "$(awk -v s=$((now - start)) 'BEGIN { printf "%.1f", s / 60 }')" \
    $((ok + refused + failed)) "$ok/$refused/$failed" \
    "$(awk -v m="$rss" -v x="$rss_max" 'BEGIN { printf "%.1f/%.1f", m / 1024, x / 1024 }')" \
    "$fds/$fds_max" "$cpu" "$(latency "$from" "$now" small)" "$(latency "$from" "$now" 20MiB)" \
    "$(latency "$from" "$now" refusal)"
  [ ${#problems[@]} = 0 ] || break
done

kill "${client_pids[@]}" 2>/dev/null || true
wait "${client_pids[@]}" 2>/dev/null || true
client_pids=()

echo
echo "per request over the whole run (latency in ms of those that did not fail):"
printf '  %-7s %-30s %5s %5s %7s %6s  %-16s %6s\n' kind request sent ok refused failed \
  p50/p90/p99 max
cat client-*/log | awk '{ print $2, $3 }' | sort -u | while read -r kind name; do
  cat client-*/log | awk -v k="$kind" -v r="$name" '$2 == k && $3 == r' >one
  read -r sent ok refused failed max < <(awk '{ n[$4]++; if ($4 != "failed" && $5 > m) m = $5 }
    END { print NR, n["ok"] + 0, n["refused"] + 0, n["failed"] + 0, m + 0 }' one)
  printf '  %-7s %-30s %5d %5d %7d %6d  %-16s %6d\n' "$kind" "$name" "$sent" "$ok" "$refused" \
    "$failed" "$(awk '$4 != "failed" { print $5 }' one | percentiles)" "$max"
done
read -r ok refused failed < <(cat client-*/log |
  awk '{ n[$4]++ } END { print n["ok"] + 0, n["refused"] + 0, n["failed"] + 0 }')
echo "requests: $((ok + refused + failed)): $ok ok, $refused refused as expected, $failed failed"
[ "$failed" = 0 ] || problems+=("$failed requests failed unexpectedly")
find failures -type f | sort | head -n 5 | while read -r f; do
  echo "--- failed: ${f#failures/}"
  head -n 15 "$f"
done

kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=
echo "server log lines by level: $(awk '{ print $2 }' serve.err | sort | uniq -c | xargs)"
grep -vE '^[^ ]+ (trace|debug|info) ' serve.err | head -n 10 || true
if alive "$server"; then
  kill -TERM "$server"
  if wait "$server"; then status=0; else status=$?; fi
  server=
  echo "server: exit $status after SIGTERM"
  [ "$status" = 0 ] || problems+=("the server exited $status after SIGTERM")
else
  if wait "$server"; then status=0; else status=$?; fi
  server=
  echo "server: stopped during the run (exit status $status); its log ends:"
  tail -n 20 serve.err
fi
echo "data folder: $(du -sh "$var" | cut -f1)"
if "$eseal" audit verify --data-dir "$var" >audit.out 2>&1; then
  echo "audit: $(tail -n 1 audit.out)"
else
  echo "audit: FAILED"
  cat audit.out
  problems+=("the audit chain does not verify")
fi

# growth WHAT FIRST LAST FLOOR LIMIT: the growth from FIRST to LAST in percent, judged against
# LIMIT (or "off") unless it is under FLOOR.
growth() {
  local verdict
  verdict=$(awk -v f="$2" -v l="$3" -v floor="$4" -v max="$5" 'BEGIN {
    g = f > 0 ? (l - f) * 100 / f : 0
    if (max == "off") s = "not judged"
    else if (l - f < floor || g <= max)
      s = "ok (limit " max "%, growth under " floor " not counted)"
    else s = "FAIL (limit " max "%)"
    printf "%.1f -> %.1f: %+.1f%%, %s", f, l, g, s }')
  echo "$1 $verdict"
  case $verdict in *FAIL*) problems+=("$1 grew by more than $5%") ;; esac
}
measured=${#rss_median[@]}
if [ "$measured" -ge 3 ]; then
  echo "growth from interval 2 (the first after warm-up) to interval $measured, interval medians:"
  growth "RSS MiB" "$(awk -v k="${rss_median[1]}" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="${rss_median[measured - 1]}" 'BEGIN { print k / 1024 }')" 2 "$max_rss_growth"
  growth "fds" "${fds_median[1]}" "${fds_median[measured - 1]}" $((clients > 2 ? clients : 2)) \
    "$max_fd_growth"
else
  echo "growth: not judged ($measured intervals: warm-up and at least two more are needed)"
fi
if [ ${#problems[@]} = 0 ]; then
  echo "verdict: PASS"
else
  echo "verdict: FAIL"
  printf '  %s\n' "${problems[@]}"
  exit 1
fi
