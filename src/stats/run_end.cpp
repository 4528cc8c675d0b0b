#include "stats/run_end.hpp"

#include <fmt/format.h>

namespace ccload::stats {

namespace {

std::string requests_word(std::uint64_t n) { return n == 1 ? "request" : "requests"; }

// How long the run was planned to last: -z, else the stages' sum; 0 when unbounded.
double planned_s(const RunFacts& facts) {
  if (facts.duration_limit_s) return *facts.duration_limit_s;
  double total = 0;
  for (const Stage& stage : facts.stages) total += stage.duration_s;
  return total;
}

}  // namespace

std::optional<std::string> early_end_sentence(const RunSummary& s) {
  const RunFacts& facts = s.facts;
  if (facts.cut_short) {
    return fmt::format(
        "Cut short: a process of this run stopped before the run ended (killed, or still "
        "running); these figures are its {} stored {}.",
        s.requests, requests_word(s.requests));
  }
  if (!facts.interrupted) return std::nullopt;
  const std::string by = facts.stop_signal.empty() ? "" : " by " + facts.stop_signal;
  if (facts.requested) {
    return fmt::format("Interrupted{}: {} of {} requests completed.", by, s.requests,
                       *facts.requested);
  }
  const double planned = planned_s(facts);
  if (planned > 0) {
    return fmt::format("Interrupted{}: {} {} completed, {:.3f} s into {:.3f} s.", by, s.requests,
                       requests_word(s.requests), facts.duration_s, planned);
  }
  return fmt::format("Interrupted{}: {} {} completed in {:.3f} s.", by, s.requests,
                     requests_word(s.requests), facts.duration_s);
}

std::optional<std::string> dropped_sentence(const RunSummary& s) {
  const RunFacts& facts = s.facts;
  if (facts.dropped == 0) return std::nullopt;
  const char* end = facts.stages.empty() ? "-z ended" : "the last stage ended";
  return fmt::format(
      "Dropped {} {}: their scheduled time came but no connection was free to send them before {}, "
      "so the server (or -c {}) could not keep up with the rate. They were never sent and are not "
      "in the requests, failures or figures.",
      facts.dropped, requests_word(facts.dropped), end, facts.concurrency);
}

}  // namespace ccload::stats
