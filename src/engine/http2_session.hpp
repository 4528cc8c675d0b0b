#pragma once
// HTTP/2 for the engine, on nghttp2 (h2load's Http2Session): over https by ALPN "h2", over http
// with prior knowledge (h2c). One connection carries up to --streams requests at once.
//
// Http2Session is the protocol only (no I/O): submit() a request, on_read() the bytes that
// arrived, take_output() the bytes to send. Per-request state lives in a fixed pool of
// Http2Stream, --streams entries per connection, allocated once. nghttp2 itself allocates per
// stream and per frame (its stream objects, header blocks, outbound items): those allocations
// are nghttp2's and are not avoided.
//
// Timing per stream (design.md, "Timing"): ttfb at the first response HEADERS frame, ttlb at
// END_STREAM, connect when the request opened the connection (TCP + TLS + ALPN), total from
// when it was due. Failures are values: RST_STREAM from the server fails that stream (`read`, or
// `protocol` for PROTOCOL_ERROR and similar codes); after GOAWAY the streams above its last
// stream id are retried once on a new connection, the others fail; a lost connection fails every
// stream in flight.

#include <nghttp2/nghttp2.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/worker.hpp"

namespace ccload::engine {

class Connection;

// A target's request as HTTP/2 header fields, built once per run and referenced (not copied) by
// every submit.
struct Http2Request {
  std::vector<std::string> names, values;  // storage for nva
  std::vector<nghttp2_nv> nva;
  std::string body;
};
std::shared_ptr<const Http2Request> build_http2_request(const TargetSpec& target,
                                                        const net::Target& where);

struct Http2Stream {
  enum class State {
    free,       // in the pool
    waiting,    // slot taken, not yet submitted (pacing or connecting)
    submitted,  // open in nghttp2
    retry,      // refused by GOAWAY: to be submitted once more on the next connection
    recorded,   // timed out and recorded; waiting for nghttp2 to close it
  };
  State state = State::free;
  bool retried = false;
  bool got_headers = false;
  bool ended = false;  // END_STREAM received
  bool timed_out = false;
  std::int32_t id = -1;
  std::size_t body_sent = 0;  // bytes of the request body handed to nghttp2
  std::uint64_t body_bytes = 0;
  Clock::time_point due{}, written{}, deadline{}, last_byte{};
  Record record;
};

class Http2Session {
 public:
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

  // The pool.
  Http2Stream* allocate();
  void release(Http2Stream& stream) { stream.state = Http2Stream::State::free; }
  Http2Stream* take_retry();
  bool has_retry() const;
  bool full() const;
  unsigned submitted() const;
  // GOAWAY received: no new stream may be opened on this connection.
  bool draining() const { return draining_; }

  // Opens a stream for the run's request; false when nghttp2 refused it (the record is failed).
  bool submit(Http2Stream& stream);
  // Feeds received bytes; false on a connection-level protocol error.
  bool on_read(const std::uint8_t* data, std::size_t size);
  // Appends the frames to send to `out` (up to about 32 KiB); false on error.
  bool take_output(std::vector<char>& out);
  // Resets the stream (RST_STREAM CANCEL) after its record went out as a timeout.
  void cancel(Http2Stream& stream);
  // The connection ended: records every stream in flight as failed with `error` (timeout for
  // those past their deadline), except those above a GOAWAY's last stream id, which wait for a
  // retry; streams already waiting for a retry fail too unless keep_retries.
  void fail_all(ErrorCategory error, bool keep_retries);
  // Records `stream` as failed with `error` at `finished` and, unless nghttp2 still holds it,
  // frees it.
  void fail(Http2Stream& stream, ErrorCategory error, Clock::time_point finished);

  std::vector<Http2Stream>& streams() { return pool_; }

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
  void complete(Http2Stream& stream, Clock::time_point finished);

  Worker& worker_;
  const SharedRun& run_;
  nghttp2_session* session_ = nullptr;
  nghttp2_session_callbacks* callbacks_ = nullptr;
  std::vector<Http2Stream> pool_;
  bool draining_ = false;
  bool protocol_error_ = false;
  std::int32_t goaway_last_id_ = 0;
};

// An HTTP/2 connection to `origin` (TLS for https).
std::unique_ptr<Connection> make_http2_connection(Worker& worker, SharedRun& run, Origin& origin);

}  // namespace ccload::engine
