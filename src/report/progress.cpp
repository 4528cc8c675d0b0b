#include "report/progress.hpp"

#include <fmt/format.h>

#include <iostream>

namespace ccload::report {

std::string progress_line(double elapsed_s, std::uint64_t completed, std::uint64_t failed,
                          std::optional<std::uint64_t> requested, double duration_limit_s) {
  const double rate = elapsed_s > 0 ? static_cast<double>(completed) / elapsed_s : 0;
  std::string line;
  if (requested) {
    const double percent = 100.0 * static_cast<double>(completed) /
                           static_cast<double>(std::max<std::uint64_t>(*requested, 1));
    line = fmt::format("{:.1f} s: {} of {} requests ({:.0f}%)", elapsed_s, completed, *requested,
                       percent);
  } else {
    line = fmt::format("{:.1f} of {:.1f} s: {} requests", elapsed_s, duration_limit_s, completed);
  }
  return line + fmt::format(", {:.0f} req/s, {} failed", rate, failed);
}

std::string storing_line(std::uint64_t handled, std::uint64_t total, const std::string& database) {
  const double percent =
      total > 0 ? 100.0 * static_cast<double>(handled) / static_cast<double>(total) : 100.0;
  return fmt::format("Storing: {} of {} requests written to {} ({:.0f}%)", handled, total, database,
                     percent);
}

void StatusLine::show(const std::string& line) {
  std::cerr << (terminal_ ? "\r\033[K" + line : line + "\n") << std::flush;
  shown_ = true;
}

void StatusLine::clear() {
  if (terminal_ && shown_) std::cerr << "\r\033[K" << std::flush;
  shown_ = false;
}

}  // namespace ccload::report
