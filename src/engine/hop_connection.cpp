#include "engine/hop_connection.hpp"

#include "engine/redirect.hpp"

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

HopConnection::HopConnection(Worker& worker, SharedRun& run)
    : worker_(worker),
      run_(run),
      plain_(worker.io(), run),
      tls_(worker.io(), run, false),
      session_(true) {
  if (run.config.needs.any()) session_.parser().capture(run.config.needs);
}

void HopConnection::close() {
  plain_.close();
  tls_.close();
  session_.reset();
}

Task<ExchangeOutcome> HopConnection::exchange(const net::Target& where, const RequestRef& request,
                                              Record& record, ExchangeTimes& times) {
  if (!session_.is_open() || !same_origin(address_.where, where)) {
    close();
    const Clock::time_point started = Clock::now();
    if (!resolved_ || !same_origin(address_.where, where)) resolve(where);
    const ErrorCategory error =
        where.tls ? co_await tls_.open(address_) : co_await plain_.open(address_);
    if (error != ErrorCategory::none) {
      record.tls_reason = where.tls ? tls_.tls_reason() : TlsReason::none;
      close();
      record.error = error;
      times.finished = Clock::now();
      co_return ExchangeOutcome::failed;
    }
    record.connect_ns += nanoseconds(Clock::now() - started);
    session_.opened();
    worker_.on_connection_opened();
  }
  const ExchangeOutcome outcome =
      where.tls ? co_await session_.exchange(tls_, request.http1, request.head, record, times)
                : co_await session_.exchange(plain_, request.http1, request.head, record, times);
  // A hop is not retried: its connection was just opened or just used.
  co_return outcome == ExchangeOutcome::retryable ? ExchangeOutcome::failed : outcome;
}

void HopConnection::resolve(const net::Target& where) {
  address_ = Address{where, {}, where.tls ? run_.hop_tls_context() : nullptr};
  resolved_ = true;
  for (const Origin& origin : run_.origins) {
    if (same_origin(origin.address.where, where)) {
      address_.endpoints = origin.address.endpoints;
      return;
    }
  }
  // A blocking lookup: the worker's io_context runs without locks (one thread), which Asio's
  // asynchronous resolver (a thread of its own) cannot post to. Loopback addresses and
  // /etc/hosts names answer at once; the result is kept for the connection's next hops there.
  asio::ip::tcp::resolver resolver(worker_.io());
  error_code ec;
  const auto results = resolver.resolve(where.host, std::to_string(where.port), ec);
  if (ec) {
    resolved_ = false;  // try again on the next hop there
    return;
  }
  for (const auto& entry : results) address_.endpoints.push_back(entry.endpoint());
}

}  // namespace ccload::engine
