#include "server/h2_connection.hpp"

#include <nghttp2/nghttp2.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/verb.hpp>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/http_request.hpp"

namespace ccload::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr auto kTok = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr std::size_t kBodyLimit = 32u * 1024u * 1024u;
constexpr std::size_t kReadSize = 16u * 1024u;

}  // namespace

// Fills a RequestData from HTTP/2 header fields (a friend of RequestData).
struct Http2RequestBuilder {
  static void field(RequestData& req, std::string_view name, std::string_view value) {
    if (name == ":method") {
      req.method_.assign(value);
      req.verb_ = boost::beast::http::string_to_verb(value);
    } else if (name == ":path") {
      req.target_.assign(value);
    } else if (name == ":authority") {
      add(req, "host", value);
    } else if (!name.empty() && name[0] != ':') {
      add(req, name, value);
    }
  }
  static void add(RequestData& req, std::string_view name, std::string_view value) {
    RequestData::HeaderRef ref{};
    ref.name_offset = static_cast<std::uint32_t>(req.header_store_.size());
    ref.name_size = static_cast<std::uint32_t>(name.size());
    req.header_store_.append(name);
    ref.value_offset = static_cast<std::uint32_t>(req.header_store_.size());
    ref.value_size = static_cast<std::uint32_t>(value.size());
    req.header_store_.append(value);
    req.headers_.push_back(ref);
  }
  static std::string& body(RequestData& req) { return req.body_; }
};

namespace {

// One stream: its request, then its response (fields converted from the HTTP/1.1 head that
// route() writes) and how much of the body went out.
struct H2Stream {
  std::int32_t id = 0;
  RequestData req;
  Response res;
  std::vector<std::string> names, values;
  std::vector<nghttp2_nv> nva;
  std::size_t body_sent = 0;
  bool too_large = false;
  std::optional<asio::steady_timer> timer;
};

template <class Stream>
class H2ServerConnection {
 public:
  H2ServerConnection(Stream& stream, ServerState& state)
      : stream_(stream), state_(state), write_wake_(stream.get_executor()) {}

  ~H2ServerConnection() {
    for (std::size_t i = 0; i < streams_.size(); ++i) {
      state_.http2_streams_open.fetch_sub(1, std::memory_order_relaxed);
    }
    if (session_ != nullptr) nghttp2_session_del(session_);
  }

