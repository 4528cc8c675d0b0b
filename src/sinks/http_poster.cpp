#include "sinks/http_poster.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>

#include "core/version.hpp"

namespace ccload::sinks {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

struct HttpPoster::Impl {
  asio::io_context io;  // first member: destroyed last
  net::Target target;
  Headers headers;
  std::optional<ssl::context> tls_context;
  tcp::resolver resolver{io};
  std::optional<tcp::socket> plain;
  std::optional<ssl::stream<tcp::socket>> secure;
  beast::flat_buffer buffer;
  asio::steady_timer watchdog{io};
  std::atomic<bool> cancelled{false};
  bool timed_out = false;

  bool is_open() const { return plain.has_value() || secure.has_value(); }

  tcp::socket& socket() { return secure ? secure->next_layer() : *plain; }

  // Stops whatever is pending: the operations complete with an error.
  void abort_io() {
    resolver.cancel();
    error_code ignored;
    if (is_open()) socket().close(ignored);
  }

  void close() {
    abort_io();
    secure.reset();
    plain.reset();
    buffer.clear();
  }

  std::string describe(const error_code& ec) const {
    if (cancelled) return "cancelled";
    if (timed_out) return "timed out";
    if (ec == asio::error::connection_refused) return "connection refused";
    if (ec == asio::error::eof || ec == http::error::end_of_stream ||
        ec == ssl::error::stream_truncated) {
      return "connection closed by the server";
    }
    if (ec.category() == asio::error::get_ssl_category())
      return "TLS error: " + lower(ec.message());
    return lower(ec.message());
  }

  asio::awaitable<error_code> connect() {
    auto [resolve_ec, endpoints] =
        co_await resolver.async_resolve(target.host, std::to_string(target.port), kTuple);
    if (resolve_ec) co_return resolve_ec;
    if (cancelled || timed_out) co_return asio::error::operation_aborted;
    if (tls_context) {
      secure.emplace(io, *tls_context);
    } else {
      plain.emplace(io);
    }
    auto [connect_ec, endpoint] = co_await asio::async_connect(socket(), endpoints, kTuple);
    (void)endpoint;
    if (connect_ec) co_return connect_ec;
    error_code ignored;
    socket().set_option(tcp::no_delay(true), ignored);
    if (secure) {
      if (!net::prepare_client_handshake(*secure, target.host)) co_return asio::error::no_memory;
      auto [handshake_ec] = co_await secure->async_handshake(ssl::stream_base::client, kTuple);
      if (handshake_ec) co_return handshake_ec;
    }
    co_return error_code{};
  }

  template <class Stream>
  asio::awaitable<error_code> exchange_on(Stream& stream, const std::string& body, int& status,
                                          bool& keep_alive, bool& got_bytes,
                                          std::string& retry_after) {
    http::request<http::string_body> request{http::verb::post, target.request_target, 11};
    request.set(http::field::host, target.host_header);
    request.set(http::field::user_agent, kUserAgent);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.keep_alive(true);
    request.body() = body;
    request.prepare_payload();
    auto [write_ec, written] = co_await http::async_write(stream, request, kTuple);
    (void)written;
    if (write_ec) co_return write_ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);
    auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kTuple);
    (void)read;
    got_bytes = parser.got_some();
    if (read_ec == http::error::body_limit && parser.is_header_done()) {
      status = parser.get().result_int();  // an answer with an oversized body: the status counts
      retry_after = std::string(parser.get()[http::field::retry_after]);
      keep_alive = false;
      co_return error_code{};
    }
    if (read_ec) co_return read_ec;
    status = parser.get().result_int();
    keep_alive = parser.get().keep_alive();
    retry_after = std::string(parser.get()[http::field::retry_after]);
    co_return error_code{};
  }

  asio::awaitable<void> exchange(const std::string& body, PostResult& result) {
    for (int pass = 0; pass < 2; ++pass) {
      if (cancelled) {
        result.error = "cancelled";
        co_return;
      }
      const bool reused = is_open();
      if (!reused) {
        error_code ec = co_await connect();
        if (ec) {
          result.error = describe(ec);
          result.permanent = ec.category() == asio::error::get_ssl_category() &&
                             ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
                                 SSL_R_CERTIFICATE_VERIFY_FAILED;
          close();
          co_return;
        }
      }
      int status = 0;
      bool keep_alive = true, got_bytes = false;
      std::string retry_after;
      error_code ec =
          secure ? co_await exchange_on(*secure, body, status, keep_alive, got_bytes, retry_after)
                 : co_await exchange_on(*plain, body, status, keep_alive, got_bytes, retry_after);
      if (!ec) {
        result.status = status;
        result.retry_after = std::move(retry_after);
        if (!keep_alive) close();
        co_return;
      }
      close();
      // A kept-alive connection the server had already closed: open a fresh one, once.
      if (reused && !got_bytes && !cancelled && !timed_out) continue;
      result.error = describe(ec);
      co_return;
    }
  }
};

HttpPoster::HttpPoster(net::Target target, const net::TlsOptions& tls, Headers headers)
    : impl_(std::make_unique<Impl>()) {
  impl_->target = std::move(target);
  impl_->headers = std::move(headers);
  if (impl_->target.tls) impl_->tls_context.emplace(net::make_client_context(tls));
}

HttpPoster::~HttpPoster() = default;

PostResult HttpPoster::post(const std::string& body, Clock::time_point deadline) {
  Impl& s = *impl_;
  PostResult result;
  if (s.cancelled) {
    result.error = "cancelled";
    return result;
  }
  s.io.restart();
  s.timed_out = false;
  s.watchdog.expires_at(deadline);
  s.watchdog.async_wait([&s](const error_code& ec) {
    if (ec) return;  // cancelled: the exchange ended in time
    s.timed_out = true;
    s.abort_io();
  });
  asio::co_spawn(s.io, s.exchange(body, result), [&s, &result](std::exception_ptr error) {
    s.watchdog.cancel();
    if (error) {
      s.close();
      result.status = 0;
      result.error = "internal error";
    }
  });
  s.io.run();
  return result;
}

void HttpPoster::cancel() {
  impl_->cancelled = true;
  asio::post(impl_->io, [s = impl_.get()] { s->abort_io(); });
}

}  // namespace ccload::sinks
