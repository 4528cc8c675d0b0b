#pragma once
// The endpoints of the built-in target server (the table in endpoints.hpp), as a pure function of
// (request, server state) into a protocol-neutral Response that the connection then writes in
// HTTP/1.1 (http1.hpp) or HTTP/2 (h2_session.hpp). No sockets here, so every endpoint is
// unit-testable.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "server/http_request.hpp"
#include "server/response.hpp"

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
  bool http1_only = false;  // ServeConfig::http1_only
  std::atomic<std::uint64_t> flaky_counter{0};
  BytesCache bytes;
  // HTTP/2 streams open right now over all connections, and the most seen at once.
  std::atomic<std::uint64_t> http2_streams_open{0}, http2_streams_max{0};
  std::atomic<std::uint64_t> http2_requests{0};  // HTTP/2 requests answered (or being delayed)
};

// Fills `out` (after out.clear()) with the answer to `req`. Keeps out.shared when it is long
// enough.
void route(const RequestData& req, ServerState& state, Response& out);

// A complete error response (text `message`) for a request that could not be parsed or taken
// (always closes under HTTP/1.1).
void error_response(int status, std::string_view message, Response& out);

// Appends `s` to `out` as the inside of a JSON string (quotes not included).
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace ccload::server
