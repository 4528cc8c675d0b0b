#pragma once
// The env-file format of the seed's configuration (python-dotenv style): KEY=value lines, `#`
// comments, blank lines, an optional `export ` prefix, values optionally in single quotes (taken
// literally) or double quotes (with \n \t \" \\ escapes). Unquoted values end at a ` #` comment and
// are trimmed.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccload::config {

struct EnvEntry {
  std::string key;
  std::string value;
  int line = 0;  // 1-based line number in the file
};

struct EnvProblem {
  int line = 0;
  std::string message;  // what is wrong with the line (no value is quoted: it may be a secret)
};

struct EnvFile {
  std::vector<EnvEntry> entries;     // in file order; a repeated key appears once per line
  std::vector<EnvProblem> problems;  // lines that could not be parsed (skipped)
};

// Parses the text of an env file. Never throws.
EnvFile parse_env(std::string_view text);

}  // namespace ccload::config
