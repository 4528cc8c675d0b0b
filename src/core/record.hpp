#pragma once
// One measured request: what the engine hands to statistics, storage and failure sinks.
// Contract: every field is filled by the engine before the record leaves the worker.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/tls_reason.hpp"

namespace ccload {

// Why a request failed at the transport level. `none` means a response arrived (whatever its
// status); HTTP failures (status outside 200-399) are counted by status code, not here.
enum class ErrorCategory : std::uint8_t {
  none = 0,
  resolve,   // the host name could not be resolved
  connect,   // TCP connect refused, unreachable or reset while connecting
  tls,       // TLS handshake or certificate verification failed
  timeout,   // no complete response within the per-request timeout
  read,      // the connection was reset or closed before the response was complete
  write,     // the request could not be written
  protocol,  // the response was not valid HTTP/1.1 or HTTP/2 (or HTTP/2 was not spoken)
  // The load generator's own machine ran out of something (descriptors: EMFILE, ENFILE;
  // ephemeral ports: EADDRNOTAVAIL; kernel memory: ENOBUFS, ENOMEM): not the server's failure.
  client,
  // Redirects were followed (--max-redirects) until a loop or more hops than allowed, or a
  // redirect had no usable Location.
  redirect,
  // The request script (-s) failed for this request: its request() or response() raised an
  // error, or request() gave something that is not an HTTP/1.1 request.
  script,
  // The response failed a check: a --check, or the script's response() returned false.
  check,
  count_,  // not a category: the number of them
};
inline constexpr int kErrorCategoryCount = static_cast<int>(ErrorCategory::count_);

constexpr std::string_view to_string(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::none:
      return "none";
    case ErrorCategory::resolve:
      return "resolve";
    case ErrorCategory::connect:
      return "connect";
    case ErrorCategory::tls:
      return "tls";
    case ErrorCategory::timeout:
      return "timeout";
    case ErrorCategory::read:
      return "read";
    case ErrorCategory::write:
      return "write";
    case ErrorCategory::protocol:
      return "protocol";
    case ErrorCategory::client:
      return "client";
    case ErrorCategory::redirect:
      return "redirect";
    case ErrorCategory::script:
      return "script";
    case ErrorCategory::check:
      return "check";
    case ErrorCategory::count_:
      break;
  }
  return "unknown";
}

// A response with a status in [200, 399] is a success; anything else, including every transport
// error (status 0), is a failure.
constexpr bool is_success_status(int status) { return status >= 200 && status <= 399; }

struct Record {
  std::uint64_t request_id = 0;  // 1-based, unique within a run, in the order slots were taken
  std::int64_t start_unix_ns =
      0;                      // wall clock (system_clock) when the request was due, ns since epoch
  std::int64_t total_ns = 0;  // due -> last byte (includes connect and any wait)
  std::int64_t ttfb_ns = 0;   // request written -> first byte of the status line (0 if none)
  std::int64_t ttlb_ns = 0;   // request written -> last byte of the body (0 if incomplete)
  std::int64_t connect_ns = 0;  // DNS+TCP+TLS when this request opened a connection, else 0
  // Rate mode: how long the request waited past its scheduled time for its connection (sent -
  // due, ns, >= 0); 0 without a rate (a request is due when its connection takes it).
  std::int64_t wait_ns = 0;
  // Response body bytes received, over every hop of the request: no head, no chunked or HTTP/2
  // framing, decrypted, not decompressed (the same count for HTTP/1.1 and HTTP/2).
  std::uint64_t bytes = 0;
  std::uint16_t status = 0;  // HTTP status (of the last hop), 0 for a transport error
  ErrorCategory error = ErrorCategory::none;
  std::uint16_t target = 0;    // index of its target in the run's target list (0 with one)
  std::uint8_t redirects = 0;  // redirect hops followed (0: the target answered itself)
  TlsReason tls_reason = TlsReason::none;  // with error == tls: why (else none)
  // --check: whether the checks were evaluated (a complete final response), and which failed
  // (bit i: the i-th check, 0-based; at most kMaxChecks).
  bool checked = false;
  std::uint64_t check_failures = 0;
  // --check: a check that reads the body failed because the body was longer than --body-cap.
  bool body_capped = false;
  std::string body;       // failures only: the response body from its first byte, capped
  std::string final_url;  // the URL of the last hop when redirects > 0, else empty
  // The URL actually sent (filled) when its target's URL is a template, else empty (the target's
  // URL was sent). Filling it costs an allocation per request (a URL longer than the small-string
  // buffer), so the lane fills it only when the record goes somewhere that keeps it: a store or
  // failure sink is attached, or the record is kept (EngineResult::kept). The LOADTEST row's URL
  // is this one; the target (and every figure, grouping and comparison) stays the template's.
  std::string url;

  bool succeeded() const { return error == ErrorCategory::none && is_success_status(status); }
};

// At most this many --check per run (Record::check_failures is a bit set).
inline constexpr std::size_t kMaxChecks = 64;

// Bodies of failed responses are captured up to this many bytes; a longer body is cut and marked.
inline constexpr std::size_t kCapturedBodyLimit = 8 * 1024;

}  // namespace ccload
