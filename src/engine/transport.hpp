#pragma once
// The byte stream under a connection, chosen once per connection as a template argument (wrk's
// `sock` table, as a type): PlainTransport (TCP) or TlsTransport (TCP + TLS, with ALPN for
// HTTP/2). Both have the same members, so the code above them is written once and compiled twice,
// with no branch on the stream type at any read or write.
//
// Contract of both:
//   open(a)      connects to address a's endpoints (and handshakes, with a's host name as
//                SNI and for verification); none, resolve, connect or tls. On
//                failure everything is closed again. Timeouts are the caller's to classify.
//   tls_reason() after an open() that failed as tls: why (core/tls_reason.hpp).
//   write(b,ec)  writes all of the buffer sequence b; an awaitable operation, not a coroutine.
//   write_now(b,ec)
//                writes what the socket takes at once, without waiting, and says how much (0
//                for TLS, whose records are written by write()); ec holds an error other than
//                would-block. Saves the whole asynchronous operation when the socket has room.
//   read_some    reads what is there into the buffer (at least one byte, or an error in ec).
//   read_when_readable
//                read_some for the first read after a request was written onto a connection
//                with nothing unread: waits for input first, so no read comes back EAGAIN
//                (readable_read.hpp; TLS reads as read_some). Plain TCP: the read is made the
//                moment epoll reports input, and its completion runs right then.
//   read_now(b,ec)
//                plain TCP only (`reads_now`): one recv() with MSG_DONTWAIT, now; would_block in
//                ec when nothing is there, eof when the peer closed.
//   close()      closes the socket (also from the watchdog, to fail a pending operation).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <span>

#include "engine/readable_read.hpp"

#include "engine/worker.hpp"

namespace ccload::engine {

// Coroutines and sockets bound to the worker's io_context executor type: no type-erased executor
// on the hot path.
using Executor = boost::asio::io_context::executor_type;
template <class T>
using Task = boost::asio::awaitable<T, Executor>;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
using Timer = boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>, Executor>;

// Completion token: resume the coroutine with the error in `ec` instead of throwing.
inline auto into(boost::system::error_code& ec) {
  return boost::asio::redirect_error(boost::asio::use_awaitable_t<Executor>{}, ec);
}

class PlainTransport {
 public:
  PlainTransport(boost::asio::io_context& io, const SharedRun& run) : run_(run), socket_(io) {}
  static constexpr bool reads_now = true;

  Task<ErrorCategory> open(const Address& address);
  template <class Buffers>
  Task<std::size_t> write(const Buffers& buffers, boost::system::error_code& ec) {
    return boost::asio::async_write(socket_, buffers, into(ec));
  }
  // One send() or sendmsg() with MSG_DONTWAIT.
  std::size_t write_now(std::span<const boost::asio::const_buffer> buffers,
                        boost::system::error_code& ec);
  Task<std::size_t> read_some(boost::asio::mutable_buffer space, boost::system::error_code& ec) {
    return socket_.async_read_some(space, into(ec));
  }
  Task<std::size_t> read_when_readable(boost::asio::mutable_buffer space,
                                       boost::system::error_code& ec) {
    return socket_.async_read_when_readable(space, into(ec));
  }
  std::size_t read_now(boost::asio::mutable_buffer space, boost::system::error_code& ec);
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }
  // The server refused HTTP/2 in the TLS handshake (ALPN): never for plain TCP.
  bool refused_http2() const { return false; }
  // Why the last open() failed as tls: never for plain TCP.
  TlsReason tls_reason() const { return TlsReason::none; }

 private:
  const SharedRun& run_;
  ReactorSocket<Executor> socket_;
};

class TlsTransport {
 public:
  // `http2`: offer and require ALPN "h2" (by default: the run's protocol).
  TlsTransport(boost::asio::io_context& io, const SharedRun& run, bool http2)
      : run_(run), socket_(io), http2_(http2) {}
  TlsTransport(boost::asio::io_context& io, const SharedRun& run)
      : TlsTransport(io, run, run.config.http2) {}
  static constexpr bool reads_now = false;

  // With HTTP/2, a handshake in which the server did not select "h2" by ALPN is a tls failure
  // and refused_http2() is true until the next open().
  Task<ErrorCategory> open(const Address& address);
  template <class Buffers>
  Task<std::size_t> write(const Buffers& buffers, boost::system::error_code& ec) {
    return boost::asio::async_write(*tls_, buffers, into(ec));
  }
  std::size_t write_now(std::span<const boost::asio::const_buffer>, boost::system::error_code&) {
    return 0;
  }
  Task<std::size_t> read_some(boost::asio::mutable_buffer space, boost::system::error_code& ec) {
    return tls_->async_read_some(space, into(ec));
  }
  Task<std::size_t> read_when_readable(boost::asio::mutable_buffer space,
                                       boost::system::error_code& ec) {
    return read_some(space, ec);
  }
  std::size_t read_now(boost::asio::mutable_buffer, boost::system::error_code& ec) {
    ec = boost::asio::error::operation_not_supported;  // TLS reads through its stream only
    return 0;
  }
  // Closes the socket only: an operation still pending on the TLS stream completes (aborted) with
  // the stream alive; open() makes a fresh stream.
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }
  bool refused_http2() const { return refused_http2_; }
  // Why the last open() failed as tls (none when it did not); until the next open().
  TlsReason tls_reason() const { return reason_; }

 private:
  const SharedRun& run_;
  Socket socket_;
  std::optional<boost::asio::ssl::stream<Socket&>> tls_;
  bool http2_ = false;
  bool refused_http2_ = false;
  TlsReason reason_ = TlsReason::none;
};

}  // namespace ccload::engine
