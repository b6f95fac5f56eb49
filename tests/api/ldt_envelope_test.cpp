// The LD/T 01.4 envelope: the seed's own example headers (appendix A, with `businessstype` and
// values padded with spaces) parse; the canonical string orders keys by byte value as §5.2.2's
// example (bar, foo, foo_bar, foobar) and leaves empty values out; sign and hmac verify and fail
// when anything they cover changes.
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/json_text.h"
#include "api/ldt/envelope.h"
#include "base/utf8.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/sm2.h"
#include "pki/test_ca.h"

namespace eseal::api::ldt {
namespace {

rapidjson::Document json(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

// Appendix A example 16's header, as printed (its content lost a comma in print; ours has it).
constexpr std::string_view kExample16 = R"({
"message_header":{
"syscode":"HBECS",
"authcode":"hj hjk ja666sdfuuaUyydsa77654Ja",
"businessstype":"applySeal ",
"sign":"1333D3DFAFSDFASDFASDFASDFASDF1234234213421ABSFADSFASDFASDF",
"version":"1.0",
"ctime": "1498627266000",
"random": "550e8400e29b41d4a716446655440000",
"hmac": "Ubpyb0Gxk5JKTs8A5Sf18B0R/LRLe61W099NQHHzUew4="},
"message_content":{
"sealName": "122",
"templateName": "se_name",
"photoData": "1232312312adfasfsdfasdfsdfsafsaf",
"certDN": "cn=test, OU=xxx, C=CN"}
})";

TEST(LdtEnvelope, TheSeedsExampleHeadersParseWithTheirQuirks) {
  auto r = parse_request(std::string(kExample16));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->header.businesstype, "applySeal");
  EXPECT_EQ(r->header.syscode, "HBECS");
  EXPECT_EQ(r->header.authcode, "hj hjk ja666sdfuuaUyydsa77654Ja");  // inner spaces stay
  EXPECT_EQ(r->header.ctime, "1498627266000");
  EXPECT_EQ(std::string((*r->content)["certDN"].GetString()), "cn=test, OU=xxx, C=CN");

  // Example 20: " positionSealSign" under the right name, and numbers where strings belong.
  auto r20 = parse_request(R"({"message_header":{"syscode":"HBECS","authcode":"a",
    "businesstype":" positionSealSign","sign":"s","version":"1.0","ctime":1498627266000,
    "random":"550e8400e29b41d4a716446655440000","hmac":"h"},"message_content":{" data ":" x "}})");
  ASSERT_TRUE(r20.ok()) << r20.error().message;
  EXPECT_EQ(r20->header.businesstype, "positionSealSign");
  EXPECT_EQ(r20->header.ctime, "1498627266000");
  // The content stays as sent until the header is authenticated, then is trimmed in place.
  EXPECT_TRUE(r20->content->HasMember(" data "));
  trim_content(*r20);
  EXPECT_EQ(std::string((*r20->content)["data"].GetString()), "x");
}

// Appendix A examples 17, 18, 23 and 24 print message_content inside message_header.
TEST(LdtEnvelope, ContentInsideTheHeaderIsTheContent) {
  auto r = parse_request(R"({"message_header":{"syscode":"HBECS","authcode":"a",
    "businesstype":"getSeal ","sign":"s","version":"1.0","ctime":"1",
    "random":"550e8400e29b41d4a716446655440000","hmac":"h",
    "message_content":{"certDN":"证书DN"}}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_STREQ((*r->content)["certDN"].GetString(), "证书DN");
  auto both = parse_request(R"({"message_header":{"syscode":"HBECS","authcode":"a",
    "businesstype":"getSeal","sign":"s","version":"1.0","ctime":"1","random":"r","hmac":"h",
    "message_content":{"certDN":"甲"}},"message_content":{"certDN":"乙"}})");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().message, "报文包含两个message_content");
}

// Two equal keys (after trimming) anywhere, or two spellings of businesstype, are refused: the
// signature covered one of them and an operation might have read the other.
TEST(LdtEnvelope, DuplicateKeysAreRefusedAtEveryDepth) {
  std::string header = R"("message_header":{"syscode":"A","authcode":"b","businesstype":"x",
    "sign":"s","version":"1.0","ctime":"1","random":"r","hmac":"h"})";
  auto top = parse_request("{" + header + R"(,"message_content":{"data":"1"," data":"2"}})");
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().message, "报文包含重复的键：data");
  auto nested = parse_request("{" + header +
                              R"(,"message_content":{"signList":[{"sealId":"1","sealId":"2"}]}})");
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.error().message, "报文包含重复的键：sealId");
  Header seen;
  auto aliases = parse_request(R"({"message_header":{"syscode":"A","authcode":"b",
    "businesstype":"getSeal","businessType":"lockSign","sign":"s","version":"1.0","ctime":"1",
    "random":"r","hmac":"h"}})",
                               {}, &seen);
  ASSERT_FALSE(aliases.ok());
  EXPECT_EQ(aliases.error().message, "message_header包含重复的键：businessType");
  EXPECT_EQ(seen.syscode, "A");
}

