#pragma once
// The report's sentences on why TLS failed: one per reason that occurred (RunSummary::tls_reasons),
// with its count, what it means and the fix (`--cacert`, `--insecure`, ...), as curl would say it.

#include <string>
#include <vector>

#include "stats/run_summary.hpp"

namespace ccload::stats {

// Appends "N requests failed as tls (tls: REASON): ..." for each reason counted, in the order of
// TlsReason. The reason `no_h2` is left to the run's note on HTTP/2 (app/run_command.cpp).
void add_tls_findings(const RunSummary& s, std::vector<std::string>& out);

}  // namespace ccload::stats
