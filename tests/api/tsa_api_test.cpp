// The RFC 3161 door over real HTTP: a server with the platform's own time-stamp authority on a
// data folder, asked with our requests and OpenSSL's, answered with tokens that verify and are
// recorded and audited; refusals as TimeStampResp; serials unique across two store handles on one
// folder signing at once; an external authority reached through the same interface.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "api/http_client.h"
#include "api/server.h"
#include "api/tsa/authority.h"
#include "api/tsa/remote.h"
#include "api/tsa/routes.h"
#include "asn1/der.h"
#include "asn1/oid.h"
#include "base/file.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "keys/key_file.h"
#include "pki/test_ca.h"
#include "service/store_platform.h"
#include "service/time_stamping.h"
#include "store/store.h"
#include "support/process.h"
#include "tsa/request.h"
#include "tsa/verify.h"

namespace eseal::api::tsa {
namespace {

namespace oid = asn1::oid;
using pki::test::issue;
using pki::test::IssuedKey;

keys::Kek test_kek() {
  return keys::Kek(crypto::SecureBytes{'t', 's', 'a', '-', 'k', 'e', 'k'});
}

struct Keys {
  IssuedKey root = issue(pki::CertificateProfile::kRootCa, "C=CN,CN=时间戳根", nullptr,
                         now_utc() - std::chrono::days(1), now_utc() + std::chrono::days(3650));
  IssuedKey tsa = issue(pki::CertificateProfile::kTsa, "C=CN,CN=eseal 时间戳服务", &root,
                        now_utc() - std::chrono::days(1), now_utc() + std::chrono::days(365));
};

const Keys& keys_once() {
  static const Keys k;
  return k;
}

ses::TrustPolicy trust() {
  static const std::vector<pki::Certificate> roots{keys_once().root.cert};
  return {roots, {}, {}};
}

eseal::tsa::Settings settings() {
  eseal::tsa::Settings s;
  s.policy = "2.999.1.1";
  return s;
}

// A data folder with the platform's TSA, a store and the server answering POST /tsa.
class World {
 public:
  World() {
    std::filesystem::create_directories(dir_.path() / "platform");
    keys::Kek kek = test_kek();
    EXPECT_TRUE(
        write_file_atomic(dir_ / "platform/tsa.pem", as_bytes(keys_once().tsa.cert.pem()), 0644));
    EXPECT_TRUE(write_file_atomic(dir_ / "platform/tsa.key",
                                  as_bytes(*keys::encrypt_private_key(keys_once().tsa.key, kek)),
                                  0600));
    store_ = std::move(*store::open_store(dir_.path(), kek));
    platform_ = std::make_unique<service::StorePlatform>(*store_, kek, dir_.path());
    auto signer = platform_->tsa_signer();
    EXPECT_TRUE(signer.ok()) << signer.error().message;
    authority_ =
        std::make_unique<service::LocalTimeStampAuthority>(*signer, settings(), *platform_);
    ServerOptions options;
    options.port = 0;
    options.workers = 2;
    server_ = std::make_unique<Server>(options);
    add_routes(*server_, *authority_);
    EXPECT_TRUE(server_->start());
  }
  ~World() {
    server_->stop();
    server_->wait();
  }

  HttpResponse post(const std::string& body, const std::string& type = std::string(kQueryType)) {
    HttpClient client("127.0.0.1", server_->port());
    Headers headers;
    headers.set("Content-Type", type);
    auto r = client.post("/tsa", body, headers);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : HttpResponse{};
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/tsa"; }
  store::Store& store() { return *store_; }
  service::StorePlatform& platform() { return *platform_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<service::StorePlatform> platform_;
  std::unique_ptr<service::TimeStampAuthority> authority_;
  std::unique_ptr<Server> server_;
};

Bytes request_for(ByteView data, ByteView nonce) {
  return *eseal::tsa::encode_request(
      {std::string(oid::kSm3), crypto::sm3(data), Bytes(nonce.begin(), nonce.end()), true, {}});
}

TEST(TsaApi, ATokenOverHttpVerifiesAndIsRecordedAndAudited) {
  World world;
  Bytes data = to_bytes("contract text");
  Bytes nonce{0x11, 0x22, 0x33};
  HttpResponse r = world.post(to_string(request_for(data, nonce)));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), kReplyType);
  auto response = eseal::tsa::parse_response(to_bytes(r.body));
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->status, 0);
  ASSERT_TRUE(response->token);
  eseal::tsa::TokenExpectation expect;
  expect.data = {data};
  expect.nonce = asn1::encode_unsigned_integer(nonce);
  auto report = eseal::tsa::verify_token(*response->token, trust(), expect);
  EXPECT_TRUE(report.verdict.valid());
  EXPECT_EQ(report.signature_form, "z-default-id");
  ASSERT_TRUE(report.info);
  EXPECT_EQ(report.info->serial.size(), 16u);

