// The HTTP/2 connection of a worker (h2load's Client for HTTP/2): one request lane per stream
// (--streams) over one Http2Session, with a reader and a writer coroutine while the connection
// is open. All of them run on the worker's thread, so they share state without locks; timers
// serve as wake-ups (their expiry stays at the far future: waiters wait, cancel() wakes them all).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "engine/connection.hpp"
#include "engine/h2c_refusal.hpp"
#include "engine/hop_connection.hpp"
#include "engine/http2_session.hpp"
#include "engine/request_lane.hpp"
#include "engine/transport.hpp"

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

Task<void> until_woken(Timer& timer) {
  error_code ec;
  co_await timer.async_wait(into(ec));
}

template <class Transport>
class Http2Connection final : public Connection {
 public:
  // One lane and its stream: the lane's Env (request_lane.hpp).
  class Lane {
   public:
    Lane(Http2Connection& connection, Http2Stream& stream)
        : connection_(connection),
          stream_(stream),
          pacer_(connection.worker_.io()),
          wake_(connection.worker_.io(), Clock::time_point::max()) {
      stream_.wake = &wake_;
    }

    SharedRun& shared() { return connection_.run_; }
    Origin& origin() { return connection_.origin_; }
    std::uint64_t& dropped() { return connection_.worker_.dropped(); }
    void on_request_started() { connection_.worker_.on_request_started(); }
    core::WorkerScript* script() const { return connection_.worker_.script(); }
    Clock::time_point now() const { return Clock::now(); }
    Task<bool> pace_until(Clock::time_point due) {
      error_code ec;
      pacer_.expires_at(due);
      co_await pacer_.async_wait(into(ec));
      co_return !connection_.run_.stopping();
    }
    // A free stream, and no lane queued for one before this one.
    bool ready() const { return connection_.has_free_stream() && connection_.queued_ == 0; }
    Task<ErrorCategory> open(Record& record) { return connection_.open(*this, record); }
    Task<ExchangeOutcome> exchange(const RequestRef& request, Record& record, ExchangeTimes& times);
    Task<ExchangeOutcome> exchange_away(const net::Target& where, const RequestRef& request,
                                        Record& record, ExchangeTimes& times) {
      return connection_.exchange_away(*this, where, request, record, times);
    }
    const std::string& location() const { return stream_.location; }
    const std::string& away_location() const { return connection_.hop_->location(); }
    core::ServerResponse response(bool away) {
      return away && connection_.hop_ ? connection_.hop_->response() : stream_.response();
    }
    void end_hops() {}
    void abort() { connection_.abort(*this); }
    void on_record(Record&& record, Clock::time_point finished) {
      connection_.worker_.on_record(std::move(record), finished);
    }

    RequestLane<Lane>& lane() { return lane_; }
    Http2Stream& stream() { return stream_; }
    Timer& pacer() { return pacer_; }
    Timer& wake() { return wake_; }

   private:
    Http2Connection& connection_;
    Http2Stream& stream_;
    Timer pacer_;  // the next request's scheduled time (rate mode)
    Timer wake_;   // wakes the lane: its stream's exchange is over
    RequestLane<Lane> lane_{*this};
  };

  Http2Connection(Worker& worker, SharedRun& run, Origin& origin)
      : worker_(worker),
        run_(run),
        origin_(origin),
        transport_(worker.io(), run),
        wake_(worker.io(), Clock::time_point::max()),
        write_wake_(worker.io(), Clock::time_point::max()),
        session_(worker, run, run.config.streams),
        input_(new std::uint8_t[kReadSize]) {
    output_.reserve(64 * 1024);
    for (Http2Stream& stream : session_.streams()) {
      lanes_.push_back(std::make_unique<Lane>(*this, stream));
    }
  }

  Task<void> run() override;

  void expire_if_due(Clock::time_point now) override {
    for (auto& lane : lanes_) lane->lane().expire_if_due(now);
  }

  void stop_waiting() override {
    for (auto& lane : lanes_) lane->pacer().cancel();
    wake_.cancel();
  }

 private:
  static constexpr std::size_t kReadSize = 16 * 1024;

  // Open, not draining after a GOAWAY, and not being shut.
  bool usable() const { return open_ && !shutting_ && !session_.draining(); }
  bool has_free_stream() const { return usable() && session_.submitted() < session_.capacity(); }
  // Nothing of a connection is left (reader and writer ended): a new one may be opened.
  bool closed() const { return !open_ && !reading_ && !writing_ && !connecting_ && !shutting_; }

  Task<void> run_lane(Lane& lane);
  Task<ErrorCategory> open(Lane& lane, Record& record);
  Task<ErrorCategory> connect(Lane& lane, Record& record);
  Task<ExchangeOutcome> exchange_away(Lane& lane, const net::Target& where,
                                      const RequestRef& request, Record& record,
                                      ExchangeTimes& times);
  void abort(Lane& lane);
  Task<void> read_loop();
  Task<void> write_loop();
  // Closes the transport and waits until the reader and the writer have ended.
  Task<void> shut();

