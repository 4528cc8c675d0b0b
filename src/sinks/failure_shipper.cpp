#include "sinks/failure_shipper.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <boost/url/parse.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "net/url.hpp"
#include "sinks/event.hpp"
#include "sinks/http_poster.hpp"
#include "sinks/policy.hpp"

namespace ccload::sinks {

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(std::max(s, 0.0)));
}

std::string base64(const std::string& text) {
  std::string encoded(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  encoded.resize(static_cast<std::size_t>(length));
  return encoded;
}

// "Basic ..." from the URL's user:password, when it has one (Grafana Cloud style LOKI_URL).
std::optional<std::string> basic_auth_from(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || !parsed->has_userinfo()) return std::nullopt;
  return "Basic " + base64(std::string(parsed->user()) + ":" + std::string(parsed->password()));
}

}  // namespace

struct FailureShipper::Sink {
  enum class Kind { betterstack, loki };
  Kind kind;
  const ShipperConfig& config;
  EventContext context;
  std::unique_ptr<HttpPoster> poster;  // null when the sink could not be set up
  std::string setup_error;

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Record> queue;
  std::size_t queued_bytes = 0;
  Clock::time_point first_arrival;
  bool finishing = false;
  Clock::time_point final_deadline = Clock::time_point::max();
  bool done = false;
  std::atomic<bool> abandon{false};
  SinkOutcome outcome;             // guarded by mutex
  std::string last_attempt_error;  // guarded by mutex
  std::thread thread;

  Sink(Kind k, const ShipperConfig& c) : kind(k), config(c) {
    const TargetName first = config.targets.empty() ? TargetName{} : config.targets.front();
    context = {first.url, first.method, config.run_id, config.targets, config.checks};
    outcome.sink = kind == Kind::betterstack ? "Betterstack" : "Grafana Loki";
    outcome.credential = kind == Kind::betterstack ? "LOGTAIL_TOKEN" : "LOKI_URL";
    outcome.deadline_s = config.flush_timeout_s;
    const char* variable = kind == Kind::betterstack ? "LOGTAIL_URL" : "LOKI_URL";
    net::Target target;
    HttpPoster::Headers headers{{"Content-Type", "application/json"}};
    try {
      if (kind == Kind::betterstack) {
        const std::string url =
            config.logtail_url.empty() ? kDefaultLogtailUrl : config.logtail_url;
        target = net::parse_target(url, /*default_https=*/true);
        headers.emplace_back("Authorization", "Bearer " + config.logtail_token);
      } else {
        target = net::parse_target(loki_push_url(config.loki_url), /*default_https=*/true);
        if (auto auth = basic_auth_from(target.url)) headers.emplace_back("Authorization", *auth);
      }
    } catch (const std::exception&) {
      // The message would quote the URL, which may carry a password: name the variable only.
      setup_error = fmt::format("{} is not a valid http(s) URL", variable);
      return;
    }
    outcome.host = target.host_header;
    try {
      poster = std::make_unique<HttpPoster>(std::move(target), config.tls, std::move(headers));
    } catch (const std::exception& error) {
      setup_error = error.what();
      return;
    }
    thread = std::thread([this] { run(); });
  }

  ~Sink() {
    if (thread.joinable()) {
      {
        std::lock_guard lock(mutex);
        finishing = true;
        final_deadline = Clock::now();
        abandon = true;
      }
      if (poster) poster->cancel();
      wake.notify_all();
      thread.join();
    }
  }

  bool running() const { return poster != nullptr; }

  void submit(std::vector<Record>& records) {
    if (!running() || abandon) return;
    bool notify = false;
    {
      std::lock_guard lock(mutex);
      if (finishing || outcome.rejected_status != 0) return;
      const bool was_empty = queue.empty();
      for (Record& record : records) {
        if (queue.size() >= config.queue_records ||
            queued_bytes + record.body.size() > config.queue_bytes) {
          ++outcome.dropped;
          continue;
        }
        queued_bytes += record.body.size();
        queue.push_back(std::move(record));
      }
      if (was_empty && !queue.empty()) {
        first_arrival = Clock::now();
        notify = true;
      }
      if (queue.size() >= config.batch_records) notify = true;
    }
    if (notify) wake.notify_one();
  }

  std::string payload(const std::vector<Record>& batch) const {
    return kind == Kind::betterstack ? betterstack_payload(batch, context)
                                     : loki_payload(batch, context);
  }

