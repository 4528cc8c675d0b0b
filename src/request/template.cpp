#include "request/template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "core/text.hpp"

namespace ccload::request {

namespace {

constexpr std::size_t kMaxRandstr = 65536;
constexpr std::size_t kMaxNumber = 20;  // digits of a 64-bit integer, with its sign
constexpr std::size_t kUuidSize = 36;
constexpr char kHex[] = "0123456789ABCDEF";
constexpr char kLowerHex[] = "0123456789abcdef";
constexpr char kAlphanumeric[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kFields =
    "the fields are {{seq}}, {{uuid}}, {{randint A B}}, {{randstr N}}, {{now_ms}}, {{env NAME}} "
    "and {{col NAME}} (write {{{{ for a literal {{)";

bool url_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// A byte JSON keeps as it is inside a string.
bool json_plain(unsigned char c) { return c >= 0x20 && c != '"' && c != '\\'; }

// Appends `value`: runs of bytes that are `plain` as they are, each other byte through `escape`.
template <typename Plain, typename EscapeByte>
void append_escaped(std::string& out, std::string_view value, Plain plain, EscapeByte escape) {
  std::size_t from = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto byte = static_cast<unsigned char>(value[i]);
    if (plain(byte)) continue;
    out.append(value.data() + from, i - from);
    escape(byte);
    from = i + 1;
  }
  out.append(value.data() + from, value.size() - from);
}

// Bytes one value byte can take once escaped: \u00XX in JSON, %XX in a URL.
std::size_t expansion(Escape escape) {
  switch (escape) {
    case Escape::json:
      return 6;
    case Escape::url:
      return 3;
    default:
      return 1;
  }
}

// Appends `value` as it must stand where `escape` says; false when it cannot (a header value
// with a control byte), with `out` then partly written.
bool append_value(std::string& out, std::string_view value, Escape escape) {
  switch (escape) {
    case Escape::none:
      out.append(value);
      return true;
    case Escape::header:
      for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t') || byte == 0x7f) return false;
      }
      out.append(value);
      return true;
    case Escape::url:
      append_escaped(out, value, url_unreserved, [&](unsigned char byte) {
        const char encoded[3] = {'%', kHex[byte >> 4], kHex[byte & 15]};
        out.append(encoded, 3);
      });
      return true;
    case Escape::json:
      append_escaped(out, value, json_plain, [&](unsigned char byte) {
        const char* named = nullptr;
        switch (byte) {
          case '"':
            named = "\\\"";
            break;
          case '\\':
            named = "\\\\";
            break;
          case '\n':
            named = "\\n";
            break;
          case '\r':
            named = "\\r";
            break;
          case '\t':
            named = "\\t";
            break;
          case '\b':
            named = "\\b";
            break;
          case '\f':
            named = "\\f";
            break;
        }
        if (named != nullptr) {
          out.append(named, 2);
        } else {
          const char encoded[6] = {'\\', 'u', '0', '0', kLowerHex[byte >> 4], kLowerHex[byte & 15]};
          out.append(encoded, 6);
        }
      });
      return true;
  }
  return true;
}

template <typename Integer>
void append_number(std::string& out, Integer value) {
  char digits[kMaxNumber + 1];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

// The words of a field's text, split at spaces and tabs.
std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (true) {
    pos = text.find_first_not_of(" \t", pos);
    if (pos == std::string_view::npos) return out;
    const std::size_t end = std::min(text.find_first_of(" \t", pos), text.size());
    out.push_back(text.substr(pos, end - pos));
    pos = end;
  }
}

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

template <typename Integer>
std::optional<Integer> whole_number(std::string_view text) {
  Integer value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "column C", or "line L, column C" in text with line breaks (both from 1, in bytes).
std::string position(std::string_view text, std::size_t offset) {
  const std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const std::size_t column =
      line_start == std::string_view::npos || offset == 0 ? offset + 1 : offset - line_start;
  if (text.find('\n') == std::string_view::npos) return fmt::format("column {}", column);
  const auto line = std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n') + 1;
  return fmt::format("line {}, column {}", line, column);
}

std::string shown(std::string_view text) {
  constexpr std::size_t kMost = 40;
  if (text.size() <= kMost) return printable(text);
  return printable(text.substr(0, kMost)) + "...";
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

void Template::add_text(std::string_view bytes) {
  if (bytes.empty()) return;
  if (parts_.empty() || parts_.back().kind != Kind::text) {
    parts_.push_back(Part{Kind::text, text_.size(), 0});
  }
  text_.append(bytes);
  parts_.back().b += bytes.size();
  max_size_ += bytes.size();
}

Template Template::compile(std::string_view text, const TemplateOptions& options) {
  Template t;
  t.escape_ = options.escape;
  t.data_ = options.data;
  auto fail = [&](std::size_t at, std::string_view problem) {
    throw TemplateError(fmt::format("{} at {}: {}", options.part, position(text, at), problem));
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      t.add_text(text.substr(pos));
      break;
    }
    t.add_text(text.substr(pos, open - pos));
    if (text.substr(open, 4) == "{{{{") {
      t.add_text("{{");
      pos = open + 4;
      continue;
    }
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      fail(open, "{{ is never closed; end the field with }}, or write {{{{ for a literal {{");
    }
    const std::string_view field = text.substr(open + 2, close - open - 2);
    pos = close + 2;

    if (options.escape == Escape::url) {  // the literal text so far says where the field lands
      const std::size_t scheme = t.text_.find("://");
      const std::size_t path = scheme == std::string::npos
                                   ? std::string::npos
                                   : t.text_.find_first_of("/?#", scheme + 3);
      if (path == std::string::npos) {
        fail(open,
             "a field cannot stand in the scheme, host or port (a run's connections go to one "
             "origin); put it in the path or the query");
      }
      if (t.text_.find('#', path) != std::string::npos) {
        fail(open,
             "a field after # is never sent (the fragment stays in the client); put it in "
             "the path or the query");
      }
    }

    const auto word = words(field);
    const std::string_view name = word.empty() ? std::string_view() : word[0];
    const std::string_view rest = trim(trim(field).substr(name.size()));
    auto no_arguments = [&](Kind kind, std::size_t size) {
      if (word.size() > 1) fail(open, fmt::format("{{{{{}}}}} takes no arguments", name));
      t.parts_.push_back(Part{kind});
      t.max_size_ += size;
    };
    if (name == "seq") {
      no_arguments(Kind::seq, kMaxNumber);
    } else if (name == "uuid") {
      no_arguments(Kind::uuid, kUuidSize);
      t.uses_rng_ = true;
    } else if (name == "now_ms") {
      no_arguments(Kind::now_ms, kMaxNumber);
      t.uses_now_ = true;
    } else if (name == "randint") {
      const auto lo = word.size() == 3 ? whole_number<std::int64_t>(word[1]) : std::nullopt;
      const auto hi = word.size() == 3 ? whole_number<std::int64_t>(word[2]) : std::nullopt;
      if (!lo || !hi) {
        fail(open, fmt::format("{{{{randint A B}}}} needs two whole numbers, as in "
                               "{{{{randint 1 100}}}}, not {{{{{}}}}}",
                               shown(trim(field))));
      }
      if (*lo > *hi) {
        fail(open, fmt::format("{{{{randint A B}}}} needs A <= B, not {} > {}", *lo, *hi));
      }
      t.parts_.push_back(Part{Kind::randint, 0, 0, *lo, *hi});
      t.max_size_ += kMaxNumber;
      t.uses_rng_ = true;
    } else if (name == "randstr") {
      const auto n = word.size() == 2 ? whole_number<std::size_t>(word[1]) : std::nullopt;
      if (!n || *n < 1 || *n > kMaxRandstr) {
        fail(open, fmt::format("{{{{randstr N}}}} needs a length N from 1 to {}, as in "
                               "{{{{randstr 12}}}}, not {{{{{}}}}}",
                               kMaxRandstr, shown(trim(field))));
      }
      t.parts_.push_back(Part{Kind::randstr, *n});
      t.max_size_ += *n;
      t.uses_rng_ = true;
    } else if (name == "env") {
      if (rest.empty()) fail(open, "{{env NAME}} needs a variable name, as in {{env API_TOKEN}}");
      const std::string variable(rest);
      const auto value = options.env ? options.env(variable) : std::nullopt;
      if (!value) {
        fail(open, fmt::format("the environment variable {} is not set (for {{{{env {}}}}}); set "
                               "it, or write the text itself",
                               shown(variable), shown(variable)));
      }
      std::string escaped;
      if (!append_value(escaped, *value, options.escape)) {
        fail(open, fmt::format("the environment variable {} holds a line break or another "
                               "control byte, which a header value cannot hold",
                               shown(variable)));
      }
      t.add_text(escaped);
    } else if (name == "col") {
      if (rest.empty()) fail(open, "{{col NAME}} needs a column name, as in {{col email}}");
      if (options.data == nullptr) {
        fail(open, fmt::format("{{{{col {}}}}} needs a data file (--data FILE.csv or FILE.jsonl)",
                               shown(rest)));
      }
      const auto column = options.data->column(rest);
      if (!column) {
        fail(open, fmt::format("the data file has no column '{}'; its columns are: {}", shown(rest),
                               options.data->column_list()));
      }
      t.parts_.push_back(Part{Kind::col, *column});
      t.max_size_ += options.data->longest(*column) * expansion(options.escape);
      t.uses_row_ = true;
    } else {
      fail(open, fmt::format("unknown field {{{{{}}}}}; {}", shown(field), kFields));
    }
  }
  t.parts_.shrink_to_fit();
  return t;
}

bool Template::fill(std::string& out, Rng& rng, const FillValues& values) const {
  const std::size_t start = out.size();
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Kind::text:
        out.append(text_.data() + part.a, part.b);
        break;
      case Kind::seq:
        append_number(out, values.seq);
        break;
      case Kind::now_ms:
        append_number(out, values.now_ms);
        break;
      case Kind::randint:
        append_number(out, rng.between(part.lo, part.hi));
        break;
      case Kind::uuid: {
        unsigned char bytes[16];
        for (int half = 0; half < 2; ++half) {
          std::uint64_t bits = rng.next();
          for (int i = 0; i < 8; ++i, bits >>= 8) bytes[half * 8 + i] = bits & 0xff;
        }
        bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
        bytes[8] = (bytes[8] & 0x3f) | 0x80;  // variant 10xx (RFC 9562)
        char text[kUuidSize];
        std::size_t at = 0;
        for (int i = 0; i < 16; ++i) {
          if (i == 4 || i == 6 || i == 8 || i == 10) text[at++] = '-';
          text[at++] = kLowerHex[bytes[i] >> 4];
          text[at++] = kLowerHex[bytes[i] & 15];
        }
        out.append(text, kUuidSize);
        break;
      }
      case Kind::randstr: {
        std::size_t left = part.a;
        while (left > 0) {  // 6 bits a draw, 62 of 64 values kept: no bias
          std::uint64_t bits = rng.next();
          for (int i = 0; i < 10 && left > 0; ++i, bits >>= 6) {
            const auto index = static_cast<unsigned>(bits & 63);
            if (index < 62) {
              out.push_back(kAlphanumeric[index]);
              --left;
            }
          }
        }
        break;
      }
      case Kind::col:
        if (!append_value(out, data_->cell(values.row, part.a), escape_)) {
          out.resize(start);
          return false;
        }
        break;
    }
  }
  return true;
}

}  // namespace ccload::request
