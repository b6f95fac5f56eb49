#!/usr/bin/env bash
# eseal's local agent in a real browser: a software USB key provisioned with a seal, `eseal agent`
# allowing one business origin, and agent.mjs driving Debian's chromium through playwright-core
# (web/coss-h5's dev dependency): the business page pairs (the person allows it in the viewer),
# opens its contract through the agent, the person places the seal in the viewer and gives the
# PIN (a wrong one first), the page posts the signed contract to its endpoint, which
# `eseal pdf verify` accepts. Around it, over plain HTTP: other origins, a foreign Host header,
# unpaired calls and a wrong viewer key refused.
# Usage: agent_test.sh ESEAL OPENSSL MAKE_FIXTURE_PDF
MAKE_PDF=$(realpath "$3")
source "${0%/*}/lib.sh" web/coss-h5 "$1" "$2"
provision_usb_key ES-AGENT-1
"$MAKE_PDF" contract.pdf 3 || fail "cannot make contract.pdf"

# The business system (allowed) and another one (not), then the agent.
mkdir -p business other
for site in business other; do
  python3 "$ROOT/tests/web/business.py" $site contract.pdf >$site/port &
  servers="$servers $!"
  for _ in $(seq 50); do [ -s $site/port ] && break; sleep 0.1; done
  [ -s $site/port ] || fail "the business system in $site did not start"
done
biz="http://127.0.0.1:$(cat business/port)"
evil="http://127.0.0.1:$(cat other/port)"
"$ESEAL" agent --port 0 --state state/agent.json --viewer-dir "$ROOT/web/agent" \
  --allow-origin "$biz" --roots ca/root.pem --prompt-timeout 60 >agent.out 2>agent.err &
agent=$!
servers="$servers $agent"
for _ in $(seq 200); do
  grep -q '^open the viewer: ' agent.out && break
  kill -0 $agent 2>/dev/null || fail "the agent exited: $(cat agent.err)"
  sleep 0.05
done
viewer=$(sed -n 's|^open the viewer: ||p' agent.out)
[ -n "$viewer" ] || fail "no viewer address: $(cat agent.out agent.err)"
checks=$((checks + 1))
agent_url=${viewer%%/viewer/*}
agent_port=${agent_url##*:}
viewer_key=${viewer##*#key=}

# status METHOD PATH [curl args]: the HTTP status the agent answers.
status() {
  local method=$1 path=$2
  shift 2
  curl -s -o /dev/null -w '%{http_code}' -X "$method" "$agent_url$path" "$@"
}
want() { # want STATUS WHAT METHOD PATH [curl args]
  local expected=$1 what=$2
  shift 2
  local got
  got=$(status "$@")
  checks=$((checks + 1))
  [ "$got" = "$expected" ] || fail "$what: HTTP $got (want $expected)"
}
want 403 "a pairing from another origin" POST /pair -H "Origin: $evil" -d '{}'
want 403 "a pairing without an origin" POST /pair -d '{}'
want 403 "a preflight from another origin" OPTIONS /hrss/HRSSCheckKey -H "Origin: $evil"
want 204 "a preflight from the business origin" OPTIONS /hrss/HRSSCheckKey -H "Origin: $biz"
want 401 "an unpaired call" POST /hrss/HRSSCheckKey -H "Origin: $biz" -d '{"args":[]}'
want 401 "a call with a made-up token" POST /hrss/HRSSCheckKey -H "Origin: $biz" \
  -H "Authorization: Bearer 00112233" -d '{"args":[]}'
want 403 "a foreign Host (DNS rebinding)" POST /pair -H "Origin: $biz" \
  -H "Host: rebind.example:$agent_port" -d '{}'
want 401 "the viewer's events without its key" GET /viewer/api/events
want 401 "the viewer's events with a wrong key" GET /viewer/api/events -H "X-Eseal-Viewer: 00"
want 403 "the viewer's events from a page" GET /viewer/api/events \
  -H "X-Eseal-Viewer: $viewer_key" -H "Origin: $biz"
want 200 "the viewer's events with its key" GET /viewer/api/events -H "X-Eseal-Viewer: $viewer_key"
want 200 "the SDK" GET /viewer/hrss.js

ESEAL=$ESEAL VIEWER=$viewer BIZ=$biz EVIL=$evil AGENT=$agent_url CHROMIUM=$CHROMIUM WEB_DIR=$WEB_DIR \
  SHOTS=$ROOT/build/web-screenshots/agent node "$ROOT/tests/web/agent.mjs" ||
  fail "the browser test failed (screenshots in $ROOT/build/web-screenshots/agent); the agent's log ends:
$(tail -n 20 agent.err)"
checks=$((checks + $(cat browser-checks)))

# What the business endpoint received: the field, the cookie and the signed contract.
[ "$(cat business/received-1/cookie)" = "JSESSIONID=agent-test" ] ||
  fail "cookie: $(cat business/received-1/cookie)"
python3 - business/received-1 <<'PY' || fail "the form is not as posted"
import sys, email.parser, email.policy, pathlib
d = pathlib.Path(sys.argv[1])
message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
    b"Content-Type: " + (d / "content-type").read_bytes() + b"\r\n\r\n" + (d / "body").read_bytes())
parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
assert parts["title"].get_payload(decode=True).decode("utf-8") == "劳动合同"
assert parts["file"].get_filename() == "contract.pdf", parts["file"].get_filename()
(d / "contract.pdf").write_bytes(parts["file"].get_payload(decode=True))
PY
checks=$((checks + 1))

expect 0 "$ESEAL" pdf verify business/received-1/contract.pdf --ca ca/root.pem
contains "合同章"
contains "page 2"
[ ! -e other/received-1 ] || fail "the other origin received something"
# The pairing was revoked in the viewer, and the file that kept it is private.
grep -q '"paired":\[\]' state/agent.json || fail "the revoked pairing is kept: $(cat state/agent.json)"
[ "$(stat -c %a state/agent.json)" = 600 ] || fail "the state file is not private"
checks=$((checks + 2))
done_checks
