#include "engine/connection.hpp"

#include "engine/http1_session.hpp"
#include "engine/http2_session.hpp"
#include "engine/transport.hpp"

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

std::int64_t nanoseconds(Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

// An HTTP/1.1 keep-alive connection: one request at a time through Http1Session.
template <class Transport>
class Http1Connection final : public Connection {
 public:
  Http1Connection(Worker& worker, SharedRun& run)
      : worker_(worker),
        run_(run),
        transport_(worker.io(), run),
        pacer_(worker.io()),
        session_(run) {}

  Task<void> run() override;

  void expire_if_due(Clock::time_point now) override {
    if (in_flight_ && !timed_out_ && now >= deadline_) {
      timed_out_ = true;
      transport_.close();
    }
  }

  void stop_waiting() override { pacer_.cancel(); }

 private:
  Task<ErrorCategory> connect(Record& record);
  ErrorCategory classify(ErrorCategory otherwise) const {
    return timed_out_ ? ErrorCategory::timeout : otherwise;
  }
  void close() {
    transport_.close();
    session_.reset();
    open_ = false;
  }

  Worker& worker_;
  SharedRun& run_;
  Transport transport_;
  Timer pacer_;  // waits for the next request's scheduled time (rate mode)
  Http1Session session_;
  bool open_ = false;
  std::uint64_t requests_on_connection_ = 0;

  bool in_flight_ = false;
  bool timed_out_ = false;
  Clock::time_point deadline_{};
};

template <class Transport>
Task<void> Http1Connection<Transport>::run() {
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
      const Http1Session::Outcome outcome =
          co_await session_.exchange(transport_, record, sending, finished);
      ++requests_on_connection_;
      if (outcome != Http1Session::Outcome::complete) {
        record.error = classify(record.error);
        close();
      } else if (!session_.keep_open()) {
        close();
      }
      // A keep-alive connection the server closed while idle fails before any response byte:
      // open a fresh connection and try once more, as browsers and HTTP clients do.
      if (outcome == Http1Session::Outcome::failed_before_response && reused && attempt == 0 &&
          !timed_out_) {
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

template <class Transport>
Task<ErrorCategory> Http1Connection<Transport>::connect(Record& record) {
  const Clock::time_point started = Clock::now();
  const ErrorCategory error = co_await transport_.open();
  if (error != ErrorCategory::none) {
    close();
    co_return classify(error);
  }
  record.connect_ns = nanoseconds(Clock::now() - started);
  open_ = true;
  requests_on_connection_ = 0;
  worker_.on_connection_opened();
  co_return ErrorCategory::none;
}

}  // namespace

std::unique_ptr<Connection> make_connection(Worker& worker, SharedRun& run) {
  if (run.config.http2) return make_http2_connection(worker, run);
  const bool tls = run.tls_context != nullptr;
  if (tls) return std::make_unique<Http1Connection<TlsTransport>>(worker, run);
  return std::make_unique<Http1Connection<PlainTransport>>(worker, run);
}

}  // namespace ccload::engine
