#include "server/target_server.hpp"

#include <fmt/format.h>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <csignal>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

#include "server/fault_writer.hpp"
#include "server/h2_connection.hpp"
#include "server/http1.hpp"
#include "server/http_request.hpp"
#include "server/router.hpp"

namespace ccload::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr auto kTok = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadSize = 16u * 1024u;

template <class Stream>
void close_stream(Stream& stream) {
  error_code ec;
  auto& socket = beast::get_lowest_layer(stream);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

// After a response the server chose to close on (Connection: close, a request it could not
// parse): the write side is shut (the client sees the end at once), then what the client still
// sends is read and dropped until it closes too, for up to a second, as nginx's lingering close
// does (RFC 9112, 9.6). Closing with unread bytes would send a reset, and a client whose reset
// arrives before it read the response loses the response.
asio::awaitable<void> lingering_close(tcp::socket& socket) {
  error_code ec;
  socket.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  asio::steady_timer limit(socket.get_executor(), std::chrono::seconds(1));
  limit.async_wait([&socket](error_code wait_ec) {
    if (!wait_ec) {
      error_code ignored;
      socket.cancel(ignored);
    }
  });
  std::array<char, 4096> sink;
  for (std::size_t total = 0; total < 1024 * 1024;) {
    auto [rec, n] = co_await socket.async_read_some(asio::buffer(sink), kTok);
    if (rec) break;
    total += n;
  }
  limit.cancel();
}

template <class Stream>
asio::awaitable<error_code> write_response(Stream& stream, const Response& res,
                                           const std::string& head) {
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::const_buffer{}};
  if (!res.head_only) buffers[1] = asio::buffer(res.body_data(), res.body_size());
  auto [ec, n] = co_await asio::async_write(stream, buffers, kTok);
  (void)n;
  co_return ec;
}

// One connection: parse a request, answer it, repeat while keep-alive. The buffer, the request
// storage and the response storage live as long as the connection and are reused.
template <class Stream>
asio::awaitable<void> serve_requests(Stream& stream, ServerState& state) {
  beast::flat_buffer buffer;
  RequestData req;
  Http1Reader reader(req);
  Response res;
  std::string head;
  std::optional<asio::steady_timer> timer;

  for (;;) {
    reader.next();
    for (Http1Reader::Step step = reader.parse(buffer); step != Http1Reader::Step::respond;
         step = reader.parse(buffer)) {
      if (step == Http1Reader::Step::write_continue) {
        auto [wec, wn] =
            co_await asio::async_write(stream, asio::buffer(Http1Reader::kContinue), kTok);
        (void)wn;
        if (wec) {
          close_stream(stream);
          co_return;
        }
        continue;
      }
      auto [rec, n] = co_await stream.async_read_some(buffer.prepare(kReadSize), kTok);
      if (rec) {
        close_stream(stream);
        co_return;  // closed by the peer (between or in the middle of requests) or failed
      }
      buffer.commit(n);
    }
    reader.answer(state, res);
    head.clear();
    append_http1_head(res, req.version(), head);

    if (res.delay.count() > 0) {
      if (!timer) timer.emplace(stream.get_executor());
      timer->expires_after(res.delay);
      co_await timer->async_wait(kTok);
    }
    error_code wec;
    if (res.fault == Response::Fault::none) {
      wec = co_await write_response(stream, res, head);
    } else {
      wec = co_await write_fault(stream, res, head);
    }
    if (!wec && res.close && res.fault == Response::Fault::none) {
      if constexpr (std::is_same_v<Stream, tcp::socket>) co_await lingering_close(stream);
    }
    if (wec || res.close) {
      close_stream(stream);
      co_return;
    }
  }
}

asio::awaitable<void> plain_connection(tcp::socket socket, ServerState& state) {
  // (The co_await results are kept in locals: GCC 12 mishandles a co_await inside a condition.)
  bool http2 = false;
  if (!state.http1_only) http2 = co_await starts_with_http2_preface(socket);
  if (http2) {
    co_await serve_http2(socket, state);
  } else {
    co_await serve_requests(socket, state);
  }
}

asio::awaitable<void> tls_connection(tcp::socket socket, ServerState& state,
                                     ssl::context& context) {
  ssl::stream<tcp::socket> stream(std::move(socket), context);
  auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, kTok);
  if (ec) {
    close_stream(stream);
    co_return;
  }
  if (negotiated_http2(stream)) {
    co_await serve_http2(stream, state);
  } else {
    co_await serve_requests(stream, state);
  }
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

struct TargetServer::Impl {
  ServeConfig config;
  ServerState state;
  std::optional<ssl::context> tls;
  // One io_context (and thread) per core; the acceptor lives on the first and hands accepted
  // sockets round-robin to all of them, so load spreads evenly even with few connections.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  std::mutex stop_mutex;
  bool stopped = false;

