#include "engine/transport.hpp"

#include "engine/local_errors.hpp"
#include "net/tls_failure.hpp"

#include <openssl/ssl.h>

#include <sys/socket.h>
#include <boost/asio/connect.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
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

std::size_t PlainTransport::read_now(asio::mutable_buffer space, error_code& ec) {
  for (;;) {
    const ssize_t got = ::recv(socket_.native_handle(), space.data(), space.size(), MSG_DONTWAIT);
    if (got > 0) return static_cast<std::size_t>(got);
    if (got == 0) {
      ec = asio::error::eof;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      ec = asio::error::would_block;
    } else {
      ec.assign(errno, asio::error::get_system_category());
    }
    return 0;
  }
}

std::size_t PlainTransport::write_now(std::span<const asio::const_buffer> buffers, error_code& ec) {
  constexpr int kFlags = MSG_DONTWAIT | MSG_NOSIGNAL;
  constexpr std::size_t kBatch = 64;  // buffers a call (a pipeline's requests); more in turns
  const int fd = socket_.native_handle();
  // Would-block is no error: write() sends the rest. A later error is left to write().
  const auto failed = [&ec](std::size_t written) {
    if (written == 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      ec.assign(errno, asio::error::get_system_category());
    }
    return written;
  };
  if (buffers.size() == 1) {
    const ssize_t sent = ::send(fd, buffers[0].data(), buffers[0].size(), kFlags);
    return sent < 0 ? failed(0) : static_cast<std::size_t>(sent);
  }
  std::array<iovec, kBatch> iov;
  std::size_t written = 0;
  for (std::size_t at = 0; at < buffers.size();) {
    const std::size_t count = std::min(kBatch, buffers.size() - at);
    std::size_t wanted = 0;
    for (std::size_t i = 0; i < count; ++i) {
      iov[i].iov_base = const_cast<void*>(buffers[at + i].data());
      iov[i].iov_len = buffers[at + i].size();
      wanted += iov[i].iov_len;
    }
    msghdr message{};
    message.msg_iov = iov.data();
    message.msg_iovlen = count;
    const ssize_t sent = ::sendmsg(fd, &message, kFlags);
    if (sent < 0) return failed(written);
    written += static_cast<std::size_t>(sent);
    if (static_cast<std::size_t>(sent) < wanted) return written;
    at += count;
  }
  return written;
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
