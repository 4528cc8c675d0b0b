#pragma once
// The request lane (h2load's Client, vegeta's attack loop): the per-request rules, written once
// for HTTP/1.1 and HTTP/2. A lane carries one request at a time: it takes a due slot
// (SharedRun::take_slot), paces it, applies the timeout, has the request exchanged, retries once
// a request the connection lost before it was processed, follows redirects, and records it
// (Worker::on_record). An HTTP/1.1 connection is one lane; an HTTP/2 connection runs one lane per
// stream (--streams) over one shared session.
//
// The lane does no I/O itself: it drives an Env, given as a template argument (no virtual call
// per request), which owns the clock, the pacing timer, the protocol session and the sockets.
// tests/engine/request_lane_test.cpp drives it with an in-memory Env on simulated time. An Env
// has (all called on the worker's thread):
//
//   SharedRun& shared();  Origin& origin();  std::uint64_t& dropped();
//   core::WorkerScript* script();             the worker's request script (-s), or null
//   Clock::time_point now();                 the clock (steady_clock, or a simulated one)
//   Task<bool> pace_until(Clock::time_point due);   false when a stop came meanwhile
//   bool ready();                            a connection (and a stream) is there to send on now
//   Task<ErrorCategory> open(Record&);       makes ready() true: connects (adding to connect_ns)
//                                            or waits for a free stream (adding to wait_ns)
//   Task<ExchangeOutcome> exchange(const RequestRef&, Record&, ExchangeTimes&);
//                                            sends on the lane's connection; needs ready()
//   Task<ExchangeOutcome> exchange_away(const net::Target&, const RequestRef&, Record&,
//                                       ExchangeTimes&);   a redirect hop to another origin
//   const std::string& location();  const std::string& away_location();
//                                            the Location of the last complete 3xx response
//   core::ServerResponse response(bool away);   the last complete response as captured
//                                            (RunPlan::needs; away: of the hop connection)
//   void end_hops();                         the redirects of a request are done
//   void abort();                            the request timed out: fail what it waits for
//   void on_request_started();               a request (its record made) is under way
//   void on_record(Record&&, Clock::time_point finished);
//
// With --pipeline N (HTTP/1.1), an Env that has
//   Task<void> exchange_batch(std::span<BatchEntry>);   sends them together; needs ready()
// gets batches: the lane takes up to N slots that are due, has them written together, and
// records each (run_pipelined); a slot not yet due is held for the next batch.
//
// An exchange fills the record (status, ttfb, ttlb, bytes, the body of a failure; record.error on
// failure) and `times`; a failure is `retryable` when the request was certainly not processed
// (HTTP/1.1: a kept-alive connection closed before any response byte; HTTP/2: a stream above a
// GOAWAY's last stream id, or REFUSED_STREAM). The lane classifies a failure after its deadline
// as `timeout`.

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "check/check.hpp"
#include "core/text.hpp"
#include "engine/exchange.hpp"
#include "engine/http2_session.hpp"
#include "engine/redirect.hpp"
#include "engine/request_bytes.hpp"
#include "engine/transport.hpp"
#include "request/request_filler.hpp"
#include "request/request_text.hpp"

namespace ccload::engine {

// The request of a redirect hop, built when the hop is taken (redirected requests allocate).
struct HopRequest {
  std::string http1;
  std::shared_ptr<const Http2Request> http2;
};

// How a redirect changes the request (RFC 9110 15.4, the Fetch standard): 303 turns every
// method but HEAD into GET without a body; 301 and 302 turn only POST into GET without a body;
// 307 and 308 (and 301, 302 for other methods) keep the method and the body.
struct RedirectedMethod {
  std::string method;
  bool keeps_body = true;
};
inline RedirectedMethod redirected_method(int status, const std::string& method) {
  if (status == 303 && method != "HEAD") return {"GET", false};
  if ((status == 301 || status == 302) && method == "POST") return {"GET", false};
  return {method, true};
}

template <class Env>
class RequestLane {
 public:
  explicit RequestLane(Env& env) : env_(env) {
    const core::RunPlan& plan = env.shared().config;
    if (plan.templates && plan.templates->any_field()) {
      filler_ = std::make_unique<request::RequestFiller>(plan);
      if (plan.http2) filled_http2_ = std::make_unique<Http2Request>();
    }
    if (plan.checks && !plan.checks->empty()) matcher_ = std::make_unique<check::Matcher>();
  }

