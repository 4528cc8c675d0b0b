#include "server/router.hpp"

#include <algorithm>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

#include "server/endpoints.hpp"

namespace ccload::server {

namespace http = boost::beast::http;

namespace {

// The "/" page: the endpoint table, one line each.
const std::string& index_page() {
  static const std::string page = [] {
    std::string out = "ccload target server (HTTP/1.1 and HTTP/2; any method)\n\n";
    bool faults = false;
    for (const Endpoint& e : kEndpoints) {
      if (e.fault && !faults) {
        faults = true;
        out.append("\nFaults:\n");
      }
      out.append(e.usage);
      out.append(e.usage.size() < 14 ? 14 - e.usage.size() : 1, ' ');
      out.append(e.summary);
      out.push_back('\n');
    }
    return out;
  }();
  return page;
}

// /reset announces this many bytes and sends half of them.
constexpr std::size_t kResetBodySize = 1000;
// /trickle/MS sends these 10 bytes one at a time.
constexpr std::string_view kTrickleBody = "trickling\n";

void append_number(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

// Parses all of `s` as an unsigned decimal number; nullopt when empty, not a number or too large.
std::optional<std::uint64_t> parse_uint(std::string_view s) {
  std::uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Sets the status and the fields for a response whose body is already in `out` (body or shared).
void finish(const RequestData& req, int status, std::string_view content_type, Response& out) {
  out.close = out.close || !req.keep_alive();
  out.head_only = req.verb() == http::verb::head;
  out.status = status;
  out.add_field("Server", "ccload");
  if (status == 204 || status == 304) {
    // No body allowed; RFC 9110 forbids Content-Length on 204.
    out.body.clear();
    out.use_shared = false;
    if (status == 304) out.add_field("Content-Length", std::uint64_t{0});
  } else {
    out.add_field("Content-Type", content_type);
    out.add_field("Content-Length", static_cast<std::uint64_t>(out.body_size()));
  }
}

void text(const RequestData& req, int status, std::string_view body, Response& out) {
  out.body.assign(body);
  finish(req, status, "text/plain; charset=utf-8", out);
}

// {"Name":"value",...}; repeated names are combined into one comma-separated value.
void append_headers_object(std::string& out, const RequestData& req) {
  out.push_back('{');
  bool first = true;
  const std::size_t n = req.header_count();
  for (std::size_t i = 0; i < n; ++i) {
    std::string_view name = req.header_name(i);
    bool seen = false;
    for (std::size_t j = 0; j < i && !seen; ++j) seen = iequals(req.header_name(j), name);
    if (seen) continue;
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    append_json_escaped(out, name);
    out.append("\":\"");
    append_json_escaped(out, req.header_value(i));
    for (std::size_t k = i + 1; k < n; ++k) {
      if (iequals(req.header_name(k), name)) {
        out.append(", ");
        append_json_escaped(out, req.header_value(k));
      }
    }
    out.push_back('"');
  }
  out.push_back('}');
}

void get(const RequestData& req, const ServerState& state, Response& out) {
  std::string& b = out.body;
  b.append("{\"url\":\"");
  b.append(state.tls ? "https://" : "http://");
  append_json_escaped(b, req.header("host"));
  append_json_escaped(b, req.target());
  b.append("\",\"method\":\"");
  append_json_escaped(b, req.method());
  b.append("\",\"headers\":");
  append_headers_object(b, req);
  b.append("}\n");
  finish(req, 200, "application/json", out);
}

void echo(const RequestData& req, Response& out) {
  using nlohmann::json;
  std::string& b = out.body;
  b.append("{\"method\":\"");
  append_json_escaped(b, req.method());
  b.append("\",\"path\":\"");
  append_json_escaped(b, req.path());
  b.append("\",\"query\":\"");
  append_json_escaped(b, req.query());
  b.append("\",\"headers\":");
  append_headers_object(b, req);
  // nlohmann replaces invalid UTF-8 instead of producing invalid JSON.
  b.append(",\"body\":");
  b.append(json(req.body()).dump(-1, ' ', false, json::error_handler_t::replace));
  b.append(",\"json\":");
  json parsed = req.body().empty() ? json(nullptr) : json::parse(req.body(), nullptr, false);
  if (parsed.is_discarded()) parsed = nullptr;
  b.append(parsed.dump(-1, ' ', false, json::error_handler_t::replace));
  b.append("}\n");
  finish(req, 200, "application/json", out);
}

void status(const RequestData& req, std::string_view arg, Response& out) {
  auto code = parse_uint(arg);
  if (!code || *code < 200 || *code > 599) {
    text(req, 400, "bad status code: expected /status/200 to /status/599\n", out);
    return;
  }
  const int c = static_cast<int>(*code);
  std::string& b = out.body;
  append_number(b, *code);
  b.push_back(' ');
  b.append(http::obsolete_reason(static_cast<http::status>(c)));
  b.push_back('\n');
  finish(req, c, "text/plain; charset=utf-8", out);
}

// /redirect/N: a chain of N 302s ending at /get (as httpbin's), to try --max-redirects on.
void redirect(const RequestData& req, std::string_view arg, Response& out) {
  auto n = parse_uint(arg);
  if (!n || *n < 1 || *n > 100) {
    text(req, 400, "bad redirect count: expected /redirect/1 to /redirect/100\n", out);
    return;
  }
  std::string location = "/get";
  if (*n > 1) {
    location = "/redirect/";
    append_number(location, *n - 1);
  }
  text(req, 302, "redirecting to " + location + "\n", out);
  out.add_field("Location", location);
}

void delay(const RequestData& req, std::string_view arg, Response& out) {
  auto ms = parse_uint(arg);
  if (!ms) {
    text(req, 400, "bad delay: expected /delay/MILLISECONDS\n", out);
    return;
  }
  const auto capped = std::min<std::uint64_t>(*ms, kMaxDelayMs);
  out.delay = std::chrono::milliseconds(static_cast<std::int64_t>(capped));
  std::string& b = out.body;
  b.append("{\"delay_ms\":");
  append_number(b, capped);
  b.append("}\n");
  finish(req, 200, "application/json", out);
}

void bytes(const RequestData& req, std::string_view arg, ServerState& state, Response& out) {
  auto n = parse_uint(arg);
  if (!n) {
    text(req, 400, "bad size: expected /bytes/N\n", out);
    return;
  }
  const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(*n, kMaxBytes));
  if (!out.shared || out.shared->size() < size) out.shared = state.bytes.at_least(size);
  out.use_shared = true;
  out.shared_size = size;
  finish(req, 200, "application/octet-stream", out);
}

void flaky(const RequestData& req, std::string_view arg, ServerState& state, Response& out) {
  auto n = parse_uint(arg);
  if (!n || *n == 0) {
    text(req, 400, "bad period: expected /flaky/N with N >= 1\n", out);
    return;
  }
  const std::uint64_t k = state.flaky_counter.fetch_add(1, std::memory_order_relaxed) + 1;
  std::string& b = out.body;
  if (k % *n == 0) {
    b.append("{\"error\":\"flaky failure\",\"request\":");
    append_number(b, k);
    b.append("}\n");
    finish(req, 500, "application/json", out);
  } else {
    b.append("{\"ok\":true,\"request\":");
    append_number(b, k);
    b.append("}\n");
    finish(req, 200, "application/json", out);
  }
}

void reset(const RequestData& req, Response& out) {
  out.body.assign(kResetBodySize, 'r');
  finish(req, 200, "text/plain; charset=utf-8", out);
  out.fault = Response::Fault::reset;
  out.close = true;
}

void fault_without_response(Response::Fault fault, Response& out) {
  out.fault = fault;
  out.close = true;
}

void trickle(const RequestData& req, std::string_view arg, Response& out) {
  auto ms = parse_uint(arg);
  if (!ms) {
    text(req, 400, "bad interval: expected /trickle/MILLISECONDS\n", out);
    return;
  }
  const auto capped = std::min<std::uint64_t>(*ms, kMaxDelayMs);
  out.trickle_interval = std::chrono::milliseconds(static_cast<std::int64_t>(capped));
  out.fault = Response::Fault::trickle;
  text(req, 200, kTrickleBody, out);
}

// A 200 whose header section the protocol pads to `arg` bytes (Response::header_bytes).
void headers(const RequestData& req, std::string_view arg, Response& out) {
  auto n = parse_uint(arg);
  if (!n) {
    text(req, 400, "bad size: expected /headers/N\n", out);
    return;
  }
  text(req, 200, "headers\n", out);
  out.header_bytes = static_cast<std::size_t>(std::min<std::uint64_t>(*n, kMaxHeadBytes));
}

}  // namespace

std::shared_ptr<const std::string> BytesCache::at_least(std::size_t size) {
  std::lock_guard lock(mutex_);
  if (!buffer_ || buffer_->size() < size) {
    // Grow geometrically from 64 KiB so a ramp of sizes does not rebuild the buffer each time.
    std::size_t n = std::max<std::size_t>(buffer_ ? buffer_->size() * 2 : 0, 64 * 1024);
    n = std::min(std::max(n, size), kMaxBytes);
    auto fresh = std::make_shared<std::string>(n, '\0');
    static constexpr std::string_view kPattern = "abcdefghijklmnopqrstuvwxyz0123456789\n";
    for (std::size_t i = 0; i < n; ++i) (*fresh)[i] = kPattern[i % kPattern.size()];
    buffer_ = std::move(fresh);
  }
  return buffer_;
}

void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t run = 0;  // start of the pending run of characters that need no escaping
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out.append(esc, sizeof esc);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
}

void error_response(int status, std::string_view message, Response& out) {
  out.clear();
  out.close = true;
  out.status = status;
  out.body.assign(message);
  out.add_field("Server", "ccload");
  out.add_field("Content-Type", "text/plain; charset=utf-8");
  out.add_field("Content-Length", static_cast<std::uint64_t>(out.body.size()));
}

void route(const RequestData& req, ServerState& state, Response& out) {
  out.clear();
  const std::string_view path = req.path();
  const Endpoint* endpoint = find_endpoint(path);
  if (endpoint == nullptr) return text(req, 404, "not found\n", out);
  const std::string_view arg = endpoint->prefix ? path.substr(endpoint->path.size()) : "";
  switch (endpoint->id) {
    case EndpointId::index:
      return text(req, 200, index_page(), out);
    case EndpointId::get:
      return get(req, state, out);
    case EndpointId::status:
      return status(req, arg, out);
    case EndpointId::delay:
      return delay(req, arg, out);
    case EndpointId::bytes:
      return bytes(req, arg, state, out);
    case EndpointId::post:
    case EndpointId::anything:
      return echo(req, out);
    case EndpointId::flaky:
      return flaky(req, arg, state, out);
    case EndpointId::redirect:
      return redirect(req, arg, out);
    case EndpointId::reset:
      return reset(req, out);
    case EndpointId::close:
      return fault_without_response(Response::Fault::close, out);
    case EndpointId::malformed:
      return fault_without_response(Response::Fault::malformed, out);
    case EndpointId::trickle:
      return trickle(req, arg, out);
    case EndpointId::hang:
      return fault_without_response(Response::Fault::hang, out);
    case EndpointId::headers:
      return headers(req, arg, out);
  }
  text(req, 404, "not found\n", out);
}

}  // namespace ccload::server