  Worker& worker_;
  SharedRun& run_;
  Origin& origin_;
  Transport transport_;
  Timer wake_;        // wakes lanes waiting for the connection or a stream, and run()
  Timer write_wake_;  // wakes the writer: frames to send
  Http2Session session_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  unsigned lanes_running_ = 0;
  unsigned queued_ = 0;  // lanes waiting in open() for a free stream
  std::unique_ptr<std::uint8_t[]> input_;
  std::vector<char> output_;
  bool open_ = false;
  bool reading_ = false, writing_ = false, shutting_ = false;
  ErrorCategory lost_ = ErrorCategory::none;  // why the connection ended, for streams in flight
  Lane* connecting_ = nullptr;                // the lane opening the connection
  // Redirect hops to other origins, over HTTP/1.1, one lane at a time (so a connection holds at
  // most one socket beside its own).
  std::unique_ptr<HopConnection> hop_;
  Lane* hopping_ = nullptr;
  bool awaiting_preface_ = false;  // open, and nothing read from the server yet
};

template <class Transport>
Task<void> Http2Connection<Transport>::run() {
  lanes_running_ = static_cast<unsigned>(lanes_.size());
  for (auto& lane : lanes_) {
    asio::co_spawn(worker_.io().get_executor(), run_lane(*lane), asio::detached);
  }
  while (lanes_running_ > 0) co_await until_woken(wake_);
  co_await shut();
  worker_.on_connection_done();
}

template <class Transport>
Task<void> Http2Connection<Transport>::run_lane(Lane& lane) {
  co_await lane.lane().run();
  --lanes_running_;
  wake_.cancel();
}

template <class Transport>
Task<ErrorCategory> Http2Connection<Transport>::open(Lane& lane, Record& record) {
  // A wait for a free stream (the server's limit, or --streams) is wait; reconnecting is not.
  // Lanes queued for a stream go first (`queued_`): a lane whose request just ended does not take
  // the stream it freed from them.
  Clock::time_point waiting_since{};
  bool waited = false;
  for (;;) {
    if (lane.lane().timed_out()) co_return ErrorCategory::timeout;
    if (usable()) {
      if (has_free_stream() && (queued_ == 0 || waited)) break;
      if (waiting_since == Clock::time_point{}) waiting_since = Clock::now();
      ++queued_;
      co_await until_woken(wake_);
      --queued_;
      waited = true;
      continue;
    }
    if (waiting_since != Clock::time_point{}) {
      record.wait_ns += nanoseconds(Clock::now() - waiting_since);
      waiting_since = {};
    }
    if (closed()) {
      const ErrorCategory error = co_await connect(lane, record);
      if (error != ErrorCategory::none) co_return error;
      continue;
    }
    if (open_ && !shutting_ && session_.submitted() == 0) {
      co_await shut();  // drained after a GOAWAY
      continue;
    }
    co_await until_woken(wake_);  // streams still in flight, or the connection closing or opening
  }
  if (waiting_since != Clock::time_point{}) {
    record.wait_ns += nanoseconds(Clock::now() - waiting_since);
  }
  co_return ErrorCategory::none;
}

template <class Transport>
Task<ExchangeOutcome> Http2Connection<Transport>::Lane::exchange(const RequestRef& request,
                                                                 Record& record,
                                                                 ExchangeTimes& times) {
  Http2Connection& c = connection_;
  if (!c.session_.submit(stream_, *request.http2, record, times.from)) {
    times.sent = times.finished = stream_.finished;
    co_return ExchangeOutcome::failed;
  }
  c.write_wake_.cancel();
  while (stream_.state == Http2Stream::State::submitted) co_await until_woken(wake_);
  times.sent = stream_.sent;
  times.finished = stream_.finished;
  co_return stream_.outcome;
}

template <class Transport>
Task<ExchangeOutcome> Http2Connection<Transport>::exchange_away(Lane& lane,
                                                                const net::Target& where,
                                                                const RequestRef& request,
                                                                Record& record,
                                                                ExchangeTimes& times) {
  while (hopping_ != nullptr) {
    if (lane.lane().timed_out()) {
      record.error = ErrorCategory::timeout;
      times.finished = Clock::now();
      co_return ExchangeOutcome::failed;
    }
    co_await until_woken(wake_);
  }
  hopping_ = &lane;
  if (!hop_) hop_ = std::make_unique<HopConnection>(worker_, run_);
  const ExchangeOutcome outcome = co_await hop_->exchange(where, request, record, times);
  hop_->close();  // one hop at a time, and no socket left open beside the connection's own
  hopping_ = nullptr;
  wake_.cancel();
  co_return outcome;
}

template <class Transport>
void Http2Connection<Transport>::abort(Lane& lane) {
  if (connecting_ == &lane) transport_.close();
  if (hopping_ == &lane) hop_->close();
  if (lane.stream().state == Http2Stream::State::submitted) {
    session_.abandon(lane.stream());
    // Nothing left alive on this connection (the server may be stuck): drop it. It is unusable
    // from now on, so a lane freed by this abort waits for a new connection rather than
    // submitting onto the closed one (the reader ends it).
    if (session_.submitted() == 0 && open_) {
      open_ = false;
      transport_.close();
    }
    write_wake_.cancel();
  }
  wake_.cancel();
}