  // Takes slots until none is left (or a stop came), one request at a time, or in batches of up
  // to --pipeline requests when the run pipelines and the Env can.
  Task<void> run();

  // The watchdog's tick: a request past its deadline is aborted (and recorded as a timeout).
  void expire_if_due(Clock::time_point now) {
    if (in_flight_ && !timed_out_ && now >= deadline_) {
      timed_out_ = true;
      env_.abort();
    }
  }
  bool in_flight() const { return in_flight_; }
  bool timed_out() const { return timed_out_; }
  Clock::time_point deadline() const { return deadline_; }

  // What is sent for `slot` (the seam of request sources): the prebuilt bytes (HTTP/1.1) and
  // fields (HTTP/2) of a static target, built once per run (SharedRun::targets), a templated
  // target's request filled for this slot into the lane's own buffers (request::RequestFiller),
  // or the next request of the script's request() text; the views stay valid until the slot's
  // exchange and its redirects are over (lane_owned_ tells whether they point into the lane's
  // buffers, which the next call reuses). A failed fill is never sent: header_value and url fail
  // the request as `client`, script as `script`; no_row ends the lane.
  request::FillFailure request_for(const DueSlot& slot, Record& record, RequestRef& out);

 private:
  // request_for() from the script: the next of the requests its last request() text held,
  // calling request() again when they are used up.
  request::FillFailure script_request(const DueSlot& slot, Record& record, RequestRef& out);
  // After a complete response: the --check list, then the script's response() (when it wants
  // responses), judge it as captured: `captured`, else (outside a batch) the Env's last response,
  // of the hop connection when away_; a batch entry without capture is its status and size.
  void judge_response(Record& record, CapturedResponse* captured = nullptr,
                      bool batch_entry = false);
  // Sends `request` on the lane's connection, opening it (or waiting for a stream) first.
  Task<ExchangeOutcome> send(const RequestRef& request, Record& record, ExchangeTimes& times);
  // Follows the redirect `record` holds (to `location`) hop by hop; `times.finished` moves to
  // the last hop's.
  Task<void> follow_redirects(const DueSlot& slot, Record& record, ExchangeTimes& times,
                              std::string location);
  // --pipeline: batches of due slots, sent together, each request retried once when the
  // connection lost it unprocessed, redirects followed one by one after the batch.
  Task<void> run_pipelined();
  // Adds `slot` to the batch being built (or records it at once when its fill fails); false
  // when the lane must end (--data-order once ran out of rows).
  bool add_to_batch(const DueSlot& slot, Clock::time_point ready);
  // Starts a batch with `first` and adds slots already due at `ready`, up to `depth`; a slot
  // taken but not yet due goes into `held`. The entries are made ready to send. False when the
  // lane is to end after this batch (a script's rows ran out).
  bool gather_batch(const DueSlot& first, Clock::time_point ready, std::size_t depth,
                    std::optional<DueSlot>& held);
  // After an exchange_batch round: `pending` becomes what is to be sent again (a suffix whose
  // first entry got no answer), its errors and times cleared; false when nothing is. A round that
  // got no answer at all is retried once only (`retries` counts them), as the keep-alive retry.
  static bool resend_unanswered(std::span<BatchEntry>& pending, int& retries);
  // The record of `slot`, due at slot.due and ready to go at `ready`.
  Record record_for(const DueSlot& slot, Clock::time_point ready) const;
  // Before each request (or pipeline) of a scripted run: false when the script stopped its
  // thread (thread:stop()); else waits what its delay() asks (wrk's order: the delay comes before
  // the request is taken, so it is in no request's time).
  Task<bool> script_turn();
  static constexpr bool kPipelines = requires(Env & env, std::span<BatchEntry> batch) {
    env.exchange_batch(batch);
  };
  ErrorCategory classify(ErrorCategory error) const {
    if (timed_out_) return ErrorCategory::timeout;
    return error == ErrorCategory::none ? ErrorCategory::read : error;
  }

