#include "metrics/influx_writer.hpp"

#include <fmt/format.h>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "core/text.hpp"
#include "metrics/influx_lines.hpp"
#include "sinks/http_poster.hpp"

namespace ccload::metrics {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPostTimeout = std::chrono::seconds(2);
constexpr auto kFinishTimeout = std::chrono::seconds(5);

// %-encoding for a query value (the database name, a query).
std::string query_escape(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

InfluxTarget parse_influx_url(const std::string& url) {
  const auto parsed = boost::urls::parse_uri(url);
  std::string shown = url;
  if (parsed && parsed->has_userinfo()) {
    boost::urls::url copy(*parsed);
    copy.remove_userinfo();
    shown = std::string(copy.buffer());
  }
  const auto bad = [&shown](const std::string& why) {
    return net::UrlError(fmt::format(
        "--influx {}: {}: give http://HOST:8086/DATABASE (credentials as USER:PASSWORD@HOST)",
        shown, why));
  };
  if (!parsed) throw bad("not a URL");
  if (parsed->scheme() != "http" && parsed->scheme() != "https") throw bad("not http or https");
  std::string database(parsed->encoded_path());
  while (!database.empty() && database.front() == '/') database.erase(0, 1);
  while (!database.empty() && database.back() == '/') database.pop_back();
  if (database.empty()) throw bad("no database in the path");
  if (database.find('/') != std::string::npos) throw bad("the path is more than a database name");
  InfluxTarget target;
  boost::urls::url base(*parsed);
  base.remove_userinfo();
  base.set_encoded_path("/");
  base.remove_query();
  base.remove_fragment();
  try {
    target.server = net::parse_target(std::string(base.buffer()));
  } catch (const net::UrlError& error) {
    throw bad(error.what());
  }
  target.database = boost::urls::pct_string_view(database).decode();
  target.server.request_target =
      fmt::format("/write?db={}&precision=ns", query_escape(target.database));
  if (parsed->has_userinfo()) {
    target.authorization =
        "Basic " + base64(std::string(parsed->user()) + ":" + std::string(parsed->password()));
  }
  target.shown = shown;
  return target;
}

struct InfluxWriter::Impl {
  InfluxTarget target;
  RunLabels labels;
  net::TlsOptions tls;
  std::unique_ptr<sinks::HttpPoster> poster;

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::shared_ptr<const stats::Snapshot>> queue;
  bool finishing = false;
  Clock::time_point deadline = Clock::time_point::max();
  std::thread thread;

  // Written by the thread; read after it joined.
  std::uint64_t written = 0, failed = 0, dropped = 0;
  std::string last_error;
  std::shared_ptr<const stats::Snapshot> previous;

  sinks::HttpPoster::Headers headers() const {
    sinks::HttpPoster::Headers h = {{"Content-Type", "text/plain; charset=utf-8"}};
    if (!target.authorization.empty()) h.emplace_back("Authorization", target.authorization);
    return h;
  }
};

InfluxWriter::InfluxWriter(InfluxTarget target, RunLabels labels, const net::TlsOptions& tls)
    : impl_(std::make_unique<Impl>()) {
  impl_->target = std::move(target);
  impl_->labels = std::move(labels);
  impl_->tls = tls;
}

InfluxWriter::~InfluxWriter() { (void)finish(); }

std::optional<std::string> InfluxWriter::prepare() {
  Impl& m = *impl_;
  try {
    net::Target query = m.target.server;
    query.request_target =
        "/query?q=" + query_escape(fmt::format("CREATE DATABASE \"{}\"", m.target.database));
    sinks::HttpPoster create(query, m.tls, m.headers());
    const sinks::PostResult result = create.post("", Clock::now() + std::chrono::seconds(5));
    if (result.status == 0) {
      return fmt::format("--influx {}: InfluxDB cannot be reached ({}): start it, or fix the URL",
                         m.target.shown, result.error);
    }
    if (result.status == 401 || result.status == 403) {
      return fmt::format(
          "--influx {}: InfluxDB refused the credentials (HTTP {}): give USER:PASSWORD@ in the URL",
          m.target.shown, result.status);
    }
    if (result.status >= 300) {
      return fmt::format(
          "--influx {}: InfluxDB answered HTTP {} to CREATE DATABASE: is it InfluxDB "
          "1.x at that address?",
          m.target.shown, result.status);
    }
    m.poster = std::make_unique<sinks::HttpPoster>(m.target.server, m.tls, m.headers());
  } catch (const std::exception& error) {
    return fmt::format("--influx {}: {}", m.target.shown, error.what());
  }
  m.thread = std::thread([this] { run_thread(); });
  return std::nullopt;
}

void InfluxWriter::set_run(std::string run) { impl_->labels.run = std::move(run); }

void InfluxWriter::push(std::shared_ptr<const stats::Snapshot> snapshot) {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mutex);
    if (m.finishing || !m.thread.joinable()) return;
    if (m.queue.size() >= kQueueLimit) {
      m.queue.pop_front();
      ++m.dropped;
    }
    m.queue.push_back(std::move(snapshot));
  }
  m.wake.notify_one();
}

void InfluxWriter::run_thread() {
  Impl& m = *impl_;
  for (;;) {
    std::shared_ptr<const stats::Snapshot> next;
    Clock::time_point deadline;
    {
      std::unique_lock lock(m.mutex);
      m.wake.wait(lock, [&] { return m.finishing || !m.queue.empty(); });
      if (m.queue.empty() || Clock::now() >= m.deadline) {
        m.dropped += m.queue.size();
        m.queue.clear();
        return;
      }
      next = std::move(m.queue.front());
      m.queue.pop_front();
      deadline = std::min(Clock::now() + kPostTimeout, m.deadline);
    }
    const std::string body = influx_lines(*next, m.previous.get(), m.labels);
    m.previous = next;
    const sinks::PostResult result = m.poster->post(body, deadline);
    if (result.status == 204 || result.status == 200) {
      ++m.written;
    } else {
      ++m.failed;
      m.last_error = result.status == 0 ? result.error : fmt::format("HTTP {}", result.status);
    }
  }
}

std::vector<std::string> InfluxWriter::finish() {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mutex);
    if (m.finishing) return {};
    m.finishing = true;
    m.deadline = Clock::now() + kFinishTimeout;
  }
  m.wake.notify_one();
  if (!m.thread.joinable()) return {};
  m.thread.join();
  std::vector<std::string> lines;
  const std::uint64_t lost = m.failed + m.dropped;
  if (lost == 0) {
    lines.push_back(
        fmt::format("Every second of the run was written to InfluxDB at {} ({} writes).",
                    m.target.shown, m.written));
  } else {
    lines.push_back(fmt::format(
        "InfluxDB at {}: {} of {} seconds could not be written ({}{}); the run's figures are "
        "unchanged.",
        m.target.shown, lost, lost + m.written,
        m.failed > 0 ? fmt::format("{} writes failed, the last: {}", m.failed, m.last_error)
                     : std::string(),
        m.dropped > 0 ? fmt::format("{}{} waited too long and were dropped",
                                    m.failed > 0 ? "; " : "", m.dropped)
                      : std::string()));
  }
  return lines;
}

}  // namespace ccload::metrics
