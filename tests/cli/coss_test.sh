#!/usr/bin/env bash
# The COSS door as an integrator meets it: `eseal app add --family coss` issues an appId and a
# secureCode, `eseal serve` answers POST /coss/service/v1/*, and a request signed with nothing
# but the openssl command line and sent with curl adds a user that queryUserInfo then finds.
# Usage: coss_test.sh ESEAL OPENSSL
source "$(dirname "$0")/lib.sh" "$@"
command -v curl >/dev/null || fail "curl is needed"

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
done_checks
