#include "engine/connection.hpp"

#include <algorithm>

#include "engine/http1_session.hpp"
#include "engine/http2_session.hpp"
#include "engine/redirect.hpp"
#include "engine/request_bytes.hpp"
#include "engine/transport.hpp"

namespace ccload::engine {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Where redirect hops that leave the connection's origin go: a connection of its own, plain or
// TLS by the hop's scheme, opened only while the connection's own is closed (so a lane never
// holds more than one socket, and c stays the limit). Created on the first such hop. It keeps
// the address of the last origin it went to, so a target that always redirects to the same
// other origin is resolved once per connection, not once per request.
struct HopConnection {
  HopConnection(asio::io_context& io, const SharedRun& run)
      : plain(io, run), tls(io, run), session(true) {}
  // Closes the socket (also from the watchdog, on a timeout).
  void close() {
    plain.close();
    tls.close();
    session.reset();
    open = false;
  }
  PlainTransport plain;
  TlsTransport tls;
  Http1Session session;
  Address address;
  bool resolved = false;  // `address` holds a resolved origin
  bool open = false;
};

// An HTTP/1.1 keep-alive connection to one origin: one request at a time through Http1Session,
// redirects followed up to --max-redirects hops.
template <class Transport>
class Http1Connection final : public Connection {
 public:
  Http1Connection(Worker& worker, SharedRun& run, Origin& origin)
      : worker_(worker),
        run_(run),
        origin_(origin),
        transport_(worker.io(), run),
        pacer_(worker.io()),
        session_(run.config.max_redirects > 0) {}

  Task<void> run() override;

  void expire_if_due(Clock::time_point now) override {
    if (in_flight_ && !timed_out_ && now >= deadline_) {
      timed_out_ = true;
      transport_.close();
      if (hop_) hop_->close();
    }
  }

  void stop_waiting() override { pacer_.cancel(); }

 private:
  // Follows the redirect `record` holds (its status, the session's Location) hop by hop.
  Task<void> follow_redirects(std::uint32_t target, Record& record, Clock::time_point sent,
                              Clock::time_point& finished);
  // One hop on this connection (same origin) or on the hop connection (another origin).
  Task<bool> hop_here(std::string_view request, bool head, Record& record, Clock::time_point sent,
                      Clock::time_point& finished);
  Task<bool> hop_away(const net::Target& where, std::string_view request, bool head, Record& record,
                      Clock::time_point sent, Clock::time_point& finished);
  // The hop connection's address for `where`: one of the run's origins, or looked up (counted in
  // the hop's connect time; no endpoints when it fails, so the hop fails as `resolve`).
  void resolve_hop(HopConnection& hop, const net::Target& where);
  Task<ErrorCategory> connect(Record& record);
  ErrorCategory classify(ErrorCategory otherwise) const {
    return timed_out_ ? ErrorCategory::timeout : otherwise;
  }
  void close() {
    transport_.close();
    session_.reset();
    open_ = false;
  }

  Worker& worker_;
  SharedRun& run_;
  Origin& origin_;
  Transport transport_;
  Timer pacer_;  // waits for the next request's scheduled time (rate mode)
  Http1Session session_;
  std::unique_ptr<HopConnection> hop_;
  bool open_ = false;
  std::uint64_t requests_on_connection_ = 0;

