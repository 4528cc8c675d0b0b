#include "engine/connection.hpp"

#include "engine/hop_connection.hpp"
#include "engine/http1_session.hpp"
#include "engine/http2_session.hpp"
#include "engine/redirect.hpp"
#include "engine/request_lane.hpp"
#include "engine/transport.hpp"

#include <type_traits>

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// An HTTP/1.1 keep-alive connection to one origin: one request lane over one Http1Session. It is
// the lane's Env (request_lane.hpp): the clock, the pacing timer, the socket, and the hop
// connection for redirects to other origins, opened only while this one is closed (so a lane
// never holds more than one socket, and c stays the limit).
template <class Transport>
class Http1Connection final : public Connection {
 public:
  Http1Connection(Worker& worker, SharedRun& run, Origin& origin)
      : worker_(worker),
        run_(run),
        origin_(origin),
        transport_(worker.io(), run),
        pacer_(worker.io()),
        session_(run.config.max_redirects > 0,
                 std::is_same_v<Transport, PlainTransport> ? worker.read_buffer() : nullptr) {
    static_assert(Worker::kReadBufferSize == Http1Session::kBufferSize);
    session_.reserve_pipeline(run.config.pipeline);
    if (run.config.needs.any()) session_.parser().capture(run.config.needs);
  }

  Task<void> run() override {
    co_await lane_.run();
    close();
    if (hop_) hop_->close();
    worker_.on_connection_done();
  }

  void expire_if_due(Clock::time_point now) override { lane_.expire_if_due(now); }

  void stop_waiting() override { pacer_.cancel(); }

  // The lane's Env.
  SharedRun& shared() { return run_; }
  Origin& origin() { return origin_; }
  std::uint64_t& dropped() { return worker_.dropped(); }
  void on_request_started() { worker_.on_request_started(); }
  core::WorkerScript* script() const { return worker_.script(); }
  Clock::time_point now() const { return Clock::now(); }
  Task<bool> pace_until(Clock::time_point due) {
    error_code ec;
    pacer_.expires_at(due);
    co_await pacer_.async_wait(into(ec));
    co_return !run_.stopping();
  }
  bool ready() const { return session_.is_open(); }
  Task<ErrorCategory> open(Record& record);
  // Not a coroutine: the session's exchange is the one coroutine frame of a request.
  Task<ExchangeOutcome> exchange(const RequestRef& request, Record& record, ExchangeTimes& times) {
    return session_.exchange(transport_, request.http1, request.head, record, times);
  }
  Task<void> exchange_batch(std::span<BatchEntry> batch) {
    return session_.exchange_batch(transport_, batch);
  }
  Task<ExchangeOutcome> exchange_away(const net::Target& where, const RequestRef& request,
                                      Record& record, ExchangeTimes& times) {
    close();  // one socket per lane at a time
    if (!hop_) hop_ = std::make_unique<HopConnection>(worker_, run_);
    return hop_->exchange(where, request, record, times);
  }
  const std::string& location() const { return session_.location(); }
  const std::string& away_location() const { return hop_->location(); }
  core::ServerResponse response(bool away) {
    return away && hop_ ? hop_->response() : session_.parser().response();
  }
  void end_hops() {
    if (hop_) hop_->close();
  }
  void abort() {
    transport_.close();
    if (hop_) hop_->close();
  }
  void on_record(Record&& record, Clock::time_point finished) {
    worker_.on_record(std::move(record), finished);
  }

 private:
  void close() {
    transport_.close();
    session_.reset();
  }

  Worker& worker_;
  SharedRun& run_;
  Origin& origin_;
  Transport transport_;
  Timer pacer_;  // waits for the next request's scheduled time (rate mode)
  Http1Session session_;
  std::unique_ptr<HopConnection> hop_;
  RequestLane<Http1Connection> lane_{*this};
};

template <class Transport>
Task<ErrorCategory> Http1Connection<Transport>::open(Record& record) {
  if (hop_) hop_->close();  // one socket per lane at a time
  const Clock::time_point started = Clock::now();
  const ErrorCategory error = co_await transport_.open(worker_.address_of(origin_));
  if (error != ErrorCategory::none) {
    record.tls_reason = transport_.tls_reason();
    close();
    co_return error;
  }
  record.connect_ns += nanoseconds(Clock::now() - started);
  session_.opened();
  worker_.on_connection_opened();
  co_return ErrorCategory::none;
}

}  // namespace

std::unique_ptr<Connection> make_connection(Worker& worker, SharedRun& run, Origin& origin) {
  if (run.config.http2) return make_http2_connection(worker, run, origin);
  if (origin.address.where.tls) {
    return std::make_unique<Http1Connection<TlsTransport>>(worker, run, origin);
  }
  return std::make_unique<Http1Connection<PlainTransport>>(worker, run, origin);
}

}  // namespace ccload::engine
