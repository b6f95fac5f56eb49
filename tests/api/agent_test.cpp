// eseal's local agent: pairings (asked, decided once, kept as hashes across restarts, revoked),
// the questions a waiting function puts to the person, and the agent over real HTTP — who may
// reach it, a function call with its error, the viewer's view of a document and a question the
// person cancels.
#include "api/agent/agent.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <future>
#include <thread>

#include "api/agent/pairing.h"
#include "api/agent/prompts.h"
#include "api/http_client.h"
#include "api/json.h"
#include "api/json_text.h"
#include "base/file.h"
#include "crypto/encoding.h"
#include "support/blank_pdf.h"

namespace eseal::api::agent {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kBusiness = "http://oa.example.gov.cn";
const Time kNow = Time(std::chrono::seconds(1'790'000'000));

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("eseal-agent-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(PairingsTest, AnAllowedPageGetsItsTokenOnceAndKeepsItAcrossRestarts) {
  TempDir dir;
  fs::path state = dir.path() / "agent.json";
  auto pairings = Pairings::open(state, 300s);
  ASSERT_TRUE(pairings.ok()) << pairings.error().message;
  auto id = (*pairings)->ask(kBusiness, "合同管理系统", kNow);
  ASSERT_TRUE(id.ok());
  auto waiting = (*pairings)->pending(kNow);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].name, "合同管理系统");
  EXPECT_EQ((*pairings)->collect(*id, kBusiness, kNow)->state, PairingState::kPending);
  // Another origin cannot see, let alone collect, the request.
  EXPECT_EQ((*pairings)->collect(*id, "http://evil.example", kNow).error().kind,
            ErrorKind::kNotFound);

  ASSERT_TRUE((*pairings)->decide(*id, true, kNow).ok());
  auto allowed = (*pairings)->collect(*id, kBusiness, kNow);
  ASSERT_TRUE(allowed.ok());
  EXPECT_EQ(allowed->state, PairingState::kAllowed);
  std::string token = allowed->token;
  EXPECT_EQ(token.size(), 64u);
  EXPECT_FALSE((*pairings)->collect(*id, kBusiness, kNow).ok());  // handed out once
  EXPECT_TRUE((*pairings)->check(kBusiness, token));
  EXPECT_FALSE((*pairings)->check("http://evil.example", token));
  EXPECT_FALSE((*pairings)->check(kBusiness, token.substr(1)));
  EXPECT_FALSE((*pairings)->check(kBusiness, ""));

  // Kept as a hash in a private file, and read back by the next agent.
  struct stat st {};
  ASSERT_EQ(::stat(state.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto text = to_string(*read_file(state));
  EXPECT_EQ(text.find(token), std::string::npos);
  EXPECT_NE(text.find(kBusiness), std::string::npos);
  auto again = Pairings::open(state, 300s);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->check(kBusiness, token));
  ASSERT_EQ((*again)->paired().size(), 1u);
  EXPECT_EQ((*again)->paired()[0].since, kNow);

  // Revoked: refused from then on, also after a restart.
  ASSERT_TRUE((*again)->forget(kBusiness).ok());
  EXPECT_FALSE((*again)->check(kBusiness, token));
  EXPECT_EQ((*again)->forget(kBusiness).error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE((*Pairings::open(state, 300s))->check(kBusiness, token));
}

TEST(PairingsTest, RefusedAndUnansweredRequestsGiveNoToken) {
  TempDir dir;
  auto pairings = *Pairings::open(dir.path() / "agent.json", 60s);
  auto refused = *pairings->ask(kBusiness, "", kNow);
  ASSERT_TRUE(pairings->decide(refused, false, kNow).ok());
  auto answer = pairings->collect(refused, kBusiness, kNow);
  EXPECT_EQ(answer->state, PairingState::kRefused);
  EXPECT_TRUE(answer->token.empty());
  EXPECT_FALSE(fs::exists(dir.path() / "agent.json"));  // nothing was paired

  auto late = *pairings->ask(kBusiness, "", kNow);
  EXPECT_TRUE(pairings->pending(kNow + 61s).empty());
  EXPECT_EQ(pairings->decide(late, true, kNow + 61s).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(pairings->collect(late, kBusiness, kNow + 61s)->state, PairingState::kExpired);

  // A flood of requests stops at eight waiting.
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(pairings->ask(kBusiness, "", kNow).ok());
  EXPECT_FALSE(pairings->ask(kBusiness, "", kNow).ok());
}

TEST(PairingsTest, ADamagedStateFileIsRefused) {
  TempDir dir;
  fs::path state = dir.path() / "agent.json";
  ASSERT_TRUE(write_file_atomic(state, as_bytes("{\"paired\":[{\"origin\":1}]}")).ok());
  auto opened = Pairings::open(state, 60s);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("damaged"), std::string::npos);
}

TEST(PromptsTest, AQuestionWaitsForItsAnswerOrItsTime) {
  Prompts prompts;
  auto [start, none] = prompts.current();
  EXPECT_TRUE(none.empty());
  auto asked =
      std::async(std::launch::async, [&] { return prompts.ask("pin", "{\"triesLeft\":3}", 10s); });
  std::uint64_t seen = prompts.wait_change(start, 5s);
  auto [version, waiting] = prompts.current();
  ASSERT_EQ(waiting.size(), 1u) << seen;
  EXPECT_EQ(waiting[0].kind, "pin");
  EXPECT_EQ(waiting[0].details, "{\"triesLeft\":3}");
  EXPECT_FALSE(prompts.answer(waiting[0].id + 1, "{}"));
  EXPECT_TRUE(prompts.answer(waiting[0].id, "{\"pin\":\"1234\"}"));
  EXPECT_FALSE(prompts.answer(waiting[0].id, "{}"));  // answered already
  EXPECT_EQ(asked.get(), "{\"pin\":\"1234\"}");
  EXPECT_TRUE(prompts.current().second.empty());
  EXPECT_NE(prompts.current().first, version);

  EXPECT_FALSE(prompts.ask("place", "{}", 20ms).has_value());  // nobody answered
  auto cancelled = std::async(std::launch::async, [&] { return prompts.ask("open", "{}", 10s); });
  while (prompts.current().second.empty()) std::this_thread::sleep_for(1ms);
  prompts.cancel_all();
  EXPECT_FALSE(cancelled.get().has_value());
}

// --- the agent over HTTP -------------------------------------------------------------------------

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "viewer");
    ASSERT_TRUE(write_file_atomic(dir_.path() / "viewer" / "index.html", as_bytes("<p>")).ok());
    AgentOptions options;
    options.origins = {kBusiness};
    options.state_file = dir_.path() / "agent.json";
    options.viewer_dir = dir_.path() / "viewer";
    options.skf_library = dir_.path() / "no-such-library.so";
    options.prompt_timeout = 10s;
    auto agent = Agent::create(options);
    ASSERT_TRUE(agent.ok()) << agent.error().message;
    agent_ = std::move(*agent);
    ServerOptions server_options;
    server_options.port = 0;
    server_options.workers = 8;
    server_ = std::make_unique<Server>(server_options);
    ASSERT_TRUE(agent_->add_routes(*server_).ok());
    ASSERT_TRUE(server_->start().ok());
    std::string url = agent_->viewer_url(server_->port());
    viewer_key_ = url.substr(url.find("#key=") + 5);
  }