TEST(LdtEnvelope, NestingIsLimitedWhileParsing) {
  // Deep enough to overflow a recursive parser's or walker's stack many times over.
  std::string deep = R"({"message_header":{},"message_content":{"x":)" +
                     std::string(1'000'000, '[') + std::string(1'000'000, ']') + "}}";
  auto r = parse_request(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "报文嵌套超过32层");
  std::string header = R"("message_header":{"syscode":"A","authcode":"b","businesstype":"x",
    "sign":"s","version":"1.0","ctime":"1","random":"r","hmac":"h"})";
  std::string ok_depth = "{" + header + R"(,"message_content":{"x":)" + std::string(30, '[') +
                         std::string(30, ']') + "}}";
  EXPECT_TRUE(parse_request(ok_depth).ok());
  EXPECT_FALSE(parse_request(ok_depth, {16}).ok());
}

TEST(LdtEnvelope, ValuesAreCountedWhileParsing) {
  // Two bytes of body a value: without a count, the document would be eight times the body.
  std::string header = R"("message_header":{"syscode":"A","authcode":"b","businesstype":"x",
    "sign":"s","version":"1.0","ctime":"1","random":"r","hmac":"h"})";
  std::string many = "{" + header + R"(,"message_content":{"x":[0)";
  for (int i = 0; i < 200'000; ++i) many += ",0";
  many += "]}}";
  auto r = parse_request(many);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "报文包含超过100000个值");
  EXPECT_TRUE(parse_request(many, {.max_values = 300'000}).ok());
  // Objects and arrays count as values too.
  std::string nested = "{" + header + R"(,"message_content":{"x":[{},{},[]]}})";
  EXPECT_TRUE(parse_request(nested, {.max_values = 15}).ok());
  EXPECT_FALSE(parse_request(nested, {.max_values = 14}).ok());
}

TEST(LdtEnvelope, TextThatIsNotUtf8IsRefusedAndResponsesAreAlwaysUtf8) {
  auto r = parse_request("{\"message_header\":{\"syscode\":\"\xff\xfe\"}}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "报文不是合法的JSON");
  std::string out = response("op\xff", "\xc0\xafsys", false, "bad \xed\xa0\x80");
  EXPECT_EQ(valid_utf8(out), out);
  auto parsed = json(out);
  EXPECT_STREQ(parsed["message_header"]["businesstype"].GetString(), "op\uFFFD");
}

// A raw control character inside a string is not JSON, wherever it falls in a long value
// (RapidJSON's SSE2 scanning, were it enabled, lets 0x1A-0x1F through).
TEST(LdtEnvelope, RawControlCharactersInStringsAreRefused) {
  for (char control : {'\x01', '\x19', '\x1A', '\x1F'}) {
    for (std::size_t at = 0; at < 40; at += 3) {
      std::string data(48, 'A');
      data[at] = control;
      auto r = parse_request(R"({"message_header":{"syscode":"A"},"message_content":{"data":")" +
                             data + "\"}}");
      ASSERT_FALSE(r.ok()) << int(control) << " at " << at;
      EXPECT_EQ(r.error().message, "报文不是合法的JSON");
    }
  }
}

TEST(LdtEnvelope, BadEnvelopesAreRefusedNamingWhatIsMissing) {
  EXPECT_FALSE(parse_request(std::string("{\"a\":1}\0{}", 10)).ok());
  EXPECT_FALSE(parse_request("not json").ok());
  EXPECT_FALSE(parse_request(R"({"message_content":{}})").ok());
  auto r =
      parse_request(R"({"message_header":{"syscode":"A","authcode":"b","businesstype":"getSeal",
    "sign":"s","version":"1.0","ctime":"1","hmac":"h"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "message_header缺少random");
}

TEST(LdtEnvelope, TheTrimmedCanonicalStringIsWhatTheOperationReads) {
  auto d = json(R"({" b ":" 2 ","a":[{" k ":" v "}],"e":"  "})");
  EXPECT_EQ(api::canonical_fields(d, true), R"(a=[{"k":"v"}]&b=2)");
  EXPECT_EQ(api::canonical_fields(d), R"( b = 2 &a=[{" k ":" v "}]&e=  )");
}

TEST(LdtEnvelope, TheCanonicalStringSortsByByteValueAndLeavesEmptyValuesOut) {
  // §5.2.2: foo=1, bar=2, foo_bar=3, foobar=4 sort to bar, foo, foo_bar, foobar.
  EXPECT_EQ(api::canonical_fields(json(R"({"foo":"1","bar":"2","foo_bar":"3","foobar":"4"})")),
            "bar=2&foo=1&foo_bar=3&foobar=4");
  EXPECT_EQ(api::canonical_fields(json(R"({"b":"","a":null,"c":[],"d":{},"BIZNUM":"7","n":5})")),
            "BIZNUM=7&n=5");
  EXPECT_EQ(
      api::canonical_fields(json(R"({"signList":[{"pageNum":"1","zx":"10"}],"data":"QQ=="})")),
      R"(data=QQ==&signList=[{"pageNum":"1","zx":"10"}])");
  // A key sent twice counts once, with its last value.
  EXPECT_EQ(api::canonical_fields(json(R"({"b":"1","a":"x","b":"2"})")), "a=x&b=2");
  EXPECT_EQ(api::canonical_fields(json(R"({" b ":"1","b":"2","c":{"x":1}})"), true),
            R"(b=2&c={"x":1})");
}

// append_json writes what rapidjson's writer writes, and U+FFFD for each byte of ill-formed
// UTF-8 in a key or string.
TEST(LdtEnvelope, AppendJsonWritesWhatRapidjsonWrites) {
  auto d = json(R"({"a":[1,-2,3.5,1e300,18446744073709551615,-9223372036854775808,true,false,null],
    "b":{"c":"q\"\\\/\b\f\n\r\t\u0001 印","d":{},"e":[]},"f":0.1})");
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  d.Accept(writer);
  std::string out;
  api::append_json(out, d);
  EXPECT_EQ(out, std::string(buffer.GetString(), buffer.GetSize()));
  rapidjson::Document bad;
  bad.SetObject();
  bad.AddMember(rapidjson::Value("k\xFF", bad.GetAllocator()),
                rapidjson::Value("v\xE5\x8D", bad.GetAllocator()), bad.GetAllocator());
  out.clear();
  api::append_json(out, bad);
  EXPECT_EQ(out, "{\"k\xEF\xBF\xBD\":\"v\xEF\xBF\xBD\xEF\xBF\xBD\"}");
}

// The size hint an answer is reserved with is exact for what the LD/T door answers: strings
// with nothing to escape (a document's base64), in objects and arrays.
TEST(LdtEnvelope, TheSizeHintIsExactForUnescapedStrings) {
  auto d = json(R"({"signedData":"JVBERi0xLjcK+/=","BIZNUM":"BIZ1","list":["a","",{}],"o":{}})");
  std::string out;
  api::append_json(out, d);
  EXPECT_EQ(api::json_size_hint(d), out.size());
  // Other values are estimated generously.
  auto numbers = json(R"({"n":[1,true,null]})");
  out.clear();
  api::append_json(out, numbers);
  EXPECT_GE(api::json_size_hint(numbers), out.size());
}

// A character to escape at any offset around append_json_string's eight-byte steps, among bytes
// at the edges of what the word test must pass (' ', '!', '#', '[', ']', 0x7F, 0x80, 0xFF).
TEST(LdtEnvelope, AppendJsonStringEscapesAtEveryOffset) {
  const std::string plain = " !#[]\x7F\xC2\x80\xF0\x9F\x98\x80 AZaz09+/=";
  for (char special : {'"', '\\', '\n', '\x01', '\x1F'}) {
    for (std::size_t at = 0; at <= 20; ++at) {
      std::string text;
      while (text.size() < 24) text += plain;
      text.insert(at, 1, special);
      rapidjson::StringBuffer buffer;
      rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
      writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      std::string out;
      api::append_json_string(out, text);
      EXPECT_EQ(out, std::string(buffer.GetString(), buffer.GetSize())) << at;
    }
  }
}

TEST(LdtEnvelope, HmacIsSm3HmacOverCtimeRandomSyscode) {
  Bytes key = to_bytes("0123456789abcdef");
  std::string expected = crypto::to_base64(
      crypto::hmac_sm3(key, as_bytes("1498627266000550e8400e29b41d4a716446655440000HBECS")));
  EXPECT_EQ(compute_hmac(key, "1498627266000", "550e8400e29b41d4a716446655440000", "HBECS"),
            expected);
  EXPECT_NE(compute_hmac(key, "1498627266001", "550e8400e29b41d4a716446655440000", "HBECS"),
            expected);
}

TEST(LdtEnvelope, SignVerifiesInEveryEncodingAndFailsWhenTheContentChanges) {
  auto app = pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,CN=接入应用", nullptr);
  rapidjson::Document content = json(R"({"certDN":"C=CN,CN=公章","BIZNUM":""})");
  auto sign = sign_content(content, **keys::KeySigner::make(app.key, app.cert));
  ASSERT_TRUE(sign.ok());
  auto request_with = [&](const std::string& s, std::string_view content_json) {
    std::string body = R"({"message_header":{"syscode":"A","authcode":"b","businesstype":"getSeal",
      "sign":")" + s + R"(","version":"1.0","ctime":"1","random":"r","hmac":"h"},
      "message_content":)" +
                       std::string(content_json) + "}";
    return *parse_request(body);
  };
  EXPECT_TRUE(
      verify_sign(request_with(*sign, R"({"certDN":"C=CN,CN=公章","BIZNUM":""})"), app.cert));
  // Hex of r||s, and DER in base64, are accepted too; padding spaces in values are tolerated.
  Bytes raw = *crypto::from_base64(*sign);
  EXPECT_TRUE(
      verify_sign(request_with(crypto::to_hex(raw), R"({"certDN":" C=CN,CN=公章 "})"), app.cert));
  Bytes der = *crypto::sm2_signature_raw_to_der(raw);
  EXPECT_TRUE(
      verify_sign(request_with(crypto::to_base64(der), R"({"certDN":"C=CN,CN=公章"})"), app.cert));
  auto changed = verify_sign(request_with(*sign, R"({"certDN":"C=CN,CN=另一个章"})"), app.cert);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.error().message, "sign验证失败");
  EXPECT_FALSE(verify_sign(request_with("not-a-signature", "{}"), app.cert).ok());
  // It returns the SM2 digest of the trimmed content, whichever form was signed.
  Bytes expected = *crypto::sm2_signing_digest(*app.cert.public_key(),
                                               as_bytes(std::string_view("certDN=C=CN,CN=公章")));
  EXPECT_EQ(*verify_sign(request_with(*sign, R"({"certDN":" C=CN,CN=公章 "})"), app.cert),
            expected);
  rapidjson::Document padded = json(R"({"certDN":" C=CN,CN=公章 "})");
  auto padded_sign = sign_content(padded, **keys::KeySigner::make(app.key, app.cert));
  EXPECT_EQ(*verify_sign(request_with(*padded_sign, R"({"certDN":" C=CN,CN=公章 "})"), app.cert),
            expected);
}

