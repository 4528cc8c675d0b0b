#pragma once
// A test-only HTTP/1.1 server on 127.0.0.1 that records every request it receives and answers each
// one from a script (a handler). Simple and robust rather than fast: blocking sockets, one thread
// per connection. The handler may be called from several connection threads at once.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ccload::test {

struct ReceivedRequest {
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;  // in order, names as received
  std::uint64_t connection_id = 0;                           // 1-based, per accepted connection
  // The first header with this name (case-insensitive), "" if absent.
  std::string header(std::string_view name) const;
};

struct ScriptedResponse {
  int status = 200;
  std::string body = "ok";
  // Sent as given. Content-Length is added unless present here (or Transfer-Encoding is);
  // "Connection: close" is added when the connection is closed after this response.
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay_before_head{0};  // wait before sending anything
  // Send the status line and headers at once, then the body after this delay.
  std::chrono::milliseconds delay_before_body{0};
  bool hang = false;         // never answer; keep the connection open until the server stops
  bool close_after = false;  // close the connection after this response
  std::string raw;  // when non-empty: sent verbatim instead of a formatted response, then close
};

class RecordingServer {
 public:
  // index: 0-based, global order of arrival (the request's position in requests()).
  using Handler = std::function<ScriptedResponse(const ReceivedRequest&, std::uint64_t index)>;

  // Default handler: 200 "ok". Listens on 127.0.0.1, port 0, from the constructor on.
  explicit RecordingServer(Handler handler = {});
  ~RecordingServer();  // stop()
  RecordingServer(const RecordingServer&) = delete;
  RecordingServer& operator=(const RecordingServer&) = delete;

  std::uint16_t port() const;
  std::string url(std::string_view path = "/") const;  // "http://127.0.0.1:PORT" + path
  std::vector<ReceivedRequest> requests() const;       // a copy, in order of arrival
  std::size_t request_count() const;
  std::size_t total_connections() const;           // accepted so far
  std::size_t max_concurrent_connections() const;  // high-water mark of open connections
  // Closes the listener and every connection (hanging ones too) and joins all threads. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A loopback TCP port nothing listens on (bound to port 0, read, closed): connecting is refused.
std::uint16_t unused_port();

}  // namespace ccload::test
