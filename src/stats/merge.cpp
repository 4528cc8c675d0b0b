#include "stats/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ccload::stats {

namespace {

// The figures, counts, facts and shard lines of `shards` merged (no notes, no targets).
RunSummary merge_parts(const std::vector<RunSummary>& shards, unsigned expected) {
  RunSummary m;
  if (shards.empty()) return m;
  m.facts = shards.front().facts;
  m.facts.shard = 0;
  m.facts.shards = expected;
  m.facts.requested.reset();
  m.facts.rate.reset();
  m.facts.concurrency = 0;
  m.facts.connections_opened = 0;
  m.facts.http2_refused = 0;
  m.facts.h2c_http1_answers = m.facts.h2c_closed_silently = 0;
  m.facts.interrupted = false;
  m.facts.stop_signal.clear();  // each shard's own report names the signal that stopped it
  m.facts.dropped = 0;
  m.facts.cut_short = false;
  m.facts.start_late_s.reset();
  m.checks = shards.front().checks;  // the same --check list: summed below, check by check
  for (CheckTally& c : m.checks) c.passed = c.failed = 0;
  std::uint64_t requested = 0;
  bool all_requested = true;
  double rate = 0;
  std::int64_t first_start = std::numeric_limits<std::int64_t>::max();
  std::int64_t last_end = std::numeric_limits<std::int64_t>::min();
  for (const auto& s : shards) {
    first_start = std::min(first_start, s.facts.started_unix_ns);
    last_end =
        std::max(last_end, s.facts.started_unix_ns +
                               static_cast<std::int64_t>(std::llround(s.facts.duration_s * 1e9)));
  }
  for (const auto& s : shards) {
    const RunFacts& f = s.facts;
    if (f.requested) {
      requested += *f.requested;
    } else {
      all_requested = false;
    }
    if (f.rate) rate += *f.rate;
    m.facts.concurrency += f.concurrency;
    m.facts.connections_opened += f.connections_opened;
    m.facts.http2_refused += f.http2_refused;
    m.facts.h2c_http1_answers += f.h2c_http1_answers;
    m.facts.h2c_closed_silently += f.h2c_closed_silently;
    m.facts.interrupted = m.facts.interrupted || f.interrupted;
    m.facts.dropped += f.dropped;
    m.facts.cut_short = m.facts.cut_short || f.cut_short;
    m.requests += s.requests;
    m.succeeded += s.succeeded;
    m.failed += s.failed;
    m.bytes += s.bytes;
    for (const auto& [code, count] : s.status_codes) m.status_codes[code] += count;
    for (std::size_t i = 0; i < m.errors.size(); ++i) m.errors[i] += s.errors[i];
    for (std::size_t i = 0; i < m.tls_reasons.size(); ++i) m.tls_reasons[i] += s.tls_reasons[i];
    m.body_capped += s.body_capped;
    for (std::size_t i = 0; i < std::min(m.checks.size(), s.checks.size()); ++i) {
      m.checks[i].passed += s.checks[i].passed;
      m.checks[i].failed += s.checks[i].failed;
    }
    m.total.histogram.merge(s.total.histogram);
    m.ttfb.histogram.merge(s.ttfb.histogram);
    m.ttlb.histogram.merge(s.ttlb.histogram);
    m.connect.histogram.merge(s.connect.histogram);
    m.wait.histogram.merge(s.wait.histogram);
    m.service.histogram.merge(s.service.histogram);
    m.waited += s.waited;
    m.redirected += s.redirected;
    // The generator check of the whole: every agent's loop lag and workers, judged below on the
    // merged figures (so the verdict never contradicts the figures printed with it).
    m.generator.loop_lag_histogram.merge(s.generator.loop_lag_histogram);
    m.generator.workers.insert(m.generator.workers.end(), s.generator.workers.begin(),
                               s.generator.workers.end());
    m.generator.measured = m.generator.measured || s.generator.measured;
    // Timelines aligned on the earliest start, to the second.
    const auto shift = static_cast<std::size_t>((f.started_unix_ns - first_start) / 1'000'000'000);
    for (std::size_t i = 0; i < s.timeline.size(); ++i) {
      if (m.timeline.size() <= i + shift) m.timeline.resize(i + shift + 1);
      m.timeline[i + shift].merge(s.timeline[i]);
    }
    m.shard_lines.push_back({f.shard, s.storage.run_id, s.requests, s.failed, f.duration_s,
                             f.start_late_s, !f.cut_short});
    if (f.start_late_s && (!m.facts.start_late_s || *f.start_late_s > *m.facts.start_late_s)) {
      m.facts.start_late_s = f.start_late_s;  // the latest shard's lateness
    }
  }
  if (all_requested) m.facts.requested = requested;
  if (rate > 0) m.facts.rate = rate;
  m.facts.started_unix_ns = first_start;
  m.facts.duration_s = static_cast<double>(last_end - first_start) / 1e9;
  m.rps = requests_per_second(m.requests, m.facts.duration_s);
  for (Timing* t : {&m.total, &m.ttfb, &m.ttlb, &m.connect, &m.wait, &m.service}) {
    t->figures = summarize(t->histogram);
  }
  if (m.generator.measured) {
    m.generator = check_generator({m.generator.loop_lag_histogram, m.generator.workers},
                                  m.service.figures.p50);
  }
  std::sort(m.shard_lines.begin(), m.shard_lines.end(),
            [](const ShardLine& a, const ShardLine& b) { return a.shard < b.shard; });
  m.storage = shards.front().storage;
  m.storage.run_id = 0;
  m.storage.stored = std::all_of(shards.begin(), shards.end(),
                                 [](const RunSummary& s) { return s.storage.stored; });
  return m;
}

// Every shard ran the same targets (in the same order) and summarized each of them.
bool same_targets(const std::vector<RunSummary>& shards) {
  const RunSummary& first = shards.front();
  if (first.targets.empty()) return false;
  return std::all_of(shards.begin(), shards.end(), [&](const RunSummary& s) {
    return s.facts.targets == first.facts.targets && s.targets.size() == first.targets.size();
  });
}

}  // namespace

RunSummary merge_shards(const std::vector<RunSummary>& shards, unsigned expected) {
  if (shards.empty()) return RunSummary{};
  RunSummary m = merge_parts(shards, expected);
  // Per target: the same target's summaries of every shard merged, by index.
  if (same_targets(shards)) {
    for (std::size_t i = 0; i < shards.front().targets.size(); ++i) {
      std::vector<RunSummary> parts;
      parts.reserve(shards.size());
      for (const auto& s : shards) {
        parts.push_back(s.targets[i]);
        parts.back().facts.shard = s.facts.shard;
        parts.back().storage = s.storage;
      }
      RunSummary target = merge_parts(parts, expected);
      target.facts.url = shards.front().targets[i].facts.url;
      target.facts.method = shards.front().targets[i].facts.method;
      target.facts.targets.clear();
      target.shard_lines.clear();
      target.storage = {};
      m.targets.push_back(std::move(target));
    }
  } else if (std::any_of(shards.begin(), shards.end(),
                         [](const RunSummary& s) { return !s.targets.empty(); })) {
    m.shard_targets_differ = true;  // said by stats::findings
  }
  for (const auto& line : m.shard_lines) {
    std::string late;
    if (line.start_late_s)
      late = fmt::format(", started {:.3f} s after --start-at", *line.start_late_s);
    m.notes.push_back(
        fmt::format("Shard {}/{}: run {}, {} requests, {} failed, {:.3f} s{}{}.", line.shard,
                    expected, line.run_id, line.requests, line.failed, line.duration_s, late,
                    line.finished ? "" : "; it was cut short (from its stored rows)"));
  }
  return m;
}

}  // namespace ccload::stats