  void run() {
    for (;;) {
      std::vector<Record> batch;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return !queue.empty() || finishing; });
        if (!finishing) {
          wake.wait_until(lock, first_arrival + seconds(config.batch_wait_s),
                          [&] { return queue.size() >= config.batch_records || finishing; });
        }
        if (queue.empty() || abandon || outcome.rejected_status != 0) break;
        if (past_final_deadline()) break;
        const std::size_t n = std::min(queue.size(), config.batch_records);
        batch.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
          queued_bytes -= queue.front().body.size();
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
        }
        if (!queue.empty()) first_arrival = Clock::now();
      }
      ship(batch);
      std::lock_guard lock(mutex);
      if (abandon || outcome.rejected_status != 0 || outcome.deadline_passed) break;
    }
    std::lock_guard lock(mutex);
    queue.clear();
    queued_bytes = 0;
    done = true;
    wake.notify_all();
  }

  // With the mutex held: the final flush's deadline has passed (and that is noted).
  bool past_final_deadline() {
    if (!finishing || Clock::now() < final_deadline) return false;
    outcome.deadline_passed = true;
    return true;
  }

  // Sends one batch with retries; records the result in `outcome`.
  void ship(const std::vector<Record>& batch) {
    const std::string body = payload(batch);
    for (int tries = 1;; ++tries) {
      if (abandon) return;
      Clock::time_point deadline = Clock::now() + seconds(config.attempt_timeout_s);
      {
        std::lock_guard lock(mutex);
        if (past_final_deadline()) return;
        deadline = std::min(deadline, final_deadline);
      }
      const PostResult result = poster->post(body, deadline);
      const std::string error =
          result.status != 0 ? fmt::format("HTTP {}", result.status) : result.error;
      std::unique_lock lock(mutex);
      if (result.status == 0 && (abandon || past_final_deadline())) {
        // Cut off by the final deadline: the attempt in flight timed out.
        if (last_attempt_error.empty()) last_attempt_error = "timed out";
        outcome.deadline_passed = true;
        return;
      }
      switch (result.permanent ? Verdict::give_up : classify(result.status)) {
        case Verdict::shipped:
          outcome.shipped += batch.size();
          return;
        case Verdict::rejected:
          outcome.rejected_status = result.status;
          return;
        case Verdict::give_up:
          outcome.last_error = error;
          return;
        case Verdict::retry:
          break;
      }
      last_attempt_error = error;
      if (tries >= kMaxTries) {
        outcome.last_error = fmt::format("{} after {} tries", error, tries);
        return;
      }
      const auto wait = retry_delay(
          tries, parse_retry_after(result.retry_after,
                                   std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count()));
      const Clock::time_point resume = std::min(Clock::now() + wait, final_deadline);
      wake.wait_until(lock, resume, [&] {
        return abandon.load() || Clock::now() >= std::min(resume, final_deadline);
      });
    }
  }

  // Starts the final flush: from now on, nothing waits for a batch to fill.
  void begin_finish(Clock::time_point deadline) {
    {
      std::lock_guard lock(mutex);
      finishing = true;
      final_deadline = deadline;
    }
    wake.notify_all();
  }

  // Waits for the thread until the deadline, then abandons what is left; joins.
  void end_finish(Clock::time_point deadline) {
    if (!thread.joinable()) return;
    {
      std::unique_lock lock(mutex);
      if (!wake.wait_until(lock, deadline, [&] { return done; })) {
        outcome.deadline_passed = true;
        abandon = true;
      }
    }
    if (abandon) poster->cancel();
    wake.notify_all();
    thread.join();
  }

  std::string report(std::uint64_t total_failures) {
    const FailureStore store{config.database, config.run_id};
    std::lock_guard lock(mutex);
    if (!running()) {
      SinkOutcome failed = outcome;
      failed.last_error = setup_error;
      return report_line(failed, total_failures, store);
    }
    SinkOutcome result = outcome;
    if (result.deadline_passed && !last_attempt_error.empty()) {
      result.last_error = last_attempt_error;
    }
    return report_line(result, total_failures, store);
  }
};

FailureShipper::FailureShipper(ShipperConfig config) : config_(std::move(config)) {
  if (!config_.logtail_token.empty()) {
    sinks_.push_back(std::make_unique<Sink>(Sink::Kind::betterstack, config_));
  }
  if (!config_.loki_url.empty()) {
    sinks_.push_back(std::make_unique<Sink>(Sink::Kind::loki, config_));
  }
}

FailureShipper::~FailureShipper() = default;

void FailureShipper::submit(std::vector<Record>&& batch) {
  std::erase_if(batch, [](const Record& record) { return record.succeeded(); });
  if (batch.empty()) return;
  for (std::size_t i = 0; i < sinks_.size(); ++i) {
    if (i + 1 == sinks_.size()) {
      sinks_[i]->submit(batch);
    } else {
      std::vector<Record> copy = batch;
      sinks_[i]->submit(copy);
    }
  }
}

std::vector<std::string> FailureShipper::finish(std::uint64_t total_failures) {
  if (finished_) return {};
  finished_ = true;
  const Clock::time_point deadline = Clock::now() + seconds(config_.flush_timeout_s);
  for (auto& sink : sinks_) sink->begin_finish(deadline);
  for (auto& sink : sinks_) sink->end_finish(deadline);
  std::vector<std::string> lines;
  if (total_failures == 0) return lines;
  if (sinks_.empty()) lines.push_back(not_configured_line(total_failures));
  for (auto& sink : sinks_) lines.push_back(sink->report(total_failures));
  return lines;
}

}  // namespace ccload::sinks
