#include "engine/http1_session.hpp"

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

Http1Session::Http1Session(bool locations) : parser_(locations), buffer_(new char[kBufferSize]) {}

template <class Transport>
Task<Http1Session::Outcome> Http1Session::exchange(Transport& transport, std::string_view request,
                                                   bool head, Record& record,
                                                   Clock::time_point written,
                                                   Clock::time_point& finished) {
  error_code ec;
  keep_open_ = false;
  co_await transport.write(asio::buffer(request), ec);
  if (ec) {
    record.error = ErrorCategory::write;
    finished = Clock::now();
    co_return Outcome::failed_before_response;
  }

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
        record.error = ErrorCategory::protocol;
        finished = Clock::now();
        co_return Outcome::failed;
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
      record.error = ec.category() == asio::error::get_ssl_category() ? ErrorCategory::tls
                                                                      : ErrorCategory::read;
      finished = Clock::now();
      co_return first_byte ? Outcome::failed : Outcome::failed_before_response;
    }
    if (!first_byte) {
      first_byte = true;
      record.ttfb_ns = nanoseconds(Clock::now() - written);
    }
    end_ += got;
    record.bytes += got;
  }
  finished = Clock::now();
  record.ttlb_ns = nanoseconds(finished - written);
  record.status = static_cast<std::uint16_t>(parser_.status());
  if (!is_success_status(parser_.status())) record.body = parser_.take_failure_body();
  keep_open_ = !server_closed && parser_.keep_alive();
  co_return Outcome::complete;
}

template Task<Http1Session::Outcome> Http1Session::exchange<PlainTransport>(
    PlainTransport&, std::string_view, bool, Record&, Clock::time_point, Clock::time_point&);
template Task<Http1Session::Outcome> Http1Session::exchange<TlsTransport>(
    TlsTransport&, std::string_view, bool, Record&, Clock::time_point, Clock::time_point&);

}  // namespace ccload::engine
