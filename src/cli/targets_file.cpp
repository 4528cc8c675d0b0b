#include "cli/targets_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "core/text.hpp"
#include "net/url.hpp"
#include "request/run_templates.hpp"

namespace ccload::cli {

namespace {

constexpr std::size_t kQuoteLimit = 80;

// Offending text for a message: printable, and at most about kQuoteLimit characters.
std::string shortened(std::string_view text) {
  std::string out = printable(text);
  if (out.size() <= kQuoteLimit) return out;
  std::size_t cut = kQuoteLimit - 3;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  out.resize(cut);
  return out + "...";
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// The first word of `text` (which has no leading blanks) and the rest after the blanks that
// follow it.
std::pair<std::string_view, std::string_view> split_word(std::string_view text) {
  const auto end = std::find_if(text.begin(), text.end(), is_blank);
  const std::string_view word(text.begin(), end);
  return {word, trim(text.substr(word.size()))};
}

bool is_method(std::string_view word) {
  return std::any_of(kHttpMethods.begin(), kHttpMethods.end(),
                     [&](std::string_view method) { return iequals(word, method); });
}

bool is_letters(std::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
}

bool starts_with_scheme(std::string_view url) {
  return iequals(url.substr(0, 7), "http://") || iequals(url.substr(0, 8), "https://");
}

// A known method followed by an http(s) URL: the line starts a target even without a blank line
// before it.
bool starts_target(std::string_view line) {
  const auto [method, rest] = split_word(line);
  return is_method(method) && starts_with_scheme(rest);
}

// An HTTP token (RFC 9110): what a header name is made of.
bool is_token(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool has_control(std::string_view value) {
  return std::any_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
  });
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// The file's bytes, or the reason they cannot be read (strerror).
std::optional<std::string> read_all(const std::string& path, std::string* reason) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) {
    if (reason != nullptr) *reason = std::strerror(errno);
    return std::nullopt;
  }
  std::string content;
  std::array<char, 65536> chunk;
  std::size_t n = 0;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), file.get())) > 0)
    content.append(chunk.data(), n);
  if (std::ferror(file.get())) {
    if (reason != nullptr) *reason = std::strerror(errno);
    return std::nullopt;
  }
  return content;
}

// Reads the lines of one file, in order, into targets.
class Parser {
 public:
  Parser(const std::string& file_name, const BodyFileReader& read_file)
      : file_name_(file_name), read_file_(read_file) {}

  // One line without its line break; `number` is 1-based.
  void line(std::string_view raw, std::size_t number) {
    const std::string_view text = trim(raw);
    if (text.empty()) {
      state_ = State::kBetween;
    } else if (text.front() == '#') {
      return;
    } else if (state_ == State::kBetween || starts_target(text)) {
      start_target(text, number);
    } else if (state_ == State::kAfterBody) {
      fail(number, fmt::format("'{}' comes after the body line '{}': headers go before the @ "
                               "line, and a blank line goes before the next target",
                               shortened(text), shortened(body_line_)));
    } else if (text.front() == '@') {
      set_body(text, number);
    } else {
      add_header(text, number);
    }
  }

  std::vector<TargetSpec> finish() && {
    if (targets_.empty()) {
      throw UsageError(printable(fmt::format(
          "-f {}: no targets in it: write one 'METHOD URL' line per target (vegeta's format)",
          file_name_)));
    }
    return std::move(targets_);
  }

 private:
  enum class State { kBetween, kHeaders, kAfterBody };

  [[noreturn]] void fail(std::size_t number, std::string_view problem) const {
    throw UsageError(printable(fmt::format("{}:{}: {}", file_name_, number, problem)));
  }

