// The HTTP/2 connection of a worker (h2load's Client for HTTP/2): the submitting loop, the reader
// and the writer over one transport, with Http2Session as the protocol.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "engine/connection.hpp"
#include "engine/http2_session.hpp"
#include "engine/transport.hpp"

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// One HTTP/2 connection: a submitting loop (this coroutine: takes slots while a stream is free),
// a reader and a writer coroutine while the connection is open. All three run on the worker's
// thread, so they share state without locks; timers serve as wake-ups.
template <class Transport>
class Http2Connection final : public Connection {
 public:
  Http2Connection(Worker& worker, SharedRun& run, Origin& origin)
      : worker_(worker),
        run_(run),
        origin_(origin),
        transport_(worker.io(), run),
        pacer_(worker.io()),
        wake_(worker.io()),
        write_wake_(worker.io()),
        session_(worker, run, run.config.streams),
        input_(new std::uint8_t[kReadSize]) {
    output_.reserve(64 * 1024);
  }

  Task<void> run() override;

  void expire_if_due(Clock::time_point now) override {
    if (connecting_ != nullptr && !connect_timed_out_ && now >= connecting_->deadline) {
      connect_timed_out_ = true;
      transport_.close();
    }
    bool cancelled = false;
    unsigned live = 0;
    for (auto& stream : session_.streams()) {
      if (stream.state != Http2Stream::State::submitted) continue;
      if (!stream.timed_out && now >= stream.deadline) {
        stream.timed_out = true;
        session_.fail(stream, ErrorCategory::timeout, now);
        session_.cancel(stream);
        cancelled = true;
      } else {
        ++live;
      }
    }
    if (cancelled) {
      // Nothing left alive on this connection (the server may be stuck): drop it.
      if (live == 0) transport_.close();
      write_wake_.cancel();
      wake_.cancel();
    }
  }

  void stop_waiting() override {
    pacer_.cancel();
    wake_.cancel();
  }

 private:
  static constexpr std::size_t kReadSize = 16 * 1024;

  Task<void> wait(Timer& timer) {
    error_code ec;
    timer.expires_at(Clock::time_point::max());
    co_await timer.async_wait(into(ec));
  }
  Task<ErrorCategory> connect(Http2Stream& stream);
  Task<void> read_loop();
  Task<void> write_loop();
  // Closes the transport and waits until the reader and the writer have ended.
  Task<void> shut();

  Worker& worker_;
  SharedRun& run_;
  Origin& origin_;
  Transport transport_;
  Timer pacer_;       // the next request's scheduled time (rate mode)
  Timer wake_;        // wakes the submitting loop: a stream ended, the connection closed
  Timer write_wake_;  // wakes the writer: frames to send
  Http2Session session_;
  std::unique_ptr<std::uint8_t[]> input_;
  std::vector<char> output_;
  bool open_ = false;
  bool reading_ = false, writing_ = false;
  ErrorCategory lost_ = ErrorCategory::none;  // why the connection ended, for streams in flight
  Http2Stream* connecting_ = nullptr;
  bool connect_timed_out_ = false;
};

template <class Transport>
Task<void> Http2Connection<Transport>::run() {
  const double timeout_s = run_.config.timeout_s;
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(timeout_s > 0 ? timeout_s : 0));
  bool no_more_slots = false;  // every slot is taken (or -z ended): finish what is in flight
  for (;;) {
    // Wait for a free stream, or for a connection that GOAWAY drained to empty.
    while (open_ && (session_.full() || session_.draining())) {
      if (session_.draining() && session_.submitted() == 0) {
        co_await shut();
        break;
      }
      co_await wait(wake_);
      if (run_.stopping() && !session_.draining()) break;
    }
    Http2Stream* stream = session_.draining() ? nullptr : session_.take_retry();
    Clock::time_point sent;
    if (stream == nullptr && no_more_slots) {
      // Streams in flight may still come back as retries (GOAWAY, REFUSED_STREAM).
      if (open_ && session_.submitted() > 0) {
        co_await wait(wake_);
        continue;
      }
      if (session_.has_retry() && !run_.stopping()) {
        if (open_) co_await shut();
        continue;
      }
      break;
    }
    if (stream == nullptr) {
      if (session_.full()) {
        if (run_.stopping()) break;
        continue;
      }
      const Clock::time_point now = Clock::now();
      const std::optional<DueSlot> slot = run_.take_slot(origin_, worker_.dropped(), now);
      if (!slot) {
        no_more_slots = true;
        continue;
      }
      const Clock::time_point due = slot->due;  // `now` in the closed model
      sent = now;
      if (due > sent) {
        error_code ec;
        pacer_.expires_at(due);
        co_await pacer_.async_wait(into(ec));
        if (run_.stopping()) break;
        sent = Clock::now();
      }
      stream = session_.allocate();
      stream->due = due;
      stream->record.request_id = slot->slot + 1;
      stream->record.target = static_cast<std::uint16_t>(slot->target);
      stream->record.start_unix_ns = worker_.unix_ns(due);
      stream->record.wait_ns = nanoseconds(sent - due);
    } else {
      sent = Clock::now();
      stream->record.connect_ns = 0;
    }
    stream->deadline = timeout_s > 0 ? sent + timeout : Clock::time_point::max();
    if (!open_) {
      const ErrorCategory error = co_await connect(*stream);
      if (error != ErrorCategory::none) {
        session_.fail(*stream, error, Clock::now());
        continue;
      }
      sent = Clock::now();
    }
    stream->written = sent;
    session_.submit(*stream);
    write_wake_.cancel();
  }
  // Stopped (or no slot left): let the streams in flight finish.
  while (open_ && session_.submitted() > 0) co_await wait(wake_);
  co_await shut();
  session_.fail_all(ErrorCategory::read, false);  // retries that never found a connection
  worker_.on_connection_done();
}

