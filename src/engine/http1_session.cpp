#include "engine/http1_session.hpp"

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

Http1Session::Http1Session(bool locations, char* shared_buffer)
    : parser_(locations),
      owned_(shared_buffer == nullptr ? new char[kBufferSize] : nullptr),
      buffer_(shared_buffer == nullptr ? owned_.get() : shared_buffer),
      shared_(shared_buffer != nullptr),
      data_(buffer_) {}

void Http1Session::keep_leftover() {
  if (!shared_ || begin_ >= end_ || data_ != buffer_) return;
  spill_.assign(data_ + begin_, end_ - begin_);
  data_ = spill_.data();
  end_ -= begin_;
  begin_ = 0;
}

template <class Transport>
bool Http1Session::read_at_once(Transport& transport, bool wait, std::size_t& got, error_code& ec) {
  if (!shared_ || wait) return false;
  got = transport.read_now(space(), ec);
  if (ec != asio::error::would_block) return true;
  ec = {};  // nothing there: wait for it
  return false;
}

void Http1Session::skip_written(std::size_t written) {
  std::size_t whole = 0;  // buffers written entirely
  while (whole < gather_.size() && written >= gather_[whole].size()) {
    written -= gather_[whole].size();
    ++whole;
  }
  gather_.erase(gather_.begin(), gather_.begin() + static_cast<std::ptrdiff_t>(whole));
  if (!gather_.empty()) gather_.front() += written;
}

Http1Session::ResponseEnd Http1Session::parse_unread(Clock::time_point written,
                                                     ResponseTimes& times) {
  if (begin_ < end_) {
    // When the unread bytes came: with the last read, or now for bytes read before the request.
    const auto arrived = [&] { return read_at_ >= written ? read_at_ : Clock::now(); };
    std::size_t used = 0;
    const ResponseParser::Step step = parser_.parse(data_ + begin_, end_ - begin_, used);
    begin_ += used;
    if (times.first_byte == Clock::time_point{} && (used > 0 || parser_.got_some())) {
      times.first_byte = arrived();
    }
    if (step == ResponseParser::Step::done) {
      times.last_byte = arrived();  // the last byte came with the last read
      return ResponseEnd::complete;
    }
    if (step == ResponseParser::Step::failed) return ResponseEnd::protocol;
  }
  begin_ = end_ = 0;  // the parser consumed everything it was given
  return ResponseEnd::more;
}

Http1Session::ResponseEnd Http1Session::took_read(std::size_t got, const error_code& ec,
                                                  ResponseTimes& times, ErrorCategory& error) {
  data_ = buffer_;
  drained_ = !ec && got < kBufferSize;
  if (ec) {
    if ((ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) &&
        parser_.got_some() && parser_.finish() == ResponseParser::Step::done) {
      times.last_byte = Clock::now();  // a response ended by the close (reconnect next time)
      return ResponseEnd::closed;
    }
    // A TLS alert (a client certificate the server refused, say) is a TLS failure.
    error =
        ec.category() == asio::error::get_ssl_category() ? ErrorCategory::tls : ErrorCategory::read;
    return ResponseEnd::lost;
  }
  read_at_ = Clock::now();  // one clock reading a read, not one more per response
  end_ = got;
  return ResponseEnd::more;
}

void Http1Session::took_response(Record& record, ExchangeTimes& times, Clock::time_point written,
                                 const ResponseTimes& at) {
  times.finished = at.last_byte;
  record.bytes += parser_.body_bytes();  // the body only, as HTTP/2 counts (README, bytes)
  record.ttlb_ns = nanoseconds(times.finished - written);
  record.status = static_cast<std::uint16_t>(parser_.status());
  if (!is_success_status(parser_.status())) record.body = parser_.take_failure_body();
}

void Http1Session::fail_batch_from(std::span<BatchEntry> entries, std::size_t at, bool reused,
                                   ErrorCategory error, bool before_response) {
  const Clock::time_point now = Clock::now();
  for (std::size_t i = at; i < entries.size(); ++i) {
    entries[i].times.finished = now;
    entries[i].record->error = i == at ? error : ErrorCategory::read;
    entries[i].outcome = i > at || (before_response && (reused || at > 0))
                             ? ExchangeOutcome::retryable
                             : ExchangeOutcome::failed;
  }
}

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
  // Nothing unread and the request written at once: the first read waits for input (a read at
  // once would come back EAGAIN). Later reads of the response read at once: a short read says
  // no more data was there, not that no EOF or reset was (they come with the data, and no input
  // event is reported again for one already received).
  bool wait_for_input = drained_ && begin_ == end_;
  const asio::const_buffer whole = asio::buffer(request);
  const std::size_t now = transport.write_now({&whole, 1}, ec);
  if (!ec && now < request.size()) {
    wait_for_input = false;
    co_await transport.write(asio::buffer(request) + now, ec);
  }
  if (ec) co_return fail(ErrorCategory::write, true);

  parser_.start(head);
  ResponseTimes at;
  ErrorCategory error = ErrorCategory::none;
  ResponseEnd end;
  while ((end = parse_unread(written, at)) == ResponseEnd::more) {
    std::size_t got = 0;
    if (!read_at_once(transport, wait_for_input, got, ec)) {
      got = co_await read_next(transport, wait_for_input, ec);
    }
    wait_for_input = false;
    if ((end = took_read(got, ec, at, error)) != ResponseEnd::more) break;
  }
  if (at.first_byte != Clock::time_point{}) record.ttfb_ns = nanoseconds(at.first_byte - written);
  if (end == ResponseEnd::protocol || end == ResponseEnd::lost) {
    record.bytes += parser_.body_bytes();  // what came of the body before the failure
    co_return fail(end == ResponseEnd::protocol ? ErrorCategory::protocol : error,
                   end == ResponseEnd::lost && at.first_byte == Clock::time_point{});
  }
  took_response(record, times, written, at);
  if (end == ResponseEnd::closed || !parser_.keep_alive()) {
    transport.close();
    reset();
  }
  keep_leftover();
  co_return ExchangeOutcome::complete;
}

