// Two-party SM2 (协同签名) against a plain OpenSSL SM2 signature measured in the same run:
//   JointSign   one whole joint signature in process: the phone's nonce, the server's half and
//               the phone's finish (which verifies the result under P before returning it);
//   ServerHalf  the server's half alone (two scalar multiplications, r, s2, s3): what one core
//               of the server spends per signature;
//   HttpRoundTrip  a phone signing a job over loopback HTTP against the real doors and store:
//               getJob, signPrepare and signComplete (the job added beforehand, untimed).
// Each is printed as a ratio to one OpenSSL SM2 signature over the same 32 bytes.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include "api/coss_world.h"
#include "cosign/two_party.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "mobile/phone.h"
#include "ratio_reporter.h"

namespace {

using namespace eseal;
using eseal::api::coss::test::data_field;

const Bytes kDigest(32, 0x42);

void openssl_sign(benchmark::State& state) {
  static const crypto::Sm2PrivateKey key = *crypto::Sm2PrivateKey::generate();
  unsigned char sig[80];
  for (auto _ : state) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key.native(), nullptr);
    EVP_PKEY_sign_init(ctx);
    size_t len = sizeof sig;
    EVP_PKEY_sign(ctx, sig, &len, kDigest.data(), kDigest.size());
    EVP_PKEY_CTX_free(ctx);
    benchmark::DoNotOptimize(sig);
  }
}

struct Shares {
  cosign::Scalar d1, d2;
  cosign::Point p;
};
const Shares& shares() {
  static const Shares s = [] {
    Bytes context = to_bytes("bench");
    auto client = *cosign::client_key_share(context);
    auto server = *cosign::server_key_share(client.p1, client.proof, context);
    return Shares{client.d1, server.d2, server.p};
  }();
  return s;
}

void BM_JointSign_Eseal(benchmark::State& state) {
  const Shares& s = shares();
  for (auto _ : state) {
    auto nonce = *cosign::client_sign_start();
    auto partial = *cosign::server_sign(s.d2, kDigest, nonce.q1);
    benchmark::DoNotOptimize(cosign::client_sign_finish(s.d1, nonce, kDigest, partial, s.p));
  }
}
void BM_JointSign_OpenSSL(benchmark::State& state) {
  openssl_sign(state);
}

void BM_ServerHalf_Eseal(benchmark::State& state) {
  const Shares& s = shares();
  auto nonce = *cosign::client_sign_start();
  for (auto _ : state) benchmark::DoNotOptimize(cosign::server_sign(s.d2, kDigest, nonce.q1));
}
void BM_ServerHalf_OpenSSL(benchmark::State& state) {
  openssl_sign(state);
}

// The phone's side of one job over HTTP, as mobile/phone.cpp speaks it, without the PIN (whose
// key derivation is deliberately slow and not the server's cost).
class HttpPhone {
 public:
  HttpPhone(api::coss::test::World& world, const mobile::Account& account, cosign::Scalar d1)
      : world_(world),
        client_("127.0.0.1", static_cast<std::uint16_t>(std::stoi(world.url().substr(17)))),
        account_(account),
        d1_(std::move(d1)) {}

  bool sign(const std::string& job) {
    auto detail = call("getJob", R"({"signDataId":")" + job + R"("})");
    auto e = crypto::from_base64(detail["data"]["hash"].GetString());
    auto nonce = *cosign::client_sign_start();
    auto prepared = call("signPrepare", R"({"signDataId":")" + job + R"(","q1":")" +
                                            crypto::to_base64(nonce.q1) + "\"}");
    const auto& d = prepared["data"];
    cosign::PartialSignature partial{*crypto::from_base64(d["r"].GetString()),
                                     *crypto::from_base64(d["s2"].GetString()),
                                     *crypto::from_base64(d["s3"].GetString())};
    auto sig = cosign::client_sign_finish(d1_, nonce, *e, partial, account_.p);
    auto done = call("signComplete", std::string(R"({"sessionId":")") + d["sessionId"].GetString() +
                                         R"(","signature":")" + crypto::to_base64(*sig) + "\"}");
    return done["status"].GetInt() == 200;
  }

 private:
  rapidjson::Document call(const std::string& op, const std::string& body) {
    api::Headers h;
    h.set("Content-Type", "application/json");
    h.set("Authorization", "Bearer " + account_.token);
    auto r = client_.post("/coss/mobile/v1/" + op, body, h);
    rapidjson::Document out;
    out.Parse(r->body.c_str());
    return out;
  }

  api::coss::test::World& world_;
  api::HttpClient client_;
  mobile::Account account_;
  cosign::Scalar d1_;
};

void BM_HttpRoundTrip_Eseal(benchmark::State& state) {
  api::coss::test::World world;
  eseal::test::TempDir phone_dir;
  mobile::Wallet wallet(phone_dir.path());
  auto added = world.call("addUser", R"({"userName":"张三","idType":"SF",
      "idNumber":"513436200005039279","mobile":"18745292611","department":"QT"})");
  std::string user = data_field(added, "userId");
  auto code = world.call("getAuthCode", R"({"userId":")" + user + R"("})");
  mobile::Phone phone(wallet);
  auto account = phone.activate(data_field(code, "authCode"), {"", "", "bench", "246810"});
  if (!account) {
    state.SkipWithError(account.error().message.c_str());
    return;
  }
  HttpPhone raw(world, *account, *mobile::open_share(*account, "246810"));
  int failed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto job = world.call("addSignJob", R"({"userId":")" + user +
                                            R"(","title":"bench","dataType":"DATA",
        "algo":"SM3withSM2","data":"5ZCM5oSP"})");
    std::string id = data_field(job, "signDataId");
    state.ResumeTiming();
    if (!raw.sign(id)) ++failed;
  }
  if (failed > 0) state.SkipWithError("a signature was refused");
}
void BM_HttpRoundTrip_OpenSSL(benchmark::State& state) {
  openssl_sign(state);
}

BENCHMARK(BM_JointSign_Eseal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_JointSign_OpenSSL)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ServerHalf_Eseal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ServerHalf_OpenSSL)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HttpRoundTrip_Eseal)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_HttpRoundTrip_OpenSSL)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  return eseal::bench::run_with_ratios(argc, argv, "OpenSSL");
}
