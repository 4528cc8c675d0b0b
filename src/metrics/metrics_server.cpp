#include "metrics/metrics_server.hpp"

#include <fmt/format.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <set>
#include <stdexcept>

#include "metrics/prometheus_text.hpp"

namespace ccload::metrics {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct MetricsServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
  RunLabels labels;

  mutable std::mutex mutex;  // guards latest, labels.run
  std::shared_ptr<const stats::Snapshot> latest;
  std::atomic<std::uint64_t> scrapes{0};
  std::set<std::shared_ptr<tcp::socket>> sockets;  // open connections (the io thread only)
  bool stopped = false;

  std::string body() {
    std::shared_ptr<const stats::Snapshot> snapshot;
    RunLabels now;
    {
      std::lock_guard lock(mutex);
      snapshot = latest;
      now = labels;
    }
    // Before the run's first second: the empty run (every counter at 0).
    static const stats::Snapshot kEmpty{};
    return prometheus_text(snapshot ? *snapshot : kEmpty, now);
  }

  asio::awaitable<void> serve(std::shared_ptr<tcp::socket> socket) {
    beast::flat_buffer buffer;
    try {
      for (;;) {
        http::request<http::empty_body> request;
        co_await http::async_read(*socket, buffer, request, asio::use_awaitable);
        http::response<http::string_body> response;
        response.version(11);
        response.keep_alive(request.keep_alive());
        const std::string_view target = request.target();
        const std::string_view path = target.substr(0, target.find('?'));
        if (request.method() != http::verb::get && request.method() != http::verb::head) {
          response.result(http::status::method_not_allowed);
          response.body() = "GET /metrics\n";
        } else if (path == "/metrics") {
          response.result(http::status::ok);
          response.set(http::field::content_type, kPrometheusContentType);
          // Counted first: a scrape counted after a publish has read that snapshot.
          scrapes.fetch_add(1, std::memory_order_relaxed);
          response.body() = body();
        } else {
          response.result(http::status::not_found);
          response.body() = "ccload serves its metrics at /metrics\n";
        }
        response.prepare_payload();
        co_await http::async_write(*socket, response, asio::use_awaitable);
        if (!response.keep_alive()) break;
      }
    } catch (const std::exception&) {
      // The scraper went away, or the server stops: nothing to say.
    }
    boost::system::error_code ignored;
    socket->close(ignored);
    sockets.erase(socket);
  }

  asio::awaitable<void> accept() {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(io);
      boost::system::error_code ec;
      co_await acceptor.async_accept(*socket, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) continue;
      sockets.insert(socket);
      asio::co_spawn(io, serve(socket), asio::detached);
    }
  }
};

MetricsServer::MetricsServer(const std::string& host, std::uint16_t port, RunLabels labels)
    : impl_(std::make_unique<Impl>()) {
  impl_->labels = std::move(labels);
  boost::system::error_code ec;
  const std::string where = fmt::format("{}:{}", host, port);
  tcp::resolver resolver(impl_->io);
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error(
        fmt::format("--metrics-listen {}: '{}' is not an address of this machine: give one such as "
                    "127.0.0.1:9464",
                    where, host));
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    const std::string hint = ec == asio::error::address_in_use
                                 ? "another program listens there: give another port"
                                 : "give an address of this machine and a free port";
    throw std::runtime_error(fmt::format("--metrics-listen {}: cannot listen there ({}): {}", where,
                                         ec.message(), hint));
  }
  port_ = acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->accept(), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

MetricsServer::~MetricsServer() { stop(); }

void MetricsServer::set_run(std::string run) {
  std::lock_guard lock(impl_->mutex);
  impl_->labels.run = std::move(run);
}

void MetricsServer::publish(std::shared_ptr<const stats::Snapshot> snapshot) {
  std::lock_guard lock(impl_->mutex);
  impl_->latest = std::move(snapshot);
}

std::uint64_t MetricsServer::scrapes() const {
  return impl_->scrapes.load(std::memory_order_relaxed);
}

void MetricsServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  asio::post(impl_->io, [impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
    for (const auto& socket : impl->sockets) socket->close(ignored);
  });
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace ccload::metrics
