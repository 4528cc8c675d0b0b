#pragma once
// A run of several targets stored through the real writer (SQLite or PostgreSQL), with the summary
// the live run would have: request k (1-based) went to target (k - 1) mod T.
//
// Per request k to target t: total time (t + 1) ms + k us; target 2's even-numbered requests
// answer 500; every request to target 1 followed one redirect to targets[1].url + "final".

#include <string>
#include <vector>

#include "core/target.hpp"
#include "stats/run_stats.hpp"
#include "stats/run_summary.hpp"
#include "store/run_writer.hpp"
#include "store/store_support.hpp"

namespace ccload::store::test {

inline const std::vector<TargetName> kThreeTargets = {
    {"GET", "http://a.test/one"}, {"POST", "http://b.test/two"}, {"GET", "http://c.test/three"}};

inline Record target_record(std::uint64_t k, std::size_t target_count, std::int64_t start_ns,
                            const std::vector<TargetName>& targets) {
  const auto t = static_cast<std::uint16_t>((k - 1) % target_count);
  Record r = make_record(k, start_ns + static_cast<std::int64_t>(k) * 1'000'000,
                         (t + 1) * 1'000'000 + static_cast<std::int64_t>(k) * 1000,
                         t == 2 && k % 2 == 0 ? 500 : 200);
  r.target = t;
  if (t == 1) {
    r.redirects = 1;
    r.final_url = targets[1].url + "final";
  }
  return r;
}

// The facts of such a run: the first target's url and method, every target, 3 hops at most.
inline stats::RunFacts targets_facts(const std::vector<TargetName>& targets, std::int64_t start_ns,
                                     std::uint64_t n) {
  stats::RunFacts facts;
  facts.url = targets.front().url;
  facts.method = targets.front().method;
  facts.targets = targets;
  facts.max_redirects = 3;
  facts.requested = n;
  facts.concurrency = 2;
  facts.started_unix_ns = start_ns;
  return facts;
}

// The summary the live run reports: the whole, and one per target (facts naming the target).
inline stats::RunSummary targets_summary(const std::vector<TargetName>& targets,
                                         std::int64_t start_ns, std::uint64_t n,
                                         double duration_s = 10) {
  stats::RunStats whole;
  std::vector<stats::RunStats> each(targets.size());
  for (std::uint64_t k = 1; k <= n; ++k) {
    const Record r = target_record(k, targets.size(), start_ns, targets);
    whole.add(r);
    each[r.target].add(r);
  }
  stats::RunFacts facts = targets_facts(targets, start_ns, n);
  facts.duration_s = duration_s;
  stats::RunSummary summary = stats::summarize(whole, facts);
  for (std::size_t t = 0; t < targets.size(); ++t) {
    stats::RunFacts own = facts;
    own.url = targets[t].url;
    own.method = targets[t].method;
    own.targets.clear();
    stats::apply_target_share(own, t, targets.size());
    summary.targets.push_back(stats::summarize(each[t], own));
  }
  return summary;
}

struct StoredTargetsRun {
  StoreOutcome outcome;
  stats::RunSummary summary;
};

// Writes the n requests and the summary; `database` is a SQLite path or a postgresql:// URL.
inline StoredTargetsRun store_targets_run(const std::string& database, std::int64_t started_s,
                                          std::uint64_t n,
                                          const std::vector<TargetName>& targets = kThreeTargets) {
  const std::int64_t start_ns = unix_ns(started_s);
  RunWriter writer(database, targets_facts(targets, start_ns, n));
  std::vector<Record> batch;
  for (std::uint64_t k = 1; k <= n; ++k) {
    batch.push_back(target_record(k, targets.size(), start_ns, targets));
  }
  writer.submit(std::move(batch));
  StoredTargetsRun run;
  run.summary = targets_summary(targets, start_ns, n);
  run.outcome = writer.finish({start_ns + 10'000'000'000, &run.summary});
  EXPECT_TRUE(run.outcome.ok) << run.outcome.error;
  return run;
}

}  // namespace ccload::store::test
