#include "stats/run_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "stats/run_end.hpp"
#include "stats/tls_findings.hpp"

namespace ccload::stats {

bool RunSummary::thresholds_failed() const {
  return std::any_of(thresholds.begin(), thresholds.end(),
                     [](const ThresholdVerdict& v) { return !v.passed; });
}

std::vector<TargetName> targets_of(const RunFacts& facts) {
  if (!facts.targets.empty()) return facts.targets;
  return {{facts.method, facts.url}};
}

bool same_targets(const RunFacts& a, const RunFacts& b) { return targets_of(a) == targets_of(b); }

std::string describe_targets(const RunFacts& facts) {
  const std::vector<TargetName> targets = targets_of(facts);
  if (targets.size() == 1) return targets.front().method + " " + targets.front().url;
  std::string out = std::to_string(targets.size()) + " targets (";
  for (std::size_t i = 0; i < targets.size() && i < 2; ++i) {
    out += (i ? ", " : "") + targets[i].method + " " + targets[i].url;
  }
  return out + (targets.size() > 2 ? ", ...)" : ")");
}

void apply_target_share(RunFacts& facts, std::size_t index, std::size_t count) {
  if (count == 0) return;
  if (facts.requested) {
    const std::uint64_t n = *facts.requested;
    facts.requested = n / count + (index < n % count ? 1 : 0);
  }
  if (facts.rate) facts.rate = *facts.rate / static_cast<double>(count);
}

double requests_per_second(std::uint64_t requests, double duration_s) {
  return duration_s > 0 ? static_cast<double>(requests) / duration_s : 0;
}

RunSummary summarize(const RunStats& stats, RunFacts facts, const GeneratorLoad& generator) {
  RunSummary s;
  s.facts = std::move(facts);
  s.requests = stats.requests;
  s.succeeded = stats.succeeded;
  s.failed = stats.failed;
  s.bytes = stats.bytes;
  s.redirected = stats.redirected;
  s.rps = requests_per_second(s.requests, s.facts.duration_s);
  s.status_codes = stats.status_counts();
  s.errors = stats.by_error;
  s.errors[0] = 0;
  s.tls_reasons = stats.by_tls_reason;
  for (auto [timing, histogram] :
       {std::pair{&s.total, &stats.total}, std::pair{&s.ttfb, &stats.ttfb},
        std::pair{&s.ttlb, &stats.ttlb}, std::pair{&s.connect, &stats.connect},
        std::pair{&s.wait, &stats.wait}, std::pair{&s.service, &stats.service}}) {
    timing->histogram = *histogram;
    timing->figures = stats::summarize(*histogram);
  }
  if (!stats.record_waits) {  // a closed model: nothing waited, service time is total time
    s.wait.histogram = Histogram();
    s.wait.histogram.record(0, stats.requests);
    s.wait.figures = stats::summarize(s.wait.histogram);
    s.service = s.total;
  }
  s.timeline = stats.timeline.seconds();
  for (std::size_t i = 0; i < s.facts.checks.size() && i < kMaxChecks; ++i) {
    s.checks.push_back(
        {s.facts.checks[i], stats.checked - stats.check_failed[i], stats.check_failed[i]});
  }
  s.waited = stats.waited;
  s.body_capped = stats.body_capped;
  s.generator = check_generator(generator, s.service.figures.p50);
  return s;
}

std::optional<double> target_rate(const RunFacts& facts) {
  if (facts.rate) return facts.rate;
  if (facts.stages.empty()) return std::nullopt;
  double requests = 0, duration = 0, rate = facts.start_rate.value_or(0);
  for (const Stage& stage : facts.stages) {
    requests += (rate + stage.target_rate) / 2 * stage.duration_s;
    duration += stage.duration_s;
    rate = stage.target_rate;
  }
  return duration > 0 ? requests / duration : 0;
}

std::string lag_against_latency(const GeneratorCheck& g) {
  if (!g.lag_share) return "with no response time to weigh it against";
  return fmt::format("{:.0f}% of the service-time p50 ({:.3f} ms)", *g.lag_share * 100,
                     g.latency_p50_s * 1e3);
}

namespace {

// Sentences about the protocol, the targets and the shards of the run.
void run_shape_findings(const RunSummary& s, std::vector<std::string>& out) {
  const RunFacts& f = s.facts;
  if (f.http2_refused > 0) {
    out.push_back(fmt::format(
        "The server did not agree to HTTP/2 (ALPN h2) in {} TLS handshakes: those requests failed "
        "as tls. Run without --http2 to test it over HTTP/1.1.",
        f.http2_refused));
  }
  if (f.h2c_http1_answers > 0) {
    out.push_back(fmt::format(
        "The server answered in HTTP/1.1 where its HTTP/2 preface was due on {} connections: it "
        "does not speak HTTP/2 over cleartext (h2c), so those requests failed as protocol. Run "
        "without --http2, or use an https URL, where HTTP/2 is agreed by ALPN.",
        f.h2c_http1_answers));
  }
  if (f.h2c_closed_silently > 0) {
    out.push_back(fmt::format(
        "The server closed {} HTTP/2 connections over cleartext before sending a byte: it may not "
        "speak HTTP/2 over cleartext (h2c); those requests failed as read. Run without --http2 "
        "to test it over HTTP/1.1, or use an https URL, where HTTP/2 is agreed by ALPN.",
        f.h2c_closed_silently));
  }
  if (f.streams_requested && *f.streams_requested > f.streams) {
    out.push_back(fmt::format(
        "The server allows {} concurrent streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS), "
        "fewer than --streams {}: {} were used, and the time requests waited for a stream is in "
        "their wait, not in their first and last byte.",
        f.streams, *f.streams_requested, f.streams));
  }
  if (f.targets.size() > kMaxTargetBreakdown) {
    out.push_back(fmt::format(
        "{} targets: figures per target are kept for runs of up to {}, so this report shows the "
        "totals; every request's own URL is in the stored rows.",
        f.targets.size(), kMaxTargetBreakdown));
  }
  // An agent's own run (a merged run's shard lines say how late each shard was).
  if (s.shard_lines.empty() && f.start_late_s && *f.start_late_s > 1.0) {
    out.push_back(fmt::format(
        "This agent started {:.3f} s after --start-at: its share of the load came late (a busy "
        "or slow-starting machine, or clocks out of step).",
        *f.start_late_s));
  }
  if (s.shard_targets_differ) {
    out.push_back(
        "Warning: the shards ran different targets; the figures are not shown per target.");
  }
  if (!s.shard_lines.empty() && s.shard_lines.size() < f.shards) {
    out.push_back(fmt::format("Warning: {} of {} shards stored; the figures cover those only.",
                              s.shard_lines.size(), f.shards));
  }
}

// Which requests the latency figures cover (--latency-includes-failures or not), said either way.
std::string latency_scope_sentence(const RunSummary& s) {
  std::uint64_t unanswered = 0;  // transport errors: failed without a response
  for (std::size_t i = 1; i < s.errors.size(); ++i) unanswered += s.errors[i];
  const auto requests = [](std::uint64_t n) { return n == 1 ? "request" : "requests"; };
  if (s.facts.latency_includes_failures) {
    return fmt::format(
        "Latency includes failures (--latency-includes-failures): total and service time also "
        "cover the {} {} that failed without a response, timed to their failure.",
        unanswered, requests(unanswered));
  }
  if (unanswered == 0) {
    return "Latency covers the requests that got a response (here every one did); "
           "--latency-includes-failures would also time those that fail without one.";
  }
  return fmt::format(
      "Latency covers the {} {} that got a response; the {} that failed without one are counted "
      "by category, not timed (--latency-includes-failures times them too, as k6 and vegeta do).",
      s.requests - unanswered, requests(s.requests - unanswered), unanswered);
}

}  // namespace

std::vector<std::string> findings(const RunSummary& s) {
  std::vector<std::string> out;
  run_shape_findings(s, out);
  add_tls_findings(s, out);
  const std::uint64_t client = s.errors[static_cast<std::size_t>(ErrorCategory::client)];
  if (client > 0) {
    out.push_back(fmt::format(
        "{} {} failed on the load generator's own machine (errors `client`: out of file "
        "descriptors, ephemeral ports or kernel memory): these failures are ccload's, not the "
        "server's.",
        client, client == 1 ? "request" : "requests"));
  }
  if (s.body_capped > 0) {
    const bool one = s.body_capped == 1;
    out.push_back(fmt::format(
        "{} {} failed {} checks because {} body was longer than --body-cap ({} bytes): a check "
        "that reads the body judges only a whole body; raise --body-cap to judge {}.",
        s.body_capped, one ? "response" : "responses", one ? "its" : "their",
        one ? "its" : "each one's", s.facts.body_cap, one ? "it" : "them"));
  }
  const GeneratorCheck& g = s.generator;
  if (g.verdict == GeneratorVerdict::saturated) {
    out.push_back(fmt::format(
        "The load generator was saturated (generator-limited: saturated): its busiest worker "
        "was busy {:.0f}% of the time it was not waiting for a CPU ({:.0f}% of a core; over 90% "
        "of a core {:.0f}% of the run) while its event loop lagged, p99 {:.3f} ms over {} ticks, "
        "{}; the figures partly measure ccload, not the server. Use more --threads, fewer "
        "connections (-c) or more machines.",
        g.busiest_busy_share * 100, g.busiest_cpu_share * 100, g.busiest_saturated_share * 100,
        g.loop_lag.p99 * 1e3, g.loop_lag.count, lag_against_latency(g)));
  } else if (g.verdict == GeneratorVerdict::delayed) {
    out.push_back(fmt::format(
        "The load generator was delayed (generator-limited: delayed): its event loop woke late, "
        "p99 {:.3f} ms over {} ticks, {}, while its busiest worker used only {:.0f}% CPU (busy "
        "{:.0f}% of the time it was not waiting for a CPU), so other processes took the CPU; "
        "timings below {:.3f} ms are not to be trusted. Quiet the machine (or run ccload on one "
        "with cores to spare).",
        g.loop_lag.p99 * 1e3, g.loop_lag.count, lag_against_latency(g), g.busiest_cpu_share * 100,
        g.busiest_busy_share * 100, g.loop_lag.p99 * 1e3));
  }
  if (s.paced() && s.waited > 0) {
    out.push_back(
        fmt::format("{} of {} requests waited more than 1 ms past their scheduled time for a free "
                    "connection (Wait Time).",
                    s.waited, s.requests));
  }
  if (const auto target = target_rate(s.facts); target && *target > 0 && s.facts.duration_s > 0 &&
                                                s.rps < 0.95 * *target && !s.facts.interrupted) {
    const std::string why =
        g.verdict == GeneratorVerdict::saturated
            ? "the generator could not keep up (ccload is the limit: see above)"
        : g.verdict == GeneratorVerdict::delayed
            ? "the generator's event loop was delayed by other processes (see above)"
        : s.waited > 0 ? "every connection was busy waiting for the server (the server is the "
                         "limit; more -c helps only if it can take more)"
                       : "no request waited for a connection, so the time to the last responses "
                         "lengthened the run";
    out.push_back(fmt::format("Achieved {:.1f} req/s, {:.0f}% of the target {:.1f} req/s: {}.",
                              s.rps, s.rps / *target * 100, *target, why));
  }
  if (auto dropped = dropped_sentence(s)) out.push_back(std::move(*dropped));
  if (s.paced()) {
    out.push_back(
        "Total time counts from each request's scheduled time (what a user of the service saw); "
        "service time counts from its send (what the server took).");
  }
  out.push_back(latency_scope_sentence(s));
  return out;
}

Timing timing_from_samples(std::vector<std::int64_t>& samples_ns) {
  Timing timing;
  for (std::int64_t ns : samples_ns) timing.histogram.record(ns);
  TimingSummary& f = timing.figures;
  f.count = samples_ns.size();
  if (samples_ns.empty()) return timing;
  std::sort(samples_ns.begin(), samples_ns.end());
  auto at = [&](double q) {  // nearest rank, as the histogram defines its quantiles
    return static_cast<double>(samples_ns[nearest_rank(q, samples_ns.size()) - 1]) / 1e9;
  };
  f.min = static_cast<double>(samples_ns.front()) / 1e9;
  f.max = static_cast<double>(samples_ns.back()) / 1e9;
  f.mean = timing.histogram.mean() / 1e9;
  f.p50 = at(0.50);
  f.p90 = at(0.90);
  f.p95 = at(0.95);
  f.p99 = at(0.99);
  f.p999 = at(0.999);
  return timing;
}

}  // namespace ccload::stats
