#!/usr/bin/env bash
# The README's filing walk: two instances, each from `eseal demo`, one serving as the national
# platform and one filing its official seal with it through `eseal filing run`; the seal's
# status on the platform's public query, its revocation (reported lost) and the signed
# revocation list; a run interrupted by the platform going away resumes where it stopped.
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "$ESEAL" demo --data-dir platform
expect 0 "$ESEAL" demo --data-dir maker
SERVE_NAME=platform start_serve --data-dir platform --port 0
URL="http://127.0.0.1:$port/seal/v1/electricSeal"

# The platform's operator registers the seal-making system with its certificate, and gives it an
# app file and a DB.oauth.token account.
expect 0 "$ESEAL" app add --data-dir platform --name 某省电子印章制作系统 --syscode MAKERSYS \
  --cert maker/demo/app.pem --key maker/demo/app.key --url "$URL" --save maker/filing-app.toml
contains "app file"
expect 0 "$ESEAL" filing account add DBAdmin --app MAKERSYS --data-dir platform \
  --save maker/filing-app.toml
contains "client_secret"
cat > maker.toml <<EOF
[data]
dir = "maker"
[filing]
credentials = "maker/filing-app.toml"
platform_cert = "platform/platform/lock.pem"
EOF

expect 0 "$ESEAL" filing push-unit --config maker.toml --set mspUnitCode=91440300MA5DEMO02X \
  --set mspSn=190 --set mspUnitNameCn=深圳市演示刻章有限公司
contains "pushed"
expect 0 "$ESEAL" filing units --data-dir platform
contains "91440300MA5DEMO02X  mspSn 190"

# The official seal (type 1) of the maker's demo organization.
expect 0 "$ESEAL" seal list --data-dir maker
seal=$(echo "$out" | awk '$3 == 1 {print $1; exit}')
[ -n "$seal" ] || fail "no official seal in: $out"

# The run one step at a time up to the upload; then the platform goes away: the run stops and,
# with the platform back (on another port), resumes after the last step it completed.
expect 0 "$ESEAL" filing upload "$seal" --config maker.toml --area 440 --district 440300 \
  --maker-code 91440300MA5DEMO02X --maker-name 深圳市演示刻章有限公司 --handler-name 张建国 \
  --handler-id 440300199001011234
contains "seal-code: 440000"
contains "upload: task"
kill -TERM "$server"
wait "$server"
expect 2 "$ESEAL" filing run "$seal" --config maker.toml
contains "run it again to resume"
SERVE_NAME=platform2 start_serve --data-dir platform --port 0
URL="http://127.0.0.1:$port/seal/v1/electricSeal"
printf 'upstream_url = "%s"\n' "$URL" >> maker.toml
expect 0 "$ESEAL" filing run "$seal" --config maker.toml
contains "resume: after upload"
contains "result: package opened"
contains "confirm: receipt confirmed"
contains "publish: status published (207)"
code=$(echo "$out" | sed -n 's/^seal code *//p')
[ ${#code} = 14 ] || fail "no seal code: $out"
expect 0 "$ESEAL" filing run "$seal" --config maker.toml
contains "already filed as $code"

# The public query answers valid; the platform keeps the seal ACTIVE, the maker's record too.
expect 0 "$ESEAL" filing status "$code" --config maker.toml
contains '"sealStatus": "1"'
expect 0 "$ESEAL" filing seals --data-dir platform
contains "$code  ACTIVE"
expect 0 "$ESEAL" filing seals --data-dir maker
contains "$code  ACTIVE"

# A new protection key: a new package, opened and confirmed.
expect 0 "$ESEAL" filing update-key "$seal" --config maker.toml
contains "confirm: receipt confirmed"

# Reported lost (209): invalid everywhere, listed, and the seal no longer signs.
expect 0 "$ESEAL" filing revoke "$seal" --config maker.toml --reason 3 --type 2
contains "LOST (因印章丢失挂失)"
expect 0 "$ESEAL" filing status "$code" --config maker.toml
contains '"sealStatus": "0"'
expect 0 "$ESEAL" filing revocations --config maker.toml
contains "\"sealCode\": \"$code\""
contains '"signAlgorithm": "SM2"'
expect 0 "$ESEAL" seal list --data-dir maker
contains "$seal  lost"
expect 2 "$ESEAL" filing revoke "$seal" --config maker.toml --reason 3 --type 2
contains "already revoked"

# The maker's seal administrator files the finance seal from the console: the same run over
# the REST API (POST /api/v1/seals/{id}/filing), with a console session and its CSRF token.
command -v curl >/dev/null || fail "curl is needed"
expect 0 "$ESEAL" seal list --data-dir maker
finance=$(echo "$out" | awk '$3 == 2 {print $1; exit}')
[ -n "$finance" ] || fail "no finance seal in the maker's list"
SERVE_NAME=makerserve start_serve --config maker.toml --port 0
maker_server=$server
rest() {
  out=$(curl -s -b jar -c jar -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -X "$1" "http://127.0.0.1:$port/api/v1$2" ${3:+-d "$3"})
}
password=$(awk '$1 == "seal-admin" {print $2}' maker/demo/console.txt)
csrf=
rest POST /session "{\"login\":\"seal-admin\",\"password\":\"$password\"}"
csrf=$(sed -n 's/.*"csrf": "\([^"]*\)".*/\1/p' <<<"$out")
[ -n "$csrf" ] || fail "no console session: $out"
rest GET "/seals/$finance/filing"
contains '"filed": false'
rest POST "/seals/$finance/filing" '{"district":"440300"}'
contains '"error":"invalid_input"'
rest POST "/seals/$finance/filing" '{"area":"440","district":"440300","makerCode":"91440300MA5DEMO02X","makerName":"深圳市演示刻章有限公司","handlerName":"张建国","handlerId":"440300199001011234"}'
contains '"step": "publish"'
finance_code=$(sed -n 's/.*"sealCode": "\([0-9]*\)".*/\1/p' <<<"$out")
[ ${#finance_code} = 14 ] || fail "no seal code: $out"
rest GET "/seals/$finance/filing"
contains '"filed": true'
contains "\"sealCode\": \"$finance_code\""
expect 0 "$ESEAL" filing seals --data-dir platform
contains "$finance_code  ACTIVE"
kill -TERM "$maker_server"
wait "$maker_server" || fail "the maker's serve did not exit 0 on SIGTERM"
# The run's steps are audited with the staff member who asked for them.
expect 0 "$ESEAL" audit list --data-dir maker --limit 100000
grep -q "console:seal-admin  filing.run.DONE  .*filed as $finance_code" <<<"$out" ||
  fail "the console's filing run is not audited with the staff member"
grep -qE "cli:(cli|console):" <<<"$out" && fail "an actor named twice: $(grep -E "cli:(cli|console):" <<<"$out")"

# A seal code nobody filed, and a platform certificate that is not the platform's.
expect 2 "$ESEAL" filing status 99999900000001 --config maker.toml
contains "未备案"
sed 's|platform/platform/lock.pem|maker/platform/lock.pem|' maker.toml > wrong.toml
expect 1 "$ESEAL" filing challenge --config wrong.toml
contains "signInfo"

expect 0 "$ESEAL" audit verify --data-dir platform
contains "OK audit chain"
expect 0 "$ESEAL" audit verify --data-dir maker
contains "OK audit chain"

kill -TERM "$server"
wait "$server" || fail "serve did not exit 0 on SIGTERM"
server=
done_checks