  bool in_flight_ = false;
  bool timed_out_ = false;
  Clock::time_point deadline_{};
};

template <class Transport>
Task<void> Http1Connection<Transport>::run() {
  const double timeout_s = run_.config.timeout_s;
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(timeout_s > 0 ? timeout_s : 0));
  for (;;) {
    // `due`: when the request was due (its scheduled time with a rate); `sent`: when it goes out.
    // Three clock reads per request on a kept-alive connection: now, first byte, last byte.
    const Clock::time_point now = Clock::now();
    const std::optional<DueSlot> slot = run_.take_slot(origin_, worker_.dropped(), now);
    if (!slot) break;
    const Clock::time_point due = slot->due;  // `now` in the closed model
    Clock::time_point sent = now;
    if (due > sent) {  // paced, and not due yet
      error_code ec;
      pacer_.expires_at(due);
      co_await pacer_.async_wait(into(ec));
      if (run_.stopping()) break;
      sent = Clock::now();
    }
    Record record;
    record.request_id = slot->slot + 1;
    record.target = static_cast<std::uint16_t>(slot->target);
    record.start_unix_ns = worker_.unix_ns(due);
    record.wait_ns = nanoseconds(sent - due);
    deadline_ = timeout_s > 0 ? sent + timeout : Clock::time_point::max();
    timed_out_ = false;
    in_flight_ = true;
    Clock::time_point finished{};
    const TargetRoute& route = run_.targets[slot->target];
    // Sent here, not in a coroutine of its own: one coroutine frame per request, not two.
    // `sending`: when the request is written, after any connect (first and last byte count from
    // it); a redirect's hops count from the first send.
    bool complete = false;
    Clock::time_point sending = sent;
    for (int attempt = 0;; ++attempt) {
      if (!open_) {
        record.error = co_await connect(record);
        if (record.error != ErrorCategory::none) {
          finished = Clock::now();
          break;
        }
        sending = Clock::now();
      }
      const bool reused = requests_on_connection_ > 0;
      const Http1Session::Outcome outcome = co_await session_.exchange(
          transport_, route.request, route.head, record, sending, finished);
      ++requests_on_connection_;
      complete = outcome == Http1Session::Outcome::complete;
      if (!complete) {
        record.error = classify(record.error);
        close();
      } else if (!session_.keep_open()) {
        close();
      }
      // A keep-alive connection the server closed while idle fails before any response byte:
      // open a fresh connection and try once more, as browsers and HTTP clients do.
      if (outcome == Http1Session::Outcome::failed_before_response && reused && attempt == 0 &&
          !timed_out_) {
        record.error = ErrorCategory::none;
        continue;
      }
      break;
    }
    if (complete && is_followed_redirect(record.status) && run_.config.max_redirects > 0 &&
        !session_.location().empty()) {
      co_await follow_redirects(slot->target, record, sending, finished);
    }
    in_flight_ = false;
    record.total_ns = nanoseconds(finished - due);
    worker_.on_record(std::move(record), finished);
  }
  close();
  if (hop_) hop_->close();
  worker_.on_connection_done();
}

template <class Transport>
Task<void> Http1Connection<Transport>::follow_redirects(std::uint32_t target, Record& record,
                                                        Clock::time_point sent,
                                                        Clock::time_point& finished) {
  const TargetSpec& spec = run_.config.targets[target];
  const net::Target& first = run_.targets[target].where;
  std::string location = session_.location();
  net::Target from = first;
  std::string method = spec.method;
  bool with_body = !spec.body.empty();
  std::vector<std::string> visited{first.url};
  for (;;) {
    std::optional<net::Target> next;
    if (record.redirects >= run_.config.max_redirects ||
        !(next = redirect_target(from, location)) ||
        std::find(visited.begin(), visited.end(), next->url) != visited.end()) {
      record.error = ErrorCategory::redirect;  // too many hops, a loop, or no usable Location
      break;
    }
    if (!redirect_keeps_method(record.status)) {
      if (method != "HEAD") method = "GET";
      with_body = false;
    }
    const std::string request = build_request(
        method, *next, hop_headers(spec.headers, with_body, same_origin(*next, first)),
        with_body ? std::string_view(spec.body) : std::string_view(), spec.content_type);
    ++record.redirects;
    record.final_url = next->url;
    visited.push_back(next->url);
    record.status = 0;
    record.body.clear();
    const bool head = method == "HEAD";
    const bool complete = same_origin(*next, origin_.address.where)
                              ? co_await hop_here(request, head, record, sent, finished)
                              : co_await hop_away(*next, request, head, record, sent, finished);
    if (!complete) break;
    location =
        same_origin(*next, origin_.address.where) ? session_.location() : hop_->session.location();
    if (!is_followed_redirect(record.status) || location.empty()) break;
    from = std::move(*next);
  }
  if (hop_) hop_->close();  // the next request starts on this connection's origin
}

