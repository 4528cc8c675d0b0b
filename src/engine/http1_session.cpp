#include "engine/http1_session.hpp"

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

Http1Session::Http1Session(bool locations) : parser_(locations), buffer_(new char[kBufferSize]) {}

template <class Transport>
Task<ExchangeOutcome> Http1Session::exchange(Transport& transport, std::string_view request,
                                             bool head, Record& record, ExchangeTimes& times) {
  error_code ec;
  const bool reused = requests_++ > 0;
  times.sent = Clock::now();
  const Clock::time_point written = times.from == Clock::time_point{} ? times.sent : times.from;
  // Closes the connection after a failure; `retryable` when nothing of a response came.
  auto fail = [&](ErrorCategory error, bool before_response) {
    record.error = error;
    times.finished = Clock::now();
    transport.close();
    reset();
    return before_response && reused ? ExchangeOutcome::retryable : ExchangeOutcome::failed;
  };
  co_await transport.write(asio::buffer(request), ec);
  if (ec) co_return fail(ErrorCategory::write, true);

  parser_.start(head);
  bool first_byte = false;
  bool server_closed = false;
  for (;;) {
    if (begin_ < end_) {
      std::size_t used = 0;
      const ResponseParser::Step step = parser_.parse(buffer_.get() + begin_, end_ - begin_, used);
      begin_ += used;
      if (step == ResponseParser::Step::done) break;
      if (step == ResponseParser::Step::failed) {
        record.bytes += parser_.body_bytes();
        co_return fail(ErrorCategory::protocol, false);
      }
    }
    begin_ = end_ = 0;  // the parser consumed everything it was given
    std::size_t got =
        co_await transport.read_some(asio::buffer(buffer_.get() + end_, kBufferSize - end_), ec);
    if (ec) {
      if ((ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) &&
          parser_.got_some() && parser_.finish() == ResponseParser::Step::done) {
        server_closed = true;  // reconnect next time
        break;
      }
      // A TLS alert (a client certificate the server refused, say) is a TLS failure.
      record.bytes += parser_.body_bytes();  // what came of the body before the failure
      co_return fail(ec.category() == asio::error::get_ssl_category() ? ErrorCategory::tls
                                                                      : ErrorCategory::read,
                     !first_byte);
    }
    if (!first_byte) {
      first_byte = true;
      record.ttfb_ns = nanoseconds(Clock::now() - written);
    }
    end_ += got;
  }
  times.finished = Clock::now();
  record.bytes += parser_.body_bytes();  // the body only, as HTTP/2 counts (README, bytes)
  record.ttlb_ns = nanoseconds(times.finished - written);
  record.status = static_cast<std::uint16_t>(parser_.status());
  if (!is_success_status(parser_.status())) record.body = parser_.take_failure_body();
  if (server_closed || !parser_.keep_alive()) {
    transport.close();
    reset();
  }
  co_return ExchangeOutcome::complete;
}

template Task<ExchangeOutcome> Http1Session::exchange<PlainTransport>(PlainTransport&,
                                                                      std::string_view, bool,
                                                                      Record&, ExchangeTimes&);
template Task<ExchangeOutcome> Http1Session::exchange<TlsTransport>(TlsTransport&, std::string_view,
                                                                    bool, Record&, ExchangeTimes&);

}  // namespace ccload::engine
