#include "metrics/influx_writer.hpp"

#include <fmt/format.h>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "core/text.hpp"
#include "metrics/influx_lines.hpp"
#include "sinks/http_poster.hpp"

namespace ccload::metrics {

namespace {

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
  const std::string shown = net::redact_password(url);
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

InfluxWriter::InfluxWriter(InfluxTarget target, RunLabels labels, const net::TlsOptions& tls)
    : PushedOutput(std::move(labels)), target_(std::move(target)), tls_(tls) {}

std::optional<std::string> InfluxWriter::prepare() {
  sinks::HttpPoster::Headers headers = {{"Content-Type", "text/plain; charset=utf-8"}};
  if (!target_.authorization.empty()) headers.emplace_back("Authorization", target_.authorization);
  try {
    net::Target query = target_.server;
    query.request_target =
        "/query?q=" + query_escape(fmt::format("CREATE DATABASE \"{}\"", target_.database));
    sinks::HttpPoster create(query, tls_, headers);
    const sinks::PostResult result =
        create.post("", std::chrono::steady_clock::now() + std::chrono::seconds(5));
    if (result.status == 0) {
      return fmt::format("--influx {}: InfluxDB cannot be reached ({}): start it, or fix the URL",
                         target_.shown, result.error);
    }
    if (result.status == 401 || result.status == 403) {
      return fmt::format(
          "--influx {}: InfluxDB refused the credentials (HTTP {}): give USER:PASSWORD@ in the "
          "URL",
          target_.shown, result.status);
    }
    if (result.status >= 300) {
      return fmt::format(
          "--influx {}: InfluxDB answered HTTP {} to CREATE DATABASE: is it InfluxDB 1.x at that "
          "address?",
          target_.shown, result.status);
    }
    poster_ = std::make_unique<SnapshotPoster>(
        "InfluxDB at " + target_.shown, target_.server, headers, tls_, labels_,
        [](const stats::Snapshot& snapshot, const stats::Snapshot* previous,
           const RunLabels& labels) { return influx_lines(snapshot, previous, labels); });
  } catch (const std::exception& error) {
    return fmt::format("--influx {}: {}", target_.shown, error.what());
  }
  return std::nullopt;
}

}  // namespace ccload::metrics