  HttpResponse send(const std::string& method, const std::string& target, std::string body,
                    Headers headers) {
    HttpClient client("127.0.0.1", server_->port());
    auto response = client.request(method, target, std::move(body), headers);
    EXPECT_TRUE(response.ok());
    return response ? *response : HttpResponse{};
  }
  HttpResponse page(const std::string& target, std::string body, const std::string& token = "",
                    const std::string& origin = kBusiness) {
    Headers headers;
    headers.set("Origin", origin);
    headers.set("Content-Type", "application/json");
    if (!token.empty()) headers.set("Authorization", "Bearer " + token);
    return send("POST", target, std::move(body), headers);
  }
  HttpResponse viewer(const std::string& method, const std::string& target, std::string body = "") {
    Headers headers;
    headers.set("X-Eseal-Viewer", viewer_key_);
    return send(method, target, std::move(body), headers);
  }
  static std::string field(const std::string& json, const char* name) {
    auto parsed = parse_json(json);
    if (!parsed || !parsed.document->IsObject()) return {};
    auto it = parsed.document->FindMember(name);
    if (it == parsed.document->MemberEnd()) return {};
    return it->value.IsString() ? std::string(json_view(it->value)) : compact_json(it->value);
  }
  // Pairs the business origin the way a page and the person do.
  std::string pair() {
    auto asked = page("/pair", "{\"name\":\"合同管理系统\"}");
    EXPECT_EQ(asked.status, 202) << asked.body;
    std::string id = field(asked.body, "request");
    EXPECT_NE(viewer("GET", "/viewer/api/events").body.find("合同管理系统"), std::string::npos);
    EXPECT_EQ(viewer("POST", "/viewer/api/pairings/" + id, "{\"allow\":true}").status, 200);
    Headers headers;
    headers.set("Origin", kBusiness);
    auto collected = send("GET", "/pair/" + id, "", headers);
    EXPECT_EQ(field(collected.body, "status"), "allowed");
    return field(collected.body, "token");
  }

