#!/usr/bin/env bash
# The COSS door as an integrator meets it: `eseal app add --family coss` issues an appId and a
# secureCode, `eseal serve` answers POST /coss/service/v1/*, and a request signed with nothing
# but the openssl command line and sent with curl adds a user that queryUserInfo then finds.
# Then the phone: `eseal-mobile activate` with the QR payload of getAuthCode, a DATA job added
# with addSignJob and signed with `eseal-mobile sign`, getSignResult FINISH, and the signature
# and the user's certificate checked by OpenSSL; a job's QR code scanned, confirmed and
# cancelled with `eseal-mobile scan`, `confirm` and `cancel`.
# Usage: coss_test.sh ESEAL OPENSSL
source "$(dirname "$0")/lib.sh" "$@"
command -v curl >/dev/null || fail "curl is needed"

MOBILE="$(dirname "$ESEAL")/eseal-mobile"
# The demo's platform material includes the user CA that certifies the phones' joint keys.
expect 0 "$ESEAL" demo --data-dir var
expect 0 "$ESEAL" app add --name 业务系统 --family coss --data-dir var
app_id=$(sed -n 's/^appId *//p' <<<"$out")
secure_code=$(sed -n 's/^secureCode *//p' <<<"$out")
start_serve --port 0 --data-dir var

# call OPERATION STRING_A BODY_WITHOUT_SIGNATURE: signs STRING_A with the secureCode and posts
# BODY with the signature added; the answer is kept in $out.
call() {
  local signature
  signature=$(printf %s "$2" | "$OPENSSL" dgst -sha256 -hmac "$secure_code" -binary | base64)
  out=$(curl -s -H 'Content-Type: application/json' \
    "http://127.0.0.1:$port/coss/service/v1/$1" -d "${3%\}},\"signature\":\"$signature\"}")
  checks=$((checks + 1))
  [ -n "$out" ] || fail "no answer to $1"
}

call addUser \
  "appId=$app_id&department=办公室&idNumber=513436200005039279&idType=SF&mobile=18745292611&signAlgo=HMAC&transId=T-1&userName=张三&version=1.0" \
  "{\"version\":\"1.0\",\"appId\":\"$app_id\",\"signAlgo\":\"HMAC\",\"transId\":\"T-1\",\"userName\":\"张三\",\"idType\":\"SF\",\"idNumber\":\"513436200005039279\",\"mobile\":\"18745292611\",\"department\":\"办公室\"}"
