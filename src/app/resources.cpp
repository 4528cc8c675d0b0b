#include "app/resources.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <limits>

namespace ccload::app {

namespace {
std::uint64_t as_count(rlim_t value) {
  return value == RLIM_INFINITY ? std::numeric_limits<std::uint64_t>::max()
                                : static_cast<std::uint64_t>(value);
}
}  // namespace

DescriptorLimit raise_descriptor_limit() {
  DescriptorLimit out;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.soft_before = out.soft = out.hard = std::numeric_limits<std::uint64_t>::max();
    return out;
  }
  out.soft_before = as_count(limit.rlim_cur);
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    // An unlimited hard limit cannot be the soft one for descriptors (fs.nr_open caps it): then
    // the soft limit stays as it was.
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  out.soft = as_count(limit.rlim_cur);
  out.hard = as_count(limit.rlim_max);
  return out;
}

std::uint64_t descriptors_needed(std::uint64_t connections, std::uint64_t workers) {
  return connections + kDescriptorMargin + kDescriptorsPerWorker * workers;
}

std::optional<std::string> descriptor_problem(std::uint64_t connections, std::uint64_t workers,
                                              const DescriptorLimit& limit) {
  const std::uint64_t needed = descriptors_needed(connections, workers);
  if (needed <= limit.soft) return std::nullopt;
  const std::uint64_t own = needed - connections;
  const std::string lower =
      limit.soft > own ? fmt::format("lower -c to {} or less", limit.soft - own) : "lower -c";
  return fmt::format(
      "-c {} needs {} file descriptors ({} connections + {} for ccload itself), but this process "
      "may open at most {} (ulimit -n; hard limit {}): raise the limit, for example `ulimit -n "
      "{}` before running ccload (above the hard limit needs root or /etc/security/limits.conf), "
      "or {}",
      connections, needed, connections, own, limit.soft, limit.hard, needed, lower);
}

}  // namespace ccload::app
