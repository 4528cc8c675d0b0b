#pragma once
// Fills one request of a templated target for a request lane (issue 21): the URL, the header
// values and the body filled for the request's slot, row and random draws, written as HTTP/1.1
// bytes, and the same parts protocol-neutrally (for an HTTP/2 encoder).
//
// Contracts:
// - One RequestFiller per lane (connection or stream slot), used from one thread. Its buffers are
//   reserved once, at construction, to the largest request any target of the run can fill: fill()
//   never allocates.
// - fill() draws from the request's own Rng (request_rng: the plan's seed and the request's
//   run-wide index) and takes its row by the slot (pick_row): the row is picked once per request,
//   before the parts are filled in the order URL, header values, body, so the same seed and slot
//   give the same request whichever worker sends it.
// - A static target (no field anywhere) is not filled: its prebuilt bytes are returned as they
//   are, and nothing is drawn.
// - The views a fill returns stay valid until the next fill() of the same filler.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/run_plan.hpp"
#include "request/http1_request.hpp"
#include "request/rng.hpp"
#include "request/row_order.hpp"
#include "request/run_templates.hpp"

namespace ccload::request {

enum class FillFailure : std::uint8_t {
  none = 0,
  header_value,  // a {{col}} value cannot stand in a header value (a control byte)
  url,           // the filled URL is not a valid request target
  no_row,        // --data-order once: the rows of this shard are used up (the lane ends)
  script,        // the request script's request() failed, or gave no HTTP/1.1 request
};

// One filled request: views into the filler (or into the plan for a static target).
struct FilledRequest {
  std::string_view method;
  std::string_view scheme;     // "http" or "https"
  std::string_view authority;  // the Host header's value (a Host header of the target wins)
  std::string_view path;       // origin-form: path and query
  std::span<const HeaderView> headers;  // the target's headers in order, values filled
  std::string_view body;
  std::string_view content_type;     // sent when the body is not empty and the headers have none
  std::string_view url;              // the whole filled URL (the template's text when static)
  std::string_view http1;            // the HTTP/1.1 request bytes
  std::optional<std::uint64_t> row;  // the data row used, when a part has a {{col}} field
};

class RequestFiller {
 public:
  // `plan.templates` must be set; both must outlive the filler.
  explicit RequestFiller(const core::RunPlan& plan);

  // Fills the request of `slot` (its seq is slot + 1) to `target` at wall-clock `now_ms` (ms since
  // the Unix epoch, for {{now_ms}}). On a failure the request must not be sent (it fails as
  // `client`; no_row ends the lane instead) and the views of `request` from an earlier fill are no
  // longer valid.
  FillFailure fill(std::uint32_t target, std::uint64_t slot, std::int64_t now_ms,
                   FilledRequest& request);

  // The bytes reserved for the HTTP/1.1 request (the largest fill of any target).
  std::size_t reserved() const { return bytes_.capacity(); }

 private:
  const core::RunPlan& plan_;
  const RunTemplates& templates_;
  std::string url_, target_, values_, body_, bytes_;
  std::vector<HeaderView> headers_;
  std::vector<std::size_t> value_ends_;
};

}  // namespace ccload::request
