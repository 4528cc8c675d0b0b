#include "engine/transport.hpp"

#include "engine/local_errors.hpp"
#include "net/tls_failure.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <cstring>

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

Task<ErrorCategory> connect_tcp(Socket& socket, const Address& address) {
  if (address.endpoints.empty()) co_return ErrorCategory::resolve;
  error_code ec;
  co_await asio::async_connect(socket, address.endpoints, into(ec));
  if (ec) {
    // The generator's own shortages (descriptors, ephemeral ports, memory) are `client`.
    const ErrorCategory category = local_or(ec, ErrorCategory::connect);
    socket.close(ec);
    co_return category;
  }
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  co_return ErrorCategory::none;
}

}  // namespace

Task<ErrorCategory> PlainTransport::open(const Address& address) {
  return connect_tcp(socket_, address);
}

Task<ErrorCategory> TlsTransport::open(const Address& address) {
  refused_http2_ = false;
  reason_ = TlsReason::none;
  const ErrorCategory tcp = co_await connect_tcp(socket_, address);
  if (tcp != ErrorCategory::none) co_return tcp;
  if (address.tls == nullptr) {
    close();
    reason_ = TlsReason::handshake;  // no client context could be made (the hop's)
    co_return ErrorCategory::tls;
  }
  tls_.reset();  // the last connection's stream: nothing is pending on it any more
  tls_.emplace(socket_, *address.tls);
  if (!net::prepare_client_handshake(*tls_, address.where.host)) {
    close();
    reason_ = TlsReason::handshake;
    co_return ErrorCategory::tls;
  }
  error_code ec;
  co_await tls_->async_handshake(asio::ssl::stream_base::client, into(ec));
  if (ec) {
    reason_ = net::tls_failure_reason(ec, SSL_get_verify_result(tls_->native_handle()));
    // A server that refuses every protocol offered by ALPN may end the handshake with the alert
    // no_application_protocol (nginx does) instead of choosing none.
    refused_http2_ = http2_ && reason_ == TlsReason::no_h2;
    close();
    co_return ErrorCategory::tls;
  }
  if (http2_) {
    const unsigned char* protocol = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(tls_->native_handle(), &protocol, &length);
    if (length != 2 || std::memcmp(protocol, "h2", 2) != 0) {
      refused_http2_ = true;
      reason_ = TlsReason::no_h2;
      close();
      co_return ErrorCategory::tls;
    }
  }
  co_return ErrorCategory::none;
}

}  // namespace ccload::engine
