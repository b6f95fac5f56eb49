// Talking to a test server below the HTTP client: bytes written on a fresh loopback connection,
// for requests a well-behaved client would never send (a bare header, a lying Content-Length,
// a chunked body).
#pragma once

#include <cstdint>
#include <string>

namespace eseal::test {

// Writes `request` to 127.0.0.1:`port` and returns all the server sends until it closes.
std::string raw_exchange(std::uint16_t port, const std::string& request);

}  // namespace eseal::test
