#pragma once
// HTTP/1.1 requests given as text (what a wrk script's request() returns, built by wrk.format or by
// hand): split into the requests they hold, each with its method, request target, fields and body
// as views into the text. A script's text may hold several requests (wrk's pipeline.lua); each is
// sent as it is over HTTP/1.1, and over HTTP/2 as the fields it carries.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "request/http1_request.hpp"

namespace ccload::request {

struct RequestText {
  std::size_t offset = 0, size = 0;  // the request's bytes within the text
  std::string_view method;
  std::string_view target;          // as on the request line (origin-form for a script)
  std::vector<HeaderView> headers;  // in order, as written
  std::string_view body;            // a Content-Length body (a chunked one is refused)
};

// Splits `text` into its requests, reusing the first `out` entries' storage (so a run that splits
// texts of the same shape allocates nothing after the first). Returns how many requests `text`
// holds (>= 1), or 0 with `error` set to a sentence when it is not one or more complete HTTP/1.1
// requests (empty, cut short, not HTTP, a chunked body).
std::size_t split_requests(std::string_view text, std::vector<RequestText>& out,
                           std::string& error);

}  // namespace ccload::request
