// The DB4403 envelope alone: a request built as a client builds it is parsed, authenticated and
// opened over its own body (base64, SM4-CBC and the JSON, each in place), in each form the seed
// prints; answers are signed and read back.
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/json_text.h"
#include "api/sz/codes.h"
#include "api/sz/envelope.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace eseal::api::sz {
namespace {

Keys keys() {
  return {"472b6491a5b04ca2ac140218215f80ba", Bytes(16, 0x5a), Bytes(32, 0xa5)};
}

// The envelope is written without rapidjson's writer (which wraps above 715 MB): every byte value
// is escaped exactly as rapidjson escapes it, so bodies read back and sign the same.
TEST(SzEnvelope, StringsAreEscapedAsRapidjsonEscapesThem) {
  std::string every;
  for (int c = 0; c < 256; ++c) every += static_cast<char>(c);
  every += "印章\"\\/";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(every.data(), static_cast<rapidjson::SizeType>(every.size()));
  std::string ours;
  api::append_json_string(ours, every);
  EXPECT_EQ(ours, std::string(buffer.GetString(), buffer.GetSize()));
}

TEST(SzEnvelope, AnEncryptedRequestOpensOverItsOwnBody) {
  std::string content = R"([{"grantCode":" f9eb ","sealType":"1|2","fileStr":"JVBERi0="}])";
  std::string body = *build_request(keys(), "req-1", content);
  EXPECT_EQ(body.find("grantCode"), std::string::npos);  // encrypted
  auto request = parse_request(body);
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->req_id, "req-1");
  EXPECT_TRUE(bsign_matches(keys().mac_key, *request));
  EXPECT_FALSE(bsign_matches(Bytes(32, 1), *request));
  auto opened = open_content(*request, keys().sm4_key, {});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  // The one-element array's object, trimmed, its strings in the body itself.
  EXPECT_STREQ((**opened)["grantCode"].GetString(), "f9eb");
  const char* value = (**opened)["fileStr"].GetString();
  EXPECT_TRUE(value >= body.data() && value < body.data() + body.size());
}

TEST(SzEnvelope, ContentThatDoesNotDecryptOrIsNotJsonHasItsCode) {
  // Not IV and whole blocks; and a ciphertext whose padding a wrong key would spoil (with a
  // random IV a wrong key keeps valid padding 1 time in 256, so the test makes its own).
  std::string sealed = crypto::to_base64(Bytes(33, 7));
  std::string body = R"({"reqId":"req-2","appKey":"k","bsign":"x","content":")" + sealed + "\"}";
  auto request = parse_request(body);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(open_content(*request, keys().sm4_key, {}).error().code, code::kBadParameter);
  std::string not_json = *build_request(keys(), "req-3", "{\"a\":");
  auto r = parse_request(not_json);
  EXPECT_EQ(open_content(*r, keys().sm4_key, {}).error().code, code::kBadJson);
  // A NUL inside the decrypted text cannot cut the JSON short.
  std::string with_nul = *build_request(keys(), "req-4", std::string("{\"a\":1}\0{", 9));
  auto n = parse_request(with_nul);
  EXPECT_EQ(open_content(*n, keys().sm4_key, {}).error().code, code::kBadJson);
  std::string not_an_envelope = "[1]";
  EXPECT_EQ(parse_request(not_an_envelope).error().code, code::kBadJson);
  std::string no_bsign = R"({"reqId":"r","appKey":"","content":"{}"})";
  EXPECT_EQ(parse_request(no_bsign).error().code, code::kBadParameter);
}

// The seed's examples print the content inline, with spaces; in the clear bsign covers that text
// as sent (or written compactly), and the seed's `appkey` and `besign` spellings are read.
TEST(SzEnvelope, AnInlineContentIsSignedAsSent) {
  std::string content = R"({ "fileName": "测试文件", "fileBase64": "SsIS" })";
  Bytes key = keys().mac_key;
  std::string body = R"({"reqId":"r-5","appkey":"","besign":")" + mac(key, "r-5", content) +
                     R"(","content": )" + content + "}";
  auto request = parse_request(body);
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_TRUE(bsign_matches(key, *request));
  auto opened = open_content(*request, {}, {});
  ASSERT_TRUE(opened.ok());
  EXPECT_STREQ((**opened)["fileName"].GetString(), "测试文件");
  std::string compact = R"({"fileName":"测试文件","fileBase64":"SsIS"})";
  std::string body2 = R"({"reqId":"r-6","appKey":"","bsign":")" + mac(key, "r-6", compact) +
                      R"(","content": )" + content + "}";
  EXPECT_TRUE(bsign_matches(key, *parse_request(body2)));
  // A JSON string holding the JSON, in the clear: bsign over its value.
  std::string body3 = *build_request({"", {}, key}, "r-7", R"({"x":"\"quoted\""})");
  auto plain = parse_request(body3);
  ASSERT_TRUE(plain.ok());
  auto opened3 = open_content(*plain, {}, {});
  ASSERT_TRUE(opened3.ok());
  EXPECT_TRUE(bsign_matches(key, *plain));
  EXPECT_STREQ((**opened3)["x"].GetString(), "\"quoted\"");
}

TEST(SzEnvelope, AnswersAreSignedAndReadBack) {
  rapidjson::Document data;
  data.Parse(R"({"scanStatus":"1"})");
  std::string encrypted = response("req-8", code::kSuccess, "操作成功", keys(), &data);
  auto reply = read_response(keys(), encrypted);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_TRUE(reply->signed_by_server);
  EXPECT_STREQ((*reply->data)["scanStatus"].GetString(), "1");
  Keys wrong = keys();
  wrong.mac_key[0] ^= 1;
  EXPECT_EQ(read_response(wrong, encrypted).error().kind, ErrorKind::kVerificationFailed);
  std::string plain = response("req-9", code::kRejected, "请求被拒绝", {}, nullptr);
  auto unsigned_reply = read_response(keys(), plain);
  ASSERT_TRUE(unsigned_reply.ok());
  EXPECT_FALSE(unsigned_reply->signed_by_server);
  EXPECT_EQ(unsigned_reply->code, "T000034");
}

}  // namespace
}  // namespace eseal::api::sz
