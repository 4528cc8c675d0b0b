#pragma once
// Run summaries for the report tests, built from records as a run would build them.

#include <vector>

#include "stats/run_stats.hpp"
#include "stats/run_summary.hpp"
#include "stats/thresholds.hpp"

namespace ccload::report::test {

// `successes` 200s then `failures` 503s (total 2 ms + i us, first byte 1 ms + i us), then one
// refused connection; GET http://h/, -c 2, a run of 2 s.
inline stats::RunStats stats_with(int successes, int failures) {
  stats::RunStats stats;
  for (int i = 0; i < successes + failures; ++i) {
    Record record;
    record.status = i < successes ? 200 : 503;
    record.ttfb_ns = 1'000'000 + 1000 * i;
    record.ttlb_ns = record.total_ns = 2'000'000 + 1000 * i;
    stats.add(record);
  }
  Record refused;
  refused.error = ErrorCategory::connect;
  stats.add(refused);
  return stats;
}

inline stats::RunFacts facts_of(std::string url = "http://h/", std::string method = "GET") {
  stats::RunFacts facts;
  facts.url = std::move(url);
  facts.method = std::move(method);
  facts.concurrency = 2;
  facts.duration_s = 2;
  return facts;
}

// The fixed run behind the golden files: every section of every format has something to show.
inline stats::RunSummary golden_summary() {
  stats::RunStats stats;
  stats::RunFacts facts;
  facts.url = "http://127.0.0.1:8080/get?page=1&size=20";
  facts.method = "GET";
  facts.requested = 200;
  facts.concurrency = 10;
  facts.started_unix_ns = 1'795'963'296'123'456'789;  // 2026-11-29T14:41:36.123Z
  facts.duration_s = 2.5;
  facts.connections_opened = 12;
  std::vector<stats::DetailRow> details;
  for (int i = 0; i < 200; ++i) {
    Record r;
    r.request_id = static_cast<std::uint64_t>(i + 1);
    r.start_unix_ns = facts.started_unix_ns + std::int64_t{i} * 12'500'000;
    r.bytes = 512;
    // Paced at 80 req/s: most requests go out 30 us after their scheduled time, every 25th
    // waits 2 ms for a free connection.
    r.wait_ns = i % 25 == 0 ? 2'000'000 : 30'000;
    if (i % 50 == 7) {
      r.error = i < 100 ? ErrorCategory::timeout
                        : (i == 157 ? ErrorCategory::client : ErrorCategory::connect);
      r.total_ns = 30'000'000;
    } else {
      r.status = i % 40 == 3 ? 500 : (i == 150 ? 999 : 200);
      r.ttfb_ns = 400'000 + (std::int64_t{i} * 7919 % 200) * 10'000;
      r.ttlb_ns = r.ttfb_ns + 150'000;
      r.total_ns = r.wait_ns + r.ttlb_ns + (i < 10 ? 250'000 : 0);
      r.connect_ns = i < 10 ? 250'000 : 0;
    }
    stats.add(r);
    stats.timeline.add(
        static_cast<std::size_t>((r.start_unix_ns - facts.started_unix_ns) / 1'000'000'000), r);
    if (i < 20) {
      details.push_back({r.request_id, r.start_unix_ns, facts.url, facts.method,
                         r.error == ErrorCategory::none ? r.status : 0,
                         r.error == ErrorCategory::none ? "" : std::string(to_string(r.error)),
                         static_cast<double>(r.total_ns) / 1e9});
    }
  }
  facts.rate = 80;
  // Two workers, neither saturated: loop lag from 20 us to 400 us.
  stats::GeneratorLoad generator;
  for (int tick = 0; tick < 250; ++tick)
    generator.loop_lag.record(20'000 + (tick * 37 % 100) * 3'800);
  generator.workers = {{1.25, 2.5, 0.1}, {0.75, 2.5, 0}};
  stats::RunSummary s = stats::summarize(stats, facts, generator);
  s.details = details;
  s.storage = {"load.db", 7, true, ""};
  s.notes = {"Every request is stored in load.db (run 7).",
             "6 failed requests shipped to Betterstack (in.logs.betterstack.com)."};
  s.thresholds = stats::evaluate(stats::parse_thresholds("p95<3ms,errors<1%"), s);
  return s;
}

// A run of the three `targets` in turn, built as the engine builds one: the whole from every
// record, one summary per target from its records (its facts name it; no nested targets). 150
// requests, -n 150 -c 6 at 60 req/s, 2.5 s, --max-redirects 3. Target 1 answers 200 in 1-2 ms;
// target 2 answers 201 in 3-6 ms, every 7th of its requests 503; target 3 redirects twice then
// answers 200 in 2-4 ms, every 10th of its requests hits the redirect limit (error `redirect`).
inline stats::RunSummary targets_summary(const std::vector<TargetName>& targets) {
  stats::RunFacts facts;
  facts.targets = targets;
  facts.url = targets.front().url;
  facts.method = targets.front().method;
  facts.max_redirects = 3;
  facts.requested = 150;
  facts.concurrency = 6;
  facts.rate = 60;
  facts.started_unix_ns = 1'795'963'296'123'456'789;  // 2026-11-29T14:41:36.123Z
  facts.duration_s = 2.5;
  facts.connections_opened = 6;
  stats::RunStats whole;
  std::vector<stats::RunStats> each(targets.size());
  std::vector<stats::DetailRow> details;
  for (int i = 0; i < 150; ++i) {
    const auto target = static_cast<std::size_t>(i) % targets.size();
    const int turn = i / static_cast<int>(targets.size());  // the target's own request count
    Record r;
    r.request_id = static_cast<std::uint64_t>(i + 1);
    r.start_unix_ns = facts.started_unix_ns + std::int64_t{i} * 16'666'667;
    r.target = static_cast<std::uint16_t>(target);
    r.wait_ns = 20'000;
    r.connect_ns = i < 6 ? 250'000 : 0;
    const std::int64_t spread = std::int64_t{i} * 7919 % 100;  // 0..99, scrambled
    if (target == 2 && turn % 10 == 9) {
      r.error = ErrorCategory::redirect;
      r.redirects = 3;
      r.total_ns = 9'000'000;
    } else {
      r.status = target == 1 ? (turn % 7 == 6 ? 503 : 201) : 200;
      r.redirects = target == 2 ? 2 : 0;
      if (r.redirects > 0) r.final_url = "http://127.0.0.1:8080/get";
      const std::int64_t base = target == 0 ? 1'000'000 : (target == 1 ? 3'000'000 : 2'000'000);
      const std::int64_t width = target == 1 ? 30'000 : 10'000;
      r.ttfb_ns = base + spread * width - 200'000;
      r.ttlb_ns = base + spread * width;
      r.total_ns = r.ttlb_ns + r.wait_ns + r.connect_ns;
      r.bytes = 300;
    }
    const auto second =
        static_cast<std::size_t>((r.start_unix_ns - facts.started_unix_ns) / 1'000'000'000);
    whole.add(r);
    whole.timeline.add(second, r);
    each[target].add(r);
    each[target].timeline.add(second, r);
    if (i < 6) {
      details.push_back({r.request_id, r.start_unix_ns, targets[target].url, targets[target].method,
                         r.error == ErrorCategory::none ? r.status : 0,
                         r.error == ErrorCategory::none ? "" : std::string(to_string(r.error)),
                         static_cast<double>(r.total_ns) / 1e9});
    }
  }
  stats::GeneratorLoad generator;
  for (int tick = 0; tick < 250; ++tick)
    generator.loop_lag.record(20'000 + (tick * 37 % 100) * 900);
  generator.workers = {{0.5, 2.5, 0}};
  stats::RunSummary s = stats::summarize(whole, facts, generator);
  for (std::size_t t = 0; t < targets.size(); ++t) {
    stats::RunFacts own = facts;
    own.url = targets[t].url;
    own.method = targets[t].method;
    own.targets.clear();
    s.targets.push_back(stats::summarize(each[t], own));
  }
  s.details = details;
  s.storage = {"load.db", 9, true, ""};
  s.notes = {"Every request is stored in load.db (run 9)."};
  s.thresholds = stats::evaluate(stats::parse_thresholds("p95<5ms"), s);
  return s;
}

// The three targets behind the golden files of a run of several targets: the second URL is longer
// than the terminal's URL column, the third redirects.
inline std::vector<TargetName> golden_targets() {
  return {{"GET", "http://127.0.0.1:8080/get?page=1&size=20"},
          {"POST", "http://127.0.0.1:8080/api/v1/orders/checkout/confirm?session=0123456789abcdef"},
          {"GET", "http://127.0.0.1:8080/redirect/2"}};
}

}  // namespace ccload::report::test
