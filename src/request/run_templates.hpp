#pragma once
// A run's templates, compiled once before anything is sent: for every target its URL (escaped as
// a URL), its header values (as header values) and its body (JSON-escaped when the body is JSON,
// else as it is), the data file's rows (--data) and the order requests take them (--data-order).
// Immutable once built; every worker reads it at once (core::RunPlan::templates).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/target.hpp"
#include "net/url.hpp"
#include "request/data_set.hpp"
#include "request/row_order.hpp"
#include "request/template.hpp"

namespace ccload::request {

// One target's templates, parallel to its TargetSpec.
struct TargetTemplates {
  Template url;  // the whole URL, Escape::url (fields only after the host)
  std::vector<Template> header_values = {};  // one per TargetSpec::headers entry, Escape::header
  Template body;                             // Escape::json for a JSON body, else Escape::none
  // The target's URL filled with the first row (seq 1, the run's first random draws): where its
  // connections go (scheme, host and port are never templated) and its request line when the URL
  // is static.
  net::Target where = {};
  // Bytes of the URL template's scheme and authority ("https://h:8443"): the filled URL's path and
  // query start there.
  std::size_t authority_size = 0;
  // No field in the URL, any header value or the body: every request is `static_request`.
  bool is_static = true;
  std::string static_request = {};  // the HTTP/1.1 request bytes of a static target (else empty)
  bool uses_row = false;            // some part has a {{col}} field
  bool uses_now = false;            // some part has a {{now_ms}} field
  // The URL and the body filled with the first row (for the checks before sending).
  std::string first_url = {}, first_body = {};
  // The target with its static texts resolved ({{{{ and {{env}}): what a static target sends.
  TargetSpec static_spec = {};
};

struct RunTemplates {
  std::shared_ptr<const DataSet> data;  // --data; null without
  std::string data_file;                // its path as given (empty without)
  RowOrder order = RowOrder::sequential;
  std::vector<TargetTemplates> targets;  // parallel to the run's targets
  bool any_field() const;                // some target is not static
};

// Whether `text` has a field (or a {{{{): a template rather than plain text.
inline bool has_fields(std::string_view text) { return text.find("{{") != std::string_view::npos; }

// Bytes of the scheme and authority at the start of `url` ("https://h:8443" of
// "https://h:8443/a?b"): up to its path, query or fragment; all of it when it has no "://".
std::size_t authority_size(std::string_view url);

// Appends the request target (origin-form) of the filled `url` whose scheme and authority take
// its first `authority_size` bytes: its path and query without the fragment, "/" first when the
// path is empty. Appends only (no allocation once `out` has room for url.size() + 1 bytes).
void append_origin_form(std::string& out, std::string_view url, std::size_t authority_size);

// Whether a body sent with these headers and default content type is JSON (a Content-Type header,
// else `content_type`, naming JSON): its fields are then JSON-escaped.
bool is_json_body(const TargetSpec& target);

// Compiles every target's templates. `env` reads {{env NAME}}; `data` may be null. Throws
// TemplateError (the part is named "the URL", "the header X-Id", "the body", with "of target N"
// when there are several targets), or net::UrlError when a URL filled with the first row is not
// a URL the engine accepts.
std::shared_ptr<const RunTemplates> compile_templates(const std::vector<TargetSpec>& targets,
                                                      std::shared_ptr<const DataSet> data,
                                                      std::string data_file, RowOrder order,
                                                      const EnvLookup& env, std::uint64_t seed);

}  // namespace ccload::request