TEST(LdtEnvelope, ABuiltRequestPassesTheServersChecks) {
  auto app = pki::test::issue(pki::CertificateProfile::kSeal, "C=CN,CN=接入应用", nullptr);
  ClientCredentials credentials{"HBECS", "auth", to_bytes("hmac-key"),
                                std::move(*keys::KeySigner::make(app.key, app.cert))};
  rapidjson::Document content = json(R"({"certDN":"C=CN,CN=公章"})");
  auto body = build_request(credentials, "getSeal", content, pki::test::kNow,
                            "550e8400e29b41d4a716446655440000");
  ASSERT_TRUE(body.ok());
  auto request = parse_request(*body);
  ASSERT_TRUE(request.ok()) << request.error().message;
  const Header& h = request->header;
  EXPECT_EQ(h.businesstype, "getSeal");
  EXPECT_EQ(h.ctime, "1795435200000");  // 2026-11-23T12:00:00Z in ms
  EXPECT_EQ(h.hmac, compute_hmac(credentials.hmac_key, h.ctime, h.random, h.syscode));
  EXPECT_TRUE(verify_sign(*request, app.cert));
}

TEST(LdtEnvelope, ResponsesCarryTheFamilysCodes) {
  rapidjson::Document content = json(R"({"SealStatus":"1"})");
  auto r = json(response("getSealStatus", "HBECS", true, "成功", &content));
  EXPECT_STREQ(r["message_header"]["errorCode"].GetString(), "1");
  EXPECT_STREQ(r["message_header"]["version"].GetString(), "1.0");
  EXPECT_STREQ(r["message_content"]["SealStatus"].GetString(), "1");
  auto e = json(response("getSeal", "HBECS", false, "印章不存在"));
  EXPECT_STREQ(e["message_header"]["errorCode"].GetString(), "0");
  EXPECT_STREQ(e["message_header"]["errorInfo"].GetString(), "印章不存在");
  EXPECT_TRUE(e["message_content"].IsObject());
}

}  // namespace
}  // namespace eseal::api::ldt
