#pragma once
// The endpoints of the built-in target server, as a pure function of (request, server state) into a
// response that the connection then writes. No sockets here, so every endpoint is unit-testable.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "server/http_request.hpp"

namespace ccload::server {

inline constexpr std::size_t kMaxBytes = 100u * 1024u * 1024u;  // /bytes/N cap
inline constexpr std::int64_t kMaxDelayMs = 60000;              // /delay/MS and /trickle/MS cap
inline constexpr std::size_t kMaxHeadBytes = 1024u * 1024u;     // /headers/N cap

// One immutable buffer of filler bytes shared by all connections; /bytes/N sends a prefix of it.
// It only grows (to the largest N asked for), and a connection keeps the shared_ptr it got, so the
// lock is taken only when a connection needs a longer buffer than the one it holds.
class BytesCache {
 public:
  std::shared_ptr<const std::string> at_least(std::size_t size);

 private:
  std::mutex mutex_;
  std::shared_ptr<const std::string> buffer_;
};

// State shared by every connection of one server.
struct ServerState {
  bool tls = false;
  std::atomic<std::uint64_t> flaky_counter{0};
  BytesCache bytes;
  // HTTP/2 streams open right now over all connections, and the most seen at once.
  std::atomic<std::uint64_t> http2_streams_open{0}, http2_streams_max{0};
  std::atomic<std::uint64_t> http2_requests{0};  // HTTP/2 requests answered (or being delayed)
};

// The response a connection writes. Reused per connection: clear() keeps the capacity.
struct Response {
  std::string head;  // status line and header fields, ending with the blank line
  std::string body;  // the body, unless `shared` is set
  // When use_shared, the body is the first shared_size bytes of *shared (/bytes/N). `shared` is
  // kept across clear() so the next /bytes request on this connection can reuse it without a lock.
  std::shared_ptr<const std::string> shared;
  std::size_t shared_size = 0;
  bool use_shared = false;
  std::chrono::milliseconds delay{0};  // wait this long before writing anything
  bool close = false;                  // close the connection after writing
  bool head_only = false;              // HEAD request: send the head (with Content-Length) only

  // The fault endpoints: how the connection departs from writing `head` and then the body.
  enum class Fault : std::uint8_t {
    none,
    reset,      // the head and half the body, then a TCP reset (SO_LINGER 0, close)
    close,      // nothing: the connection is closed before the status line
    malformed,  // `body` alone (not HTTP), then the connection is closed
    trickle,    // the head, then the body one byte every `trickle_interval`
    hang,       // nothing, ever: the request's bytes are read and dropped until the peer closes
  };
  Fault fault = Fault::none;
  std::chrono::milliseconds trickle_interval{0};

  void clear() {
    head.clear();
    body.clear();
    shared_size = 0;
    use_shared = false;
    delay = std::chrono::milliseconds{0};
    close = false;
    head_only = false;
    fault = Fault::none;
    trickle_interval = std::chrono::milliseconds{0};
  }
  std::size_t body_size() const { return use_shared ? shared_size : body.size(); }
};

// Fills `out` (after out.clear()) with the answer to `req`. Keeps out.shared when it is long
// enough.
void route(const RequestData& req, ServerState& state, Response& out);

// A complete error response for a request that could not be parsed (always closes).
void error_response(int status, std::string_view message, Response& out);

// Appends `s` to `out` as the inside of a JSON string (quotes not included).
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace ccload::server
