#pragma once
// The targets of a run: what each request of it is sent to, as the user described them (URLs on
// the command line, or a targets file in vegeta's format). Requests go to the targets in turn:
// request k (0-based) to target k mod T.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ccload {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The HTTP methods ccload sends (-m, the seed's -GET ..., a targets file), upper case.
inline constexpr std::array<std::string_view, 7> kHttpMethods = {
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
inline constexpr const char* kHttpMethodList = "GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS";

// Figures per target are kept for runs of up to this many targets (each costs every worker a set
// of histograms); a run of more has its totals, and every request's own URL in the store.
inline constexpr std::size_t kMaxTargetBreakdown = 100;

// One target, complete: the request sent to it on every turn.
struct TargetSpec {
  std::string method = "GET";     // upper case
  std::string url = {};           // absolute http:// or https:// URL, as written
  HeaderList headers = {};        // extra request headers, in order
  std::string body = {};          // sent when non-empty
  std::string content_type = {};  // Content-Type for the body, when set and not among the headers
};

// A target as every report and the store name it.
struct TargetName {
  std::string method;  // upper case
  std::string url;
  bool operator==(const TargetName&) const = default;
};

inline std::vector<TargetName> target_names(const std::vector<TargetSpec>& targets) {
  std::vector<TargetName> names;
  names.reserve(targets.size());
  for (const auto& target : targets) names.push_back({target.method, target.url});
  return names;
}

}  // namespace ccload