  asio::awaitable<void> accept_loop() {
    std::size_t next = 0;
    for (;;) {
      asio::io_context& target = *contexts[next++ % contexts.size()];
      auto [ec, socket] = co_await acceptor->async_accept(target, kTok);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        // Out of descriptors or similar: back off briefly instead of spinning.
        asio::steady_timer pause(acceptor->get_executor(), std::chrono::milliseconds(10));
        co_await pause.async_wait(kTok);
        continue;
      }
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (tls) {
        asio::co_spawn(target, tls_connection(std::move(socket), state, *tls), asio::detached);
      } else {
        asio::co_spawn(target, plain_connection(std::move(socket), state), asio::detached);
      }
    }
  }

  tcp::endpoint resolve_endpoint() {
    error_code ec;
    auto address = asio::ip::make_address(config.host, ec);
    if (!ec) return tcp::endpoint(address, config.port);
    asio::io_context io;
    tcp::resolver resolver(io);
    auto results = resolver.resolve(config.host, std::to_string(config.port),
                                    tcp::resolver::passive | tcp::resolver::address_configured, ec);
    if (ec || results.empty()) {
      throw std::runtime_error(fmt::format("cannot resolve listen address '{}': {}", config.host,
                                           ec ? ec.message() : "no address"));
    }
    return results.begin()->endpoint();
  }

  void load_tls() {
    if (config.tls_cert.empty() && config.tls_key.empty()) return;
    if (config.tls_cert.empty() || config.tls_key.empty()) {
      throw std::runtime_error("TLS needs both a certificate and a key (PEM files)");
    }
    tls.emplace(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::single_dh_use);
    error_code ec;
    if (!config.http1_only) enable_http2_alpn(*tls);
    tls->use_certificate_chain_file(config.tls_cert, ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot load TLS certificate '{}': {}", config.tls_cert, ec.message()));
    }
    tls->use_private_key_file(config.tls_key, ssl::context::pem, ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot load TLS key '{}': {}", config.tls_key, ec.message()));
    }
    if (!config.tls_client_ca.empty()) {
      tls->load_verify_file(config.tls_client_ca, ec);
      if (ec) {
        throw std::runtime_error(fmt::format("cannot load the client CA file '{}': {}",
                                             config.tls_client_ca, ec.message()));
      }
      tls->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
  }

  void listen() {
    const tcp::endpoint endpoint = resolve_endpoint();
    acceptor.emplace(*contexts[0]);
    error_code ec;
    auto fail = [&](const char* what) {
      throw std::runtime_error(fmt::format("cannot listen on {}:{}: {} ({})", url_host(config.host),
                                           config.port, ec.message(), what));
    };
    acceptor->open(endpoint.protocol(), ec);
    if (ec) fail("socket");
    acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (ec) fail("SO_REUSEADDR");
    acceptor->bind(endpoint, ec);
    if (ec) fail("bind");
    acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) fail("listen");
    port = acceptor->local_endpoint().port();
  }

  void start() {
    state.tls = config.tls_cert.size() > 0;
    state.http1_only = config.http1_only;
    load_tls();
    unsigned n = config.threads != 0 ? config.threads : std::thread::hardware_concurrency();
    if (n == 0) n = 1;
    for (unsigned i = 0; i < n; ++i) {
      contexts.push_back(std::make_unique<asio::io_context>(1));
      guards.push_back(asio::make_work_guard(*contexts.back()));
    }
    listen();
    asio::co_spawn(*contexts[0], accept_loop(), asio::detached);
    for (auto& context : contexts) {
      threads.emplace_back([ctx = context.get()] { ctx->run(); });
    }
  }

  void stop() {
    std::lock_guard lock(stop_mutex);
    if (stopped) return;
    stopped = true;
    for (auto& context : contexts) context->stop();
    for (auto& thread : threads) thread.join();
    threads.clear();
    guards.clear();
    // Destroying the contexts destroys every suspended connection coroutine (closing its socket).
    acceptor.reset();
    contexts.clear();
  }
};

TargetServer::TargetServer(ServeConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  try {
    impl_->start();
  } catch (...) {
    impl_->stop();
    throw;
  }
}

TargetServer::~TargetServer() { stop(); }

std::uint16_t TargetServer::port() const { return impl_->port; }

std::string TargetServer::base_url() const {
  return fmt::format("{}://{}:{}", impl_->state.tls ? "https" : "http",
                     url_host(impl_->config.host), impl_->port);
}

void TargetServer::stop() { impl_->stop(); }

std::uint64_t TargetServer::http2_requests() const { return impl_->state.http2_requests.load(); }

std::uint64_t TargetServer::max_concurrent_http2_streams() const {
  return impl_->state.http2_streams_max.load();
}

int serve_until_signal(const ServeConfig& config, std::ostream& out) {
  // The signal handlers are installed before the first line is printed, so a SIGINT sent as soon
  // as the line is seen is handled cleanly.
  asio::io_context signal_context(1);
  asio::signal_set signals(signal_context, SIGINT, SIGTERM);
  TargetServer server(config);
  out << "listening on " << server.base_url() << std::endl;
  signals.async_wait([](const error_code&, int) {});
  signal_context.run();
  server.stop();
  return 0;
}

}  // namespace ccload::server