  Env& env_;
  bool in_flight_ = false;
  bool timed_out_ = false;
  Clock::time_point deadline_{};
  HopRequest hop_;
  // Templated runs only: the lane's filler, its last fill and that fill's HTTP/2 fields.
  std::unique_ptr<request::RequestFiller> filler_;
  request::FilledRequest filled_;
  std::unique_ptr<Http2Request> filled_http2_;
  bool lane_owned_ = false;  // the last request_for() views point into the lane's buffers
  bool away_ = false;        // the request's last hop went to another origin (a redirect)
  // --check only: the lane's regex scratch (PCRE2 match data).
  std::unique_ptr<check::Matcher> matcher_;
  // Scripted runs only: the worker's script, its last request() text and the requests it holds
  // (script_parts_[script_next_, script_count_) are still to be sent).
  core::WorkerScript* script_ = nullptr;
  std::string script_text_;
  std::vector<request::RequestText> script_parts_;
  std::size_t script_count_ = 0, script_next_ = 0;
  std::vector<request::HeaderView> script_headers_;
  std::string script_error_;
  // Pipelined runs only: the batch (entries_[0, batch_size_)), its records and slots, and the
  // bytes of its filled requests (entry i's at fill_spans_[i] in batch_bytes_).
  std::vector<BatchEntry> entries_;
  std::vector<Record> records_;
  std::vector<DueSlot> slots_;
  std::vector<std::pair<std::size_t, std::size_t>> fill_spans_;
  std::string batch_bytes_;
  std::size_t batch_size_ = 0;
};

template <class Env>
Record RequestLane<Env>::record_for(const DueSlot& slot, Clock::time_point ready) const {
  const SharedRun& run = env_.shared();
  Record record;
  record.request_id = slot.slot + 1;
  record.target = static_cast<std::uint16_t>(slot.target);
  record.start_unix_ns =
      run.unix_epoch_offset_ns +
      std::chrono::duration_cast<std::chrono::nanoseconds>(slot.due.time_since_epoch()).count();
  record.wait_ns = nanoseconds(ready - slot.due);  // the session adds any wait for a stream
  return record;
}

template <class Env>
request::FillFailure RequestLane<Env>::request_for(const DueSlot& slot, Record& record,
                                                   RequestRef& out) {
  SharedRun& run = env_.shared();
  const TargetRoute& route = run.targets[slot.target];
  lane_owned_ = false;
  if (script_ != nullptr && script_->builds_requests()) return script_request(slot, record, out);
  if (!filler_ || run.config.templates->targets[slot.target].is_static) {
    out = {route.request, route.http2.get(), route.head};
    return request::FillFailure::none;
  }
  // {{now_ms}}: the request's start in Unix milliseconds (no clock read of its own).
  const std::int64_t now_ms = record.start_unix_ns / 1'000'000;
  const request::FillFailure failure = filler_->fill(slot.target, slot.slot, now_ms, filled_);
  if (failure != request::FillFailure::none) return failure;
  lane_owned_ = true;
  out = {filled_.http1, nullptr, route.head};
  if (filled_http2_) {
    fill_http2_request(*filled_http2_, filled_);
    out.http2 = filled_http2_.get();
  }
  // The URL sent, only where the record is kept (it allocates): a sink, or EngineResult::kept.
  if (run.hooks.store != nullptr || run.hooks.failures != nullptr ||
      record.request_id <= run.config.keep_records) {
    record.url.assign(filled_.url);
  }
  return request::FillFailure::none;
}

template <class Env>
Task<void> RequestLane<Env>::run() {
  SharedRun& run = env_.shared();
  if constexpr (kPipelines) {
    if (run.config.pipeline > 1) {
      co_await run_pipelined();
      co_return;
    }
  }
  const double timeout_s = run.config.timeout_s;
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(timeout_s > 0 ? timeout_s : 0));
  script_ = env_.script();
  if (script_ != nullptr && run.config.http2 && !filled_http2_) {
    filled_http2_ = std::make_unique<Http2Request>();
  }
  for (;;) {
    if (script_ != nullptr && !co_await script_turn()) break;
    // `due`: when the request was due (its scheduled time with a rate, else `now`); `ready`:
    // when the lane is free to send it (after pacing). Three clock reads per request on a
    // kept-alive HTTP/1.1 connection: now, first byte, last byte.
    const Clock::time_point now = env_.now();
    const std::optional<DueSlot> slot = run.take_slot(env_.origin(), env_.dropped(), now);
    if (!slot) break;
    const Clock::time_point due = slot->due;
    Clock::time_point ready = now;
    if (due > ready) {  // paced, and not due yet
      if (!co_await env_.pace_until(due)) break;
      ready = env_.now();
    }
    Record record = record_for(*slot, ready);
    deadline_ = timeout_s > 0 ? ready + timeout : Clock::time_point::max();
    timed_out_ = false;
    in_flight_ = true;
    RequestRef request;
    const request::FillFailure fill = request_for(*slot, record, request);
    if (fill == request::FillFailure::no_row) {  // --data-order once: this shard's rows are sent
      in_flight_ = false;
      break;
    }
    env_.on_request_started();
    if (fill != request::FillFailure::none) {  // never sent malformed
      in_flight_ = false;
      record.error =
          fill == request::FillFailure::script ? ErrorCategory::script : ErrorCategory::client;
      record.total_ns = nanoseconds(ready - due);
      env_.on_record(std::move(record), ready);
      continue;
    }
    ExchangeTimes times;
    away_ = false;
    ExchangeOutcome outcome = ExchangeOutcome::failed;
    for (int attempt = 0;; ++attempt) {
      times = ExchangeTimes{};
      outcome = env_.ready() ? co_await env_.exchange(request, record, times)
                             : co_await send(request, record, times);
      // Lost before it was processed (a kept-alive connection the server had closed, a stream
      // GOAWAY or REFUSED_STREAM turned away): once more, as browsers and HTTP clients do.
      if (outcome == ExchangeOutcome::retryable && attempt == 0 && !timed_out_) {
        record.error = ErrorCategory::none;
        continue;
      }
      break;
    }
    if (outcome != ExchangeOutcome::complete) {
      record.error = classify(record.error);
    } else if (is_followed_redirect(record.status) && run.config.max_redirects > 0 &&
               !env_.location().empty()) {
      co_await follow_redirects(*slot, record, times, env_.location());
    }
    if (record.error == ErrorCategory::none && (matcher_ != nullptr || script_ != nullptr)) {
      judge_response(record);  // checks and a script's response() only
    }
    in_flight_ = false;
    record.total_ns = nanoseconds(times.finished - due);
    env_.on_record(std::move(record), times.finished);
  }
}

