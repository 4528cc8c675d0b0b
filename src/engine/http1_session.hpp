#pragma once
// The HTTP/1.1 protocol of one connection (h2load's Http1Session): one request in flight, the
// request bytes built once per run, responses parsed by ResponseParser (llhttp), keep-alive.
// The connection owns the transport, the timers and the slot loop; the session owns the protocol
// and its read buffer. exchange() is called once per request (no virtual call at all: the
// transport is a template argument), and neither it nor the parser allocates except to capture
// the body of a failed response.

#include <cstddef>
#include <memory>
#include <string_view>

#include "engine/response_parser.hpp"
#include "engine/transport.hpp"

namespace ccload::engine {

class Http1Session {
 public:
  enum class Outcome {
    complete,                // a response arrived; keep_open() says whether to reuse the connection
    failed,                  // failed after some response bytes arrived (record.error is set)
    failed_before_response,  // failed before any response byte: a stale keep-alive may be retried
  };

  // `locations`: note the Location of redirect responses (for following redirects).
  explicit Http1Session(bool locations);

  // Writes `request` and reads its response into `record` (ttfb and ttlb counted from `written`,
  // bytes added, status, failure body; record.error read/write/protocol/tls on failure). `head`:
  // the request is HEAD (no body comes back). `finished` is set to when it completed or failed.
  // After a failure the caller must close the transport and call reset().
  template <class Transport>
  Task<Outcome> exchange(Transport& transport, std::string_view request, bool head, Record& record,
                         Clock::time_point written, Clock::time_point& finished);

  // After a complete response: whether the connection may carry the next request.
  bool keep_open() const { return keep_open_; }
  // The connection was closed: unread bytes are dropped.
  void reset() { begin_ = end_ = 0; }
  // The Location of the last complete response when it was a redirect (3xx), else empty.
  const std::string& location() const { return parser_.location(); }

 private:
  ResponseParser parser_;
  bool keep_open_ = false;

  // Response bytes read but not yet parsed are buffer_[begin_, end_).
  // The parser streams, so the buffer only sets how much one read may take.
  static constexpr std::size_t kBufferSize = 16 * 1024;
  std::unique_ptr<char[]> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace ccload::engine
