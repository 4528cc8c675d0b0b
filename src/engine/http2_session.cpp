#include "engine/http2_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <cctype>
#include <cstring>

#include "engine/connection.hpp"
#include "engine/transport.hpp"

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

std::int64_t nanoseconds(Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

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
  std::vector<std::pair<std::string, std::string>> fields;
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
  fields.emplace_back(":method", config.method);
  fields.emplace_back(":scheme", where.tls ? "https" : "http");
  fields.emplace_back(":authority", authority);
  fields.emplace_back(":path", where.request_target);
  if (!user_agent) fields.emplace_back("user-agent", "ccload/0.1");
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

namespace {

// One HTTP/2 connection: a submitting loop (this coroutine: takes slots while a stream is free),
// a reader and a writer coroutine while the connection is open. All three run on the worker's
// thread, so they share state without locks; timers serve as wake-ups.
template <class Transport>
class Http2Connection final : public Connection {
 public:
  Http2Connection(Worker& worker, SharedRun& run, Origin& origin)
      : worker_(worker),
        run_(run),
        origin_(origin),
        transport_(worker.io(), run),
        pacer_(worker.io()),
        wake_(worker.io()),
        write_wake_(worker.io()),
        session_(worker, run, run.config.streams),
        input_(new std::uint8_t[kReadSize]) {
    output_.reserve(64 * 1024);
  }

  Task<void> run() override;

  void expire_if_due(Clock::time_point now) override {
    if (connecting_ != nullptr && !connect_timed_out_ && now >= connecting_->deadline) {
      connect_timed_out_ = true;
      transport_.close();
    }
    bool cancelled = false;
    unsigned live = 0;
    for (auto& stream : session_.streams()) {
      if (stream.state != Http2Stream::State::submitted) continue;
      if (!stream.timed_out && now >= stream.deadline) {
        stream.timed_out = true;
        session_.fail(stream, ErrorCategory::timeout, now);
        session_.cancel(stream);
        cancelled = true;
      } else {
        ++live;
      }
    }
    if (cancelled) {
      // Nothing left alive on this connection (the server may be stuck): drop it.
      if (live == 0) transport_.close();
      write_wake_.cancel();
      wake_.cancel();
    }
  }

  void stop_waiting() override {
    pacer_.cancel();
    wake_.cancel();
  }

 private:
  static constexpr std::size_t kReadSize = 16 * 1024;

  Task<void> wait(Timer& timer) {
    error_code ec;
    timer.expires_at(Clock::time_point::max());
    co_await timer.async_wait(into(ec));
  }
  Task<ErrorCategory> connect(Http2Stream& stream);
  Task<void> read_loop();
  Task<void> write_loop();
  // Closes the transport and waits until the reader and the writer have ended.
  Task<void> shut();

  Worker& worker_;
  SharedRun& run_;
  Origin& origin_;
  Transport transport_;
  Timer pacer_;       // the next request's scheduled time (rate mode)
  Timer wake_;        // wakes the submitting loop: a stream ended, the connection closed
  Timer write_wake_;  // wakes the writer: frames to send
  Http2Session session_;
  std::unique_ptr<std::uint8_t[]> input_;
  std::vector<char> output_;
  bool open_ = false;
  bool reading_ = false, writing_ = false;
  ErrorCategory lost_ = ErrorCategory::none;  // why the connection ended, for streams in flight
  Http2Stream* connecting_ = nullptr;
  bool connect_timed_out_ = false;
};

template <class Transport>
Task<void> Http2Connection<Transport>::run() {
  const double timeout_s = run_.config.timeout_s;
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(timeout_s > 0 ? timeout_s : 0));
  bool no_more_slots = false;  // every slot is taken (or -z ended): finish what is in flight
  for (;;) {
    // Wait for a free stream, or for a connection that GOAWAY drained to empty.
    while (open_ && (session_.full() || session_.draining())) {
      if (session_.draining() && session_.submitted() == 0) {
        co_await shut();
        break;
      }
      co_await wait(wake_);
      if (run_.stopping() && !session_.draining()) break;
    }
    Http2Stream* stream = session_.draining() ? nullptr : session_.take_retry();
    Clock::time_point sent;
    if (stream == nullptr && no_more_slots) {
      // Streams in flight may still come back as retries (GOAWAY, REFUSED_STREAM).
      if (open_ && session_.submitted() > 0) {
        co_await wait(wake_);
        continue;
      }
      if (session_.has_retry() && !run_.stopping()) {
        if (open_) co_await shut();
        continue;
      }
      break;
    }
    if (stream == nullptr) {
      if (session_.full()) {
        if (run_.stopping()) break;
        continue;
      }
      const std::optional<DueSlot> slot = run_.take_slot(origin_);
      if (!slot) {
        no_more_slots = true;
        continue;
      }
      const Clock::time_point due = slot->due;
      sent = run_.paced() ? Clock::now() : due;
      if (due > sent) {
        error_code ec;
        pacer_.expires_at(due);
        co_await pacer_.async_wait(into(ec));
        if (run_.stopping()) break;
        sent = Clock::now();
      }
      stream = session_.allocate();
      stream->due = due;
      stream->record.request_id = slot->slot + 1;
      stream->record.target = static_cast<std::uint16_t>(slot->target);
      stream->record.start_unix_ns = worker_.unix_ns(due);
      stream->record.wait_ns = nanoseconds(sent - due);
    } else {
      sent = Clock::now();
      stream->record.connect_ns = 0;
    }
    stream->deadline = timeout_s > 0 ? sent + timeout : Clock::time_point::max();
    if (!open_) {
      const ErrorCategory error = co_await connect(*stream);
      if (error != ErrorCategory::none) {
        session_.fail(*stream, error, Clock::now());
        continue;
      }
      sent = Clock::now();
    }
    stream->written = sent;
    session_.submit(*stream);
    write_wake_.cancel();
  }
  // Stopped (or no slot left): let the streams in flight finish.
  while (open_ && session_.submitted() > 0) co_await wait(wake_);
  co_await shut();
  session_.fail_all(ErrorCategory::read, false);  // retries that never found a connection
  worker_.on_connection_done();
}

template <class Transport>
Task<ErrorCategory> Http2Connection<Transport>::connect(Http2Stream& stream) {
  const Clock::time_point started = Clock::now();
  connecting_ = &stream;
  connect_timed_out_ = false;
  ErrorCategory error = co_await transport_.open(origin_.address);
  connecting_ = nullptr;
  if (error == ErrorCategory::none && connect_timed_out_) error = ErrorCategory::timeout;
  if (error != ErrorCategory::none) {
    if (transport_.refused_http2()) worker_.on_http2_refused();
    transport_.close();
    co_return connect_timed_out_ ? ErrorCategory::timeout : error;
  }
  if (!session_.open()) {
    transport_.close();
    co_return ErrorCategory::protocol;
  }
  stream.record.connect_ns = nanoseconds(Clock::now() - started);
  open_ = true;
  lost_ = ErrorCategory::none;
  worker_.on_connection_opened();
  reading_ = writing_ = true;
  asio::co_spawn(worker_.io().get_executor(), read_loop(), asio::detached);
  asio::co_spawn(worker_.io().get_executor(), write_loop(), asio::detached);
  co_return ErrorCategory::none;
}

template <class Transport>
Task<void> Http2Connection<Transport>::read_loop() {
  for (;;) {
    error_code ec;
    const std::size_t got =
        co_await transport_.read_some(asio::buffer(input_.get(), kReadSize), ec);
    if (ec) {
      if (lost_ == ErrorCategory::none) {
        lost_ = ec.category() == asio::error::get_ssl_category() ? ErrorCategory::tls
                                                                 : ErrorCategory::read;
      }
      break;
    }
    if (!session_.on_read(input_.get(), got)) {
      lost_ = ErrorCategory::protocol;
      break;
    }
    if (session_.protocol_error() && lost_ == ErrorCategory::none) lost_ = ErrorCategory::protocol;
    write_wake_.cancel();
    wake_.cancel();
  }
  open_ = false;
  transport_.close();
  session_.fail_all(lost_, true);  // retries wait for the next connection
  reading_ = false;
  write_wake_.cancel();
  wake_.cancel();
}

template <class Transport>
Task<void> Http2Connection<Transport>::write_loop() {
  while (open_) {
    output_.clear();
    if (!session_.take_output(output_)) {
      lost_ = ErrorCategory::protocol;
      transport_.close();
      break;
    }
    if (output_.empty()) {
      if (session_.finished()) {
        // nghttp2 ended the session (after a GOAWAY, for instance one that told the server
        // about its protocol error): nothing more will come.
        if (session_.protocol_error() && lost_ == ErrorCategory::none) {
          lost_ = ErrorCategory::protocol;
        }
        transport_.close();
        break;
      }
      co_await wait(write_wake_);
      continue;
    }
    error_code ec;
    co_await transport_.write(asio::buffer(output_), ec);
    if (ec) {
      if (lost_ == ErrorCategory::none) lost_ = ErrorCategory::write;
      transport_.close();
      break;
    }
  }
  writing_ = false;
  wake_.cancel();
}

template <class Transport>
Task<void> Http2Connection<Transport>::shut() {
  transport_.close();
  write_wake_.cancel();
  while (reading_ || writing_) {
    write_wake_.cancel();
    co_await wait(wake_);
  }
  open_ = false;
  session_.close();
}

}  // namespace

std::unique_ptr<Connection> make_http2_connection(Worker& worker, SharedRun& run, Origin& origin) {
  if (origin.address.where.tls) {
    return std::make_unique<Http2Connection<TlsTransport>>(worker, run, origin);
  }
  return std::make_unique<Http2Connection<PlainTransport>>(worker, run, origin);
}

}  // namespace ccload::engine