  void start_target(std::string_view text, std::size_t number) {
    const auto [method, rest] = split_word(text);
    const auto [url, extra] = split_word(rest);
    if (url.empty() || !is_letters(method)) {
      fail(number, fmt::format("'{}' is not 'METHOD URL': a target starts with a line like 'GET "
                               "http://host/path', its headers right below it",
                               shortened(text)));
    }
    if (!is_method(method)) {
      fail(number, fmt::format("'{}' is not 'METHOD URL': the methods are {}", shortened(text),
                               kHttpMethodList));
    }
    if (!extra.empty()) {
      fail(number, fmt::format("'{}' has text after the URL: write 'METHOD URL' alone on the "
                               "line (a space in a URL is written %20)",
                               shortened(text)));
    }
    if (url.front() == '/') {
      fail(number, fmt::format("'{}' has a path and no host: write the whole URL, as in '{} "
                               "http://HOST[:PORT]{}'",
                               shortened(text), upper(method), shortened(url)));
    }
    check_url(url, number);
    TargetSpec target;
    target.method = upper(method);
    target.url = std::string(url);
    targets_.push_back(std::move(target));
    state_ = State::kHeaders;
  }

  void check_url(std::string_view url, std::size_t number) const {
    if (request::has_fields(url)) return;  // a template: checked filled (app::plan_run)
    try {
      (void)net::parse_target(url);
    } catch (const net::UrlError& error) {
      std::string message = error.what();
      if (url.size() > kQuoteLimit) {  // what() quotes the URL, maybe more than once
        const std::string short_url = shortened(url);
        for (std::size_t at = message.find(url); at != std::string::npos;
             at = message.find(url, at + short_url.size())) {
          message.replace(at, url.size(), short_url);
        }
      }
      fail(number, message);
    }
  }

  void add_header(std::string_view text, std::size_t number) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
      fail(number, fmt::format("'{}' is not a header: write it as 'Name: value', or leave a "
                               "blank line before the next target",
                               shortened(text)));
    }
    const std::string_view name = trim(text.substr(0, colon));
    const std::string_view value = trim(text.substr(colon + 1));
    if (!is_token(name)) {
      fail(number, fmt::format("'{}' is not a header: its name (before the colon) must be "
                               "letters, digits or !#$%&'*+-.^_`|~ without spaces, as in "
                               "'X-Api-Key: secret'",
                               shortened(text)));
    }
    if (has_control(value)) {
      fail(number, fmt::format("the header '{}' has a control character in its value: remove it",
                               shortened(text)));
    }
    targets_.back().headers.emplace_back(name, value);
  }

  void set_body(std::string_view text, std::size_t number) {
    const std::string path(trim(text.substr(1)));
    if (path.empty()) {
      fail(number, "'@' names no body file: write the file's path after it, as in @body.json");
    }
    std::optional<std::string> body = read_file_(path);
    if (!body) {
      fail(number, fmt::format("cannot read the body file '{}': check the path (a relative path "
                               "is from the current directory)",
                               shortened(path)));
    }
    targets_.back().body = std::move(*body);
    body_line_ = std::string(text);
    state_ = State::kAfterBody;
  }

  const std::string& file_name_;
  const BodyFileReader& read_file_;
  State state_ = State::kBetween;
  std::string body_line_;  // the @ line of the current target, for messages
  std::vector<TargetSpec> targets_;
};

}  // namespace

std::vector<TargetSpec> parse_targets(std::string_view text, const std::string& file_name,
                                      const BodyFileReader& read_file) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
  Parser parser(file_name, read_file);
  std::size_t number = 1;
  for (std::size_t start = 0; start < text.size(); ++number) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    parser.line(text.substr(start, end - start), number);
    start = end + 1;
  }
  return std::move(parser).finish();
}

std::vector<TargetSpec> read_targets_file(const std::string& path) {
  if (path == "-") {
    throw UsageError(
        "-f -: targets cannot be read from standard input: give the path of a targets file");
  }
  std::string reason;
  const std::optional<std::string> text = read_all(path, &reason);
  if (!text) {
    throw UsageError(printable(
        fmt::format("-f {}: cannot read it ({}): give the path of a targets file", path, reason)));
  }
  return parse_targets(*text, path,
                       [](const std::string& body_path) { return read_all(body_path, nullptr); });
}

}  // namespace ccload::cli
