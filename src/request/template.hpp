#pragma once
// Request templates: a URL, a header value or a body with fields filled for each request.
//
// Fields (spaces around the name and between arguments are allowed: {{ randint 1 6 }}):
//   {{seq}}           the request's number (the record's request_id, from 1), in decimal
//   {{uuid}}          a random UUID, version 4 (RFC 9562), lower case: xxxxxxxx-xxxx-4xxx-Nxxx-...
//   {{randint A B}}   a random integer from A to B, both included (signed 64-bit, A <= B)
//   {{randstr N}}     N random letters and digits [A-Za-z0-9], 1 <= N <= 65536
//   {{now_ms}}        the wall clock when the request is filled, in ms since the Unix epoch
//   {{env NAME}}      the environment variable NAME, read once when the template is compiled
//   {{col NAME}}      the value of column NAME (the rest of the field, spaces kept inside) in the
//                     request's row of the data file
//   {{{{              writes {{ (nothing else is special: a lone }} is text)
//
// Contracts:
// - compile() runs once per run (at the edge: it throws TemplateError, a one-line message naming
//   the part, where (the field's column, or line and column in text with line breaks), the
//   problem and the fix: "the body at line 3, column 9: unknown field {{user}}; the fields are
//   ..."). The environment is read only there, through the lookup it is given, so an {{env}}
//   field is text from then on.
// - fill() appends to the caller's buffer and never allocates once the buffer holds
//   max_filled_size() bytes (reserve that once per connection). It is const: one Template serves
//   every worker at once; the random fields draw from the caller's Rng (the request's), in the
//   order of the fields, so the same seed gives the same bytes.
// - A template without fields (after {{env}} and {{{{ are resolved) is_static(): its text is
//   static_text(), and the caller can keep prebuilt request bytes.
//
// Where a value lands decides how it is written (Escape, chosen per part by the caller):
// - none: as it is (a plain body).
// - json: inside a JSON string, so JSON escaping: " and \ are escaped, control bytes become
//   \n, \t ... or \u00XX; other bytes are kept. A JSON body whose fields stand inside "..."
//   stays valid JSON whatever the values hold.
// - url: a URL's path or query. Every byte of a value other than A-Z a-z 0-9 - . _ ~ is
//   percent-encoded (%2F, %20 ...), so a value is one value: it cannot add path segments, query
//   parameters or a fragment, and a filled URL is valid whenever its template is (the caller
//   checks the template once, filled with its first row). A field in the scheme, host or port is
//   refused at compile time (a run's connections go to one origin), and so is one after '#' (the
//   fragment is never sent).
// - header: a header value. A value is kept as it is, but one holding a control byte other than
//   tab (CR, LF, NUL ...) cannot be sent: fill() then returns false and the caller fails the
//   request as `client` instead of sending it malformed.
// Only {{col}} values (and {{env}}, at compile time) need this: the other fields write only
// letters, digits and '-'.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "request/data_set.hpp"
#include "request/rng.hpp"

namespace ccload::request {

struct TemplateError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

enum class Escape { none, json, url, header };

// Reads an environment variable: its value, or nothing when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
// The process's environment (getenv).
EnvLookup process_environment();

struct TemplateOptions {
  std::string_view part = "the template";  // names the text in messages: "the URL", "the body"
  Escape escape = Escape::none;
  EnvLookup env = {};             // for {{env}}; unset: every {{env}} field is an error
  const DataSet* data = nullptr;  // for {{col}}; must outlive the template
};

// What one request contributes to its fields.
struct FillValues {
  std::uint64_t seq = 0;    // {{seq}}: the request's number (request_id), from 1
  std::int64_t now_ms = 0;  // {{now_ms}}: wall clock, ms since the Unix epoch
  std::size_t row = 0;      // {{col}}: the request's row of the data file (in range)
};

class Template {
 public:
  // Throws TemplateError.
  static Template compile(std::string_view text, const TemplateOptions& options);

  bool is_static() const {
    return parts_.empty() || (parts_.size() == 1 && parts_[0].kind == Kind::text);
  }
  // The text of a static template (meaningful only when is_static()).
  std::string_view static_text() const { return text_; }
  // Which inputs fill() reads, so the caller can skip what is not needed.
  bool uses_row() const { return uses_row_; }
  bool uses_now() const { return uses_now_; }
  bool uses_rng() const { return uses_rng_; }
  // The most bytes one fill() appends, for any row and any random draw.
  std::size_t max_filled_size() const { return max_size_; }

  // Appends the filled template to `out`. Returns false (with `out` as it was) when a value
  // cannot stand where it lands (Escape::header: a control byte); otherwise true.
  bool fill(std::string& out, Rng& rng, const FillValues& values) const;

 private:
  enum class Kind : std::uint8_t { text, seq, uuid, randint, randstr, now_ms, col };
  struct Part {
    Kind kind = Kind::text;
    std::size_t a = 0;            // text: offset into text_; randstr: N; col: column
    std::size_t b = 0;            // text: size
    std::int64_t lo = 0, hi = 0;  // randint
  };
  Template() = default;
  void add_text(std::string_view bytes);

  std::string text_;  // the literal bytes of every text part, in order
  std::vector<Part> parts_;
  Escape escape_ = Escape::none;
  const DataSet* data_ = nullptr;
  bool uses_row_ = false, uses_now_ = false, uses_rng_ = false;
  std::size_t max_size_ = 0;
};

}  // namespace ccload::request
