#include "engine/http2_session.hpp"

#include <cctype>
#include <charconv>
#include <cstring>

#include "core/text.hpp"
#include "core/version.hpp"

namespace ccload::engine {

namespace {

// Stream-level windows: large, so a 10 MB body never waits for a WINDOW_UPDATE round trip.
constexpr std::uint32_t kStreamWindow = 16u * 1024u * 1024u;
constexpr std::int32_t kConnectionWindow = 1 << 30;
// take_output stops adding frames past this many bytes (one write, one system call).
constexpr std::size_t kOutputBatch = 32 * 1024;

}  // namespace

std::shared_ptr<const Http2Request> build_http2_request(const TargetSpec& config,
                                                        const net::Target& where) {
  std::vector<request::HeaderView> headers;
  headers.reserve(config.headers.size());
  std::string_view authority = where.host_header;
  for (const auto& [name, value] : config.headers) {
    headers.push_back({name, value});
    if (iequals(name, "host")) authority = value;
  }
  request::FilledRequest parts{.method = config.method,
                               .scheme = where.tls ? "https" : "http",
                               .authority = authority,
                               .path = where.request_target,
                               .headers = headers,
                               .body = config.body,
                               .content_type = config.content_type,
                               .url = where.url,
                               .http1 = {},
                               .row = std::nullopt};
  auto request = std::make_shared<Http2Request>();
  fill_http2_request(*request, parts);
  return request;
}

void fill_http2_request(Http2Request& out, const request::FilledRequest& request) {
  bool user_agent = false, accept = false, content_type = false;
  for (const request::HeaderView& header : request.headers) {
    user_agent = user_agent || iequals(header.name, "user-agent");
    accept = accept || iequals(header.name, "accept");
    content_type = content_type || iequals(header.name, "content-type");
  }
  std::size_t count = 0;
  // Field `count` is (name, value); names of the target's headers are lowercased (RFC 9113 8.2).
  // The strings are reused from the last fill: no allocation once they are large enough.
  auto put = [&](std::string_view name, std::string_view value, bool lowercase) {
    if (out.names.size() == count) {
      out.names.emplace_back();
      out.values.emplace_back();
    }
    std::string& stored = out.names[count];
    stored.assign(name);
    if (lowercase) {
      for (char& c : stored) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    out.values[count].assign(value);
    ++count;
  };
  put(":method", request.method, false);
  put(":scheme", request.scheme, false);
  put(":authority", request.authority, false);  // HTTP/2 carries the Host header's value here
  put(":path", request.path, false);
  if (!user_agent) put("user-agent", kUserAgent, false);
  if (!accept) put("accept", "*/*", false);
  if (!request.body.empty() && !request.content_type.empty() && !content_type) {
    put("content-type", request.content_type, false);
  }
  for (const request::HeaderView& header : request.headers) {
    const std::string_view name = header.name;
    // Host is :authority; connection-specific fields are not allowed in HTTP/2 (RFC 9113, 8.2.2).
    if (iequals(name, "host") || iequals(name, "connection") || iequals(name, "keep-alive") ||
        iequals(name, "proxy-connection") || iequals(name, "transfer-encoding") ||
        iequals(name, "upgrade") || iequals(name, "content-length") ||
        (iequals(name, "te") && header.value != "trailers")) {
      continue;
    }
    put(name, header.value, true);
  }
  const bool method_takes_body = request.method != "GET" && request.method != "HEAD";
  if (!request.body.empty() || method_takes_body) {
    char length[24];
    const auto end = std::to_chars(length, length + sizeof length, request.body.size()).ptr;
    put("content-length", std::string_view(length, static_cast<std::size_t>(end - length)), false);
  }
  out.nva.clear();
  for (std::size_t i = 0; i < count; ++i) {
    std::string& name = out.names[i];
    std::string& value = out.values[i];
    out.nva.push_back(nghttp2_nv{
        reinterpret_cast<std::uint8_t*>(name.data()), reinterpret_cast<std::uint8_t*>(value.data()),
        name.size(), value.size(), NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE});
  }
  out.body.assign(request.body);
}

Http2Session::Http2Session(Worker& worker, const SharedRun& run, unsigned streams)
    : worker_(worker), run_(run), pool_(streams) {
  memory_.mem_user_data = &worker.block_pool();
  memory_.malloc = [](std::size_t size, void* pool) {
    return static_cast<BlockPool*>(pool)->allocate(size);
  };
  memory_.free = [](void* block, void* pool) { static_cast<BlockPool*>(pool)->release(block); };
  memory_.calloc = [](std::size_t count, std::size_t size, void* pool) {
    return static_cast<BlockPool*>(pool)->allocate_zeroed(count, size);
  };
  memory_.realloc = [](void* block, std::size_t size, void* pool) {
    return static_cast<BlockPool*>(pool)->reallocate(block, size);
  };
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
  if (nghttp2_session_client_new3(&session_, callbacks_, this, nullptr, &memory_) != 0) {
    return false;
  }
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

bool Http2Session::finished() const {
  return session_ != nullptr && nghttp2_session_want_read(session_) == 0 &&
         nghttp2_session_want_write(session_) == 0;
}

unsigned Http2Session::capacity() const {
  if (session_ == nullptr) return 1;
  // Until the server's SETTINGS arrive nghttp2 assumes 100 streams (RFC 9113 6.5.2's recommended
  // least), as h2load does: the first requests go out together, not one and then the rest.
  const std::uint32_t limit =
      nghttp2_session_get_remote_settings(session_, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
  return static_cast<unsigned>(std::min<std::uint64_t>(pool_.size(), limit));
}

Http2Stream* Http2Session::stream_of(nghttp2_session* session, std::int32_t id) {
  auto* stream = static_cast<Http2Stream*>(nghttp2_session_get_stream_user_data(session, id));
  if (stream == nullptr || stream->id != id || stream->state != Http2Stream::State::submitted) {
    return nullptr;
  }
  return stream;
}

int Http2Session::on_frame_send(nghttp2_session* session, const nghttp2_frame* frame, void* self) {
  if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR) {
    static_cast<Http2Session*>(self)->protocol_error_ = true;
  }
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  Http2Stream* stream = stream_of(session, frame->hd.stream_id);
  if (stream == nullptr || stream->headers_sent) return 0;
  // The request is sent: what it waited for a stream the server allows is wait, not service.
  stream->headers_sent = true;
  stream->sent = Clock::now();
  stream->record->wait_ns += nanoseconds(stream->sent - stream->submitted_at);
  if (stream->from == Clock::time_point{}) stream->from = stream->sent;
  return 0;
}

bool Http2Session::submit(Http2Stream& stream, const Http2Request& request, Record& record,
                          Clock::time_point from) {
  stream.got_headers = stream.ended = stream.headers_sent = false;
  stream.request = &request;
  stream.record = &record;
  stream.body_sent = 0;
  stream.body_bytes = 0;
  stream.location.clear();
  if (run_.config.needs.any()) {
    stream.head.clear();
    stream.body.clear();
    stream.spans.clear();
    stream.body_truncated = false;
  }
  stream.from = from;
  stream.submitted_at = Clock::now();
  stream.outcome = ExchangeOutcome::failed;
  record.ttfb_ns = record.ttlb_ns = 0;
  record.status = 0;
  record.body.clear();
  nghttp2_data_provider provider{};
  provider.source.ptr = &stream;
  provider.read_callback = read_body;
  const bool with_body = !request.body.empty();
  const std::int32_t id =
      nghttp2_submit_request(session_, nullptr, request.nva.data(), request.nva.size(),
                             with_body ? &provider : nullptr, &stream);
  if (id < 0) {
    record.error = ErrorCategory::protocol;
    stream.finished = Clock::now();
    return false;
  }
  stream.id = id;
  stream.state = Http2Stream::State::submitted;
  ++submitted_;
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

void Http2Session::finish(Http2Stream& stream, ExchangeOutcome outcome, ErrorCategory error,
                          Clock::time_point finished) {
  if (stream.state != Http2Stream::State::submitted) return;
  Record& record = *stream.record;
  if (outcome != ExchangeOutcome::complete) {
    record.error = error;
    record.ttlb_ns = 0;
    record.status = 0;
    record.body.clear();
  }
  stream.outcome = outcome;
  stream.finished = finished;
  if (!stream.headers_sent) stream.sent = finished;
  stream.state = Http2Stream::State::idle;
  stream.record = nullptr;
  --submitted_;
  changed_ = true;
  if (stream.wake != nullptr) stream.wake->cancel();
}

void Http2Session::abandon(Http2Stream& stream) {
  if (stream.state != Http2Stream::State::submitted) return;
  if (session_ != nullptr && stream.id > 0) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_CANCEL);
    nghttp2_session_set_stream_user_data(session_, stream.id, nullptr);
  }
  finish(stream, ExchangeOutcome::failed, ErrorCategory::timeout, Clock::now());
}

void Http2Session::fail_all(ErrorCategory error) {
  const Clock::time_point now = Clock::now();
  for (auto& stream : pool_) {
    if (stream.state != Http2Stream::State::submitted) continue;
    // Never seen by the server (its HEADERS never went out), or above GOAWAY's last stream id:
    // not processed, so safe to send again.
    const bool unprocessed = !stream.headers_sent || (draining_ && stream.id > goaway_last_id_);
    finish(stream, unprocessed ? ExchangeOutcome::retryable : ExchangeOutcome::failed, error, now);
  }
}

int Http2Session::on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void*) {
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  Http2Stream* stream = stream_of(session, frame->hd.stream_id);
  if (stream == nullptr || stream->got_headers) return 0;
  stream->got_headers = true;
  stream->record->ttfb_ns = nanoseconds(Clock::now() - stream->from);
  return 0;
}

int Http2Session::on_header(nghttp2_session* session, const nghttp2_frame* frame,
                            const std::uint8_t* name, std::size_t namelen,
                            const std::uint8_t* value, std::size_t valuelen, std::uint8_t,
                            void* self) {
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  const core::ResponseNeeds& needs = static_cast<Http2Session*>(self)->run_.config.needs;
  if (needs.headers) {
    Http2Stream* stream = stream_of(session, frame->hd.stream_id);
    if (stream != nullptr && stream->body_bytes == 0) {  // the head, not trailers
      if (namelen == 7 && std::memcmp(name, ":status", 7) == 0) {
        stream->head.clear();  // a final response after 1xx: its fields only
        stream->spans.clear();
      } else if (namelen > 0 && name[0] != ':') {
        const std::size_t begin = stream->head.size();
        stream->head.append(reinterpret_cast<const char*>(name), namelen);
        const std::size_t middle = stream->head.size();
        stream->head.append(reinterpret_cast<const char*>(value), valuelen);
        stream->spans.push_back({begin, middle, stream->head.size()});
      }
    }
  }
  const bool status_field = namelen == 7 && std::memcmp(name, ":status", 7) == 0;
  const bool location_field = namelen == 8 && std::memcmp(name, "location", 8) == 0;
  if (!status_field && !location_field) return 0;
  Http2Stream* stream = stream_of(session, frame->hd.stream_id);
  if (stream == nullptr) return 0;
  if (location_field) {
    // Pseudo-fields come first: the status is known. Noted only for redirects to follow.
    const int status = stream->record->status;
    if (status >= 300 && status < 400 &&
        static_cast<Http2Session*>(self)->run_.config.max_redirects > 0) {
      stream->location.assign(reinterpret_cast<const char*>(value), valuelen);
    }
    return 0;
  }
  int status = 0;
  for (std::size_t i = 0; i < valuelen; ++i) status = status * 10 + (value[i] - '0');
  stream->record->status = static_cast<std::uint16_t>(status);  // the final one wins over 1xx
  return 0;
}

int Http2Session::on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* self) {
  auto& me = *static_cast<Http2Session*>(self);
  if (frame->hd.type == NGHTTP2_GOAWAY) {
    me.draining_ = true;
    me.goaway_last_id_ = frame->goaway.last_stream_id;
    me.changed_ = true;
    return 0;
  }
  if (frame->hd.type == NGHTTP2_SETTINGS && (frame->hd.flags & NGHTTP2_FLAG_ACK) == 0) {
    me.changed_ = true;
    const std::uint32_t limit =
        nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
    if (limit < me.pool_.size()) me.worker_.on_server_streams(limit);
    return 0;
  }
  if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
  Http2Stream* stream = stream_of(session, frame->hd.stream_id);
  if (stream == nullptr) return 0;
  if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
    stream->ended = true;
    stream->last_byte = Clock::now();
  }
  return 0;
}