contains '"status":200'
contains '"transId":"T-1"'
user_id=$(sed -n 's/.*"userId":"\([0-9a-f]*\)".*/\1/p' <<<"$out")
checks=$((checks + 1))
[ ${#user_id} = 64 ] || fail "no userId: $out"

call queryUserInfo "appId=$app_id&signAlgo=HMAC&userId=$user_id&version=1.0" \
  "{\"version\":\"1.0\",\"appId\":\"$app_id\",\"signAlgo\":\"HMAC\",\"userId\":\"$user_id\"}"
contains '"userName":"张三"'
contains '"idCard":"513***********9279"'

# A signature made with another key is refused with 89000005.
secure_code=0000 call queryUserInfo "appId=$app_id&signAlgo=HMAC&userId=$user_id&version=1.0" \
  "{\"version\":\"1.0\",\"appId\":\"$app_id\",\"signAlgo\":\"HMAC\",\"userId\":\"$user_id\"}"
contains '"status":89000005'

# eseal call coss signs as the curl calls above do; the demo's coss.toml has the same shape.
printf 'url = "http://127.0.0.1:%s"\napp_id = "%s"\nsecure_code = "%s"\n' "$port" "$app_id" \
  "$secure_code" >coss.toml
expect 0 "$ESEAL" call coss queryUserInfo --app coss.toml --set "userId=$user_id"
contains '"userName": "张三"'
expect 1 "$ESEAL" call coss queryUserInfo --app coss.toml --set userId=nobody
contains '"status": 89004022'

# The phone activates from the QR payload (a JSON string inside the answer).
# (queryUserInfo had the same fields: a transId tells them apart, else this is a replay.)
call getAuthCode "appId=$app_id&signAlgo=HMAC&transId=T-2&userId=$user_id&version=1.0" \
  "{\"version\":\"1.0\",\"appId\":\"$app_id\",\"signAlgo\":\"HMAC\",\"transId\":\"T-2\",\"userId\":\"$user_id\"}"
contains '"status":200'
qr=$(sed -n 's/.*"authCode":"\(.*\)","code".*/\1/p' <<<"$out" | sed 's/\\"/"/g')
export ESEAL_MOBILE_HOME="$PWD/phone" ESEAL_MOBILE_PIN=135790
expect 0 "$MOBILE" activate "$qr" --name 测试手机
contains "activated 张三"
contains "msspId:      $user_id"
expect 0 "$MOBILE" users
contains "certified"

# Without an SMS gateway, getAuthCodeAndSendSMS leaves the message in the outbox.
call getAuthCodeAndSendSMS "appId=$app_id&signAlgo=HMAC&transId=T-3&userId=$user_id&version=1.0" \
  "{\"version\":\"1.0\",\"appId\":\"$app_id\",\"signAlgo\":\"HMAC\",\"transId\":\"T-3\",\"userId\":\"$user_id\"}"
contains '"message":"短信激活码发送成功"'
sms_code=$(sed -n 's/.*"code":"\([0-9a-f]*\)".*/\1/p' <<<"$out")
expect 0 "$ESEAL" sms list --data-dir var --state OUTBOX
contains "OUTBOX  18745292611  尊敬的用户张三，您本次下载证书操作的激活码为：$sms_code，有效期10分钟"

# A DATA job for 同意, signed from the phone.
data=$(printf 同意 | base64)
call addSignJob \
  "algo=SM3withSM2&appId=$app_id&data=$data&dataType=DATA&signAlgo=HMAC&title=合同确认&userId=$user_id&version=1.0" \
  "{\"version\":\"1.0\",\"appId\":\"$app_id\",\"signAlgo\":\"HMAC\",\"userId\":\"$user_id\",\"title\":\"合同确认\",\"dataType\":\"DATA\",\"algo\":\"SM3withSM2\",\"data\":\"$data\"}"
contains '"status":200'
job=$(sed -n 's/.*"signDataId":"\(SD_[0-9a-f-]*\)".*/\1/p' <<<"$out")
expect 0 "$MOBILE" jobs
contains "$job"
contains "合同确认"
expect 0 "$MOBILE" show "$job"
contains "data:        同意"
expect 2 "$MOBILE" sign "$job" --pin 000000
contains "wrong PIN (4 tries left)"
expect 0 "$MOBILE" sign "$job"
contains "signed $job: FINISH"

call getSignResult "appId=$app_id&signAlgo=HMAC&signDataId=$job&version=1.0" \
  "{\"version\":\"1.0\",\"appId\":\"$app_id\",\"signAlgo\":\"HMAC\",\"signDataId\":\"$job\"}"
contains '"jobStatus":"FINISH"'
sed -n 's/.*"signResult":"\([^"]*\)".*/\1/p' <<<"$out" | base64 -d >sig.der
sed -n 's/.*"signCert":"\([^"]*\)".*/\1/p' <<<"$out" | base64 -d >user.der
printf 同意 >data.txt
expect 0 "$OPENSSL" x509 -inform DER -in user.der -out user.pem
expect 0 "$OPENSSL" x509 -in user.pem -pubkey -noout -out user.pub
expect 0 "$OPENSSL" pkeyutl -verify -pubin -inkey user.pub -rawin -digest sm3 \
  -pkeyopt distid:1234567812345678 -in data.txt -sigfile sig.der
contains "Signature Verified Successfully"
# HASH: 32 bytes the business system computed, signed as they are (OpenSSL checks r, s over
# the digest itself).
head -c 32 /dev/urandom >e.bin
expect 0 "$ESEAL" call coss addSignJob --app coss.toml --set "userId=$user_id" --set title=摘要签名 \
  --set dataType=HASH --set algo=SM3withSM2 --file e.bin
hash_job=$(sed -n 's/.*"signDataId": "\(SD_[0-9a-f-]*\)".*/\1/p' <<<"$out")
expect 0 "$MOBILE" sign "$hash_job"
expect 0 "$ESEAL" call coss getSignResult --app coss.toml --set "signDataId=$hash_job"
sed -n 's/.*"signResult": "\([^"]*\)".*/\1/p' <<<"$out" | base64 -d >hash-sig.der
expect 0 "$OPENSSL" pkeyutl -verify -pubin -inkey user.pub -in e.bin -sigfile hash-sig.der
contains "Signature Verified Successfully"
# A QR code for whoever scans (addSignJob without userId; one job is a group of one), as the
# JSON answer prints it: `eseal-mobile scan` binds it to this phone's user and shows it,
# `confirm` signs every open job of the code, `cancel` refuses them.
head -c 32 /dev/urandom >qr-e.bin
expect 0 "$ESEAL" call coss addSignJob --app coss.toml --set title=扫码签署 \
  --set dataType=HASH --set algo=SM3withSM2 --file qr-e.bin
qr_job=$(sed -n 's/.*"signDataId": "\(SD_[0-9a-f-]*\)".*/\1/p' <<<"$out")
job_qr=$(sed -n 's/.*"qrCode": "\(.*\)"$/\1/p' <<<"$out")
expect 0 "$MOBILE" scan "$job_qr"
contains "job:         $qr_job"
contains "title:       扫码签署"
expect 0 "$MOBILE" confirm "$job_qr"
contains "signed $qr_job: FINISH"
expect 0 "$ESEAL" call coss getSignResult --app coss.toml --set "signDataId=$qr_job"
contains "\"msspId\": \"$user_id\""
sed -n 's/.*"signResult": "\([^"]*\)".*/\1/p' <<<"$out" | base64 -d >qr-sig.der
expect 0 "$OPENSSL" pkeyutl -verify -pubin -inkey user.pub -in qr-e.bin -sigfile qr-sig.der
contains "Signature Verified Successfully"
expect 2 "$MOBILE" confirm "$job_qr"
contains "no open job in this QR code"
expect 0 "$ESEAL" call coss addSignJob --app coss.toml --set title=扫码拒绝 \
  --set dataType=HASH --set algo=SM3withSM2 --file qr-e.bin
refused_job=$(sed -n 's/.*"signDataId": "\(SD_[0-9a-f-]*\)".*/\1/p' <<<"$out")
refused_qr=$(sed -n 's/.*"qrCode": "\(.*\)"$/\1/p' <<<"$out" | sed 's/\\"/"/g')
expect 0 "$MOBILE" cancel "$refused_qr" --reason 不同意
contains "refused $refused_job"
expect 0 "$ESEAL" call coss getSignResult --app coss.toml --set "signDataId=$refused_job"
contains '"jobStatus": "REFUSE"'

# WEB_SEAL: the demo's sample PDF sealed with 张三's personal seal at a rectangle of page 1,
# which eseal pdf verify finds valid with the user CA as the intermediate.
expect 0 "$ESEAL" call coss addSignJob --app coss.toml --set "userId=$user_id" --set title=合同盖章 \
  --set dataType=WEB_SEAL --set algo=SM3withSM2 --file var/demo/sample.pdf \
  --set 'coordOfRuleInfo={"pageNo":1,"left":100,"bottom":100,"right":200,"top":200}'
seal_job=$(sed -n 's/.*"signDataId": "\(SD_[0-9a-f-]*\)".*/\1/p' <<<"$out")
expect 0 "$MOBILE" sign "$seal_job"
expect 0 "$ESEAL" call coss getSignResult --app coss.toml --set "signDataId=$seal_job" \
  --save sealed.pdf
contains '"signedFile": "saved to sealed.pdf"'
expect 0 "$ESEAL" pdf verify sealed.pdf --ca var/demo/ca/root.pem --chain var/platform/user-ca.pem
contains "shown on page 1 at 35.4, 226.6 mm (35.0 x 35.0 mm)"
contains "OK every signature is valid and nothing changed after signing"

# A PDF a business system has the phone sign (getPdfHash, a DATA job over hashSetBytes,
# composePdfSeal), in the pkcs7 profile so that poppler and BouncyCastle can read it too.
expect 0 "$ESEAL" call coss getPdfHash --app coss.toml --set "userId=$user_id" \
  --file pdfFileStr=var/demo/sample.pdf --set signSealType=pkcs7 \
  --set 'configureSealInfo={"signType":"个人签章","signProvince":"北京","signName":"张三"}' \
  --set 'coordOfRuleInfo={"pageNo":1,"left":300,"bottom":100,"right":450,"top":250}' \
  --save prepared.pdf
hash_set=$(sed -n 's/.*"hashSetBytes": "\([^"]*\)".*/\1/p' <<<"$out")
contains '"pageNo": 1'
expect 0 "$ESEAL" call coss addSignJob --app coss.toml --set "userId=$user_id" --set title=合同签署 \
  --set dataType=DATA --set algo=SM3withSM2 --set "data=$hash_set"
pdf_job=$(sed -n 's/.*"signDataId": "\(SD_[0-9a-f-]*\)".*/\1/p' <<<"$out")
expect 0 "$MOBILE" sign "$pdf_job"
expect 0 "$ESEAL" call coss getSignResult --app coss.toml --set "signDataId=$pdf_job"
pdf_signature=$(sed -n 's/.*"signResult": "\([^"]*\)".*/\1/p' <<<"$out")
expect 0 "$ESEAL" call coss composePdfSeal --app coss.toml --set "userId=$user_id" \
  --set "signValue=$pdf_signature" --file pdfBytesStr=prepared.pdf --set "hashSetBytesStr=$hash_set" \
  --save phone-signed.pdf
contains '"data": "saved to phone-signed.pdf"'
expect 0 "$ESEAL" pdf verify phone-signed.pdf --ca var/demo/ca/root.pem --chain var/platform/user-ca.pem
contains "OK every signature is valid and nothing changed after signing"
expect 0 "$ESEAL" call coss verifyPdfSeal --app coss.toml --file pdfFileStr=phone-signed.pdf
contains '"statusCode": "200"'
contains '"commonName": "张三"'
if command -v pdfsig >/dev/null; then
  expect 0 pdfsig phone-signed.pdf
  contains "Signer Certificate Common Name: 张三"
  contains "Total document signed"
fi
JARS=/usr/share/java/bcprov.jar:/usr/share/java/bcpkix.jar:/usr/share/java/bcutil.jar
if command -v java >/dev/null && [ -f /usr/share/java/bcpkix.jar ] && [ -f /usr/share/java/bcutil.jar ]; then
  expect 0 "$ESEAL" pdf verify phone-signed.pdf --ca var/demo/ca/root.pem \
    --chain var/platform/user-ca.pem --json
  read -r r0 r1 r2 r3 < <(tr -d '\n ' <<<"$out" | sed -E 's/.*"byteRange":\[([0-9]+),([0-9]+),([0-9]+),([0-9]+)\].*/\1 \2 \3 \4/')
  { head -c "$r1" phone-signed.pdf; tail -c "$r3" phone-signed.pdf; } > signed-ranges.bin
  head -c $((r2 - 1)) phone-signed.pdf | tail -c $((r2 - r1 - 2)) | perl -ne 'print pack("H*", $_)' > contents.bin
  expect 0 java -cp "$JARS" "$(dirname "$0")/../interop/CmsCheck.java" verify contents.bin signed-ranges.bin
  contains "OK"
else
  echo "note: java or BouncyCastle missing; the BouncyCastle check of the phone-signed PDF is skipped"
fi

# queryImage: no picture yet (89003007), then the one updateUser gives.
expect 1 "$ESEAL" call coss queryImage --app coss.toml --set "userId=$user_id"
contains '"status": 89003007'
picture=$(base64 -w0 var/demo/seals/personal.png)
expect 0 "$ESEAL" call coss updateUser --app coss.toml --set "userId=$user_id" --set "image=$picture"
expect 0 "$ESEAL" call coss queryImage --app coss.toml --set "userId=$user_id"
contains "\"image\": \"$picture\""

# Auto-sign: the business system asks, the phone consents and escrows its share, the business
# system signs without the phone until it ends the grant.
expect 0 "$ESEAL" call coss startAutoSign --app coss.toml --set "userId=$user_id" \
  --set timeRegion=600 --set maxCount=5
consent=$(sed -n 's/.*"signDataId": "\(SD_[0-9a-f-]*\)".*/\1/p' <<<"$out")
expect 0 "$MOBILE" autosign grant "$consent"
contains "开启自动签名"
contains "ACTIVE until"
expect 0 "$ESEAL" call coss autoSign --app coss.toml --set "userId=$user_id" --set dataType=DATA \
  --set algo=SM3withSM2 --set "data=$(printf 自动 | base64)"
contains '"signResult"'
expect 0 "$MOBILE" autosign show
contains "ACTIVE  used 1/5"
expect 0 "$ESEAL" call coss endAutoSign --app coss.toml --set "userId=$user_id"
expect 1 "$ESEAL" call coss autoSign --app coss.toml --set "userId=$user_id" --set dataType=DATA \
  --set algo=SM3withSM2 --set "data=$(printf 自动 | base64)"
contains '"status": 89004071'

# Delegation: 张三 lets 李四 (a second phone) sign for him; 李四 signs 张三's job with his own key.
expect 0 "$ESEAL" call coss addUser --app coss.toml --set userName=李四 --set idType=SF \
  --set idNumber=11010519491231002X --set mobile=13800138000 --set department=办公室
lisi=$(sed -n 's/.*"userId": "\([0-9a-f]*\)".*/\1/p' <<<"$out")
expect 0 "$ESEAL" call coss getAuthCode --app coss.toml --set "userId=$lisi"
lisi_qr=$(sed -n 's/.*"authCode": "\(.*\)",$/\1/p' <<<"$out" | sed 's/\\"/"/g')
expect 0 env ESEAL_MOBILE_HOME="$PWD/phone2" "$MOBILE" activate "$lisi_qr"
expect 0 "$MOBILE" authorize grant --to 13800138000 --until "$(TZ=Asia/Shanghai date -d '+2 days' '+%Y-%m-%d %H:%M:%S')"
contains "delegated AUTHORIZ_"
delegation=$(sed -n 's/^delegated \(AUTHORIZ_[0-9a-f]*\) .*/\1/p' <<<"$out")
expect 0 env ESEAL_MOBILE_HOME="$PWD/phone2" "$MOBILE" authorize list
contains "$delegation  WAIT  from 张三"
expect 0 env ESEAL_MOBILE_HOME="$PWD/phone2" "$MOBILE" authorize accept "$delegation"
expect 0 "$ESEAL" call coss addSignJob --app coss.toml --set "userId=$user_id" --set title=代签 \
  --set dataType=DATA --set algo=SM3withSM2 --set "data=$(printf 代签 | base64)"
proxy_job=$(sed -n 's/.*"signDataId": "\(SD_[0-9a-f-]*\)".*/\1/p' <<<"$out")
expect 0 env ESEAL_MOBILE_HOME="$PWD/phone2" "$MOBILE" sign "$proxy_job"
expect 0 "$ESEAL" call coss getSignResult --app coss.toml --set "signDataId=$proxy_job"
contains "\"authorizedUserId\": \"$lisi\""
contains "\"businessId\": \"$delegation\""
expect 0 "$ESEAL" call coss getAuthorizedsDetail --app coss.toml --set "userId=$user_id" \
  --set status=AUTHORIZE
contains '"authorizeeName": "李四"'

# The README's coss() shell function, read from the README itself: helpers, a time stamp.
eval "$(sed -n '/^coss() {/,/^}/p' "$(dirname "$0")/../../README.md")"
URL="http://127.0.0.1:$port" APP_ID=$app_id SECURE_CODE=$secure_code
out=$(coss genRandom len=16)
contains '"status":200'
out=$(coss getHashData hashAlgo=SM3 inData="$(printf abc | base64)")
contains "\"data\":\"$(printf abc | "$OPENSSL" dgst -sm3 -binary | base64)\""
out=$(coss createAndGetTssInfo oriData=test attachCert=true)
contains '"status":200'
ts=$(sed -n 's/.*"tsResp":"\([^"]*\)".*/\1/p' <<<"$out")
out=$(coss verifyTS oriData=test tsResp="$ts")
contains '"verifyRes":"1"'
out=$(coss queryAutoSignRegion userId="$user_id")
contains '"autoSignStatus":"STOPPED"'

# One link at a time: OpenSSL 3.0 applies distid to the certificate it is given only.
expect 0 "$OPENSSL" verify -vfyopt distid:1234567812345678 -CAfile var/demo/ca/root.pem \
  var/platform/user-ca.pem
expect 0 "$OPENSSL" verify -vfyopt distid:1234567812345678 -partial_chain \
  -CAfile var/platform/user-ca.pem user.pem
contains "user.pem: OK"
done_checks
