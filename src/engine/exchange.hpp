#pragma once
// What a protocol session exchanges for the request lane (request_lane.hpp): the request to send,
// how the exchange ended, and its instants.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/server_response.hpp"
#include "engine/worker.hpp"

namespace ccload::engine {

struct Http2Request;

// What a session sends for one request. Views: the bytes belong to the run (a target's prebuilt
// request) or to the lane (a redirect hop's), and live until the exchange is over.
struct RequestRef {
  std::string_view http1;               // HTTP/1.1: request line, fields and body
  const Http2Request* http2 = nullptr;  // HTTP/2: the fields and the body (HTTP/2 runs)
  bool head = false;                    // HEAD: the response carries no body
};

enum class ExchangeOutcome {
  complete,   // a response arrived (any status)
  failed,     // record.error says why
  retryable,  // failed, and the request was certainly not processed: it may be sent once more
};

// The instants of one exchange (steady clock).
struct ExchangeTimes {
  // In: first and last byte count from here (a redirect hop: the request's first send); the
  // default, an empty time point, means from this exchange's own send.
  Clock::time_point from{};
  Clock::time_point sent{};      // out: when the request went out (HTTP/2: its HEADERS frame)
  Clock::time_point finished{};  // out: when the response completed or the exchange failed
};

// A copy of a captured response that outlives its parser's next start(): a pipelined batch keeps
// each response so the lane judges it after the batch. Reused: it allocates until its buffers have
// grown to the responses' sizes.
class CapturedResponse {
 public:
  void assign(const core::ServerResponse& response) {
    status_ = response.status;
    truncated_ = response.body_truncated;
    body_size_ = response.body_size;
    text_.clear();
    spans_.clear();
    for (const core::ResponseField& field : response.headers) {
      const std::size_t name = text_.size();
      text_.append(field.name);
      const std::size_t value = text_.size();
      text_.append(field.value);
      spans_.push_back({name, value, text_.size()});
    }
    body_at_ = text_.size();
    text_.append(response.body);
  }
  // Views into this copy, valid until the next assign().
  core::ServerResponse view() {
    fields_.clear();
    const std::string_view all(text_);
    for (const Span& span : spans_) {
      fields_.push_back({all.substr(span.name, span.value - span.name),
                         all.substr(span.value, span.end - span.value)});
    }
    return {.status = status_,
            .headers = fields_,
            .body = all.substr(body_at_),
            .body_truncated = truncated_,
            .body_size = body_size_};
  }

 private:
  struct Span {
    std::size_t name, value, end;
  };
  int status_ = 0;
  bool truncated_ = false;
  std::uint64_t body_size_ = 0;
  std::string text_;  // every field's name and value, then the body
  std::size_t body_at_ = 0;
  std::vector<Span> spans_;
  std::vector<core::ResponseField> fields_;
};

// One request of a pipelined batch (--pipeline): what to send, the record its response fills,
// its instants, how it ended, the Location of a complete 3xx response (with redirects on), and
// the response as captured when the run captures responses (core::RunPlan::needs).
struct BatchEntry {
  RequestRef request;
  Record* record = nullptr;
  ExchangeTimes times;
  ExchangeOutcome outcome = ExchangeOutcome::failed;
  std::string location;
  CapturedResponse response;
};

}  // namespace ccload::engine