int Http2Session::on_data_chunk(nghttp2_session* session, std::uint8_t, std::int32_t stream_id,
                                const std::uint8_t* data, std::size_t len, void* self) {
  Http2Stream* stream = stream_of(session, stream_id);
  if (stream == nullptr) return 0;
  Record& record = *stream->record;
  record.bytes += len;
  stream->body_bytes += len;
  const core::ResponseNeeds& needs = static_cast<Http2Session*>(self)->run_.config.needs;
  if (needs.body) {
    const std::size_t room = needs.body_cap - stream->body.size();
    if (len > room) stream->body_truncated = true;
    stream->body.append(reinterpret_cast<const char*>(data), std::min(len, room));
  }
  if (!is_success_status(record.status) && record.body.size() < kCapturedBodyLimit) {
    record.body.append(reinterpret_cast<const char*>(data),
                       std::min(len, kCapturedBodyLimit - record.body.size()));
  }
  return 0;
}

int Http2Session::on_stream_close(nghttp2_session* session, std::int32_t stream_id,
                                  std::uint32_t error_code, void* self) {
  auto& me = *static_cast<Http2Session*>(self);
  Http2Stream* stream = stream_of(session, stream_id);
  if (stream == nullptr) return 0;  // abandoned after a timeout: its record went out then
  if (stream->ended && error_code == NGHTTP2_NO_ERROR) {
    Record& record = *stream->record;
    record.ttlb_ns = nanoseconds(stream->last_byte - stream->from);
    if (!is_success_status(record.status) && stream->body_bytes > record.body.size()) {
      record.body += "\n[ccload: body cut at " + std::to_string(record.body.size()) + " of " +
                     std::to_string(stream->body_bytes) + " bytes]";
    }
    me.finish(*stream, ExchangeOutcome::complete, ErrorCategory::none, stream->last_byte);
    return 0;
  }
  // Not processed by the server (above GOAWAY's last stream id, or REFUSED_STREAM, which
  // RFC 9113 section 8.7 makes safe to retry): the lane may send it once more.
  const bool unprocessed = (me.draining_ && stream_id > me.goaway_last_id_) ||
                           (error_code == NGHTTP2_REFUSED_STREAM && !stream->got_headers);
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
  // The session ended in a protocol error (ccload's GOAWAY said so): a stream nghttp2 closes with
  // it, even one not sent yet, was lost to that error.
  if (me.protocol_error_) error = ErrorCategory::protocol;
  me.finish(*stream, unprocessed ? ExchangeOutcome::retryable : ExchangeOutcome::failed, error,
            Clock::now());
  return 0;
}

ssize_t Http2Session::read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf,
                                std::size_t length, std::uint32_t* data_flags,
                                nghttp2_data_source* source, void*) {
  auto& stream = *static_cast<Http2Stream*>(source->ptr);
  const std::string& body = stream.request->body;
  const std::size_t n = std::min(length, body.size() - stream.body_sent);
  std::memcpy(buf, body.data() + stream.body_sent, n);
  stream.body_sent += n;
  if (stream.body_sent == body.size()) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

core::ServerResponse Http2Stream::response() {
  fields.clear();
  const std::string_view all(head);
  for (const FieldSpan& span : spans) {
    fields.push_back({all.substr(span.name, span.value - span.name),
                      all.substr(span.value, span.end - span.value)});
  }
  return {.status = 0,  // the lane sets it from the record
          .headers = fields,
          .body = body,
          .body_truncated = body_truncated,
          .body_size = body_bytes};
}

}  // namespace ccload::engine
