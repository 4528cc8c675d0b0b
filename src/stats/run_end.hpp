#pragma once
// How a run ended, in the words every report uses (terminal, HTML, `ccload report`): stopped by a
// signal, cut short (its process died before writing its summary), or paced requests dropped at
// the end of -z or the last stage. One place for the wording.

#include <optional>
#include <string>

#include "stats/run_summary.hpp"

namespace ccload::stats {

// Why the run stopped early, one sentence; none for a run that reached its end. A cut-short run:
// "Cut short: a process of this run stopped before the run ended (killed, or still running);
// these figures are its N stored requests." A
// run stopped by a signal: "Interrupted by SIGTERM: 37 of 1000 requests completed." (or "... 37
// requests completed, 1.234 s into 10.000 s.").
std::optional<std::string> early_end_sentence(const RunSummary& summary);

// Requests dropped at the end of a paced run, one sentence saying the server (or -c) could not
// keep up with the rate; none when nothing was dropped.
std::optional<std::string> dropped_sentence(const RunSummary& summary);

}  // namespace ccload::stats
