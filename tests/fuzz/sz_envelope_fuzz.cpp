// libFuzzer target for the DB4403/T 383.4 envelope (api/sz/envelope.h): any body must parse or be
// refused with an error value — never crash, hang, leak or overflow the stack — and whatever
// parses must survive what the door does next (api/sz/operations.cpp): bsign checked against the
// app's MAC key, the content opened in place — base64, SM4-CBC with the app's key and the JSON —
// and an answer signed over the opened content. The same bytes are also read as a response, as
// the client does. The keys are the envelope test's fixed ones (tests/api/sz_envelope_test.cpp),
// so that the seeds' encrypted requests open. Built as a real fuzzer with -DESEAL_FUZZ=ON under
// clang (scripts/fuzz), and in every build as a replay of the checked-in corpus
// (tests/fuzz/replay_main.cpp).
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/sz/codes.h"
#include "api/sz/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace eseal;
  using namespace eseal::api::sz;
  const Keys keys{"472b6491a5b04ca2ac140218215f80ba", Bytes(16, 0x5a), Bytes(32, 0xa5)};
  // Answers signed but not encrypted: an encrypted answer takes a random IV.
  const Keys signing{"", {}, keys.mac_key};

  // The client's side first: parse_request rewrites the body in place.
  if (auto reply =
          read_response(keys, std::string_view(reinterpret_cast<const char*>(data), size))) {
    (void)data_text(reply->data.get());
  }

  std::string body(reinterpret_cast<const char*>(data), size);
  std::string seen;
  auto request = parse_request(body, {}, &seen);
  if (!request) {
    (void)response(seen, request.error().code, request.error().message, {});
    return 0;
  }
  (void)bsign_matches(keys.mac_key, *request);
  ByteView sm4_key = request->app_key.empty() ? ByteView{} : ByteView(keys.sm4_key);
  auto content = open_content(*request, sm4_key, {});
  if (!content) {
    (void)response(request->req_id, content.error().code, content.error().message, signing);
    return 0;
  }
  std::string text = data_text(content->get());
  (void)response(request->req_id, code::kSuccess, "操作成功", signing, content->get());
  (void)response_text(request->req_id, code::kSuccess, "操作成功", signing, text);
  return 0;
}
