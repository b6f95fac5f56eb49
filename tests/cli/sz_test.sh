#!/usr/bin/env bash
# The Shenzhen door as the README walks a newcomer through it: `eseal demo` writes a DB4403 app
# (var/demo/sz.toml) and one request per function; the demo's COSS user activates a phone with
# `eseal-mobile`; `eseal sz grant` issues the organization's seals to that phone and puts the
# grantCode in sz.toml; then a batch of the sample PDF and OFD is hashed (GENSIGN-01), its digests
# signed by scanning the QR code (LOGIN-01 with data, `eseal-mobile scan` and `confirm`),
# composed (GENSIGN-05, time-stamped), and both files verify with `eseal pdf verify`, `eseal ofd
# verify` and genFileVerify. The other functions run from their demo scripts too, and a request
# with a wrong MAC key is refused.
# Usage: sz_test.sh ESEAL OPENSSL
source "$(dirname "$0")/lib.sh" "$@"

MOBILE="$(dirname "$ESEAL")/eseal-mobile"
export ESEAL_MOBILE_HOME="$PWD/phone" ESEAL_MOBILE_PIN=135790

expect 0 "$ESEAL" demo --data-dir var
contains "sz-requests/genCalculateFileHash.sh"
[ -f var/demo/sz.toml ] || fail "no var/demo/sz.toml"
start_serve --port 0 --data-dir var
url="http://127.0.0.1:$port"
req=var/demo/sz-requests

# The demo's COSS user activates a phone.
user_id=$(sed -n 's/^user_id = "\(.*\)"$/\1/p' var/demo/coss.toml)
expect 0 "$ESEAL" call coss getAuthCode --app var/demo/coss.toml --url "$url" --set "userId=$user_id"
qr=$(sed -n 's/.*"authCode": "\(.*\)",$/\1/p' <<<"$out" | sed 's/\\"/"/g')
expect 0 "$MOBILE" activate "$qr" --name 测试手机
contains "activated 张三"

# Without a grant, the grantCode is empty.
expect 1 sh $req/genGetSealInfoList.sh --url "$url"
contains '"code": "T000001"'

expect 0 "$ESEAL" sz grant --app var/demo/sz.toml --org-name 深圳市演示科技有限公司 \
  --credit-code 91440300MA5DEM0019 --user "$user_id" --legal-person --seal-types 1,2,4 --data-dir var
contains "grantCode is in var/demo/sz.toml"
grep -q '^grant_code = "[0-9a-f]\{32\}"$' var/demo/sz.toml || fail "sz.toml has no grantCode"

expect 0 sh $req/genGetSealInfoList.sh --url "$url"
contains '"code": "T000000"'
contains '"asign": "checked"'
contains '"sealStatus": "Y"'
contains '"sealStatus": "N"'

# GENSIGN-01 on the batch.
expect 0 sh $req/genCalculateFileHash.sh --url "$url"
hashes=$(sed -n 's/.*"fileHash": "\(.*\)",$/\1/p' <<<"$out" | paste -sd, -)
checks=$((checks + 1))
[ "$(tr -cd , <<<"$hashes")" = "," ] || fail "want two fileHash: $out"

# LOGIN-01 with the digests: a QR task the phone scans and confirms.
expect 0 sh $req/genGetLoginQRCode.sh --url "$url" --set "data=$hashes"
task=$(sed -n 's/.*"signTaskId": "\([0-9]*\)".*/\1/p' <<<"$out")
qr=$(sed -n 's/.*"qrCode": "\(.*\)"$/\1/p' <<<"$out" | sed 's/\\"/"/g')
expect 0 sh $req/genGetScanStatusById.sh --url "$url" --set "signTaskId=$task"
contains '"scanStatus": "0"'
expect 0 "$MOBILE" scan "$qr"
contains "type:        HASH"
expect 0 sh $req/genGetScanStatusById.sh --url "$url" --set "signTaskId=$task"
contains '"scanStatus": "4"'
expect 0 "$MOBILE" confirm "$qr"
contains ": FINISH"
expect 0 sh $req/genGetScanStatusById.sh --url "$url" --set "signTaskId=$task"
contains '"scanStatus": "1"'
expect 0 sh $req/genGetTaskResult.sh --url "$url" --set "signTaskId=$task"
contains '"name": "张*"'
contains '"isLegalPerson": "1"'

# GENSIGN-05: the signed files, time-stamped, verify everywhere.
expect 0 sh $req/genDetachedFile.sh --url "$url" --set "signTaskId=$task"
contains "saved to var/demo/out-genDetachedFile/demo-pdf.pdf"
expect 0 "$ESEAL" pdf verify var/demo/out-genDetachedFile/demo-pdf.pdf --ca var/demo/ca/root.pem --chain var/platform/user-ca.pem
contains "passed   time-stamp"
expect 0 "$ESEAL" ofd verify var/demo/out-genDetachedFile/demo-ofd.ofd --ca var/demo/ca/root.pem --chain var/platform/user-ca.pem
contains "passed   time-stamp"
for f in demo-pdf.pdf demo-ofd.ofd; do
  expect 0 "$ESEAL" call sz genFileVerify --app var/demo/sz.toml --url "$url" \
    --file "var/demo/out-genDetachedFile/$f" --set fileName=$f
  contains '"verifyStatus": "true"'
  contains '"sealType": "1"'
  contains '"organizationCode": "91440300MA5DEM0019"'
done

# The other functions from their demo scripts.
expect 0 sh $req/genFormatFile.sh --url "$url"
contains "saved to var/demo/out-genFormatFile.ofd"
expect 0 "$ESEAL" ofd text var/demo/out-genFormatFile.ofd
contains "关于开展电子印章应用试点工作的通知"
expect 0 sh $req/genRecognizeRegionalsSeal.sh --url "$url"
contains '"sealStatus": "0"'
expect 0 sh $req/genFileVerify.sh --url "$url"
contains '"verifyStatus": "true"'
expect 0 sh $req/genFileUplode.sh --url "$url"
path=$(sed -n 's/.*"layoutPath": "\(sz\/[^"]*\)".*/\1/p' <<<"$out" | head -1)
expect 0 sh $req/genCentralizedSignature.sh --url "$url" --set "documentPath=$path" --set fileBase64=
signed=$(sed -n 's/.*"layoutPath": "\(sz\/[^"]*\)".*/\1/p' <<<"$out")
expect 0 sh $req/genFileDownload.sh --url "$url" --set "documentPath=$signed"
expect 0 "$ESEAL" pdf verify var/demo/out-genFileDownload.pdf --ca var/demo/ca/root.pem
expect 1 sh $req/genFileDownload.sh --url "$url" \
  --set documentPath=sz/2026/01/01/0123456789abcdef0123456789abcdef.pdf
contains '"code": "T000052"'

# A request signed with another MAC key is refused before anything else (and the refusal, made
# before the app was known, is not signed).
sed 's/^mac_key = .*/mac_key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="/' var/demo/sz.toml >bad.toml
expect 1 "$ESEAL" call sz genGetSealInfoList --app bad.toml --url "$url" --set sealType=1
contains '"code": "T000034"'
contains '"asign": "none"'

# --retries sends the same request again while the server cannot be reached, saying so.
expect 2 "$ESEAL" call sz genGetSealInfoList --app var/demo/sz.toml --url http://127.0.0.1:1 \
  --set sealType=1 --retries 2
contains "retrying the same request (1/2)"
contains "retrying the same request (2/2)"
contains "cannot reach 127.0.0.1:1"

done_checks
