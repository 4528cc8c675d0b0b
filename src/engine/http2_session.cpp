#include "engine/http2_session.hpp"

#include <cctype>
#include <cstring>

#include "core/version.hpp"

namespace ccload::engine {

namespace {

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Stream-level windows: large, so a 10 MB body never waits for a WINDOW_UPDATE round trip.
constexpr std::uint32_t kStreamWindow = 16u * 1024u * 1024u;
constexpr std::int32_t kConnectionWindow = 1 << 30;
// take_output stops adding frames past this many bytes (one write, one system call).
constexpr std::size_t kOutputBatch = 32 * 1024;

}  // namespace

std::shared_ptr<const Http2Request> build_http2_request(const TargetSpec& config,
                                                        const net::Target& where) {
  auto request = std::make_shared<Http2Request>();
  std::string authority = where.host_header;
  bool user_agent = false, accept = false, content_type = false;
  std::vector<std::pair<std::string, std::string>> custom;
  for (const auto& [name, value] : config.headers) {
    std::string key = lower(name);
    if (key == "host") {
      authority = value;  // HTTP/2 carries the host as :authority
      continue;
    }
    // Connection-specific fields are not allowed in HTTP/2 (RFC 9113, 8.2.2).
    if (key == "connection" || key == "keep-alive" || key == "proxy-connection" ||
        key == "transfer-encoding" || key == "upgrade" || key == "content-length" ||
        (key == "te" && value != "trailers")) {
      continue;
    }
    user_agent = user_agent || key == "user-agent";
    accept = accept || key == "accept";
    content_type = content_type || key == "content-type";
    custom.emplace_back(std::move(key), value);
  }
  // Built from a list: emplace_back into the empty vector gave GCC 12 at -O3 a false
  // -Warray-bounds (the Release build).
  std::vector<std::pair<std::string, std::string>> fields{{":method", config.method},
                                                          {":scheme", where.tls ? "https" : "http"},
                                                          {":authority", authority},
                                                          {":path", where.request_target}};
  if (!user_agent) fields.emplace_back("user-agent", kUserAgent);
  if (!accept) fields.emplace_back("accept", "*/*");
  if (!config.body.empty() && !config.content_type.empty() && !content_type) {
    fields.emplace_back("content-type", config.content_type);
  }
  for (auto& field : custom) fields.push_back(std::move(field));
  const bool method_takes_body = config.method != "GET" && config.method != "HEAD";
  if (!config.body.empty() || method_takes_body) {
    fields.emplace_back("content-length", std::to_string(config.body.size()));
  }
  request->names.reserve(fields.size());
  request->values.reserve(fields.size());
  for (auto& [name, value] : fields) {
    request->names.push_back(std::move(name));
    request->values.push_back(std::move(value));
  }
  for (std::size_t i = 0; i < request->names.size(); ++i) {
    auto& name = request->names[i];
    auto& value = request->values[i];
    request->nva.push_back(nghttp2_nv{
        reinterpret_cast<std::uint8_t*>(name.data()), reinterpret_cast<std::uint8_t*>(value.data()),
        name.size(), value.size(), NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE});
  }
  request->body = config.body;
  return request;
}

Http2Session::Http2Session(Worker& worker, const SharedRun& run, unsigned streams)
    : worker_(worker), run_(run), pool_(streams) {
  nghttp2_session_callbacks_new(&callbacks_);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks_, on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks_, on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks_, on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks_, on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks_, on_stream_close);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks_, on_frame_send);
}

Http2Session::~Http2Session() {
  close();
  nghttp2_session_callbacks_del(callbacks_);
}

bool Http2Session::open() {
  close();
  draining_ = false;
  protocol_error_ = false;
  goaway_last_id_ = 0;
  if (nghttp2_session_client_new(&session_, callbacks_, this) != 0) return false;
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kStreamWindow},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kConnectionWindow);
  return true;
}

void Http2Session::close() {
  if (session_ != nullptr) nghttp2_session_del(session_);
  session_ = nullptr;
  draining_ = false;
}

Http2Stream* Http2Session::allocate() {
  for (auto& stream : pool_) {
    if (stream.state == Http2Stream::State::free) {
      stream.state = Http2Stream::State::waiting;
      stream.retried = false;
      stream.record = Record{};
      return &stream;
    }
  }
  return nullptr;
}

Http2Stream* Http2Session::take_retry() {
  for (auto& stream : pool_) {
    if (stream.state == Http2Stream::State::retry) {
      stream.state = Http2Stream::State::waiting;
      return &stream;
    }
  }
  return nullptr;
}