template <class Transport>
Task<void> Http1Session::exchange_batch(Transport& transport, std::span<BatchEntry> entries) {
  error_code ec;
  const bool reused = requests_ > 0;
  requests_ += entries.size();
  gather_.clear();
  for (const BatchEntry& entry : entries) gather_.push_back(asio::buffer(entry.request.http1));
  const Clock::time_point sent = Clock::now();
  for (BatchEntry& entry : entries) entry.times.sent = sent;
  std::size_t at = 0;  // the entry whose response is being read
  auto fail_from = [&](ErrorCategory error, bool before_response) {
    fail_batch_from(entries, at, reused, error, before_response);
    transport.close();
    reset();
  };
  bool wait_for_input = drained_ && begin_ == end_;  // as in exchange()
  std::size_t total = 0;
  for (const asio::const_buffer& buffer : gather_) total += buffer.size();
  const std::size_t now = transport.write_now(gather_, ec);
  if (!ec && now < total) {
    wait_for_input = false;
    skip_written(now);
    // A span, not the vector: a write operation keeps a copy of its buffer sequence.
    co_await transport.write(std::span<const asio::const_buffer>(gather_), ec);
  }
  if (ec) {
    fail_from(ErrorCategory::write, true);
    co_return;
  }
  while (at < entries.size()) {
    BatchEntry& entry = entries[at];
    Record& record = *entry.record;
    const Clock::time_point written =
        entry.times.from == Clock::time_point{} ? sent : entry.times.from;
    parser_.start(entry.request.head);
    ResponseTimes times;
    ErrorCategory error = ErrorCategory::none;
    ResponseEnd end;
    while ((end = parse_unread(written, times)) == ResponseEnd::more) {
      std::size_t got = 0;
      if (!read_at_once(transport, wait_for_input, got, ec)) {
        got = co_await read_next(transport, wait_for_input, ec);
      }
      wait_for_input = false;
      if ((end = took_read(got, ec, times, error)) != ResponseEnd::more) break;
    }
    if (times.first_byte != Clock::time_point{}) {
      record.ttfb_ns = nanoseconds(times.first_byte - written);
    }
    if (end == ResponseEnd::protocol || end == ResponseEnd::lost) {
      record.bytes += parser_.body_bytes();
      fail_from(end == ResponseEnd::protocol ? ErrorCategory::protocol : error,
                end == ResponseEnd::lost && times.first_byte == Clock::time_point{});
      co_return;
    }
    const bool server_closed = end == ResponseEnd::closed;
    took_response(record, entry.times, written, times);
    entry.location.assign(parser_.location());
    if (parser_.captures()) entry.response.assign(parser_.response());
    entry.outcome = ExchangeOutcome::complete;
    ++at;
    if (server_closed || !parser_.keep_alive()) {
      // The server ends the connection here: what it has not answered may be sent again.
      if (at < entries.size()) {
        fail_from(ErrorCategory::read, true);
      } else {
        transport.close();
        reset();
      }
      co_return;
    }
  }
  keep_leftover();  // bytes beyond the batch's last response (a server that sent more)
}

template Task<void> Http1Session::exchange_batch<PlainTransport>(PlainTransport&,
                                                                 std::span<BatchEntry>);
template Task<void> Http1Session::exchange_batch<TlsTransport>(TlsTransport&,
                                                               std::span<BatchEntry>);

template Task<ExchangeOutcome> Http1Session::exchange<PlainTransport>(PlainTransport&,
                                                                      std::string_view, bool,
                                                                      Record&, ExchangeTimes&);
template Task<ExchangeOutcome> Http1Session::exchange<TlsTransport>(TlsTransport&, std::string_view,
                                                                    bool, Record&, ExchangeTimes&);

}  // namespace ccload::engine
