#pragma once
// Targets files in vegeta's plain ("http") format: each target is a `METHOD URL` line, then
// optional `Name: value` header lines, then an optional `@path` line whose file is the body.
// Targets are separated by blank lines; lines starting with `#` are comments. For example:
//
//   GET http://127.0.0.1:8080/get
//   X-Api-Key: secret
//
//   POST http://127.0.0.1:8080/post
//   Content-Type: application/json
//   @body.json

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command.hpp"
#include "core/target.hpp"

namespace ccload::cli {

// Reads the body file named by an `@path` line: its exact bytes, or std::nullopt when it cannot
// be read.
using BodyFileReader = std::function<std::optional<std::string>(const std::string& path)>;

// Reads the targets file at `path` ("-", standard input, is not supported). Body files named by
// `@path` are read from disk, relative paths from the current directory (as vegeta does). Returns
// at least one target, in file order. Throws UsageError: one line naming the file (and the line)
// and the fix.
std::vector<TargetSpec> read_targets_file(const std::string& path);

// The same, from text already read. `file_name` is only quoted in messages; `read_file` reads the
// body of an `@path` line. Each target's method is upper case, its URL is a usable absolute
// http(s) URL as written, its headers are in file order (Content-Type among them: content_type
// stays empty) and its body is sent as it is (not validated).
std::vector<TargetSpec> parse_targets(std::string_view text, const std::string& file_name,
                                      const BodyFileReader& read_file);

}  // namespace ccload::cli
