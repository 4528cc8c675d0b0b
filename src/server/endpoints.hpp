#pragma once
// The endpoints of the built-in target server, once: the router matches request paths against
// this table, the "/" page lists it, and `ccload serve --help` names it (serve_endpoint_names()).
// A new endpoint is a row here and a case in route() (src/server/router.cpp).
//
// Every endpoint takes any method and answers the same under HTTP/1.1 and HTTP/2; the fault
// endpoints (`fault` set) are acted out by each protocol as Response::Fault describes
// (src/server/response.hpp). Header only, and free of the rest of the server, so the CLI can
// include it without linking the server.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ccload::server {

enum class EndpointId : std::uint8_t {
  index,
  get,
  status,
  delay,
  bytes,
  post,
  anything,
  flaky,
  redirect,
  reset,
  close,
  malformed,
  trickle,
  hang,
  headers,
};

struct Endpoint {
  EndpointId id;
  std::string_view path;     // exact path, or the prefix before the argument when `prefix`
  bool prefix;               // "/status/" + argument
  bool fault;                // a fault endpoint: the response departs from HTTP on purpose
  std::string_view usage;    // how it is asked for, e.g. "/status/CODE"
  std::string_view summary;  // what it answers, for the "/" page
};

inline constexpr std::array kEndpoints{
    Endpoint{EndpointId::index, "/", false, false, "/", "this list"},
    Endpoint{EndpointId::get, "/get", false, false, "/get", "200, JSON {url, method, headers}"},
    Endpoint{EndpointId::status, "/status/", true, false, "/status/CODE", "that status (200-599)"},
    Endpoint{EndpointId::delay, "/delay/", true, false, "/delay/MS",
             "200 after MS milliseconds (at most 60000)"},
    Endpoint{EndpointId::bytes, "/bytes/", true, false, "/bytes/N",
             "N bytes of body (at most 100 MB)"},
    Endpoint{EndpointId::post, "/post", false, false, "/post",
             "echo: JSON {method, path, query, headers, body, json}"},
    Endpoint{EndpointId::anything, "/anything", false, false, "/anything", "echo, like /post"},
    Endpoint{EndpointId::anything, "/anything/", true, false, "/anything/*", "echo, like /post"},
    Endpoint{EndpointId::flaky, "/flaky/", true, false, "/flaky/N",
             "every Nth request (server-wide) gets 500, the others 200"},
    Endpoint{EndpointId::redirect, "/redirect/", true, false, "/redirect/N",
             "302 to /redirect/N-1, and /redirect/1 to /get (N at most 100)"},
    Endpoint{EndpointId::reset, "/reset", false, true, "/reset",
             "a 200 announcing 1000 bytes, 500 of them, then a reset (HTTP/1.1: TCP RST; "
             "HTTP/2: RST_STREAM)"},
    Endpoint{EndpointId::close, "/close", false, true, "/close",
             "the connection closed before any response"},
    Endpoint{EndpointId::malformed, "/malformed", false, true, "/malformed",
             "bytes that break the protocol (HTTP/1.1: no status line; HTTP/2: a DATA frame on "
             "stream 0), then closed"},
    Endpoint{EndpointId::trickle, "/trickle/", true, true, "/trickle/MS",
             "a 10-byte body, one byte every MS milliseconds (at most 60000)"},
    Endpoint{EndpointId::hang, "/hang", false, true, "/hang", "never answers"},
    Endpoint{EndpointId::headers, "/headers/", true, true, "/headers/N",
             "a 200 with N bytes of header fields (at most 1 MiB)"},
};

// The row for `path`, or nullptr (404). For a prefix row, the argument is what follows the prefix.
constexpr const Endpoint* find_endpoint(std::string_view path) {
  for (const Endpoint& e : kEndpoints) {
    if (e.prefix ? path.starts_with(e.path) : path == e.path) return &e;
  }
  return nullptr;
}

// "/get, /status/CODE, ...; faults: /reset, ..." for `ccload serve --help` ("/" and the second
// /anything row left out).
inline std::string serve_endpoint_names() {
  std::string plain, faults;
  for (const Endpoint& e : kEndpoints) {
    if (e.id == EndpointId::index || e.usage == "/anything/*") continue;
    std::string& list = e.fault ? faults : plain;
    if (!list.empty()) list.append(", ");
    list.append(e.usage);
  }
  return plain + "; faults: " + faults;
}

}  // namespace ccload::server
