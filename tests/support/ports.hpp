#pragma once
// Loopback ports for the servers tests start, and a plain HTTP GET to query them.

#include <cstdint>
#include <string>

namespace ccload::test {

std::uint16_t free_port();         // a port on 127.0.0.1 nobody listens on (just now)
bool accepts(std::uint16_t port);  // something listens on 127.0.0.1:port
// GET http://127.0.0.1:PORT/TARGET (HTTP/1.1, 5 s at most): the status and the body; status 0
// when no answer came.
struct HttpAnswer {
  int status = 0;
  std::string body;
};
HttpAnswer http_get(std::uint16_t port, const std::string& target);
// %-encodes a query value.
std::string url_encode(const std::string& text);

}  // namespace ccload::test
