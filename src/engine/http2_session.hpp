#pragma once
// HTTP/2 for the engine, on nghttp2 (h2load's Http2Session): over https by ALPN "h2", over http
// with prior knowledge (h2c). One connection carries up to --streams requests at once.
//
// Http2Session is the protocol only (no I/O): submit() a request, on_read() the bytes that
// arrived, take_output() the bytes to send. Per-request state lives in a fixed pool of
// Http2Stream, --streams entries per connection (one per request lane), allocated once. nghttp2
// itself allocates per stream and per frame (its stream objects, header blocks, outbound items):
// those allocations are nghttp2's and are not avoided.
//
// Timing per stream (design.md, "Timing"): first and last byte count from when its HEADERS frame
// was sent (a stream waiting for the server's SETTINGS_MAX_CONCURRENT_STREAMS is waiting, in
// wait_ns), ttfb at the first response HEADERS frame, ttlb at END_STREAM. Failures are values:
// RST_STREAM from the server fails that stream (`read`, or `protocol` for PROTOCOL_ERROR and
// similar codes); streams above a GOAWAY's last stream id, and REFUSED_STREAM, are `retryable`
// (the lane sends them once more, on a new connection after a GOAWAY); a lost connection fails
// every stream in flight.

#include <nghttp2/nghttp2.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/exchange.hpp"
#include "engine/transport.hpp"
#include "engine/worker.hpp"
#include "request/request_filler.hpp"

namespace ccload::engine {

class Connection;

// A request as HTTP/2 header fields: a static target's built once per run and referenced (not
// copied) by every submit; a templated target's filled per request into the lane's own.
struct Http2Request {
  std::vector<std::string> names, values;  // storage for nva (may hold more than nva uses)
  std::vector<nghttp2_nv> nva;
  std::string body;
};
std::shared_ptr<const Http2Request> build_http2_request(const TargetSpec& target,
                                                        const net::Target& where);
// The same fields for a filled request (a templated target's, request/request_filler.hpp), into
// `out`, whose strings are reused: `out` must outlive the exchange (nva points into it).
void fill_http2_request(Http2Request& out, const request::FilledRequest& request);

// One stream of a connection, owned by one request lane (request_lane.hpp) for the whole run: the
// lane's current request while it is submitted.
struct Http2Stream {
  enum class State {
    idle,       // no request, or its exchange is over (`outcome` says how it ended)
    submitted,  // open in nghttp2 (its HEADERS frame may still wait for the server's limit)
  };
  State state = State::idle;
  ExchangeOutcome outcome = ExchangeOutcome::complete;
  bool got_headers = false;
  bool ended = false;         // END_STREAM received
  bool headers_sent = false;  // its HEADERS frame went out (`sent`)
  std::int32_t id = -1;
  const Http2Request* request = nullptr;
  Record* record = nullptr;   // the lane's, while submitted
  std::size_t body_sent = 0;  // bytes of the request body handed to nghttp2
  std::uint64_t body_bytes = 0;
  std::string location;  // the Location of a 3xx response (noted only with --max-redirects)
  // Captured runs (core::RunPlan::needs) only: the final response's fields (names as sent,
  // lowercase) in `head` as spans (name begin, value begin, end), and its body up to the cap.
  // Reused.
  struct FieldSpan {
    std::size_t name, value, end;
  };
  std::string head, body;
  std::vector<FieldSpan> spans;
  std::vector<core::ResponseField> fields;
  bool body_truncated = false;
  // The captured response (fields' views built here); valid until the next submit.
  core::ServerResponse response();
  // `from`: first and last byte count from here (empty: from `sent`); `submitted_at`: when the
  // lane handed it to nghttp2 (`sent` minus this is wait, for the server's stream limit).
  Clock::time_point from{}, submitted_at{}, sent{}, last_byte{}, finished{};
  Timer* wake = nullptr;  // the lane's: cancelled when the stream's exchange is over
};

class Http2Session {
 public:
  // `streams`: --streams, one stream (and one lane) each.
  Http2Session(Worker& worker, const SharedRun& run, unsigned streams);
  ~Http2Session();
  Http2Session(const Http2Session&) = delete;
  Http2Session& operator=(const Http2Session&) = delete;

