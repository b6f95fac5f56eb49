// libFuzzer target for the LD/T 01.4 envelope: any body must parse or be refused with an error
// value — never crash, hang, leak or overflow the stack — and whatever parses must survive what
// the door does next before and after authentication: the canonical strings `sign` covers, the
// in-place trim, and a response echoing the header. Built as a real fuzzer with -DESEAL_FUZZ=ON
// under clang (scripts/fuzz ldt), and in every build as a replay of the checked-in corpus with
// a short run of mutations (tests/fuzz/replay_main.cpp).
#include <cstddef>
#include <cstdint>

#include "api/json_text.h"
#include "api/ldt/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace eseal::api::ldt;
  std::string body(reinterpret_cast<const char*>(data), size);
  Header seen;
  auto request = parse_request(body, {}, &seen);
  if (!request) {
    (void)response(seen.businesstype, seen.syscode, false, request.error().message);
    return 0;
  }
  (void)eseal::api::canonical_fields(*request->content, true);
  (void)eseal::api::canonical_fields(*request->content);
  trim_content(*request);
  (void)response(request->header.businesstype, request->header.syscode, true, "成功",
                 request->content);
  return 0;
}
