#include "engine/transport.hpp"

#include "engine/local_errors.hpp"

#include <openssl/err.h>
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
  const ErrorCategory tcp = co_await connect_tcp(socket_, address);
  if (tcp != ErrorCategory::none) co_return tcp;
  if (address.tls == nullptr) {
    close();
    co_return ErrorCategory::tls;
  }
  tls_.reset();  // the last connection's stream: nothing is pending on it any more
  tls_.emplace(socket_, *address.tls);
  net::prepare_client_handshake(*tls_, address.where.host);
  error_code ec;
  co_await tls_->async_handshake(asio::ssl::stream_base::client, into(ec));
  if (ec) {
    // A server that refuses every protocol offered by ALPN may end the handshake with the alert
    // no_application_protocol (nginx does) instead of choosing none.
    refused_http2_ = http2_ && ec.category() == asio::error::get_ssl_category() &&
                     ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
                         SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL;
    close();
    co_return ErrorCategory::tls;
  }
  if (http2_) {
    const unsigned char* protocol = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(tls_->native_handle(), &protocol, &length);
    if (length != 2 || std::memcmp(protocol, "h2", 2) != 0) {
      refused_http2_ = true;
      close();
      co_return ErrorCategory::tls;
    }
  }
  co_return ErrorCategory::none;
}

}  // namespace ccload::engine
