#include "server/h2_session.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/verb.hpp>
#include <charconv>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "server/http_request.hpp"

namespace ccload::server {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

namespace {

constexpr std::size_t kBodyLimit = 32u * 1024u * 1024u;
// Header blocks up to this size may be sent (nghttp2's default, 64 KiB, is below /headers/N's cap).
constexpr std::size_t kMaxSendHeaderBlock = 2 * kMaxHeadBytes;
// /headers/N's fields: "x-fill" with up to this many bytes of value each.
constexpr std::string_view kFillName = "x-fill";
constexpr std::size_t kFillValue = 1000;
const std::string kFill(kFillValue, 'f');

// /malformed: a DATA frame on stream 0, which RFC 9113 section 6.1 makes a connection error of
// type PROTOCOL_ERROR: length 4, type DATA, no flags, stream 0, then 4 bytes of payload.
constexpr std::string_view kBadFrame{"\x00\x00\x04\x00\x00\x00\x00\x00\x00oops", 13};

std::uint8_t* bytes(const char* s) { return reinterpret_cast<std::uint8_t*>(const_cast<char*>(s)); }

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

// One stream: its request, then its response as nghttp2 fields, and how much of the body went out.
struct H2Stream {
  std::int32_t id = 0;
  RequestData req;
  Response res;
  char status[4] = {};
  std::string names;  // the fields' names, lower-cased, back to back
  std::vector<nghttp2_nv> nva;
  std::size_t body_sent = 0;
  bool too_large = false;
  bool trickle_due = false;  // /trickle: the next byte may go
  std::optional<asio::steady_timer> timer;
};

struct H2Callbacks {
  static ssize_t read_body(nghttp2_session* session, std::int32_t id, std::uint8_t* buf,
                           std::size_t length, std::uint32_t* flags, nghttp2_data_source* source,
                           void* self) {
    auto& me = *static_cast<H2Session*>(self);
    auto& stream = *static_cast<H2Stream*>(source->ptr);
    const Response& res = stream.res;
    std::size_t end = res.body_size();
    if (res.fault == Response::Fault::reset) {
      end = res.head_only ? 0 : end / 2;
      if (stream.body_sent >= end) {
        nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, id, NGHTTP2_INTERNAL_ERROR);
        return NGHTTP2_ERR_DEFERRED;
      }
    } else if (res.fault == Response::Fault::trickle) {
      if (!stream.trickle_due) return NGHTTP2_ERR_DEFERRED;
      stream.trickle_due = false;
      length = std::min<std::size_t>(length, 1);
    }
    const std::size_t n = std::min(length, end - stream.body_sent);
    if (n > 0) std::memcpy(buf, res.body_data() + stream.body_sent, n);
    stream.body_sent += n;
    if (stream.body_sent == res.body_size()) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
    } else if (res.fault == Response::Fault::trickle) {
      me.start_trickle(stream);
    }
    return static_cast<ssize_t>(n);
  }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self) {
    auto& me = *static_cast<H2Session*>(self);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    auto stream = std::make_unique<H2Stream>();
    stream->id = frame->hd.stream_id;
    if (!me.streams_.emplace(stream->id, std::move(stream)).second) return 0;
    const std::uint64_t open = me.state_.http2_streams_open.fetch_add(1) + 1;
    std::uint64_t seen = me.state_.http2_streams_max.load(std::memory_order_relaxed);
    while (open > seen && !me.state_.http2_streams_max.compare_exchange_weak(seen, open)) {
    }
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t, void* self) {
    auto& me = *static_cast<H2Session*>(self);
    H2Stream* stream = me.find(frame->hd.stream_id);
    if (stream == nullptr) return 0;
    Http2RequestBuilder::field(stream->req,
                               std::string_view(reinterpret_cast<const char*>(name), namelen),
                               std::string_view(reinterpret_cast<const char*>(value), valuelen));
    return 0;
  }

  static int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t id,
                           const std::uint8_t* data, std::size_t len, void* self) {
    auto& me = *static_cast<H2Session*>(self);
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
    auto& me = *static_cast<H2Session*>(self);
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
      if (H2Stream* stream = me.find(frame->hd.stream_id)) me.answer(*stream);
    }
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t id, std::uint32_t, void* self) {
    auto& me = *static_cast<H2Session*>(self);
    auto it = me.streams_.find(id);
    if (it == me.streams_.end()) return 0;
    me.streams_.erase(it);  // its timer goes with it (cancelled)
    me.state_.http2_streams_open.fetch_sub(1, std::memory_order_relaxed);
    return 0;
  }
};

H2Session::H2Session(asio::any_io_executor executor, ServerState& state, std::function<void()> wake)
    : executor_(std::move(executor)), state_(state), wake_(std::move(wake)) {
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_option* option = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0) throw std::runtime_error("out of memory");
  if (nghttp2_option_new(&option) != 0) {
    nghttp2_session_callbacks_del(callbacks);
    throw std::runtime_error("out of memory");
  }
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, H2Callbacks::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, H2Callbacks::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, H2Callbacks::on_data_chunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, H2Callbacks::on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, H2Callbacks::on_stream_close);
  nghttp2_option_set_max_send_header_block_length(option, kMaxSendHeaderBlock);
  const int created = nghttp2_session_server_new2(&session_, callbacks, this, option);
  nghttp2_session_callbacks_del(callbacks);
  nghttp2_option_del(option);
  if (created != 0) throw std::runtime_error("cannot start an HTTP/2 session");
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1000},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 16u * 1024u * 1024u},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, 1 << 30);
}