template <class Env>
Task<ExchangeOutcome> RequestLane<Env>::send(const RequestRef& request, Record& record,
                                             ExchangeTimes& times) {
  const ErrorCategory error = co_await env_.open(record);
  if (error != ErrorCategory::none) {
    record.error = error;
    times.finished = env_.now();
    co_return ExchangeOutcome::failed;
  }
  co_return co_await env_.exchange(request, record, times);
}

template <class Env>
Task<void> RequestLane<Env>::follow_redirects(const DueSlot& slot, Record& record,
                                              ExchangeTimes& times, std::string location) {
  SharedRun& run = env_.shared();
  // What the first request carried: a static target's spec (its static texts resolved when the
  // run has templates), or the filled URL, headers and body of a templated target.
  const TargetSpec& spec = run.config.templates
                               ? run.config.templates->targets[slot.target].static_spec
                               : run.config.targets[slot.target];
  const bool filled = filler_ && !run.config.templates->targets[slot.target].is_static;
  HeaderList sent_headers;
  if (filled) {
    for (const request::HeaderView& header : filled_.headers) {
      sent_headers.emplace_back(header.name, header.value);
    }
  }
  const HeaderList& first_headers = filled ? sent_headers : spec.headers;
  const std::string_view first_body = filled ? filled_.body : std::string_view(spec.body);
  net::Target first = run.targets[slot.target].where;
  if (filled) {  // the origin is never templated: only the URL and its request target change
    first.url.assign(filled_.url);
    first.request_target.assign(filled_.path);
  }
  const net::Target& home = env_.origin().address.where;
  const Clock::time_point first_sent = times.sent;
  net::Target from = first;
  std::string method = spec.method;
  bool with_body = !first_body.empty();
  std::vector<std::string> visited{first.url};
  for (;;) {
    std::optional<net::Target> next;
    if (record.redirects >= run.config.max_redirects || !(next = redirect_target(from, location)) ||
        std::find(visited.begin(), visited.end(), next->url) != visited.end()) {
      record.error = ErrorCategory::redirect;  // too many hops, a loop, or no usable Location
      break;
    }
    RedirectedMethod changed = redirected_method(record.status, method);
    method = std::move(changed.method);
    with_body = with_body && changed.keeps_body;
    const bool here = same_origin(*next, home);
    const HeaderList headers = hop_headers(first_headers, with_body, same_origin(*next, first));
    const std::string_view body = with_body ? first_body : std::string_view();
    hop_.http1 = build_request(method, *next, headers, body, spec.content_type);
    hop_.http2.reset();
    if (here && run.config.http2) {
      hop_.http2 = build_http2_request(
          TargetSpec{method, next->url, headers, std::string(body), spec.content_type}, *next);
    }
    const RequestRef request{hop_.http1, hop_.http2.get(), method == "HEAD"};
    ++record.redirects;
    record.final_url = next->url;
    visited.push_back(next->url);
    record.status = 0;
    record.body.clear();
    ExchangeTimes hop_times{.from = first_sent};
    const ExchangeOutcome outcome =
        !here          ? co_await env_.exchange_away(*next, request, record, hop_times)
        : env_.ready() ? co_await env_.exchange(request, record, hop_times)
                       : co_await send(request, record, hop_times);
    times.finished = hop_times.finished;
    away_ = !here;
    if (outcome != ExchangeOutcome::complete) {
      record.error = classify(record.error);
      break;
    }
    location = here ? env_.location() : env_.away_location();
    if (!is_followed_redirect(record.status) || location.empty()) break;
    from = std::move(*next);
  }
  env_.end_hops();  // the next request starts on the lane's own origin
}

