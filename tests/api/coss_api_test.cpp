// The COSS door's users group over real HTTP: a server on a data folder, an app with COSS
// credentials, requests signed as a business system signs them; addUser, queryUserInfo by each
// key and updateUser answered with the manual's envelope, and each refusal with its chapter-4
// code: unknown app, bad signature, a replay, a disabled app, every field rule.
#include "coss_world.h"

namespace eseal::api::coss {
namespace {

using test::data_field;
using test::message_in;
using test::status_of;
using test::World;

constexpr std::string_view kZhangSan =
    R"({"userName":"张三","idType":"SF","idNumber":"513436200005039279",
        "mobile":"18745292611","department":"QT","uniqueId":"EMP-001"})";

TEST(CossApi, AddsAUserAndFindsItByEachKey) {
  World world;
  auto added = world.call("addUser", kZhangSan, "T-add");
  ASSERT_EQ(status_of(added), 200) << message_in(added);
  EXPECT_EQ(message_in(added), "SUCCESS");
  EXPECT_EQ(std::string(added["transId"].GetString()), "T-add");
  std::string user_id = data_field(added, "userId");
  EXPECT_EQ(user_id.size(), 64u);

  for (std::string query : {R"({"userId":")" + user_id + R"("})",
                            std::string(R"({"idType":"SF","idNumber":"513436200005039279"})"),
                            std::string(R"({"uniqueId":"EMP-001"})")}) {
    auto found = world.call("queryUserInfo", query);
    ASSERT_EQ(status_of(found), 200) << message_in(found);
    EXPECT_EQ(data_field(found, "msspId"), user_id);
    EXPECT_EQ(data_field(found, "userName"), "张三");
    EXPECT_EQ(data_field(found, "idType"), "身份证(SF)");
    EXPECT_EQ(data_field(found, "idCard"), "513***********9279");
    EXPECT_EQ(data_field(found, "status"), "ACTIVE");
    EXPECT_EQ(data_field(found, "requireCert"), "Y");
  }
  EXPECT_EQ(status_of(world.call("queryUserInfo", R"({"userId":"nobody"})")), 89004022);
  EXPECT_EQ(
      status_of(world.call("queryUserInfo", R"({"idType":"SF","idNumber":"11010119900307803X"})")),
      89004023);
  EXPECT_EQ(status_of(world.call("queryUserInfo", R"({"uniqueId":"EMP-404"})")), 89004020);
  EXPECT_EQ(status_of(world.call("queryUserInfo", R"({})")), 89000001);

  auto updated = world.call(
      "updateUser", R"({"userId":")" + user_id + R"(","status":"LOCKED","mobile":"13900000000"})");
  ASSERT_EQ(status_of(updated), 200) << message_in(updated);
  auto locked = world.call("queryUserInfo", R"({"userId":")" + user_id + R"("})");
  EXPECT_EQ(data_field(locked, "status"), "LOCKED");
  EXPECT_EQ(data_field(locked, "mobilePhone"), "13900000000");
  EXPECT_EQ(
      status_of(world.call("updateUser", R"({"userId":")" + user_id + R"(","status":"FROZEN"})")),
      89004012);
  EXPECT_EQ(status_of(world.call("updateUser", R"({"status":"LOCKED"})")), 89000001);
  EXPECT_EQ(world.store().audit().list(0, 100)->back().entry.operation, "coss.user.update");
  EXPECT_EQ(world.store().audit().list(0, 100)->back().entry.actor,
            "app:APP_0157E810F6894BEEB4DEC70331720557");
}

TEST(CossApi, EachUserRuleIsAnsweredWithItsCode) {
  World world;
  ASSERT_EQ(status_of(world.call("addUser", kZhangSan)), 200);
  struct Case {
    std::string_view fields;
    int code;
  };
  const Case cases[] = {
      {kZhangSan, 89004001},
      {R"({"userName":" 李四","idType":"SF","idNumber":"11010119900307803X",
          "mobile":"13800000000","department":"QT"})",
       89003037},
      {R"({"userName":"李四","idType":"SF","idNumber":"110101199003078031",
          "mobile":"13800000000","department":"QT"})",
       89004010},
      {R"({"userName":"李四","idType":"SF","idNumber":"11010119900307803X",
          "mobile":"1380000","department":"QT"})",
       89004011},
      {R"({"userName":"李四","idType":"SF","mobile":"13800000000","department":"QT"})", 89000008},
      {R"({"userName":"李四","idType":"XX","idNumber":"11010119900307803X",
          "mobile":"13800000000","department":"QT"})",
       89000001},
      {R"({"userName":"李四","idType":"SF","idNumber":"11010119900307803X",
          "mobile":"13800000000","department":"QT","uniqueId":"EMP-001"})",
       89004019},
      {R"({"userName":"李四","idType":"SF","idNumber":"11010119900307803X",
          "mobile":"13800000000","department":"QT","signImg":"%%%"})",
       89003020},
  };
  for (const Case& c : cases) {
    auto answer = world.call("addUser", c.fields);
    EXPECT_EQ(status_of(answer), c.code) << c.fields << " -> " << message_in(answer);
  }
  auto missing = world.call("addUser", R"({"userName":"李四","idType":"XX","idNumber":"1",
      "mobile":"13800000000","department":"QT"})");
  EXPECT_EQ(message_in(missing), "请求参数错误：证件类型应为SF、GA、HZ或QT");
}