  // A new nghttp2 client session on a fresh connection (SETTINGS and a large window queued).
  bool open();
  // Drops the nghttp2 session; streams in flight must have been failed first (fail_all).
  void close();
  bool is_open() const { return session_ != nullptr; }
  // nghttp2 has nothing left to read or write: the session ended (a GOAWAY went both ways, or
  // nghttp2 terminated it after a connection error).
  bool finished() const;
  // nghttp2 sent GOAWAY with an error code: the peer broke the protocol.
  bool protocol_error() const { return protocol_error_; }
  // GOAWAY received: no new stream may be opened on this connection.
  bool draining() const { return draining_; }

  std::vector<Http2Stream>& streams() { return pool_; }
  // Streams submitted and not yet over.
  unsigned submitted() const { return submitted_; }
  // How many streams may be submitted at once: --streams, or the server's
  // SETTINGS_MAX_CONCURRENT_STREAMS when lower; until the server's SETTINGS arrive, nghttp2's
  // assumption of 100. A server whose limit is lower refuses the streams beyond it
  // (REFUSED_STREAM), and those are sent again (`retryable`), within its limit then.
  unsigned capacity() const;
  // Whether a stream ended, or the server's settings or GOAWAY came, since the last call: lanes
  // waiting for a free stream have something to look at.
  bool take_changed() {
    const bool changed = changed_;
    changed_ = false;
    return changed;
  }

  // Opens `stream` for `request` (the lane's record; first and last byte from `from`, empty:
  // from its HEADERS frame); false when nghttp2 refused it.
  bool submit(Http2Stream& stream, const Http2Request& request, Record& record,
              Clock::time_point from);
  // Feeds received bytes; false on a connection-level protocol error.
  bool on_read(const std::uint8_t* data, std::size_t size);
  // Appends the frames to send to `out` (up to about 32 KiB); false on error.
  bool take_output(std::vector<char>& out);
  // The stream's request timed out: resets it (RST_STREAM CANCEL), detaches it from nghttp2 and
  // ends its exchange as failed (timeout).
  void abandon(Http2Stream& stream);
  // The connection ended: every stream in flight ends, as `retryable` when the server cannot
  // have processed it (its HEADERS never went out, or above a GOAWAY's last stream id), else
  // failed with `error`.
  void fail_all(ErrorCategory error);

 private:
  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t flags, void* self);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_data_chunk(nghttp2_session*, std::uint8_t flags, std::int32_t stream_id,
                           const std::uint8_t* data, std::size_t len, void* self);
  static int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t error_code,
                             void* self);
  static ssize_t read_body(nghttp2_session*, std::int32_t stream_id, std::uint8_t* buf,
                           std::size_t length, std::uint32_t* data_flags,
                           nghttp2_data_source* source, void* self);
  // The submitted stream `id` belongs to, or null (a stream abandoned after a timeout).
  static Http2Stream* stream_of(nghttp2_session* session, std::int32_t id);
  // Ends the stream's exchange: `outcome`, with record.error = `error` unless complete.
  void finish(Http2Stream& stream, ExchangeOutcome outcome, ErrorCategory error,
              Clock::time_point finished);

  Worker& worker_;
  const SharedRun& run_;
  nghttp2_mem memory_;  // nghttp2 allocates from the worker's BlockPool
  nghttp2_session* session_ = nullptr;
  nghttp2_session_callbacks* callbacks_ = nullptr;
  std::vector<Http2Stream> pool_;
  unsigned submitted_ = 0;
  bool changed_ = false;
  bool draining_ = false;
  bool protocol_error_ = false;
  std::int32_t goaway_last_id_ = 0;
};

// An HTTP/2 connection to `origin` (TLS for https).
std::unique_ptr<Connection> make_http2_connection(Worker& worker, SharedRun& run, Origin& origin);

}  // namespace ccload::engine
