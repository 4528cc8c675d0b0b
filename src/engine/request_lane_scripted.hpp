#pragma once
// Part of RequestLane (request_lane.hpp), which includes it: a scripted run's turns and requests
// (script_turn, script_request: wrk's delay() and request()).

#include "engine/request_lane.hpp"

namespace ccload::engine {

template <class Env>
Task<bool> RequestLane<Env>::script_turn() {
  if (script_->stopped()) co_return false;
  if (script_->has_delay()) {
    const double ms = script_->delay_ms();
    if (ms > 0) {
      const auto wait = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double, std::milli>(ms));
      if (!co_await env_.pace_until(env_.now() + wait)) co_return false;
    }
  }
  co_return !script_->stopped();
}

template <class Env>
request::FillFailure RequestLane<Env>::script_request(const DueSlot& slot, Record& record,
                                                      RequestRef& out) {
  SharedRun& run = env_.shared();
  const TargetRoute& route = run.targets[slot.target];
  if (script_next_ == script_count_) {
    std::string_view text;
    script_next_ = script_count_ = 0;
    if (!script_->next_request(text)) return request::FillFailure::script;
    script_text_.assign(text);
    script_count_ = request::split_requests(script_text_, script_parts_, script_error_);
    if (script_count_ == 0) return request::FillFailure::script;
  }
  const request::RequestText& part = script_parts_[script_next_++];
  lane_owned_ = true;
  out = {std::string_view(script_text_).substr(part.offset, part.size), nullptr,
         part.method == "HEAD"};
  if (filled_http2_) {
    // The same request as HTTP/2 fields: the request line's target is :path, a Host field the
    // :authority; the fields HTTP/2 forbids or frames itself (RFC 9113 8.2.2) are left out.
    request::FilledRequest filled;
    filled.method = part.method;
    filled.scheme = route.where.tls ? "https" : "http";
    filled.authority = route.where.host_header;
    filled.path = part.target;
    filled.body = part.body;
    script_headers_.clear();
    for (const request::HeaderView& header : part.headers) {
      if (iequals(header.name, "host")) {
        filled.authority = header.value;
      } else if (!iequals(header.name, "content-length") && !iequals(header.name, "connection") &&
                 !iequals(header.name, "transfer-encoding") &&
                 !iequals(header.name, "keep-alive") && !iequals(header.name, "upgrade")) {
        script_headers_.push_back(header);
      }
    }
    filled.headers = script_headers_;
    fill_http2_request(*filled_http2_, filled);
    out.http2 = filled_http2_.get();
  }
  if (run.hooks.store != nullptr || run.hooks.failures != nullptr ||
      record.request_id <= run.config.keep_records) {
    record.url.assign(route.where.origin());
    record.url.append(part.target);
  }
  return request::FillFailure::none;
}

}  // namespace ccload::engine
