#include "engine/connection.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "engine/local_errors.hpp"

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// Completion token: resume the coroutine with the error in `ec` instead of throwing.
auto into(error_code& ec) { return asio::redirect_error(asio::use_awaitable_t<Executor>{}, ec); }
}  // namespace

namespace {

std::int64_t nanoseconds(Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

}  // namespace

Connection::Connection(Worker& worker, SharedRun& run)
    : worker_(worker),
      run_(run),
      socket_(worker.io()),
      pacer_(worker.io()),
      buffer_(new char[kBufferSize]) {}

void Connection::expire_if_due(Clock::time_point now) {
  if (in_flight_ && !timed_out_ && now >= deadline_) {
    timed_out_ = true;
    error_code ignored;
    socket_.close(ignored);
  }
}

ErrorCategory Connection::classify(ErrorCategory otherwise) const {
  return timed_out_ ? ErrorCategory::timeout : otherwise;
}

void Connection::close() {
  error_code ignored;
  socket_.close(ignored);
  tls_.reset();
  open_ = false;
  begin_ = end_ = 0;
}

Task<void> Connection::run() {
  const double timeout_s = run_.config.timeout_s;
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(timeout_s > 0 ? timeout_s : 0));
  for (;;) {
    // `due`: when the request was due (its scheduled time with a rate); `sent`: when it goes out.
    std::optional<std::uint64_t> slot;
    Clock::time_point due, sent;
    if (run_.paced()) {
      slot = run_.take_slot();
      if (!slot) break;
      due = run_.scheduled(*slot);  // the slot limit keeps every slot within -z
      sent = Clock::now();
      if (due > sent) {
        error_code ec;
        pacer_.expires_at(due);
        co_await pacer_.async_wait(into(ec));
        if (run_.stopping()) break;
        sent = Clock::now();
      }
    } else {
      // Three clock reads per request on a kept-alive connection: now, first byte, last byte.
      due = sent = Clock::now();
      if (due >= run_.end_by) break;
      slot = run_.take_slot();
      if (!slot) break;
    }
    Record record;
    record.request_id = *slot + 1;
    record.start_unix_ns = worker_.unix_ns(due);
    record.wait_ns = nanoseconds(sent - due);
    deadline_ = timeout_s > 0 ? sent + timeout : Clock::time_point::max();
    timed_out_ = false;
    in_flight_ = true;
    Clock::time_point finished{};
    for (int attempt = 0;; ++attempt) {
      Clock::time_point sending = sent;
      if (!open_) {
        record.error = co_await connect(record);
        if (record.error != ErrorCategory::none) {
          finished = Clock::now();
          break;
        }
        sending = Clock::now();
      }
      const bool reused = requests_on_connection_ > 0;
      Outcome outcome = co_await exchange(record, sending, finished);
      // A keep-alive connection the server closed while idle fails before any response byte:
      // open a fresh connection and try once more, as browsers and HTTP clients do.
      if (outcome == Outcome::failed_before_response && reused && attempt == 0 && !timed_out_) {
        record.error = ErrorCategory::none;
        continue;
      }
      break;
    }
    in_flight_ = false;
    record.total_ns = nanoseconds(finished - due);
    worker_.on_record(std::move(record), finished);
  }
  close();
  worker_.on_connection_done();
}

Task<ErrorCategory> Connection::connect(Record& record) {
  if (run_.endpoints.empty()) co_return ErrorCategory::resolve;
  const Clock::time_point started = Clock::now();
  error_code ec;
  co_await asio::async_connect(socket_, run_.endpoints, into(ec));
  if (ec) {
    close();
    co_return classify(local_or(ec, ErrorCategory::connect));
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  if (run_.tls_context != nullptr) {
    tls_.emplace(socket_, *run_.tls_context);
    const std::string& host = run_.config.target.host;
    net::prepare_client_handshake(*tls_, host);
    co_await tls_->async_handshake(asio::ssl::stream_base::client, into(ec));
    if (ec) {
      close();
      co_return classify(ErrorCategory::tls);
    }
  }
  record.connect_ns = nanoseconds(Clock::now() - started);
  open_ = true;
  requests_on_connection_ = 0;
  worker_.on_connection_opened();
  co_return ErrorCategory::none;
}

Task<std::size_t> Connection::read_some(error_code& ec) {
  auto space = asio::buffer(buffer_.get() + end_, kBufferSize - end_);
  if (tls_) return tls_->async_read_some(space, into(ec));
  return socket_.async_read_some(space, into(ec));
}

Task<Connection::Outcome> Connection::exchange(Record& record, Clock::time_point written,
                                               Clock::time_point& finished) {
  error_code ec;
  auto request = asio::buffer(run_.request);
  if (tls_) {
    co_await asio::async_write(*tls_, request, into(ec));
  } else {
    co_await asio::async_write(socket_, request, into(ec));
  }
  if (ec) {
    record.error = classify(ErrorCategory::write);
    close();
    finished = Clock::now();
    co_return Outcome::failed_before_response;
  }
  ++requests_on_connection_;

  parser_.start(run_.head_request);
  bool first_byte = false;
  for (;;) {
    if (begin_ < end_) {
      std::size_t used = 0;
      const ResponseParser::Step step = parser_.parse(buffer_.get() + begin_, end_ - begin_, used);
      begin_ += used;
      if (step == ResponseParser::Step::done) break;
      if (step == ResponseParser::Step::failed) {
        record.error = classify(ErrorCategory::protocol);
        close();
        finished = Clock::now();
        co_return Outcome::failed;
      }
    }
    begin_ = end_ = 0;  // the parser consumed everything it was given
    std::size_t got = co_await read_some(ec);
    if (ec) {
      if ((ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) &&
          parser_.got_some() && parser_.finish() == ResponseParser::Step::done) {
        open_ = false;  // the server closed; reconnect next time
        break;
      }
      record.error = classify(ErrorCategory::read);
      const bool nothing_received = !first_byte;
      close();
      finished = Clock::now();
      co_return nothing_received ? Outcome::failed_before_response : Outcome::failed;
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
  if (!open_ || !parser_.keep_alive()) close();
  co_return Outcome::complete;
}

}  // namespace ccload::engine