  TempDir dir_;
  std::unique_ptr<Agent> agent_;
  std::unique_ptr<Server> server_;
  std::string viewer_key_;
};

TEST_F(AgentTest, OnlyAllowedPagesOnTheLoopbackHostReachIt) {
  EXPECT_EQ(page("/pair", "{}", "", "http://evil.example").status, 403);
  Headers no_origin;
  EXPECT_EQ(send("POST", "/pair", "{}", no_origin).status, 403);
  Headers rebinding;
  rebinding.set("Origin", kBusiness);
  rebinding.set("Host", "rebind.example:" + std::to_string(server_->port()));
  EXPECT_EQ(send("POST", "/pair", "{}", rebinding).status, 403);
  Headers preflight;
  preflight.set("Origin", kBusiness);
  auto allowed = send("OPTIONS", "/hrss/HRSSCheckKey", "", preflight);
  EXPECT_EQ(allowed.status, 204);
  EXPECT_EQ(allowed.headers.get("Access-Control-Allow-Origin").value_or(""), kBusiness);
  EXPECT_EQ(allowed.headers.get("Access-Control-Allow-Private-Network").value_or(""), "true");
  EXPECT_EQ(page("/hrss/HRSSCheckKey", "{\"args\":[]}").status, 401);
  EXPECT_EQ(page("/hrss/HRSSCheckKey", "{\"args\":[]}", "00ff").status, 401);

  Headers wrong_key;
  wrong_key.set("X-Eseal-Viewer", "00");
  EXPECT_EQ(send("GET", "/viewer/api/events", "", wrong_key).status, 401);
  Headers from_page;
  from_page.set("X-Eseal-Viewer", viewer_key_);
  from_page.set("Origin", kBusiness);
  EXPECT_EQ(send("GET", "/viewer/api/events", "", from_page).status, 403);
}

