#include "engine/loop_monitor.hpp"

#include <algorithm>

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>

namespace ccload::engine {

namespace {
double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}
}  // namespace

std::int64_t thread_cpu_ns() {
  timespec ts{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t thread_run_delay_ns() {
  // "<cpu ns> <run-queue delay ns> <timeslices>\n"; read at the start and the end of a run only.
  const int fd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char text[96];
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return -1;
  text[n] = '\0';
  char* end = nullptr;
  (void)std::strtoll(text, &end, 10);
  if (end == text) return -1;
  char* delay_end = nullptr;
  const long long delay = std::strtoll(end, &delay_end, 10);
  return delay_end == end || delay < 0 ? -1 : static_cast<std::int64_t>(delay);
}

void LoopMonitor::start() {
  running_ = true;
  started_delay_ns_ = thread_run_delay_ns();
  started_ = last_wall_ = std::chrono::steady_clock::now();
  started_cpu_ns_ = last_cpu_ns_ = thread_cpu_ns();
  arm();
}

void LoopMonitor::stop() {
  if (!running_) return;
  running_ = false;
  timer_.cancel();
  sample(std::chrono::steady_clock::now());
  const std::int64_t delay = thread_run_delay_ns();
  if (started_delay_ns_ >= 0 && delay >= started_delay_ns_) {
    load_.waited_s = static_cast<double>(delay - started_delay_ns_) / 1e9;
  }
}

void LoopMonitor::arm() {
  // From now, not from the last expiry: after a stall the next tick measures afresh instead of
  // firing a burst of late ticks.
  timer_.expires_after(kInterval);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !running_) return;
    const auto now = std::chrono::steady_clock::now();
    const std::int64_t lag_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - timer_.expiry()).count();
    lag_.record(lag_ns);
    max_lag_ns_ = std::max(max_lag_ns_, lag_ns);
    sample(now);
    arm();
  });
}

void LoopMonitor::sample(std::chrono::steady_clock::time_point now) {
  const std::int64_t cpu = thread_cpu_ns();
  const auto wall = now - last_wall_;
  const std::int64_t wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count();
  if (wall_ns > 0 && static_cast<double>(cpu - last_cpu_ns_) >
                         stats::kBusyFraction * static_cast<double>(wall_ns)) {
    load_.saturated_s += seconds(wall);
  }
  last_wall_ = now;
  last_cpu_ns_ = cpu;
  load_.cpu_s = static_cast<double>(cpu - started_cpu_ns_) / 1e9;
  load_.wall_s = seconds(now - started_);
}

}  // namespace ccload::engine
