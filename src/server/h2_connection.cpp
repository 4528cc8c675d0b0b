#include "server/h2_connection.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "server/h2_session.hpp"

namespace ccload::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr auto kTok = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr std::size_t kReadSize = 16u * 1024u;
constexpr std::size_t kOutputBatch = 32u * 1024u;
// A finished session's connection waits this long for the client to close it.
constexpr std::chrono::seconds kLinger{5};

// The connection's loops around an H2Session: this coroutine reads, a second one (write_loop)
// writes whatever the session has to send, woken by `wake` when a timer of the session fired or
// new input may have produced output.
template <class Stream>
class H2Connection {
 public:
  H2Connection(Stream& stream, ServerState& state)
      : stream_(stream),
        wake_(stream.get_executor()),
        session_(stream.get_executor(), state, [this] { wake_.cancel(); }) {}

  asio::awaitable<void> run() {
    writing_ = true;
    asio::co_spawn(stream_.get_executor(), write_loop(), asio::detached);
    std::vector<std::uint8_t> input(kReadSize);
    while (!closed_) {
      auto [ec, n] = co_await stream_.async_read_some(asio::buffer(input), kTok);
      if (ec) break;
      if (!session_.receive(input.data(), n)) break;
      wake_.cancel();
    }
    closed_ = true;
    error_code ignored;
    boost::beast::get_lowest_layer(stream_).close(ignored);
    while (writing_) {
      wake_.cancel();
      asio::steady_timer pause(stream_.get_executor(), std::chrono::milliseconds(1));
      co_await pause.async_wait(kTok);
    }
  }

 private:
  asio::awaitable<void> write_loop() {
    std::vector<char> out;
    out.reserve(2 * kOutputBatch);
    while (!closed_) {
      out.clear();
      session_.take_output(out, kOutputBatch);
      if (out.empty()) {
        // Nothing more to say (after a GOAWAY, or /malformed's frame): the client closes, having
        // told us its error, or the connection is closed after kLinger without word from it. (A
        // FIN at once could reach the client before it noticed the broken frame.)
        const bool finished = session_.finished();
        if (finished) {
          wake_.expires_after(kLinger);
        } else {
          wake_.expires_at(asio::steady_timer::time_point::max());
        }
        auto [ec] = co_await wake_.async_wait(kTok);
        if (finished && !ec) {
          closed_ = true;
          error_code ignored;
          boost::beast::get_lowest_layer(stream_).close(ignored);
        }
        continue;
      }
      auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(out), kTok);
      (void)n;
      if (ec) {
        closed_ = true;
        error_code ignored;
        boost::beast::get_lowest_layer(stream_).close(ignored);
        break;
      }
    }
    writing_ = false;
  }

  Stream& stream_;
  asio::steady_timer wake_;
  H2Session session_;
  bool closed_ = false;
  bool writing_ = false;
};

template <class Stream>
asio::awaitable<void> serve(Stream& stream, ServerState& state) {
  std::optional<H2Connection<Stream>> connection;
  try {
    connection.emplace(stream, state);
  } catch (const std::exception&) {
    co_return;  // no session (out of memory): the connection is dropped
  }
  co_await connection->run();
}

int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
  // The client's list, in its order of preference: take the first we speak.
  for (unsigned int i = 0; i < inlen;) {
    const unsigned char length = in[i];
    if (i + 1 + length > inlen) break;
    std::string_view protocol(reinterpret_cast<const char*>(in + i + 1), length);
    if (protocol == "h2" || protocol == "http/1.1") {
      *out = in + i + 1;
      *outlen = length;
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + length;
  }
  return SSL_TLSEXT_ERR_NOACK;  // no ALPN: HTTP/1.1
}

}  // namespace

asio::awaitable<void> serve_http2(tcp::socket& stream, ServerState& state) {
  return serve(stream, state);
}

asio::awaitable<void> serve_http2(asio::ssl::stream<tcp::socket>& stream, ServerState& state) {
  return serve(stream, state);
}

asio::awaitable<bool> starts_with_http2_preface(tcp::socket& socket) {
  char peeked[kPreface.size()];
  for (;;) {
    auto [ec, n] =
        co_await socket.async_receive(asio::buffer(peeked), tcp::socket::message_peek, kTok);
    if (ec || n == 0) co_return false;
    if (std::string_view(peeked, n) != kPreface.substr(0, n)) co_return false;
    if (n == kPreface.size()) co_return true;
    // A prefix of the preface so far: wait for more bytes (peeking again returns all of them).
    asio::steady_timer pause(socket.get_executor(), std::chrono::milliseconds(1));
    co_await pause.async_wait(kTok);
  }
}

void enable_http2_alpn(asio::ssl::context& context) {
  SSL_CTX_set_alpn_select_cb(context.native_handle(), select_alpn, nullptr);
}

bool negotiated_http2(asio::ssl::stream<tcp::socket>& stream) {
  const unsigned char* protocol = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(stream.native_handle(), &protocol, &length);
  return length == 2 && std::memcmp(protocol, "h2", 2) == 0;
}

}  // namespace ccload::server
