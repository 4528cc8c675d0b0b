#include "engine/transport.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

Task<ErrorCategory> connect_tcp(Socket& socket, const SharedRun& run) {
  if (run.endpoints.empty()) co_return ErrorCategory::resolve;
  error_code ec;
  co_await asio::async_connect(socket, run.endpoints, into(ec));
  if (ec) {
    socket.close(ec);
    co_return ErrorCategory::connect;
  }
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  co_return ErrorCategory::none;
}

}  // namespace

Task<ErrorCategory> PlainTransport::open() { return connect_tcp(socket_, run_); }

Task<ErrorCategory> TlsTransport::open() {
  refused_http2_ = false;
  const ErrorCategory tcp = co_await connect_tcp(socket_, run_);
  if (tcp != ErrorCategory::none) co_return tcp;
  tls_.emplace(socket_, *run_.tls_context);
  net::prepare_client_handshake(*tls_, run_.config.target.host);
  error_code ec;
  co_await tls_->async_handshake(asio::ssl::stream_base::client, into(ec));
  if (ec) {
    close();
    co_return ErrorCategory::tls;
  }
  co_return ErrorCategory::none;
}

}  // namespace ccload::engine