TEST_F(AgentTest, APairedPageCallsFunctionsAndTheViewerShowsTheDocument) {
  std::string token = pair();
  ASSERT_EQ(token.size(), 64u);
  // The token works for its origin only.
  EXPECT_EQ(page("/hrss/HRSSCheckKey", "{\"args\":[]}", token, "http://other.example").status, 403);
  EXPECT_EQ(page("/hrss/NoSuchFunction", "{\"args\":[]}", token).status, 404);
  EXPECT_EQ(page("/hrss/HRSSGoToPage", "{\"args\":[\"2\"]}", token).status, 400);
  EXPECT_EQ(page("/hrss/HRSSGoToPage", "{\"args\":[]}", token).status, 400);
  EXPECT_EQ(page("/hrss/ESEAL_HRSSSetKey", "{\"args\":[\"/tmp/x.so\",\"\"]}", token).status, 404);

  // A failure carries the library's error number and message.
  auto closed = page("/hrss/HRSSCloseFile", "{}", token);
  EXPECT_EQ(closed.status, 200);
  EXPECT_EQ(field(closed.body, "result"), "0");
  EXPECT_NE(closed.body.find("\"number\":-1"), std::string::npos) << closed.body;

  std::string pdf = to_string(test::blank_pdf(2));
  auto opened =
      page("/hrss/ESEAL_HRSSOpenFileFromMemory",
           "{\"args\":[\"" + crypto::to_base64(as_bytes(pdf)) + "\",\"合同.pdf\"]}", token);
  EXPECT_EQ(field(opened.body, "result"), "1") << opened.body;
  EXPECT_EQ(field(opened.body, "error"), "");
  EXPECT_EQ(field(page("/hrss/HRSSGoToPage", "{\"args\":[2]}", token).body, "result"), "1");
  EXPECT_EQ(field(page("/hrss/ESEAL_HRSSFileName", "{}", token).body, "result"), "合同.pdf");

  // Local files and foreign addresses are the agent's to refuse.
  auto local = page("/hrss/HRSSOpenFileByPath", "{\"args\":[\"/etc/passwd\",0]}", token);
  EXPECT_NE(local.body.find("\"number\":-11"), std::string::npos) << local.body;
  auto foreign = page("/hrss/HRSSHttpPost", "{\"args\":[\"http://192.0.2.1/x\",\"\"]}", token);
  EXPECT_NE(foreign.body.find("\"number\":-11"), std::string::npos) << foreign.body;

  auto events = viewer("GET", "/viewer/api/events");
  auto view = field(events.body, "view");
  EXPECT_NE(view.find("\"pages\":2"), std::string::npos) << view;
  EXPECT_NE(view.find("\"page\":2"), std::string::npos) << view;
  std::string version = field(view, "version");
  auto picture = viewer("GET", "/viewer/api/pages/2?v=" + version);
  EXPECT_EQ(picture.status, 200) << picture.body;
  EXPECT_EQ(picture.body.substr(1, 3), "PNG");
  EXPECT_EQ(viewer("GET", "/viewer/api/pages/2?v=999").status, 404);  // another version
  EXPECT_EQ(viewer("GET", "/viewer/api/pages/3?v=" + version).status, 404);
  EXPECT_EQ(viewer("GET", "/viewer/api/document").body, pdf);
  // No USB key library: the viewer says why.
  EXPECT_NE(viewer("GET", "/viewer/api/seal").body.find("\"present\":false"), std::string::npos);
}

TEST_F(AgentTest, AFunctionWaitsForThePersonWhoMayCancel) {
  std::string token = pair();
  std::string pdf = to_string(test::blank_pdf(1));
  page("/hrss/ESEAL_HRSSOpenFileFromMemory",
       "{\"args\":[\"" + crypto::to_base64(as_bytes(pdf)) + "\",\"a.pdf\"]}", token);
  auto inserting =
      std::async(std::launch::async, [&] { return page("/hrss/HRSSInsertESeal", "{}", token); });
  std::string prompt;
  for (int i = 0; i < 500 && prompt.find("\"kind\":\"place\"") == std::string::npos; ++i) {
    prompt = field(viewer("GET", "/viewer/api/events").body, "prompts");
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_NE(prompt.find("\"crossPage\":false"), std::string::npos) << prompt;
  std::string id = prompt.substr(prompt.find("\"id\":") + 5);
  id = id.substr(0, id.find_first_not_of("0123456789"));
  EXPECT_EQ(viewer("POST", "/viewer/api/answer/" + id, "{\"cancel\":true}").status, 200);
  auto inserted = inserting.get();
  EXPECT_EQ(field(inserted.body, "result"), "0");
  EXPECT_NE(inserted.body.find("\"number\":-11"), std::string::npos) << inserted.body;
  EXPECT_EQ(viewer("POST", "/viewer/api/answer/" + id, "{}").status, 404);
}

}  // namespace
}  // namespace eseal::api::agent
