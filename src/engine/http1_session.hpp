#pragma once
// The HTTP/1.1 protocol of one connection (h2load's Http1Session): one request in flight, the
// request bytes built once per run, responses parsed by ResponseParser (llhttp), keep-alive.
// The connection owns the transport; the request lane (request_lane.hpp) owns the per-request
// rules; the session owns the protocol, its read buffer and whether the connection is open.
// exchange() is called once per request (no virtual call at all: the transport is a template
// argument), and neither it nor the parser allocates except to capture the body of a failed
// response.

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/exchange.hpp"
#include "engine/response_parser.hpp"
#include "engine/transport.hpp"

namespace ccload::engine {

class Http1Session {
 public:
  // How much one read may take (the parser streams).
  static constexpr std::size_t kBufferSize = 16 * 1024;

  // `locations`: note the Location of redirect responses (for following redirects).
  // `shared_buffer` (plain TCP only; null: the session has a buffer of its own): kBufferSize
  // bytes that every connection of the worker reads into, so a connection keeps no read buffer
  // of its own (-c 10000). Its bytes are parsed before the session waits again; what a response
  // left over goes into the session's own spill buffer. For that, every read on it is made by
  // the session itself (read_now) or when epoll reports input (read_when_readable), whose
  // completion runs at once, before any other connection reads.
  explicit Http1Session(bool locations, char* shared_buffer = nullptr);

  // Writes `request` and reads its response into `record` (ttfb and ttlb counted from
  // times.from, else from the send; bytes added, status, failure body; record.error
  // read/write/protocol/tls on failure). `head`: the request is HEAD (no body comes back). Sets
  // times.sent and times.finished. Needs is_open(). After a failure, or a response after which
  // the connection cannot be reused, it closes the transport (is_open() turns false). A failure
  // before any response byte on a connection that carried a request before is `retryable` (the
  // server closed the idle keep-alive connection).
  template <class Transport>
  Task<ExchangeOutcome> exchange(Transport& transport, std::string_view request, bool head,
                                 Record& record, ExchangeTimes& times);

  // Pipelining (--pipeline): writes every entry's request with one gathered write and reads
  // their responses in order, each into its entry as exchange() would (ttfb and ttlb from the one
  // send, so along a pipeline they grow). Each entry's outcome is set: complete; failed (the
  // response being read when the connection failed); or retryable (nothing of its response came
  // and the connection had carried a request before it, or it was never answered because the
  // connection ended after an earlier response). Needs is_open() and 1 <= entries.size() <= the
  // depth given to reserve_pipeline().
  template <class Transport>
  Task<void> exchange_batch(Transport& transport, std::span<BatchEntry> entries);
  // Sizes the gathered write for batches of up to `depth` requests (once, before the run).
  void reserve_pipeline(std::size_t depth) { gather_.reserve(depth); }

  // Whether the connection is open for the next request.
  bool is_open() const { return open_; }
  // A fresh connection was opened. Nothing has come on it (an HTTP/1.1 server speaks only when
  // asked), so the first read waits for input too.
  void opened() {
    open_ = true;
    requests_ = 0;
    begin_ = end_ = 0;
    data_ = buffer_;
    drained_ = true;
  }
  // The connection was closed: unread bytes are dropped.
  void reset() {
    open_ = false;
    begin_ = end_ = 0;
    data_ = buffer_;
    drained_ = false;
  }
  // The Location of the last complete response when it was a redirect (3xx), else empty.
  const std::string& location() const { return parser_.location(); }
  // The parser, for the capture of responses (ResponseParser::capture, response()).
  ResponseParser& parser() { return parser_; }

 private:
  // Reading one response, in exchange() and exchange_batch() alike: parse_unread() until it says
  // `more`, then a read (read_at_once, else read_next), then took_read() with what it brought.
  enum class ResponseEnd {
    more,      // the response needs more bytes: read
    complete,  // parsed whole
    closed,    // whole, ended by the server's close: the connection is not reused
    protocol,  // the bytes are not an HTTP/1.1 response
    lost,      // the connection failed first (`error`: read, or tls for a TLS alert)
  };
  // When a response's first and last bytes came (empty: none of it did).
  struct ResponseTimes {
    Clock::time_point first_byte{}, last_byte{};
  };
  // Parses what is unread of the response parser_.start() began. A byte counts from the read
  // that brought it, or from now when it was read before `written` (the request's send).
  ResponseEnd parse_unread(Clock::time_point written, ResponseTimes& times);
  // The read's result: its bytes are taken (`more`), or it ended the response (closed, lost).
  ResponseEnd took_read(std::size_t got, const boost::system::error_code& ec, ResponseTimes& times,
                        ErrorCategory& error);
  // The read to await when read_at_once() made none: on input for a shared buffer or when
  // `wait`, else read_some. Not a coroutine: it hands back the transport's own operation.
  template <class Transport>
  Task<std::size_t> read_next(Transport& transport, bool wait, boost::system::error_code& ec) {
    if (wait || shared_) return transport.read_when_readable(space(), ec);
    return transport.read_some(space(), ec);
  }
  // A whole response, parsed: into `record` (bytes, ttlb from `written`, status, the body of a
  // failure) and times.finished (its last byte).
  void took_response(Record& record, ExchangeTimes& times, Clock::time_point written,
                     const ResponseTimes& at);
  // A batch's connection failed while entry `at` was due: it fails with `error` (retryable when
  // nothing of its response came and the connection carried a request before it: `reused` or
  // at > 0); the entries after it were never answered, so they may be sent again (retryable,
  // their error `read`). Their times.finished is now.
  static void fail_batch_from(std::span<BatchEntry> entries, std::size_t at, bool reused,
                              ErrorCategory error, bool before_response);
  // Drops the first `written` bytes from gather_ (a gathered write the socket took in part).
  void skip_written(std::size_t written);
  // Where reads go.
  boost::asio::mutable_buffer space() const { return {buffer_, kBufferSize}; }
  // The next read of a shared buffer when it need not wait (`wait` false): read_now, whose
  // result is in `got` and `ec` when it returns true; false when the caller is to read (a
  // buffer of its own: read_some) or wait for input (read_when_readable). A shared buffer is
  // read by read_now or on input only (see the constructor).
  template <class Transport>
  bool read_at_once(Transport& transport, bool wait, std::size_t& got,
                    boost::system::error_code& ec);

  ResponseParser parser_;
  std::vector<boost::asio::const_buffer> gather_;
  bool open_ = false;
  std::uint64_t requests_ = 0;  // requests sent on this connection

  // A shared buffer's unparsed bytes move to spill_ before the session waits for anything else.
  void keep_leftover();

  // Response bytes read but not yet parsed are data_[begin_, end_): in buffer_ (where reads go)
  // or in spill_.
  std::unique_ptr<char[]> owned_;  // the buffer, when not shared
  char* buffer_;
  bool shared_;
  std::string spill_;
  const char* data_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  // The last read took less than the buffer: the socket had nothing more then.
  bool drained_ = false;
  Clock::time_point read_at_{};  // when the last read completed
};

}  // namespace ccload::engine
