#include "metrics/snapshot_poster.hpp"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace ccload::metrics {

namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kPostTimeout = std::chrono::seconds(2);
constexpr auto kFinishTimeout = std::chrono::seconds(5);
}  // namespace

struct SnapshotPoster::Impl {
  std::string name;
  RunLabels labels;
  Format format;
  sinks::HttpPoster poster;

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::shared_ptr<const stats::Snapshot>> queue;
  bool finishing = false;
  bool finished = false;
  Clock::time_point deadline = Clock::time_point::max();
  std::thread thread;

  // The thread's; read after it joined.
  std::uint64_t sent = 0, failed = 0, dropped = 0;
  std::string last_error;
  std::shared_ptr<const stats::Snapshot> previous;

  Impl(std::string name, const net::Target& target, sinks::HttpPoster::Headers headers,
       const net::TlsOptions& tls, RunLabels labels, Format format)
      : name(std::move(name)),
        labels(std::move(labels)),
        format(std::move(format)),
        poster(target, tls, std::move(headers)) {}

  void run() {
    for (;;) {
      std::shared_ptr<const stats::Snapshot> next;
      Clock::time_point until;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return finishing || !queue.empty(); });
        if (queue.empty() || Clock::now() >= deadline) {
          dropped += queue.size();
          queue.clear();
          return;
        }
        next = std::move(queue.front());
        queue.pop_front();
        until = std::min(Clock::now() + kPostTimeout, deadline);
      }
      const std::string body = format(*next, previous.get(), labels);
      previous = next;
      const sinks::PostResult result = poster.post(body, until);
      if (result.status >= 200 && result.status < 300) {
        ++sent;
      } else {
        ++failed;
        last_error = result.status == 0 ? result.error : fmt::format("HTTP {}", result.status);
      }
    }
  }
};

SnapshotPoster::SnapshotPoster(std::string name, const net::Target& target,
                               sinks::HttpPoster::Headers headers, const net::TlsOptions& tls,
                               RunLabels labels, Format format)
    : impl_(std::make_unique<Impl>(std::move(name), target, std::move(headers), tls,
                                   std::move(labels), std::move(format))) {
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

SnapshotPoster::~SnapshotPoster() { (void)finish(); }

void SnapshotPoster::set_run(std::string run) {
  std::lock_guard lock(impl_->mutex);  // the thread reads labels only after a push
  impl_->labels.run = std::move(run);
}

void SnapshotPoster::push(std::shared_ptr<const stats::Snapshot> snapshot) {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mutex);
    if (m.finishing) return;
    if (m.queue.size() >= kQueueLimit) {
      m.queue.pop_front();
      ++m.dropped;
    }
    m.queue.push_back(std::move(snapshot));
  }
  m.wake.notify_one();
}

std::vector<std::string> SnapshotPoster::finish() {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mutex);
    if (m.finishing) return {};
    m.finishing = true;
    m.deadline = Clock::now() + kFinishTimeout;
  }
  m.wake.notify_one();
  m.thread.join();
  const std::uint64_t lost = m.failed + m.dropped;
  if (lost == 0) {
    return {fmt::format("Every second of the run was sent to {} ({} writes).", m.name, m.sent)};
  }
  std::string why;
  if (m.failed > 0) why = fmt::format("{} writes failed, the last: {}", m.failed, m.last_error);
  if (m.dropped > 0) {
    why += fmt::format("{}{} waited too long and were dropped", why.empty() ? "" : "; ", m.dropped);
  }
  return {
      fmt::format("{}: {} of {} seconds could not be written ({}); the run's figures are "
                  "unchanged.",
                  m.name, lost, lost + m.sent, why)};
}

}  // namespace ccload::metrics
