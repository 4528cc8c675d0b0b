#pragma once
// A small blocking HTTP/1.1 POST client for the failure shippers: one keep-alive connection to one
// host, plain or TLS (net::make_client_context: chain and host-name verification, SNI), every call
// bounded by a deadline and cancellable from another thread. Reconnects when the server closes.

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "net/tls.hpp"
#include "net/url.hpp"

namespace ccload::sinks {

struct PostResult {
  int status = 0;     // the HTTP status, 0 when no complete response arrived
  std::string error;  // when status == 0: short and lower case ("connection refused"); no secrets
  bool permanent = false;   // when status == 0: retrying cannot help (certificate verification)
  std::string retry_after;  // the answer's Retry-After header, as sent ("" when absent)
};

class HttpPoster {
 public:
  using Clock = std::chrono::steady_clock;
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // `headers` go with every request. Throws std::runtime_error (one line) when the TLS context
  // cannot be made (an unreadable CA file).
  HttpPoster(net::Target target, const net::TlsOptions& tls, Headers headers);
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  // POSTs `body` to the target's path and waits for the response, at most until `deadline`.
  // A connection reused from an earlier call that turns out closed is reopened once, silently.
  PostResult post(const std::string& body, Clock::time_point deadline);

  // Thread-safe: the post() in progress, and every later one, fails at once ("cancelled").
  void cancel();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ccload::sinks
