#pragma once
// Ships failed requests to Betterstack (Logtail's HTTP ingestion API) and/or Grafana Loki, from one
// thread per enabled sink behind a bounded queue. The engine hands batches through submit(), which
// only takes a mutex briefly and never waits on the network: a slow or dead log service can never
// slow or stop a load test. Failures are stored by the run writer either way.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/record_sink.hpp"
#include "core/target.hpp"
#include "net/tls.hpp"

namespace ccload::sinks {

struct ShipperConfig {
  // Betterstack is on when the token is non-empty. An empty URL means the default below; a URL
  // without a scheme means https.
  std::string logtail_url, logtail_token;
  std::string loki_url;             // Loki is on when non-empty ("/loki/api/v1/push" is appended)
  double flush_timeout_s = 10;      // the final flush's deadline, from finish()
  net::TlsOptions tls;              // verification on by default
  std::string target_url, method;   // of the load test, for the events
  std::vector<TargetName> targets;  // every target, by Record::target (empty: target_url for all)
  std::vector<std::string> checks;  // --check, in order (for a check failure's event)
  std::int64_t run_id = 0;
  std::string database;  // where the failures are stored ("" when not stored)

  // Limits (tests may lower them). A full queue drops (and counts) what does not fit.
  std::size_t queue_records = 100'000;          // per sink
  std::size_t queue_bytes = 64u * 1024 * 1024;  // per sink, of captured bodies
  std::size_t batch_records = 1000;             // a batch is sent when this many are queued...
  double batch_wait_s = 1.0;                    // ...or when the oldest has waited this long
  double attempt_timeout_s = 10;                // one HTTP attempt, connect to response
};

inline constexpr const char* kDefaultLogtailUrl = "https://in.logs.betterstack.com";

class FailureShipper final : public RecordSink {
 public:
  // Starts one thread per enabled sink. Never throws: a sink that cannot be set up (an invalid
  // URL) reports why in finish().
  explicit FailureShipper(ShipperConfig config);
  ~FailureShipper() override;  // abandons anything unshipped at once when finish() was not called
  FailureShipper(const FailureShipper&) = delete;
  FailureShipper& operator=(const FailureShipper&) = delete;

  bool enabled() const { return !sinks_.empty(); }

  // Thread-safe, never blocks on I/O. Only failed records are queued.
  void submit(std::vector<Record>&& batch) override;

  // The final flush: ships what is queued until the deadline (flush_timeout_s from now), then
  // gives up on the rest and joins the threads. Returns the report lines: one per sink, or the
  // "LOGTAIL_TOKEN is not set" line when no sink is configured; none when total_failures is 0.
  // `total_failures` is the run's failed count. Call once.
  std::vector<std::string> finish(std::uint64_t total_failures);

 private:
  struct Sink;
  ShipperConfig config_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  bool finished_ = false;
};

}  // namespace ccload::sinks