template <class Env>
void RequestLane<Env>::judge_response(Record& record, CapturedResponse* captured,
                                      bool batch_entry) {
  const bool scripted = script_ != nullptr && script_->wants_response();
  if (matcher_ == nullptr && !scripted) return;
  core::ServerResponse response;
  if (captured != nullptr) {
    response = captured->view();
  } else if (!batch_entry) {
    response = env_.response(away_);
  } else {
    response.body_size = record.bytes;  // one hop: the body's bytes are the record's
  }
  response.status = record.status;  // the session's own note of it may be gone (HTTP/2)
  if (matcher_ != nullptr) {
    const std::vector<check::Check>& checks = *env_.shared().config.checks;
    record.checked = true;
    for (std::size_t i = 0; i < checks.size(); ++i) {
      if (!check::evaluate(checks[i], response, *matcher_)) record.check_failures |= 1ull << i;
    }
    if (record.check_failures != 0) {
      record.error = ErrorCategory::check;
      record.body_capped = response.body_truncated;
      // The body that failed, for the failure sinks (a failing status's is captured already).
      if (record.body.empty()) {
        record.body.assign(
            response.body.substr(0, std::min(response.body.size(), kCapturedBodyLimit)));
      }
    }
  }
  if (!scripted) return;
  bool script_error = false;
  if (!script_->on_response(response, script_error)) {
    record.error = script_error ? ErrorCategory::script : ErrorCategory::check;
  }
}

}  // namespace ccload::engine

// The pipelined loop and a scripted run's turns, in files of their own.
#include "engine/request_lane_pipelined.hpp"
#include "engine/request_lane_scripted.hpp"
