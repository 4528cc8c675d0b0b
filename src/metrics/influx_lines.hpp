#pragma once
// A run's second in the InfluxDB line protocol (k6's classic output): what `--influx` writes, one
// batch per second. Pure. Points, stamped with the second's end (ns):
//   ccload,run=R,shard=S,target=T requests=12i,failed=1i,bytes=512i,latency_p50=0.001,...,
//       latency_p99=...,requests_total=..i,failed_total=..i
//     (the second's figures, then the run's so far; latency in seconds, absent when the second
//     had no response)
//   ccload_status,run=R,shard=S,target=T,status=200 count=11i       (the second's responses)
//   ccload_errors,run=R,shard=S,target=T,category=timeout count=1i  (the second's errors)
//   ccload_generator,run=R,shard=S in_flight=10i,loop_lag=0.0002,target_rate=100,elapsed=3

#include <string>

#include "metrics/labels.hpp"
#include "stats/snapshot.hpp"

namespace ccload::metrics {

// `previous`: the snapshot before (for the second's status and error counts), or null for the
// first.
std::string influx_lines(const stats::Snapshot& snapshot, const stats::Snapshot* previous,
                         const RunLabels& labels);

// A tag value escaped as the protocol asks (comma, equals sign, space).
std::string escape_tag(const std::string& value);

}  // namespace ccload::metrics