  auto record = world.store().time_stamps().find(crypto::to_hex(report.info->serial));
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->token, *response->token);
  EXPECT_EQ(record->imprint, crypto::to_hex(crypto::sm3(data)));
  EXPECT_EQ(record->requester.rfind("http:127.0.0.1:", 0), 0u) << record->requester;
  auto audit = world.store().audit().list(0, 100);
  ASSERT_TRUE(audit.ok());
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->back().entry.operation, "tsa.issue");
  EXPECT_EQ(audit->back().entry.object, record->serial);
  EXPECT_TRUE(world.store().audit().verify().ok());
}

TEST(TsaApi, OpenSslsRequestIsAnsweredAndItsReplyReadByOpenSsl) {
  World world;
  test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "d.txt", as_bytes("hello"), 0644));
  std::string openssl = test::openssl_binary();
  auto query =
      test::run_command(openssl + " ts -query -sm3 -cert -data " + (dir / "d.txt").string() +
                        " -out " + (dir / "q.tsq").string() + " 2>&1");
  ASSERT_EQ(query.exit_code, 0) << query.output;
  HttpResponse r = world.post(to_string(*read_file(dir / "q.tsq")));
  ASSERT_EQ(r.status, 200);
  ASSERT_TRUE(write_file_atomic(dir / "r.tsr", as_bytes(r.body), 0644));
  auto text =
      test::run_command(openssl + " ts -reply -in " + (dir / "r.tsr").string() + " -text 2>&1");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("Status: Granted"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("Policy OID: 2.999.1.1"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("Accuracy: 0x01 seconds"), std::string::npos) << text.output;
}

TEST(TsaApi, RefusalsAreTimeStampResponsesNeverServerErrors) {
  World world;
  auto fail_info = [&](const std::string& body) {
    HttpResponse r = world.post(body);
    EXPECT_EQ(r.status, 200);
    auto response = eseal::tsa::parse_response(to_bytes(r.body));
    EXPECT_TRUE(response.ok());
    EXPECT_EQ(response->status, 2);
    return response->fail_info.value_or(eseal::tsa::FailInfo::kTimeNotAvailable);
  };
  EXPECT_EQ(fail_info("garbage"), eseal::tsa::FailInfo::kBadDataFormat);
  Bytes short_hash = asn1::encode_sequence(
      {asn1::encode_integer(1),
       asn1::encode_sequence({asn1::encode_sequence({oid::encode(oid::kSm3)}),
                              asn1::encode(asn1::tag::kOctetString, Bytes(20, 1))})});
  EXPECT_EQ(fail_info(to_string(short_hash)), eseal::tsa::FailInfo::kBadAlg);
  auto policy = eseal::tsa::encode_request(
      {std::string(oid::kSm3), Bytes(32, 7), std::nullopt, false, std::string("1.2.3.4")});
  EXPECT_EQ(fail_info(to_string(*policy)), eseal::tsa::FailInfo::kUnacceptedPolicy);
  HttpResponse wrong_type = world.post(to_string(*policy), "application/json");
  EXPECT_EQ(wrong_type.status, 415);
  // Nothing refused was recorded.
  auto audit = world.store().audit().list(0, 100);
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->empty());
}

