// libFuzzer target for the phones' API (api/coss/mobile.h, POST /coss/mobile/<operation>): any
// body sent to any operation, with or without a live session, must be answered with a status
// and a message — never crash, hang, leak or overflow the stack. The door runs on a real data
// folder (SQLite and the blob folder in a temporary folder, removed at exit) with an app, a user
// and a phone that has activated as eseal-mobile does (a device key and a two-party key share),
// so that the operations behind the token are reached too. Input: the first byte picks the
// operation, the second whether the session's token is sent (logout never gets it, so that the
// session lives on), the rest is the body, where @JOB@ stands for the id of the job the
// activation opened (the phone's certificate request), so that the job operations find one. The
// clock stands still at the world's start, so the token never expires. It links the PDF engine
// (through the services), which clang 14 cannot build against GCC 12's library, so it is fuzzed
// blind, as pdf is: the replay's mutations for a time in a GCC sanitizer build (scripts/fuzz
// mobile), and in every build a replay of the checked-in corpus (tests/fuzz/replay_main.cpp).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "api/coss/mobile.h"
#include "api/coss/routes.h"
#include "api/json.h"
#include "cosign/two_party.h"
#include "crypto/encoding.h"
#include "crypto/sm2.h"
#include "service/auto_sign.h"
#include "service/coss_keys.h"
#include "service/coss_users.h"
#include "service/delegations.h"
#include "service/sign_jobs.h"
#include "service/store_platform.h"
#include "store/store.h"
#include "support/platform_ca.h"
#include "support/process.h"

namespace {

using namespace eseal;

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "mobile_fuzz: %s: %s\n", what, r.error().message.c_str());
    std::abort();
  }
  return std::move(*r);
}

// A data folder with one COSS app and one user whose phone has activated.
struct World {
  test::TempDir dir;
  keys::Kek kek{crypto::SecureBytes{'m', 'o', 'b', 'i', 'l', 'e'}};
  std::unique_ptr<store::Store> store = must(store::open_store(dir.path(), kek), "store");
  service::StorePlatform platform{*store, kek, dir.path()};
  service::CossKeys keys{*store, platform, platform};
  service::SignJobs jobs{*store, keys, platform, api::coss::callback_body(platform)};
  service::AutoSigning auto_sign{*store, keys, jobs, platform};
  service::Delegations delegations{*store};
  api::coss::MobileAdapter door{platform, keys, jobs, platform, auto_sign, delegations, platform};
  Time now = now_utc();
  std::string token, job;

  World() {
    must(test::write_platform_ca(dir.path(), kek), "platform CA");
    store::App app;
    app.id = must(store::new_id(), "app id");
    app.syscode = "APP_MOBILE_FUZZ";
    app.name = "业务系统";
    app.scopes = {"*"};
    app.created = app.rotated = now;
    auto secrets = must(store::AppSecrets::generate(true), "app secrets");
    if (!store->apps().add(app, secrets, {now, "cli:fuzz", "app.add", "", "", ""})) std::abort();
    service::Caller caller = service::StorePlatform::caller_of(app, "coss");
    service::CossUsers users(*store);
    auto user =
        must(users.add(caller,
                       {"张三", "SF", "513436200005039279", "18745292611", "QT", "", "", ""}, now),
             "user");
    auto code = must(users.issue_activation(caller, user.id, std::nullopt, now), "activation");
    // The phone's side of activation, as mobile::Phone does it.
    auto device = must(crypto::Sm2PrivateKey::generate(), "device key");
    Bytes device_point = device.public_key().point();
    auto share = must(
        cosign::client_key_share(cosign::enrolment_context(app.syscode, code.code, device_point)),
        "key share");
    std::string body = R"({"appId":")" + app.syscode + R"(","o":")" + code.ticket +
                       R"(","deviceName":"fuzz","deviceKey":")" + crypto::to_base64(device_point) +
                       R"(","p1":")" + crypto::to_base64(share.p1) + R"(","p1Proof":")" +
                       crypto::to_base64(share.proof) + R"("})";
    auto answer = api::parse_json(door.handle("activate", body, "", now));
    if (!answer || !answer.document->IsObject() || !answer.document->HasMember("data") ||
        !(*answer.document)["data"].HasMember("token") ||
        !(*answer.document)["data"].HasMember("certJobId")) {
      std::fprintf(stderr, "mobile_fuzz: activation failed\n");
      std::abort();
    }
    token = (*answer.document)["data"]["token"].GetString();
    job = (*answer.document)["data"]["certJobId"].GetString();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  if (size < 2) return 0;
  const auto& operations = api::coss::MobileAdapter::table();
  const auto& entry = operations[data[0] % operations.size()];
  const bool with_token = (data[1] & 1) != 0 && entry.name != "logout";
  std::string body(reinterpret_cast<const char*>(data + 2), size - 2);
  constexpr std::string_view kJob = "@JOB@";
  for (auto at = body.find(kJob); at != std::string::npos; at = body.find(kJob, at + 1)) {
    body.replace(at, kJob.size(), world.job);
  }
  std::string answer =
      world.door.handle(entry.name, body, with_token ? world.token : std::string(), world.now);
  auto parsed = api::parse_json(answer);
  if (!parsed || !parsed.document->IsObject() || !parsed.document->HasMember("status")) {
    std::fprintf(stderr, "mobile_fuzz: %s answered what is not an answer: %s\n",
                 std::string(entry.name).c_str(), answer.c_str());
    std::abort();
  }
  return 0;
}
