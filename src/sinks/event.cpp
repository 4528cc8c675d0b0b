#include "sinks/event.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <vector>

namespace ccload::sinks {

namespace {

double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

}  // namespace

std::string rfc3339_utc(std::int64_t unix_ns) {
  std::int64_t secs = unix_ns / 1'000'000'000;
  std::int64_t frac = unix_ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  const std::time_t time = static_cast<std::time_t>(secs);
  std::tm utc{};
  gmtime_r(&time, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, frac);
}

std::string_view error_name(const Record& record) {
  return record.error == ErrorCategory::none ? std::string_view("http") : to_string(record.error);
}

nlohmann::json make_event(const Record& record, const EventContext& context) {
  nlohmann::json event = nlohmann::json::object();
  event["dt"] = rfc3339_utc(record.start_unix_ns);
  event["timestamp"] = std::to_string(record.start_unix_ns);
  const bool named = record.target < context.targets.size();
  event["url"] = named ? context.targets[record.target].url : context.url;
  event["status"] = record.status;
  event["method"] = named ? context.targets[record.target].method : context.method;
  event["body"] = record.body;
  event["error"] = std::string(error_name(record));
  if (record.error == ErrorCategory::tls)
    event["tls_reason"] = std::string(to_string(record.tls_reason));
  event["run_id"] = context.run_id;
  event["ttfb"] = seconds(record.ttfb_ns);
  event["total"] = seconds(record.total_ns);
  if (record.redirects > 0) {
    event["redirects"] = record.redirects;
    event["final_url"] = record.final_url;
  }
  if (record.check_failures != 0) {
    nlohmann::json failed = nlohmann::json::array();
    for (std::size_t i = 0; i < context.checks.size() && i < kMaxChecks; ++i) {
      if ((record.check_failures >> i) & 1u) failed.push_back(context.checks[i]);
    }
    event["checks_failed"] = std::move(failed);
  }
  return event;
}

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string betterstack_payload(std::span<const Record> records, const EventContext& context) {
  nlohmann::json array = nlohmann::json::array();
  for (const Record& record : records) array.push_back(make_event(record, context));
  return dump_json(array);
}

std::string loki_payload(std::span<const Record> records, const EventContext& context) {
  std::map<int, std::vector<const Record*>> by_status;
  for (const Record& record : records) by_status[record.status].push_back(&record);
  nlohmann::json streams = nlohmann::json::array();
  for (auto& [status, group] : by_status) {
    std::stable_sort(group.begin(), group.end(), [](const Record* a, const Record* b) {
      return a->start_unix_ns < b->start_unix_ns;
    });
    nlohmann::json values = nlohmann::json::array();
    for (const Record* record : group) {
      values.push_back(nlohmann::json::array(
          {std::to_string(record->start_unix_ns), dump_json(make_event(*record, context))}));
    }
    streams.push_back(
        {{"stream",
          {{"job", "ccload"}, {"method", context.method}, {"status", std::to_string(status)}}},
         {"values", std::move(values)}});
  }
  return dump_json(nlohmann::json{{"streams", std::move(streams)}});
}

std::string loki_push_url(std::string_view base) {
  constexpr std::string_view kPush = "/loki/api/v1/push";
  std::string url(base);
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() >= kPush.size() &&
      url.compare(url.size() - kPush.size(), kPush.size(), kPush) == 0) {
    return url;
  }
  return url + std::string(kPush);
}

}  // namespace ccload::sinks
