#include <fmt/format.h>

#include "report/report.hpp"

namespace ccload::report {

std::string progress_line(const engine::Progress& progress, std::uint64_t requested,
                          double duration_limit_s) {
  const double rate =
      progress.elapsed_s > 0 ? static_cast<double>(progress.completed) / progress.elapsed_s : 0;
  std::string line;
  if (requested > 0) {
    const double percent =
        100.0 * static_cast<double>(progress.completed) / static_cast<double>(requested);
    line = fmt::format("{:.1f} s: {} of {} requests ({:.0f}%)", progress.elapsed_s,
                       progress.completed, requested, percent);
  } else {
    line = fmt::format("{:.1f} of {:.1f} s: {} requests", progress.elapsed_s, duration_limit_s,
                       progress.completed);
  }
  return line + fmt::format(", {:.0f} req/s, {} failed", rate, progress.failed);
}

std::string storing_line(std::uint64_t handled, std::uint64_t total, const std::string& database) {
  const double percent =
      total > 0 ? 100.0 * static_cast<double>(handled) / static_cast<double>(total) : 100.0;
  return fmt::format("Storing: {} of {} requests written to {} ({:.0f}%)", handled, total, database,
                     percent);
}

}  // namespace ccload::report