template <class Transport>
Task<bool> Http1Connection<Transport>::hop_here(std::string_view request, bool head, Record& record,
                                                Clock::time_point sent,
                                                Clock::time_point& finished) {
  if (hop_) hop_->close();
  if (!open_) {
    record.error = co_await connect(record);
    if (record.error != ErrorCategory::none) {
      finished = Clock::now();
      co_return false;
    }
  }
  const Http1Session::Outcome outcome =
      co_await session_.exchange(transport_, request, head, record, sent, finished);
  ++requests_on_connection_;
  if (outcome != Http1Session::Outcome::complete) {
    record.error = classify(record.error);
    close();
    co_return false;
  }
  if (!session_.keep_open()) close();
  co_return true;
}

template <class Transport>
Task<bool> Http1Connection<Transport>::hop_away(const net::Target& where, std::string_view request,
                                                bool head, Record& record, Clock::time_point sent,
                                                Clock::time_point& finished) {
  if (!hop_) hop_ = std::make_unique<HopConnection>(worker_.io(), run_);
  HopConnection& hop = *hop_;
  if (!hop.open || !same_origin(hop.address.where, where)) {
    close();  // one socket per lane at a time
    hop.close();
    const Clock::time_point started = Clock::now();
    if (!hop.resolved || !same_origin(hop.address.where, where)) {
      resolve_hop(hop, where);
    }
    const ErrorCategory error =
        where.tls ? co_await hop.tls.open(hop.address) : co_await hop.plain.open(hop.address);
    if (error != ErrorCategory::none) {
      hop.close();
      record.error = classify(error);
      finished = Clock::now();
      co_return false;
    }
    record.connect_ns += nanoseconds(Clock::now() - started);
    hop.open = true;
    worker_.on_connection_opened();
  }
  const Http1Session::Outcome outcome =
      where.tls ? co_await hop.session.exchange(hop.tls, request, head, record, sent, finished)
                : co_await hop.session.exchange(hop.plain, request, head, record, sent, finished);
  if (outcome != Http1Session::Outcome::complete) {
    record.error = classify(record.error);
    hop.close();
    co_return false;
  }
  if (!hop.session.keep_open()) hop.close();
  co_return true;
}

template <class Transport>
void Http1Connection<Transport>::resolve_hop(HopConnection& hop, const net::Target& where) {
  hop.address = Address{where, {}, where.tls ? run_.hop_tls_context() : nullptr};
  hop.resolved = true;
  for (const Origin& origin : run_.origins) {
    if (same_origin(origin.address.where, where)) {
      hop.address.endpoints = origin.address.endpoints;
      return;
    }
  }
  // A blocking lookup: the worker's io_context runs without locks (one thread), which Asio's
  // asynchronous resolver (a thread of its own) cannot post to. Loopback addresses and
  // /etc/hosts names answer at once; the result is kept for the connection's next hops there.
  asio::ip::tcp::resolver resolver(worker_.io());
  error_code ec;
  const auto results = resolver.resolve(where.host, std::to_string(where.port), ec);
  if (ec) {
    hop.resolved = false;  // try again on the next hop there
    return;
  }
  for (const auto& entry : results) hop.address.endpoints.push_back(entry.endpoint());
}

template <class Transport>
Task<ErrorCategory> Http1Connection<Transport>::connect(Record& record) {
  if (hop_) hop_->close();  // one socket per lane at a time
  const Clock::time_point started = Clock::now();
  const ErrorCategory error = co_await transport_.open(origin_.address);
  if (error != ErrorCategory::none) {
    close();
    co_return classify(error);
  }
  record.connect_ns += nanoseconds(Clock::now() - started);
  open_ = true;
  requests_on_connection_ = 0;
  worker_.on_connection_opened();
  co_return ErrorCategory::none;
}

}  // namespace

std::unique_ptr<Connection> make_connection(Worker& worker, SharedRun& run, Origin& origin) {
  if (run.config.http2) return make_http2_connection(worker, run, origin);
  if (origin.address.where.tls) {
    return std::make_unique<Http1Connection<TlsTransport>>(worker, run, origin);
  }
  return std::make_unique<Http1Connection<PlainTransport>>(worker, run, origin);
}

}  // namespace ccload::engine
