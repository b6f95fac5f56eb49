// libFuzzer target for the server's configuration reader (api/config.h): any text must be read
// over the defaults or refused with an error value naming the key — never crash, hang, leak or
// let an exception out of toml++ — and whatever is read must survive what `eseal serve` does
// next: ESEAL_<SECTION>_<KEY> overrides from a fixed environment, validation, and, for a valid
// configuration, the server's options. Nothing is read from the file system or the process's
// environment. Built as a real fuzzer with -DESEAL_FUZZ=ON under clang (scripts/fuzz), and in
// every build as a replay of the checked-in corpus (tests/fuzz/replay_main.cpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace eseal::api;
  std::string_view toml(reinterpret_cast<const char*>(data), size);
  auto config = parse_config(toml, "eseal.toml");
  if (!config) return 0;
  if (validate(*config)) (void)server_options(*config);
  const Environment environment{{"ESEAL_SERVER_PORT", "9090"}, {"ESEAL_LOG_LEVEL", "debug"}};
  if (apply_environment(*config, environment) && validate(*config)) {
    (void)server_options(*config);
  }
  return 0;
}
