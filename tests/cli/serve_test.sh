#!/usr/bin/env bash
# `eseal serve` starts on its defaults or eseal.toml, prints where it listens, answers /healthz,
# /readyz and /metrics, logs each request, and exits 0 on SIGTERM. Plain bash: HTTP over /dev/tcp.
source "$(dirname "$0")/lib.sh" "$@"

# get PATH: one GET over a fresh connection; the whole response is kept in $out.
get() {
  out=$(timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" "$2" >&3 &&
    cat <&3' _ "$port" "$1")
  checks=$((checks + 1))
  [ -n "$out" ] || fail "no response to GET $1"
}

# stop: SIGTERM, which must end the server with exit code 0.
stop() {
  kill -TERM "$server"
  wait "$server"
  local code=$?
  server=
  checks=$((checks + 1))
  [ "$code" = 0 ] || fail "serve exited with $code after SIGTERM: $(cat serve.err)"
}

start_serve --port 0 --data-dir data
[ -d data ] || fail "the data folder was not created"
get /healthz
contains $'HTTP/1.1 200 OK\r'
contains '{"status":"ok"}'
contains 'X-Request-Id: '
get /readyz
contains '{"status":"ready","failed":[],"checks":{"data-dir":"ok","database":"ok","keystore":"ok"}}'
get /nowhere
contains $'HTTP/1.1 404 Not Found\r'
get /metrics
contains 'eseal_http_requests_total{route="/healthz",method="GET",status="200"} 1'
contains 'eseal_http_requests_total{route="unmatched",method="GET",status="404"} 1'
contains 'eseal_http_request_duration_seconds_count{route="/readyz"} 1'
stop
out=$(cat serve.err)
contains 'info listening on http://127.0.0.1:'
contains 'method=GET route=/healthz status=200 bytes=15 duration_ms='
contains 'route=- path=/nowhere status=404'
contains 'info stopped'

# eseal.toml in the working folder is read by default; the environment overrides it.
cat > eseal.toml <<'TOML'
[server]
port = 1
[log]
file = "serve.log"
level = "warn"
TOML
ESEAL_SERVER_PORT=0 ESEAL_LOG_LEVEL=info start_serve
get /healthz
contains '{"status":"ok"}'
stop
grep -q 'route=/healthz status=200' serve.log || fail "no access line in serve.log"
[ -d var ] || fail "the default data folder var/ was not created"

# Configuration errors name the key and exit 2 before anything listens.
printf '[server]\nprot = 8080\n' > bad.toml
expect 2 "$ESEAL" serve --config bad.toml
contains 'eseal: bad.toml: unknown key [server] prot'
expect 2 env ESEAL_SERVER_PORT=eighty "$ESEAL" serve
contains 'eseal: ESEAL_SERVER_PORT: expected an integer, got "eighty"'
expect 2 "$ESEAL" serve --config missing.toml
contains 'missing.toml'
expect 2 "$ESEAL" serve --port 70000
expect 2 env ESEAL_TLS_CERT=cert.pem "$ESEAL" serve
contains '[tls] cert and key: give both or neither'

done_checks
