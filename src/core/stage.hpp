#pragma once
// One stage of a ramping rate (--stages), shared by the engine's schedule and the run's facts.

#include <fmt/format.h>

#include <string>
#include <vector>

namespace ccload {

// Over `duration_s` seconds (> 0) the rate moves linearly from the previous stage's target (the
// first stage: from the start rate) to `target_rate` (requests per second, >= 0), as k6's ramping
// arrival rate.
struct Stage {
  double duration_s = 0;
  double target_rate = 0;
  bool operator==(const Stage&) const = default;
};

// The stages as --stages takes them, durations in seconds: "30s:100,60s:500,30s:0".
inline std::string stages_text(const std::vector<Stage>& stages) {
  std::string out;
  for (const Stage& stage : stages) {
    if (!out.empty()) out += ',';
    out += fmt::format("{:g}s:{:g}", stage.duration_s, stage.target_rate);
  }
  return out;
}

}  // namespace ccload
