#pragma once
// What a protocol session exchanges for the request lane (request_lane.hpp): the request to send,
// how the exchange ended, and its instants.

#include <string>
#include <string_view>

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

// One request of a pipelined batch (--pipeline): what to send, the record its response fills,
// its instants, how it ended, and the Location of a complete 3xx response (with redirects on).
struct BatchEntry {
  RequestRef request;
  Record* record = nullptr;
  ExchangeTimes times;
  ExchangeOutcome outcome = ExchangeOutcome::failed;
  std::string location;
};

}  // namespace ccload::engine
