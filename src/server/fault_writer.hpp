#pragma once
// The HTTP/1.1 connection side of the fault endpoints (/reset, /close, /malformed, /trickle/MS,
// /hang): writes a Response whose `fault` is set, in the way Response::Fault describes for
// HTTP/1.1. (HTTP/2 acts them out in h2_session.cpp.) A template on the
// stream type, like the server's connection loop, so it serves plain and TLS connections alike.

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/system/error_code.hpp>

#include "server/http1.hpp"
#include "server/response.hpp"

namespace ccload::server {

// Writes `res` (res.fault != none), whose HTTP/1.1 head is `head` (append_http1_head()). Returns an
// error when the connection must not be used again: after /reset, /close, /malformed and /hang
// always, after /trickle only when a write failed. /reset leaves the socket closed (with a reset);
// the others leave closing to the caller.
template <class Stream>
boost::asio::awaitable<boost::system::error_code> write_fault(Stream& stream, const Response& res,
                                                              const std::string& head) {
  namespace asio = boost::asio;
  using boost::system::error_code;
  constexpr auto tok = asio::as_tuple(asio::use_awaitable);
  const error_code closed = asio::error::eof;
  switch (res.fault) {
    case Response::Fault::none:
    case Response::Fault::close:
      co_return closed;
    case Response::Fault::malformed: {
      auto [ec, n] = co_await asio::async_write(stream, asio::buffer(kHttp1Garbage), tok);
      (void)n;
      co_return ec ? ec : closed;
    }
    case Response::Fault::reset: {
      const std::array<asio::const_buffer, 2> part{
          asio::buffer(head), asio::buffer(res.body.data(), res.body.size() / 2)};
      auto [ec, n] = co_await asio::async_write(stream, part, tok);
      (void)n;
      auto& socket = boost::beast::get_lowest_layer(stream);
      error_code ignored;
      socket.set_option(asio::socket_base::linger(true, 0), ignored);
      socket.close(ignored);  // with a zero linger time: RST instead of FIN
      co_return ec ? ec : asio::error::connection_reset;
    }
    case Response::Fault::trickle: {
      auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head), tok);
      (void)n;
      if (ec || res.head_only) co_return ec;
      asio::steady_timer timer(stream.get_executor());
      for (char byte : res.body) {
        timer.expires_after(res.trickle_interval);
        auto [wait_ec] = co_await timer.async_wait(tok);
        if (wait_ec) co_return wait_ec;
        auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(&byte, 1), tok);
        (void)written;
        if (write_ec) co_return write_ec;
      }
      co_return error_code{};
    }
    case Response::Fault::hang: {
      std::array<char, 4096> sink;
      for (;;) {
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), tok);
        (void)n;
        if (ec) co_return ec;
      }
    }
  }
  co_return closed;
}

}  // namespace ccload::server
