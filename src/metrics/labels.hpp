#pragma once
// What every exported series of a run is labelled with, so that the series of a distributed run's
// agents sum in a query (by run) and stay apart where they should (by shard, by target).

#include <string>
#include <vector>

namespace ccload::metrics {

struct RunLabels {
  std::string run;    // --run-id, else the stored run's id ("17"), else "" (unstored, unnamed)
  std::string shard;  // "2/3" for --shard 2/3, "1/1" otherwise
  // The targets' URLs by index (templated URLs as written). A run of one target, or of more than
  // core::kMaxTargetBreakdown, labels its whole with targets[0] or "*".
  std::vector<std::string> targets;
};

}  // namespace ccload::metrics