bool Http2Session::finished() const {
  return session_ != nullptr && nghttp2_session_want_read(session_) == 0 &&
         nghttp2_session_want_write(session_) == 0;
}

int Http2Session::on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR) {
    static_cast<Http2Session*>(self)->protocol_error_ = true;
  }
  return 0;
}

bool Http2Session::has_retry() const {
  for (const auto& stream : pool_) {
    if (stream.state == Http2Stream::State::retry) return true;
  }
  return false;
}

bool Http2Session::full() const {
  for (const auto& stream : pool_) {
    if (stream.state == Http2Stream::State::free) return false;
  }
  return true;
}

unsigned Http2Session::submitted() const {
  unsigned n = 0;
  for (const auto& stream : pool_) {
    n += stream.state == Http2Stream::State::submitted ||
         stream.state == Http2Stream::State::recorded;
  }
  return n;
}

bool Http2Session::submit(Http2Stream& stream) {
  const Http2Request& request = *run_.targets[stream.record.target].http2;
  stream.got_headers = stream.ended = stream.timed_out = false;
  stream.body_sent = 0;
  stream.body_bytes = 0;
  stream.record.ttfb_ns = stream.record.ttlb_ns = 0;
  stream.record.bytes = 0;
  stream.record.status = 0;
  stream.record.body.clear();
  nghttp2_data_provider provider{};
  provider.source.ptr = &stream;
  provider.read_callback = read_body;
  const bool with_body = !request.body.empty();
  const std::int32_t id =
      nghttp2_submit_request(session_, nullptr, request.nva.data(), request.nva.size(),
                             with_body ? &provider : nullptr, &stream);
  if (id < 0) {
    fail(stream, ErrorCategory::protocol, Clock::now());
    return false;
  }
  stream.id = id;
  stream.state = Http2Stream::State::submitted;
  return true;
}

bool Http2Session::on_read(const std::uint8_t* data, std::size_t size) {
  return nghttp2_session_mem_recv(session_, data, size) == static_cast<ssize_t>(size);
}

bool Http2Session::take_output(std::vector<char>& out) {
  while (out.size() < kOutputBatch) {
    const std::uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n < 0) return false;
    if (n == 0) break;
    out.insert(out.end(), data, data + n);
  }
  return true;
}

void Http2Session::cancel(Http2Stream& stream) {
  if (session_ != nullptr && stream.id > 0) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_CANCEL);
  }
}

void Http2Session::fail(Http2Stream& stream, ErrorCategory error, Clock::time_point finished) {
  stream.record.error = error;
  stream.record.ttlb_ns = 0;
  stream.record.status = 0;
  stream.record.body.clear();
  stream.record.total_ns = nanoseconds(finished - stream.due);
  const bool held = stream.state == Http2Stream::State::submitted && session_ != nullptr;
  stream.state = held ? Http2Stream::State::recorded : Http2Stream::State::free;
  worker_.on_record(std::move(stream.record), finished);
  stream.record = Record{};
}

void Http2Session::fail_all(ErrorCategory error, bool keep_retries) {
  const Clock::time_point now = Clock::now();
  for (auto& stream : pool_) {
    using State = Http2Stream::State;
    if (stream.state == State::submitted && draining_ && stream.id > goaway_last_id_ &&
        !stream.retried && !stream.timed_out) {
      stream.retried = true;  // above GOAWAY's last stream id: never processed, retried once
      stream.state = State::retry;
      stream.id = -1;
    } else if (stream.state == State::submitted ||
               (stream.state == State::retry && !keep_retries)) {
      fail(stream, stream.timed_out ? ErrorCategory::timeout : error, now);
      stream.state = State::free;
    } else if (stream.state == State::recorded) {
      stream.state = State::free;
    }
  }
}

void Http2Session::complete(Http2Stream& stream, Clock::time_point finished) {
  Record& record = stream.record;
  record.ttlb_ns = nanoseconds(finished - stream.written);
  record.total_ns = nanoseconds(finished - stream.due);
  if (!is_success_status(record.status) && stream.body_bytes > record.body.size()) {
    record.body += "\n[ccload: body cut at " + std::to_string(record.body.size()) + " of " +
                   std::to_string(stream.body_bytes) + " bytes]";
  }
  stream.state = Http2Stream::State::free;
  worker_.on_record(std::move(record), finished);
  record = Record{};
}