  asio::awaitable<void> run() {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
    const int created = nghttp2_session_server_new(&session_, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    if (created != 0) co_return;
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1000},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 16u * 1024u * 1024u},
    };
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, 1 << 30);

    writing_ = true;
    asio::co_spawn(stream_.get_executor(), write_loop(), asio::detached);
    std::vector<std::uint8_t> input(kReadSize);
    while (!closed_) {
      auto [ec, n] = co_await stream_.async_read_some(asio::buffer(input), kTok);
      if (ec) break;
      if (nghttp2_session_mem_recv(session_, input.data(), n) < 0) break;
      kick();
      if (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_)) break;
    }
    closed_ = true;
    error_code ignored;
    boost::beast::get_lowest_layer(stream_).close(ignored);
    while (writing_) {
      write_wake_.cancel();
      asio::steady_timer pause(stream_.get_executor(), std::chrono::milliseconds(1));
      co_await pause.async_wait(kTok);
    }
    for (auto& [id, stream] : streams_) {
      if (stream->timer) stream->timer->cancel();
    }
  }

 private:
  void kick() { write_wake_.cancel(); }

  asio::awaitable<void> write_loop() {
    std::vector<char> out;
    out.reserve(64 * 1024);
    while (!closed_) {
      out.clear();
      while (out.size() < 32 * 1024) {
        const std::uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(session_, &data);
        if (n <= 0) break;
        out.insert(out.end(), data, data + n);
      }
      if (out.empty()) {
        write_wake_.expires_at(asio::steady_timer::time_point::max());
        co_await write_wake_.async_wait(kTok);
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

  H2Stream* find(std::int32_t id) {
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second.get();
  }

  // The request is complete: route it, then answer now or after its delay.
  void answer(H2Stream& stream) {
    state_.http2_requests.fetch_add(1, std::memory_order_relaxed);
    if (stream.too_large) {
      error_response(413, "request body too large\n", stream.res);
    } else {
      route(stream.req, state_, stream.res);
    }
    if (stream.res.delay.count() > 0) {
      stream.timer.emplace(stream_.get_executor());
      stream.timer->expires_after(stream.res.delay);
      const std::int32_t id = stream.id;
      stream.timer->async_wait([this, id](error_code ec) {
        if (ec) return;  // cancelled: the stream or the connection is gone
        if (H2Stream* s = find(id)) {
          submit(*s);
          kick();
        }
      });
      return;
    }
    submit(stream);
  }

  // Converts route()'s HTTP/1.1 head into HTTP/2 fields and submits the response.
  void submit(H2Stream& stream) {
    const Response& res = stream.res;
    std::string_view head = res.head;
    std::size_t line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    stream.names = {":status"};
    stream.values = {std::string(status_line.substr(9, 3))};
    std::size_t pos = line_end + 2;
    while (pos < head.size()) {
      line_end = head.find("\r\n", pos);
      if (line_end == std::string_view::npos || line_end == pos) break;
      std::string_view line = head.substr(pos, line_end - pos);
      pos = line_end + 2;
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name(line.substr(0, colon));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (name == "connection" || name == "keep-alive") continue;
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      stream.names.push_back(std::move(name));
      stream.values.emplace_back(value);
    }
    stream.nva.clear();
    for (std::size_t i = 0; i < stream.names.size(); ++i) {
      stream.nva.push_back(nghttp2_nv{reinterpret_cast<std::uint8_t*>(stream.names[i].data()),
                                      reinterpret_cast<std::uint8_t*>(stream.values[i].data()),
                                      stream.names[i].size(), stream.values[i].size(),
                                      NGHTTP2_NV_FLAG_NONE});
    }
    const bool body = !res.head_only && res.body_size() > 0;
    nghttp2_data_provider provider{};
    provider.source.ptr = &stream;
    provider.read_callback = read_body;
    nghttp2_submit_response(session_, stream.id, stream.nva.data(), stream.nva.size(),
                            body ? &provider : nullptr);
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source* source, void*) {
    auto& stream = *static_cast<H2Stream*>(source->ptr);
    const Response& res = stream.res;
    const char* data = res.use_shared ? res.shared->data() : res.body.data();
    const std::size_t n = std::min(length, res.body_size() - stream.body_sent);
    std::memcpy(buf, data + stream.body_sent, n);
    stream.body_sent += n;
    if (stream.body_sent == res.body_size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self) {
    auto& me = *static_cast<H2ServerConnection*>(self);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    auto stream = std::make_unique<H2Stream>();
    stream->id = frame->hd.stream_id;
    me.streams_[stream->id] = std::move(stream);
    const std::uint64_t open = me.state_.http2_streams_open.fetch_add(1) + 1;
    std::uint64_t seen = me.state_.http2_streams_max.load(std::memory_order_relaxed);
    while (open > seen && !me.state_.http2_streams_max.compare_exchange_weak(seen, open)) {
    }
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t, void* self) {
    auto& me = *static_cast<H2ServerConnection*>(self);
    H2Stream* stream = me.find(frame->hd.stream_id);
    if (stream == nullptr) return 0;
    Http2RequestBuilder::field(stream->req,
                               std::string_view(reinterpret_cast<const char*>(name), namelen),
                               std::string_view(reinterpret_cast<const char*>(value), valuelen));
    return 0;
  }

  static int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t id,
                           const std::uint8_t* data, std::size_t len, void* self) {
    auto& me = *static_cast<H2ServerConnection*>(self);
    H2Stream* stream = me.find(id);
    if (stream == nullptr) return 0;
    std::string& body = Http2RequestBuilder::body(stream->req);
    if (body.size() + len > kBodyLimit) {
      stream->too_large = true;
      return 0;
    }
    body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* self) {
    auto& me = *static_cast<H2ServerConnection*>(self);
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
      if (H2Stream* stream = me.find(frame->hd.stream_id)) me.answer(*stream);
    }
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t id, std::uint32_t, void* self) {
    auto& me = *static_cast<H2ServerConnection*>(self);
    auto it = me.streams_.find(id);
    if (it == me.streams_.end()) return 0;
    if (it->second->timer) it->second->timer->cancel();
    me.streams_.erase(it);
    me.state_.http2_streams_open.fetch_sub(1, std::memory_order_relaxed);
    return 0;
  }

  Stream& stream_;
  ServerState& state_;
  nghttp2_session* session_ = nullptr;
  asio::steady_timer write_wake_;
  std::map<std::int32_t, std::unique_ptr<H2Stream>> streams_;
  bool closed_ = false;
  bool writing_ = false;
};

template <class Stream>
asio::awaitable<void> serve(Stream& stream, ServerState& state) {
  H2ServerConnection<Stream> connection(stream, state);
  co_await connection.run();
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