TEST(TsaApi, SerialsStayUniqueAcrossTwoStoresOnOneFolder) {
  World world;
  // A second handle on the same data folder: what a second server process has.
  auto second_store = store::open_store(world.dir(), test_kek());
  ASSERT_TRUE(second_store.ok());
  service::StorePlatform second_platform(**second_store, test_kek(), world.dir());
  auto signer = second_platform.tsa_signer();
  ASSERT_TRUE(signer.ok());
  service::LocalTimeStampAuthority second(*signer, settings(), second_platform);
  constexpr int kEach = 25;
  std::vector<Bytes> serials[2];
  auto ask = [](service::TimeStampAuthority& authority, std::vector<Bytes>& out) {
    for (int i = 0; i < kEach; ++i) {
      Bytes reply =
          authority.respond(request_for(as_bytes(std::to_string(i)), Bytes{1}), "test", now_utc());
      auto response = eseal::tsa::parse_response(reply);
      if (!response || !response->token) continue;
      auto info = eseal::tsa::verify_token(*response->token, trust()).info;
      if (info) out.push_back(info->serial);
    }
  };
  auto first = world.platform().tsa_signer();
  ASSERT_TRUE(first.ok());
  service::LocalTimeStampAuthority one(*first, settings(), world.platform());
  std::thread a([&] { ask(one, serials[0]); });
  std::thread b([&] { ask(second, serials[1]); });
  a.join();
  b.join();
  std::set<Bytes> all(serials[0].begin(), serials[0].end());
  all.insert(serials[1].begin(), serials[1].end());
  EXPECT_EQ(serials[0].size() + serials[1].size(), 2u * kEach);
  EXPECT_EQ(all.size(), 2u * kEach);
  for (const Bytes& s : all) EXPECT_TRUE(world.store().time_stamps().find(crypto::to_hex(s)).ok());
  EXPECT_TRUE(world.store().audit().verify().ok());
}

TEST(TsaApi, AnExternalAuthorityIsReachedThroughTheSameInterface) {
  World world;
  auto remote = RemoteTimeStampAuthority::make(world.url(), std::chrono::seconds(5));
  ASSERT_TRUE(remote.ok());
  Bytes data = to_bytes("signature value");
  auto stamper = service::time_stamper(**remote, "test", now_utc());
  auto token = stamper(data);
  ASSERT_TRUE(token.ok()) << token.error().message;
  eseal::tsa::TokenExpectation expect;
  expect.hashed_message = crypto::sm3(data);
  EXPECT_TRUE(eseal::tsa::verify_token(*token, trust(), expect).verdict.valid());

  // Nobody listening: a systemFailure naming the URL, and signing fails with those words.
  auto nowhere = RemoteTimeStampAuthority::make("http://127.0.0.1:1/tsa", std::chrono::seconds(2));
  ASSERT_TRUE(nowhere.ok());
  auto refused = service::time_stamper(**nowhere, "test", now_utc())(data);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("systemFailure"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("http://127.0.0.1:1/tsa"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(RemoteTimeStampAuthority::make("ftp://x/tsa", std::chrono::seconds(1)).ok());
}

TEST(TsaApi, TheConfigurationChoosesTheAuthorityAndWhetherSignaturesUseIt) {
  World world;
  Config config;
  auto built_in = authority_from(config, world.platform());
  ASSERT_TRUE(built_in.ok()) << built_in.error().message;
  EXPECT_TRUE(*built_in);
  config.tsa.policy = "not-an-oid";
  auto bad = authority_from(config, world.platform());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("[tsa] policy"), std::string::npos);
  config = Config{};
  config.tsa.accepted_policies = "1.2.3,1.2.4";
  config.tsa.signature = "no-z";
  auto s = settings_from(config);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->accepted_policies, (std::vector<std::string>{"1.2.3", "1.2.4"}));
  EXPECT_FALSE(s->z);

  // A data folder without tsa.pem has no authority; "tsa" then refuses to start.
  test::TempDir empty;
  auto store = store::open_store(empty.path(), test_kek());
  ASSERT_TRUE(store.ok());
  service::StorePlatform none(**store, test_kek(), empty.path());
  auto missing = authority_from(Config{}, none);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(*missing);
  config = Config{};
  EXPECT_EQ(*signing_authority(config, nullptr), nullptr);  // auto
  EXPECT_EQ(*signing_authority(config, built_in->get()), built_in->get());
  config.signing.time_stamp = "none";
  EXPECT_EQ(*signing_authority(config, built_in->get()), nullptr);
  config.signing.time_stamp = "tsa";
  auto refused = signing_authority(config, nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("D/platform/tsa.pem"), std::string::npos);
}

}  // namespace
}  // namespace eseal::api::tsa