template <class Transport>
Task<ErrorCategory> Http2Connection<Transport>::connect(Http2Stream& stream) {
  const Clock::time_point started = Clock::now();
  connecting_ = &stream;
  connect_timed_out_ = false;
  ErrorCategory error = co_await transport_.open(origin_.address);
  connecting_ = nullptr;
  if (error == ErrorCategory::none && connect_timed_out_) error = ErrorCategory::timeout;
  if (error != ErrorCategory::none) {
    if (transport_.refused_http2()) worker_.on_http2_refused();
    transport_.close();
    co_return connect_timed_out_ ? ErrorCategory::timeout : error;
  }
  if (!session_.open()) {
    transport_.close();
    co_return ErrorCategory::protocol;
  }
  stream.record.connect_ns = nanoseconds(Clock::now() - started);
  open_ = true;
  lost_ = ErrorCategory::none;
  worker_.on_connection_opened();
  reading_ = writing_ = true;
  asio::co_spawn(worker_.io().get_executor(), read_loop(), asio::detached);
  asio::co_spawn(worker_.io().get_executor(), write_loop(), asio::detached);
  co_return ErrorCategory::none;
}

template <class Transport>
Task<void> Http2Connection<Transport>::read_loop() {
  for (;;) {
    error_code ec;
    const std::size_t got =
        co_await transport_.read_some(asio::buffer(input_.get(), kReadSize), ec);
    if (ec) {
      if (lost_ == ErrorCategory::none) {
        lost_ = ec.category() == asio::error::get_ssl_category() ? ErrorCategory::tls
                                                                 : ErrorCategory::read;
      }
      break;
    }
    if (!session_.on_read(input_.get(), got)) {
      lost_ = ErrorCategory::protocol;
      break;
    }
    if (session_.protocol_error() && lost_ == ErrorCategory::none) lost_ = ErrorCategory::protocol;
    write_wake_.cancel();
    wake_.cancel();
  }
  open_ = false;
  transport_.close();
  session_.fail_all(lost_, true);  // retries wait for the next connection
  reading_ = false;
  write_wake_.cancel();
  wake_.cancel();
}

template <class Transport>
Task<void> Http2Connection<Transport>::write_loop() {
  while (open_) {
    output_.clear();
    if (!session_.take_output(output_)) {
      lost_ = ErrorCategory::protocol;
      transport_.close();
      break;
    }
    if (output_.empty()) {
      if (session_.finished()) {
        // nghttp2 ended the session (after a GOAWAY, for instance one that told the server
        // about its protocol error): nothing more will come.
        if (session_.protocol_error() && lost_ == ErrorCategory::none) {
          lost_ = ErrorCategory::protocol;
        }
        transport_.close();
        break;
      }
      co_await wait(write_wake_);
      continue;
    }
    error_code ec;
    co_await transport_.write(asio::buffer(output_), ec);
    if (ec) {
      if (lost_ == ErrorCategory::none) lost_ = ErrorCategory::write;
      transport_.close();
      break;
    }
  }
  writing_ = false;
  wake_.cancel();
}

template <class Transport>
Task<void> Http2Connection<Transport>::shut() {
  transport_.close();
  write_wake_.cancel();
  while (reading_ || writing_) {
    write_wake_.cancel();
    co_await wait(wake_);
  }
  open_ = false;
  session_.close();
}

}  // namespace

std::unique_ptr<Connection> make_http2_connection(Worker& worker, SharedRun& run, Origin& origin) {
  if (origin.address.where.tls) {
    return std::make_unique<Http2Connection<TlsTransport>>(worker, run, origin);
  }
  return std::make_unique<Http2Connection<PlainTransport>>(worker, run, origin);
}

}  // namespace ccload::engine