H2Session::~H2Session() {
  state_.http2_streams_open.fetch_sub(streams_.size(), std::memory_order_relaxed);
  streams_.clear();
  nghttp2_session_del(session_);
}

bool H2Session::receive(const std::uint8_t* data, std::size_t size) {
  if (done_) return true;  // after /malformed's frame: read and dropped until the client closes
  if (nghttp2_session_mem_recv(session_, data, size) < 0) return false;
  return !close_now_;
}

void H2Session::take_output(std::vector<char>& out, std::size_t limit) {
  if (done_ || close_now_) return;
  while (out.size() < limit) {
    const std::uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) break;
    out.insert(out.end(), data, data + n);
  }
  if (malformed_pending_ && out.size() < limit) {
    out.insert(out.end(), kBadFrame.begin(), kBadFrame.end());
    malformed_pending_ = false;
    done_ = true;
  }
}

bool H2Session::finished() const {
  return done_ || (!malformed_pending_ && !nghttp2_session_want_read(session_) &&
                   !nghttp2_session_want_write(session_));
}

H2Stream* H2Session::find(std::int32_t id) {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

// The request is complete: route it, then answer now or after its delay.
void H2Session::answer(H2Stream& stream) {
  state_.http2_requests.fetch_add(1, std::memory_order_relaxed);
  if (stream.too_large) {
    error_response(413, "request body too large\n", stream.res);
  } else {
    route(stream.req, state_, stream.res);
  }
  if (stream.res.delay.count() > 0) {
    stream.timer.emplace(executor_);
    stream.timer->expires_after(stream.res.delay);
    stream.timer->async_wait(
        [this, alive = std::weak_ptr<bool>(alive_), id = stream.id](error_code ec) {
          if (ec || alive.expired()) return;  // cancelled: the stream or the connection is gone
          if (H2Stream* s = find(id)) {
            submit(*s);
            wake_();
          }
        });
    return;
  }
  submit(stream);
}

// Submits the response as nghttp2 fields (names lower-cased; connection-level fields are not
// route()'s), or acts out its fault.
void H2Session::submit(H2Stream& stream) {
  const Response& res = stream.res;
  switch (res.fault) {
    case Response::Fault::hang:
      return;  // the stream stays open until the client resets it or the connection ends
    case Response::Fault::close:
      close_now_ = true;
      return;
    case Response::Fault::malformed:
      malformed_pending_ = true;
      return;
    case Response::Fault::none:
    case Response::Fault::reset:
    case Response::Fault::trickle:
      break;
  }
  auto [end, ec] = std::to_chars(stream.status, stream.status + 3, res.status);
  if (ec != std::errc{} || end != stream.status + 3) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_INTERNAL_ERROR);
    return;
  }
  stream.names.clear();
  std::size_t total = 7 + 3;  // ":status" and its value
  for (std::size_t i = 0; i < res.field_count(); ++i) {
    for (char c : res.field_name(i)) {
      stream.names.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
    total += res.field_name(i).size() + res.field_value(i).size();
  }
  stream.nva.clear();
  stream.nva.push_back(
      nghttp2_nv{bytes(":status"), bytes(stream.status), 7, 3, NGHTTP2_NV_FLAG_NONE});
  std::size_t name_at = 0;
  for (std::size_t i = 0; i < res.field_count(); ++i) {
    const std::string_view name = res.field_name(i), value = res.field_value(i);
    stream.nva.push_back(nghttp2_nv{bytes(stream.names.data() + name_at), bytes(value.data()),
                                    name.size(), value.size(), NGHTTP2_NV_FLAG_NONE});
    name_at += name.size();
  }
  // /headers/N: never indexed, so that each field is sent whole (HPACK would send a repeated
  // field as one byte).
  while (total + kFillName.size() < res.header_bytes) {
    const std::size_t value = std::min(kFillValue, res.header_bytes - total - kFillName.size());
    stream.nva.push_back(nghttp2_nv{bytes(kFillName.data()), bytes(kFill.data()), kFillName.size(),
                                    value, NGHTTP2_NV_FLAG_NO_INDEX});
    total += kFillName.size() + value;
  }
  const bool body = (!res.head_only && res.body_size() > 0) || res.fault == Response::Fault::reset;
  nghttp2_data_provider provider{};
  provider.source.ptr = &stream;
  provider.read_callback = H2Callbacks::read_body;
  if (nghttp2_submit_response(session_, stream.id, stream.nva.data(), stream.nva.size(),
                              body ? &provider : nullptr) != 0) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_INTERNAL_ERROR);
    return;
  }
  if (res.fault == Response::Fault::trickle && body) start_trickle(stream);
}

// /trickle: the next byte of `stream` may go after its interval.
void H2Session::start_trickle(H2Stream& stream) {
  if (!stream.timer) stream.timer.emplace(executor_);
  stream.timer->expires_after(stream.res.trickle_interval);
  stream.timer->async_wait(
      [this, alive = std::weak_ptr<bool>(alive_), id = stream.id](error_code ec) {
        if (ec || alive.expired()) return;
        if (H2Stream* s = find(id)) {
          s->trickle_due = true;
          nghttp2_session_resume_data(session_, id);
          wake_();
        }
      });
}

}  // namespace ccload::server