TEST(CossApi, RequestsAreAuthenticatedAndReplaysRefused) {
  World world;
  auto fields = parse_json(kZhangSan);
  // A request signed with another secureCode.
  std::string forged =
      build_request(world.app_id(), as_bytes("0000000000000000"), *fields.document, "T-1");
  EXPECT_EQ(status_of(world.send("addUser", forged)), 89000005);
  // An unknown appId.
  std::string stranger =
      build_request("APP_UNKNOWN", as_bytes(world.secure_code()), *fields.document, "T-2");
  auto unknown = world.send("addUser", stranger);
  EXPECT_EQ(status_of(unknown), 89000003);
  EXPECT_EQ(message_in(unknown), "接入方ID不存在：APP_UNKNOWN");
  // Not JSON, and a common field missing.
  EXPECT_EQ(status_of(world.send("addUser", "{not json")), 89000001);
  EXPECT_EQ(status_of(world.send("addUser", R"({"appId":"A","signAlgo":"HMAC","version":"1.0"})")),
            89000001);
  // The same signed request twice: the second is a retry, answered as the first was without
  // adding the user again; sent to another operation, it is a replay.
  std::string body =
      build_request(world.app_id(), as_bytes(world.secure_code()), *fields.document, "T-3");
  auto first = world.send("addUser", body);
  EXPECT_EQ(status_of(first), 200);
  auto rows = world.store().audit().list(0, 100000)->size();
  EXPECT_EQ(world.send("addUser", body), first);
  EXPECT_EQ(world.store().audit().list(0, 100000)->size(), rows);
  auto replay = world.send("queryUserInfo", body);
  EXPECT_EQ(status_of(replay), 89000001);
  EXPECT_EQ(message_in(replay), "请求参数错误：重复的请求");
  // A disabled app is refused.
  ASSERT_TRUE(
      world.store()
          .apps()
          .set_enabled(world.app_id(), false, {now_utc(), "cli:test", "app.disable", "", "", ""})
          .ok());
  EXPECT_EQ(status_of(world.call("queryUserInfo", R"({"uniqueId":"EMP-001"})")), 89000003);
}

// getAuthCode answers the QR payload the manual shows ({"id","sUrl","o","cv"}, a JSON string)
// and the 8-hex code; getAuthCodeWithIdenVerify checks the user's identity first.
TEST(CossApi, ActivationCodesCarryTheQrPayload) {
  World world;
  auto added = world.call("addUser", kZhangSan);
  std::string user_id = data_field(added, "userId");
  auto issued = world.call("getAuthCode", R"({"userId":")" + user_id + R"("})");
  ASSERT_EQ(status_of(issued), 200) << message_in(issued);
  EXPECT_EQ(data_field(issued, "code").size(), 8u);
  rapidjson::Document qr;
  qr.Parse(data_field(issued, "authCode").c_str());
  ASSERT_TRUE(qr.IsObject()) << data_field(issued, "authCode");
  EXPECT_EQ(std::string(qr["id"].GetString()), world.app_id());
  std::string s_url = qr["sUrl"].GetString();
  EXPECT_EQ(s_url.rfind("http://127.0.0.1:", 0), 0u) << s_url;
  EXPECT_NE(s_url.find("/coss/mobile/v1/getServiceInfo"), std::string::npos);
  EXPECT_EQ(std::string(qr["cv"].GetString()), "2.0");
  EXPECT_EQ(crypto::from_base64(qr["o"].GetString())->size(), 20u);

  EXPECT_EQ(status_of(world.call("getAuthCode", R"({"userId":"nobody"})")), 89004022);
  EXPECT_EQ(
      status_of(world.call("getAuthCodeWithIdenVerify", R"({"userId":")" + user_id +
                                                            R"(","userName":"张三","idType":"SF",
                                     "idNumber":"11010119900307803X"})")),
      89005099);
  EXPECT_EQ(
      status_of(world.call("getAuthCodeWithIdenVerify", R"({"userId":")" + user_id +
                                                            R"(","userName":"张三","idType":"SF",
                                     "idNumber":"513436200005039279"})")),
      200);
  EXPECT_EQ(
      status_of(world.call("getAuthCodeWithIdenVerify", R"({"userId":")" + user_id + R"("})")),
      89000001);
  ASSERT_EQ(
      status_of(world.call("updateUser", R"({"userId":")" + user_id + R"(","status":"LOCKED"})")),
      200);
  EXPECT_EQ(status_of(world.call("getAuthCode", R"({"userId":")" + user_id + R"("})")), 89005005);
}

}  // namespace
}  // namespace eseal::api::coss
