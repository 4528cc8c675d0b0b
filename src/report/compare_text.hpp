#pragma once
// `ccload compare` and `--baseline` in the terminal: the two runs side by side with the change
// and verdict of each figure.

#include <ostream>
#include <string>

#include "stats/comparison.hpp"

namespace ccload::report {

// `a_label`, `b_label`: how to name the runs ("run 7", "this run").
void print_comparison(std::ostream& out, const stats::RunComparison& comparison,
                      const std::string& a_label, const std::string& b_label);

}  // namespace ccload::report
