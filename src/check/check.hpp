#pragma once
// --check EXPR (issue 22): one assertion on a complete response, parsed once per run and
// evaluated per request by the request lane. Forms:
//   status==N  status!=N           the status code
//   body~REGEX  body!~REGEX         the body (up to --body-cap) matches / does not match
//   header.NAME~REGEX               a field NAME (any case) is there and its value matches
//   json.PATH==VALUE  json.PATH exists   PATH an RFC 6901 JSON Pointer (/data/0/id) into the
//                                   body as JSON; VALUE a JSON literal, else a bare string
//   size<N size<=N size>N size>=N size==N   the body's length in bytes (not capped)
// Regexes are PCRE2, JIT-compiled once per run; a compiled check is immutable and shared by every
// worker, each evaluating with its own Matcher.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/server_response.hpp"

namespace ccload::check {

// One line naming every form, for errors.
inline constexpr std::string_view kForms =
    "status==N, status!=N, body~REGEX, body!~REGEX, header.NAME~REGEX, json.PATH==VALUE, "
    "json.PATH exists, size<=N (also <, >, >=, ==)";

class Regex;  // a compiled PCRE2 pattern (regex.hpp)

enum class Kind : std::uint8_t {
  status_eq,
  status_ne,
  body_match,
  body_no_match,
  header_match,
  json_eq,
  json_exists,
  size
};
enum class Compare : std::uint8_t { lt, le, gt, ge, eq };

struct Check {
  std::string expr;  // as given
  Kind kind = Kind::status_eq;
  int status = 0;                        // status_eq, status_ne
  std::string header;                    // header_match: the name, lowercase
  std::shared_ptr<const Regex> regex;    // body_match, body_no_match, header_match
  nlohmann::json::json_pointer pointer;  // json_eq, json_exists
  nlohmann::json value;                  // json_eq
  Compare compare = Compare::eq;         // size
  std::uint64_t size = 0;                // size, bytes
};

// Parses one --check; on failure nullopt and `error` is one line (what is wrong, the forms).
std::optional<Check> parse_check(std::string_view expr, std::string& error);

// What a set of checks needs captured of each response (body_cap is left as given).
core::ResponseNeeds needs_of(const std::vector<Check>& checks, core::ResponseNeeds base = {});

// Per-thread scratch for regex matching (PCRE2 match data), allocated once.
class Matcher {
 public:
  Matcher();
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;
  bool matches(const Regex& regex, std::string_view subject);

 private:
  void* data_;  // pcre2_match_data_8*
};

// Whether `response` passes `check`. A check that needs the body fails when the body was cut at
// the cap (response.body_truncated).
bool evaluate(const Check& check, const core::ServerResponse& response, Matcher& matcher);

}  // namespace ccload::check