int Http2Session::on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void*) {
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  auto* stream =
      static_cast<Http2Stream*>(nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
  if (stream == nullptr || stream->got_headers) return 0;
  stream->got_headers = true;
  stream->record.ttfb_ns = nanoseconds(Clock::now() - stream->written);
  return 0;
}

int Http2Session::on_header(nghttp2_session* session, const nghttp2_frame* frame,
                            const std::uint8_t* name, std::size_t namelen,
                            const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void*) {
  if (frame->hd.type != NGHTTP2_HEADERS || namelen != 7 || std::memcmp(name, ":status", 7) != 0) {
    return 0;
  }
  auto* stream =
      static_cast<Http2Stream*>(nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
  if (stream == nullptr) return 0;
  int status = 0;
  for (std::size_t i = 0; i < valuelen; ++i) status = status * 10 + (value[i] - '0');
  stream->record.status = static_cast<std::uint16_t>(status);  // the final one wins over 1xx
  return 0;
}

int Http2Session::on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* self) {
  auto& me = *static_cast<Http2Session*>(self);
  if (frame->hd.type == NGHTTP2_GOAWAY) {
    me.draining_ = true;
    me.goaway_last_id_ = frame->goaway.last_stream_id;
    return 0;
  }
  if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
  auto* stream =
      static_cast<Http2Stream*>(nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
  if (stream == nullptr) return 0;
  if (frame->hd.type == NGHTTP2_HEADERS) stream->record.bytes += frame->hd.length;
  if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
    stream->ended = true;
    stream->last_byte = Clock::now();
  }
  return 0;
}

int Http2Session::on_data_chunk(nghttp2_session* session, std::uint8_t, std::int32_t stream_id,
                                const std::uint8_t* data, std::size_t len, void*) {
  auto* stream =
      static_cast<Http2Stream*>(nghttp2_session_get_stream_user_data(session, stream_id));
  if (stream == nullptr) return 0;
  stream->record.bytes += len;
  stream->body_bytes += len;
  if (!is_success_status(stream->record.status) &&
      stream->record.body.size() < kCapturedBodyLimit) {
    stream->record.body.append(reinterpret_cast<const char*>(data),
                               std::min(len, kCapturedBodyLimit - stream->record.body.size()));
  }
  return 0;
}

int Http2Session::on_stream_close(nghttp2_session* session, std::int32_t stream_id,
                                  std::uint32_t error_code, void* self) {
  auto& me = *static_cast<Http2Session*>(self);
  auto* stream =
      static_cast<Http2Stream*>(nghttp2_session_get_stream_user_data(session, stream_id));
  if (stream == nullptr) return 0;
  using State = Http2Stream::State;
  if (stream->state == State::recorded) {  // timed out earlier; its record went out then
    stream->state = State::free;
    return 0;
  }
  if (stream->state != State::submitted) return 0;
  if (stream->ended && error_code == NGHTTP2_NO_ERROR) {
    me.complete(*stream, stream->last_byte);
    return 0;
  }
  const bool unprocessed = (me.draining_ && stream_id > me.goaway_last_id_) ||
                           (error_code == NGHTTP2_REFUSED_STREAM && !stream->got_headers);
  if (unprocessed && !stream->retried && !stream->timed_out) {
    // Not processed by the server (above GOAWAY's last stream id, or REFUSED_STREAM, which
    // RFC 9113 section 8.7 makes safe to retry): once more on a new connection.
    stream->retried = true;
    stream->state = State::retry;
    stream->id = -1;
    return 0;
  }
  ErrorCategory error = ErrorCategory::read;
  switch (error_code) {
    case NGHTTP2_PROTOCOL_ERROR:
    case NGHTTP2_FLOW_CONTROL_ERROR:
    case NGHTTP2_FRAME_SIZE_ERROR:
    case NGHTTP2_COMPRESSION_ERROR:
    case NGHTTP2_STREAM_CLOSED:
      error = ErrorCategory::protocol;
      break;
    default:
      break;
  }
  stream->state = State::waiting;  // not held by nghttp2 any more
  me.fail(*stream, stream->timed_out ? ErrorCategory::timeout : error, Clock::now());
  return 0;
}

ssize_t Http2Session::read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf,
                                std::size_t length, std::uint32_t* data_flags,
                                nghttp2_data_source* source, void* self) {
  auto& me = *static_cast<Http2Session*>(self);
  auto& stream = *static_cast<Http2Stream*>(source->ptr);
  const std::string& body = me.run_.targets[stream.record.target].http2->body;
  const std::size_t n = std::min(length, body.size() - stream.body_sent);
  std::memcpy(buf, body.data() + stream.body_sent, n);
  stream.body_sent += n;
  if (stream.body_sent == body.size()) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

}  // namespace ccload::engine
