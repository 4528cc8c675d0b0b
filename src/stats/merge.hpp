#pragma once
// A distributed run's shards merged into one summary, exactly: histograms summed bucket by bucket
// (never averaged percentiles), counts, status codes, errors and timelines summed, wall time from
// the earliest start to the latest end.

#include <cstdint>
#include <vector>

#include "stats/run_summary.hpp"

namespace ccload::stats {

// `shards` with their run ids (storage.run_id); `expected` is N of --shard i/N. The result's
// shard_lines lists each shard (and notes give a line per shard); stats::findings says when shards
// are missing or ran different targets.
RunSummary merge_shards(const std::vector<RunSummary>& shards, unsigned expected);

}  // namespace ccload::stats
