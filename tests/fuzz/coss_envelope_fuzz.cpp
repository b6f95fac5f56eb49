// libFuzzer target for the COSS business API's envelope (api/coss/envelope.h): any body must
// parse or be refused with an error value — never crash, hang, leak or overflow the stack — and
// whatever happens must survive what the door does next (Adapter::handle in
// api/coss/routes.cpp): a refusal answered with the code it carries, or for a request the
// string its signature covers, the signature checked against a fixed secureCode (the one the
// seeds are signed with, from tests/api/coss_envelope_test.cpp), its fields read as the
// operations read them, and an answer echoing the request. Built as a real fuzzer with
// -DESEAL_FUZZ=ON under clang (scripts/fuzz), and in every build as a replay of the checked-in
// corpus (tests/fuzz/replay_main.cpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/coss/codes.h"
#include "api/coss/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace eseal;
  using namespace eseal::api::coss;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto request = parse_request(body);
  if (!request) {
    std::string answer = response(std::stoi(request.error().code), request.error().message, "");
    (void)status_of(answer);
    return 0;
  }
  (void)string_to_sign(*request);
  (void)signature_matches(as_bytes("0123456789ABCDEF0123456789ABCDEF"), *request);
  for (std::string_view name : {"userId", "userName", "mobile", "expire", "fileBase64"}) {
    (void)request->value(name);
    (void)request->text(name);
  }
  std::string answer = response(code::kSuccess, message_of(code::kSuccess), request->trans_id,
                                request->document.get());
  (void)status_of(answer);
  return 0;
}
