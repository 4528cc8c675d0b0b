#pragma once
// The lines that show on stderr while a run lasts: progress, then storing.

#include <cstdint>
#include <optional>
#include <string>

namespace ccload::report {

// "3.0 s: 1200 of 5000 requests (24%), 400 req/s, 2 failed", or
// "3.0 of 30.0 s: 1200 requests, 400 req/s, 2 failed" when a duration bounds the run (no
// `requested`).
std::string progress_line(double elapsed_s, std::uint64_t completed, std::uint64_t failed,
                          std::optional<std::uint64_t> requested, double duration_limit_s);

// While the store drains after the load: "Storing: 1200 of 5000 requests written to load.db (24%)".
std::string storing_line(std::uint64_t handled, std::uint64_t total, const std::string& database);

// One status line on stderr (progress, storing): on a terminal it rewrites itself and clear()
// erases it before the report; elsewhere (--progress into a pipe or a log) each line stays.
class StatusLine {
 public:
  explicit StatusLine(bool terminal) : terminal_(terminal) {}
  void show(const std::string& line);
  void clear();

 private:
  bool terminal_;
  bool shown_ = false;
};

}  // namespace ccload::report
