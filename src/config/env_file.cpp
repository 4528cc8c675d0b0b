#include "config/env_file.hpp"

#include <cctype>

namespace ccload::config {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool valid_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

// Parses a quoted value starting at text[0] (the quote). Returns false when the closing quote is
// missing or something other than a comment follows it.
bool parse_quoted(std::string_view text, std::string& out) {
  const char quote = text.front();
  std::size_t i = 1;
  out.clear();
  bool closed = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == quote) {
      closed = true;
      ++i;
      break;
    }
    if (quote == '"' && c == '\\' && i + 1 < text.size()) {
      const char next = text[++i];
      switch (next) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        default:
          out += '\\';
          out += next;
      }
      continue;
    }
    out += c;
  }
  if (!closed) return false;
  const std::string_view rest = trim(text.substr(i));
  return rest.empty() || rest.front() == '#';
}

}  // namespace

EnvFile parse_env(std::string_view text) {
  EnvFile file;
  int number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t eol = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() + 1 : eol + 1;
    ++number;
    if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // UTF-8 BOM
    line = trim(line);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (line.starts_with("export") && line.size() > 6 && is_space(line[6])) {
      line = trim(line.substr(6));
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      file.problems.push_back({number, "expected KEY=value"});
      continue;
    }
    const std::string_view key = trim(line.substr(0, eq));
    if (!valid_key(key)) {
      file.problems.push_back({number, "expected KEY=value with a key of letters, digits and _"});
      continue;
    }
    std::string_view raw = trim(line.substr(eq + 1));
    std::string value;
    if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
      if (!parse_quoted(raw, value)) {
        file.problems.push_back({number, "unterminated quote in the value of " + std::string(key)});
        continue;
      }
    } else {
      // An unquoted value ends at a comment introduced by whitespace and '#'.
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '#' && (i == 0 || is_space(raw[i - 1]))) {
          raw = raw.substr(0, i);
          break;
        }
      }
      value = std::string(trim(raw));
    }
    file.entries.push_back({std::string(key), std::move(value), number});
  }
  return file;
}

}  // namespace ccload::config
