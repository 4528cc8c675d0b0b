// --fail-on expressions: parse_thresholds either returns thresholds or throws ThresholdError (one
// line naming the figures); every threshold it returns can be judged on a run.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stats/run_stats.hpp"
#include "stats/run_summary.hpp"
#include "stats/thresholds.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ccload::stats;
  static const RunSummary run = [] {
    RunStats stats;
    for (int i = 1; i <= 50; ++i) {
      ccload::Record r;
      r.status = i % 10 == 0 ? 503 : 200;
      r.total_ns = i * 100'000;
      stats.add(r);
    }
    RunFacts facts;
    facts.duration_s = 1;
    return summarize(stats, facts);
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const Threshold& threshold : parse_thresholds(text)) {
      const ThresholdVerdict verdict = evaluate(threshold, run);
      if (verdict.expression.empty()) __builtin_trap();  // every threshold keeps its text
    }
  } catch (const ThresholdError& error) {
    if (std::string_view(error.what()).find('\n') != std::string_view::npos) __builtin_trap();
  }
  return 0;
}
