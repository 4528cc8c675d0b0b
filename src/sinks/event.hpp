#pragma once
// Pure functions that turn failed records into what the log services accept: Betterstack events
// (a JSON array) and Grafana Loki push payloads. No I/O, no clocks: unit-tested in tests/sinks.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.hpp"
#include "core/target.hpp"

namespace ccload::sinks {

// What every event of a run shares.
struct EventContext {
  std::string url;     // the load test's (first) target URL, as given
  std::string method;  // the load test's (first) method
  std::int64_t run_id = 0;
  // Every target of the run, by Record::target; empty: url and method name every record's.
  std::vector<TargetName> targets = {};
  // The run's --check expressions, in order (Record::check_failures' bits name them).
  std::vector<std::string> checks = {};
};

// "2024-05-01T12:34:56.123456789Z": RFC 3339, UTC, nanosecond fraction.
std::string rfc3339_utc(std::int64_t unix_ns);

// The `error` field: the transport error category, or "http" when a response arrived with a
// failing status.
std::string_view error_name(const Record& record);

// One event: dt, timestamp (ns since the epoch, as a string), url and method (of the record's
// target), status (0 for a transport error; the last hop's), body (as captured by the engine),
// error, run_id, ttfb and total (seconds); for a tls error also tls_reason (core/tls_reason.hpp:
// "expired", "unknown_ca", ..., "other"); after redirects also redirects (hops) and final_url;
// for a check failure also checks_failed (the --check expressions it failed).
nlohmann::json make_event(const Record& record, const EventContext& context);

// Serializes without ever throwing: bytes that are not valid UTF-8 (binary bodies) become U+FFFD.
std::string dump_json(const nlohmann::json& value);

// Betterstack's HTTP ingestion body: a JSON array of events, in the order given.
std::string betterstack_payload(std::span<const Record> records, const EventContext& context);

// Loki's push body: {"streams":[{"stream":{"job":"ccload","method":M,"status":S},
// "values":[["<ns>","<event JSON>"],...]}]}, one stream per status, values in time order.
std::string loki_payload(std::span<const Record> records, const EventContext& context);

// The push endpoint for a LOKI_URL base: "/loki/api/v1/push" appended (once) to the base.
std::string loki_push_url(std::string_view base);

}  // namespace ccload::sinks
