#pragma once
// The seed's spelling of the command line (PyLoad's README: `-u URL -n 100 -c 10 -GET`,
// `-f FILE ...`, `-history -weekly`) and how it maps onto the subcommands.

#include <string>
#include <vector>

namespace ccload::cli {

inline constexpr const char* kExample = "ccload -u http://127.0.0.1:8080/get -n 100 -c 10 -GET";

// The seed's spelling rewritten to the modern one (`run --seed-form -u URL ...`,
// `history --weekly`); anything else is returned unchanged. Throws UsageError for a seed-form
// command line that misses what the seed's README requires (-n, -c, one method flag).
std::vector<std::string> rewrite_seed_form(std::vector<std::string> args);

}  // namespace ccload::cli
