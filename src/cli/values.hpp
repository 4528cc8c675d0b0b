#pragma once
// The values of command-line options, one parser per kind: each returns the value or throws
// UsageError with one line naming the option, what was wrong and the fix.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.hpp"

namespace ccload::cli {

// A whole number from 1 to max; `meaning` says what it counts, for the message.
std::uint64_t parse_positive(const std::string& text, const std::string& flag,
                             const std::string& meaning, std::uint64_t max);
// --rate: requests per second, a positive decimal (0.5 = one request every two seconds).
double parse_rate(const std::string& text);
// --tolerance: a relative change in percent, "10%" or "10"; returned as a fraction.
double parse_tolerance(const std::string& text);
// --fail-on, repeatable and comma-separated, in the order given.
std::vector<stats::Threshold> parse_fail_on(const std::vector<std::string>& values);
// -d: the text itself, or the bytes of @FILE.
std::string read_body(const std::string& data);
// -d must be JSON (it is sent as application/json).
void validate_json(const std::string& body);
// -H 'Name: value'.
std::pair<std::string, std::string> parse_header(const std::string& text);
std::string upper(std::string text);

}  // namespace ccload::cli
