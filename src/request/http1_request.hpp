#pragma once
// The rules of an HTTP/1.1 request's bytes, in one place: the engine builds a static target's
// request with them once per run (engine/request_bytes.cpp), the request filler
// (request_filler.hpp) writes a templated target's request with them for every request, so both are
// the same bytes.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace ccload::request {

// A header as it is sent: name and value (views into storage that outlives the call).
struct HeaderView {
  std::string_view name, value;
};

// Whether `headers` has one named `name` (case-insensitive).
bool has_header(std::span<const HeaderView> headers, std::string_view name);

// Appends `method` to `request_target` (origin-form) at `host_header` with `headers` (a Host,
// User-Agent or Accept among them replaces ccload's; a Content-Length among them is dropped, the
// length is always computed), `body` (with Content-Length; also an empty one for methods that
// take a body) and, when the body is not empty and the headers have none, a Content-Type of
// `content_type` (when not empty). Appends only: it allocates nothing once `out` has room for
// http1_request_size() bytes.
void append_http1_request(std::string& out, std::string_view method,
                          std::string_view request_target, std::string_view host_header,
                          std::span<const HeaderView> headers, std::string_view body,
                          std::string_view content_type);

// The most bytes append_http1_request() writes for a request line target of at most
// `target_size` bytes, headers of at most `headers_size` bytes (names and values together, of
// `header_count` headers) and a body of at most `body_size` bytes.
std::size_t http1_request_size(std::string_view method, std::size_t target_size,
                               std::string_view host_header, std::size_t header_count,
                               std::size_t headers_size, std::size_t body_size,
                               std::string_view content_type);

}  // namespace ccload::request
