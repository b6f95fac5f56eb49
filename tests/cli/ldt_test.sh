#!/usr/bin/env bash
# The newcomer's path over real HTTP: `eseal demo` sets up the data folder and example requests,
# `eseal serve` answers them, and every LD/T 01.4 example succeeds through `eseal call ldt`
# (exit 0 on errorCode "1"); the documents it saves verify with `eseal pdf|ofd verify`, the
# audit chain holds, and a replayed or wrongly signed request is refused (exit 1).
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "$ESEAL" demo --data-dir var
contains "[8/8] server demo"
[ -f var/demo/app.toml ] || fail "no app.toml"
[ "$(stat -c %a var/demo/app.toml)" = 600 ] || fail "app.toml is readable by others"

start_serve --data-dir var --port 0
URL="http://127.0.0.1:$port/seal/v1/electricSeal"

for op in getSealStatus getSeal applySeal positionSealSign verifyFile keyWordSealSign \
  pagingSealSign lockSign delLockSign signAndLockSign verifyEleSign watermarkAndLockSign; do
  expect 0 sh "var/demo/requests/$op.sh" --url "$URL"
  contains '"errorCode": "1"'
done
expect 0 "$ESEAL" pdf verify var/demo/out-positionSealSign.pdf --ca var/platform/ca.pem
expect 0 "$ESEAL" ofd verify var/demo/out-keyWordSealSign.ofd --ca var/platform/ca.pem
expect 0 "$ESEAL" ofd verify var/demo/out-pagingSealSign.ofd --ca var/platform/ca.pem
contains "passed   cross-page"
expect 0 "$ESEAL" ofd verify var/demo/out-signAndLockSign.ofd --ca var/platform/ca.pem
contains "locks the package"
expect 0 "$ESEAL" ofd verify var/demo/out-watermarkAndLockSign.ofd --ca var/platform/ca.pem
contains "passed   copy.original"

# Refusals come back as errorCode "0" with the reason, and the command exits 1.
expect 1 "$ESEAL" call ldt getSeal --app var/demo/app.toml --url "$URL" --set certDN=C=CN,CN=nobody
contains '"errorCode": "0"'
contains "印章不存在"
expect 1 "$ESEAL" call ldt positionSealSign --app var/demo/app.toml --url "$URL" \
  --content var/demo/requests/positionSealSign.json --file var/demo/app.toml
contains "文件不是PDF或OFD格式"
# The client reads JSON as strictly as the server (api/json.h, for its --content, --set and the
# answer): a content file naming a key twice is refused before anything is sent.
printf '{"certDN":"a","certDN":"b"}' > twice.json
expect 2 "$ESEAL" call ldt getSeal --app var/demo/app.toml --url "$URL" --content twice.json
contains 'twice.json is not a JSON object: the key "certDN" twice'
sed 's/^hmac_key = .*/hmac_key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="/' var/demo/app.toml > bad.toml
cp var/demo/app.key var/demo/app.pem .
expect 1 "$ESEAL" call ldt getSealStatus --app bad.toml --url "$URL" --set certDN=x
contains "hmac验证失败"

grep -q "operation=positionSealSign status=200" serve.err || fail "no access log line for positionSealSign"
checks=$((checks + 1))

# A scanned seal of 2000 x 1500 pixels (a grey PNG, a dark frame on white) makes a seal under the
# default limit, and none once [limits] seal_picture_mpixels (from the environment here) is 2.
python3 - <<'PNG'
import struct, zlib
w, h = 2000, 1500
rows = b"".join(b"\0" + (b"\x20" * w if 100 <= y < 140 or 1360 <= y < 1400 else
                         b"\xff" * 100 + b"\x20" * 40 + b"\xff" * (w - 280) + b"\x20" * 40 + b"\xff" * 100)
                for y in range(h))
chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
open("scan.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
                             chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
PNG
expect 0 sh var/demo/requests/applySeal.sh --url "$URL" --set "photoData=$(base64 -w0 scan.png)"
contains '"errorCode": "1"'
kill -TERM "$server"
wait "$server" || fail "serve did not exit 0 on SIGTERM"
ESEAL_LIMITS_SEAL_PICTURE_MPIXELS=2 start_serve --data-dir var --port 0
URL="http://127.0.0.1:$port/seal/v1/electricSeal"
expect 1 sh var/demo/requests/applySeal.sh --url "$URL" --set "photoData=$(base64 -w0 scan.png)"
contains '"errorCode": "0"'
contains "more than the limit of 2000000 pixels"

expect 0 "$ESEAL" audit verify --data-dir var
contains "OK audit chain"

kill -TERM "$server"
wait "$server" || fail "serve did not exit 0 on SIGTERM"
server=
done_checks
