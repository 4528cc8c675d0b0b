#pragma once
// The built-in target server (`ccload serve`): a small, fast httpbin-like HTTP/1.1 and HTTP/2
// server for the quick start, the tests and the benchmarks.
//
// The endpoints, normal and faulty, are the table in endpoints.hpp (also the "/" page and
// `ccload serve --help`); how each protocol acts out a fault is Response::Fault (response.hpp).
// Each request's bytes are read in full before it is answered.
// HTTP/1.1 keep-alive (and HTTP/1.0 with Connection: keep-alive), pipelining, Expect: 100-continue,
// chunked request bodies (up to 32 MB). Every response has "Server: ccload" and a Content-Length
// (except 204, which must not have one).

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

namespace ccload::server {

struct ServeConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;      // 0 = pick a free port
  unsigned threads = 0;           // 0 = number of cores
  std::string tls_cert, tls_key;  // both set = HTTPS (PEM files)
  // With HTTPS: require a client certificate signed by a CA in this PEM file (empty = none asked).
  std::string tls_client_ca = {};
  // HTTP/1.1 only (`ccload serve --http1-only`), as a server that does not speak HTTP/2: no "h2"
  // by ALPN, and over cleartext the HTTP/2 preface is parsed as an HTTP/1.1 request (which it is
  // not: 400 and a close, as nginx without http2 answers).
  bool http1_only = false;
};

class TargetServer {
 public:
  // Starts listening and serving. Throws std::runtime_error with a one-line message when it cannot
  // bind or load the certificate/key.
  explicit TargetServer(ServeConfig config);
  ~TargetServer();  // stop()
  TargetServer(const TargetServer&) = delete;
  TargetServer& operator=(const TargetServer&) = delete;

  std::uint16_t port() const;
  // "http://127.0.0.1:43121" ("https" with TLS; an IPv6 host in brackets).
  std::string base_url() const;
  // The most HTTP/2 streams that were open at once, over all connections, since the start.
  std::uint64_t max_concurrent_http2_streams() const;
  // HTTP/2 requests received complete since the start.
  std::uint64_t http2_requests() const;
  // Stops accepting, drops every connection and joins the threads. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// For `ccload serve`: prints "listening on URL" as its first line to `out` (flushed), serves until
// SIGINT or SIGTERM, stops cleanly and returns 0. Errors from the constructor propagate.
int serve_until_signal(const ServeConfig& config, std::ostream& out);

}  // namespace ccload::server