template <class Transport>
Task<ErrorCategory> Http2Connection<Transport>::connect(Lane& lane, Record& record) {
  const Clock::time_point started = Clock::now();
  connecting_ = &lane;
  ErrorCategory error = co_await transport_.open(worker_.address_of(origin_));
  connecting_ = nullptr;
  if (error == ErrorCategory::none && lane.lane().timed_out()) error = ErrorCategory::timeout;
  if (error == ErrorCategory::none && !session_.open()) error = ErrorCategory::protocol;
  if (error != ErrorCategory::none) {
    if (transport_.refused_http2()) worker_.on_http2_refused();
    record.tls_reason = transport_.tls_reason();
    transport_.close();
    wake_.cancel();
    co_return error;
  }
  record.connect_ns += nanoseconds(Clock::now() - started);
  open_ = true;
  awaiting_preface_ = true;
  lost_ = ErrorCategory::none;
  worker_.on_connection_opened();
  reading_ = writing_ = true;
  asio::co_spawn(worker_.io().get_executor(), read_loop(), asio::detached);
  asio::co_spawn(worker_.io().get_executor(), write_loop(), asio::detached);
  wake_.cancel();
  co_return ErrorCategory::none;
}

template <class Transport>
Task<void> Http2Connection<Transport>::read_loop() {
  const asio::mutable_buffer space(input_.get(), kReadSize);
  bool filled = false;  // the last read filled the buffer: more may be streaming in
  for (;;) {
    error_code ec;
    std::size_t got = 0;
    if constexpr (Transport::reads_now) {
      // Whatever is there is read and handled before the lanes it ends and the writer run, and
      // the writer is woken only then (after those lanes), so responses that came in pieces are
      // answered with one write. Only a read that found nothing waits for input: then nothing
      // is pending unseen, not even a FIN or a reset, which come with data. After a read that
      // filled the buffer (large bodies), the next goes through the io_context, so the lanes,
      // the writer (window updates) and the worker's other connections get their turn.
      if (filled) {
        write_wake_.cancel();
        got = co_await transport_.read_some(space, ec);
      } else {
        got = transport_.read_now(space, ec);
        if (ec == asio::error::would_block) {
          ec = {};
          write_wake_.cancel();
          got = co_await transport_.read_when_readable(space, ec);
        }
      }
      filled = !ec && got == kReadSize;
    } else {
      got = co_await transport_.read_some(space, ec);
    }
    if (awaiting_preface_) {  // a server without HTTP/2 there: engine/h2c_refusal.hpp
      awaiting_preface_ = false;
      const FirstRead first = classify_first_read(ec, input_.get(), got);
      if (first != FirstRead::http2 && !origin_.address.where.tls) worker_.on_h2c_refused(first);
      if (first == FirstRead::http1_answer) {
        lost_ = ErrorCategory::protocol;
        break;
      }
    }
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
    if (session_.take_changed()) wake_.cancel();
    if constexpr (!Transport::reads_now) write_wake_.cancel();
  }
  open_ = false;
  transport_.close();
  session_.fail_all(lost_);
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
      co_await until_woken(write_wake_);
      continue;
    }
    // At once when the socket takes it all (no asynchronous operation), else the rest waits.
    error_code ec;
    const asio::const_buffer whole = asio::buffer(output_);
    const std::size_t now = transport_.write_now({&whole, 1}, ec);
    if (!ec && now < output_.size()) co_await transport_.write(whole + now, ec);
    if (ec) {
      // A write the server's close or reset refused lost the streams as a read would have found
      // (`read`: closed before the response was complete), whichever loop saw it first.
      const bool peer_closed =
          ec == asio::error::broken_pipe || ec == asio::error::connection_reset;
      if (lost_ == ErrorCategory::none) {
        lost_ = peer_closed ? ErrorCategory::read : ErrorCategory::write;
      }
      transport_.close();
      break;
    }
  }
  writing_ = false;
  wake_.cancel();
}

template <class Transport>
Task<void> Http2Connection<Transport>::shut() {
  while (shutting_) co_await until_woken(wake_);
  shutting_ = true;
  transport_.close();
  while (reading_ || writing_) {
    write_wake_.cancel();
    co_await until_woken(wake_);
  }
  open_ = false;
  session_.fail_all(ErrorCategory::read);
  session_.close();
  shutting_ = false;
  wake_.cancel();
}

}  // namespace

std::unique_ptr<Connection> make_http2_connection(Worker& worker, SharedRun& run, Origin& origin) {
  if (origin.address.where.tls) {
    return std::make_unique<Http2Connection<TlsTransport>>(worker, run, origin);
  }
  return std::make_unique<Http2Connection<PlainTransport>>(worker, run, origin);
}

}  // namespace ccload::engine
