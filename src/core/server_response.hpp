#pragma once
// The protocol-neutral server response: what checks (--check) and scripts (-s, response()) see of
// a complete response, the same for HTTP/1.1 and HTTP/2. A session fills it only when the run
// asks for it (core::ResponseNeeds), so a run without checks or scripts captures nothing.
// Views: valid until the lane's next exchange begins.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ccload::core {

// What of a response the run needs kept (the union over its checks and its script).
struct ResponseNeeds {
  bool headers = false;                // every field, in order
  bool body = false;                   // the body, up to body_cap bytes
  std::size_t body_cap = 1024 * 1024;  // --body-cap, bytes
  bool any() const { return headers || body; }
};

struct ResponseField {
  std::string_view name;  // lowercase (HTTP/2 sends lowercase; HTTP/1.1's are lowered)
  std::string_view value;
};

struct ServerResponse {
  int status = 0;
  std::span<const ResponseField> headers;  // empty unless ResponseNeeds::headers
  std::string_view body;                   // empty unless ResponseNeeds::body; at most body_cap
  bool body_truncated = false;             // the body was longer than body_cap
  std::uint64_t body_size = 0;             // the whole body's length, bytes (always filled)
};

}  // namespace ccload::core
