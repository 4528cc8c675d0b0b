// The JSON Lines reader (see data_set.hpp): lines are gathered across chunks, then each is parsed
// by a small recursive-free parser that accepts one object of string and number values.
#include <fmt/format.h>

#include "core/text.hpp"
#include "request/data_reader.hpp"

namespace ccload::request {

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// One line's object, parsed into `out` (keys and values unescaped, numbers as written).
class LineParser {
 public:
  LineParser(std::string_view text, std::string& out, const DataSet::Builder& errors,
             std::size_t line)
      : text_(text), out_(out), errors_(errors), line_(line) {}

  struct Span {
    std::size_t at, size;
  };

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  [[noreturn]] void invalid(std::string_view expected) const {
    errors_.fail(line_, fmt::format("invalid JSON at column {}: expected {}", pos_ + 1, expected));
  }
  void expect(char c, std::string_view expected) {
    skip_space();
    if (peek() != c) invalid(expected);
    ++pos_;
  }

  Span string() {
    const std::size_t start = out_.size();
    ++pos_;  // the opening quote
    for (;;) {
      if (at_end()) invalid("the closing quote of a string");
      const char c = text_[pos_++];
      if (c == '"') return {start, out_.size() - start};
      if (static_cast<unsigned char>(c) < 0x20) {
        --pos_;
        invalid("an escape (\\n, \\t, \\u0001) for a control character inside a string");
      }
      if (c != '\\') {
        out_ += c;
        continue;
      }
      if (at_end()) invalid("an escape after the backslash");
      switch (const char e = text_[pos_++]) {
        case '"':
        case '\\':
        case '/':
          out_ += e;
          break;
        case 'b':
          out_ += '\b';
          break;
        case 'f':
          out_ += '\f';
          break;
        case 'n':
          out_ += '\n';
          break;
        case 'r':
          out_ += '\r';
          break;
        case 't':
          out_ += '\t';
          break;
        case 'u':
          append_utf8(out_, code_point());
          break;
        default:
          --pos_;
          invalid("one of the escapes \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
      }
    }
  }

  Span number() {
    const std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (is_digit(peek())) {
      while (is_digit(peek())) ++pos_;
    } else {
      invalid("a digit");
    }
    if (peek() == '.') {
      ++pos_;
      if (!is_digit(peek())) invalid("a digit after the decimal point");
      while (is_digit(peek())) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!is_digit(peek())) invalid("a digit in the exponent");
      while (is_digit(peek())) ++pos_;
    }
    const std::size_t at = out_.size();
    out_.append(text_.substr(start, pos_ - start));
    return {at, pos_ - start};
  }

  // A value: a string or a number; any other JSON value is refused by its type.
  Span value(std::string_view key) {
    skip_space();
    const char c = peek();
    if (c == '"') return string();
    if (c == '-' || is_digit(c)) return number();
    const char* type = nullptr;
    if (c == 't' || c == 'f') type = "a boolean";
    if (c == 'n') type = "null";
    if (c == '[') type = "an array";
    if (c == '{') type = "an object";
    if (type == nullptr) invalid("a value");
    errors_.fail(line_, fmt::format("the value of '{}' is {}; values must be strings or numbers",
                                    printable(key), type));
  }

 private:
  std::uint32_t hex4() {
    if (text_.size() - pos_ < 4) invalid("four hex digits after \\u");
    std::uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(text_[pos_]);
      if (digit < 0) invalid("four hex digits after \\u");
      code = code * 16 + static_cast<std::uint32_t>(digit);
      ++pos_;
    }
    return code;
  }
  std::uint32_t code_point() {
    const std::uint32_t first = hex4();
    if (first >= 0xDC00 && first <= 0xDFFF)
      invalid("a high surrogate before a low one (\\uD83D\\uDE00)");
    if (first < 0xD800 || first > 0xDBFF) return first;
    if (text_.substr(pos_, 2) != "\\u")
      invalid("a low surrogate (\\uDC00-\\uDFFF) after a high one");
    pos_ += 2;
    const std::uint32_t second = hex4();
    if (second < 0xDC00 || second > 0xDFFF) {
      invalid("a low surrogate (\\uDC00-\\uDFFF) after a high one");
    }
    return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string& out_;
  const DataSet::Builder& errors_;
  std::size_t line_;
};

}  // namespace

void JsonlReader::feed(std::string_view chunk) {
  if (!chunk.empty()) any_input_ = true;
  while (!chunk.empty()) {
    const std::size_t end = chunk.find('\n');
    if (end == std::string_view::npos) {
      line_text_.append(chunk);
      return;
    }
    if (line_text_.empty()) {
      parse_line(chunk.substr(0, end));
    } else {
      line_text_.append(chunk.substr(0, end));
      parse_line(line_text_);
      line_text_.clear();
    }
    chunk.remove_prefix(end + 1);
  }
}

void JsonlReader::parse_line(std::string_view text) {
  ++line_;
  if (text.find_first_not_of(" \t\r") == std::string_view::npos) return;  // blank
  scratch_.clear();
  members_.clear();
  LineParser parser(text, scratch_, out_, line_);
  parser.skip_space();
  if (parser.peek() != '{') {
    out_.fail(line_, "not a JSON object; each line is one object, such as {\"id\": 1}");
  }
  parser.expect('{', "{");
  parser.skip_space();
  if (parser.peek() == '}') {
    parser.expect('}', "}");
  } else {
    for (;;) {
      parser.skip_space();
      if (parser.peek() != '"') parser.invalid("a key in quotes");
      const auto key = parser.string();
      parser.expect(':', "':' after the key");
      const auto value = parser.value(std::string_view(scratch_).substr(key.at, key.size));
      members_.push_back({key.at, key.size, value.at, value.size});
      parser.skip_space();
      if (parser.peek() == ',') {
        parser.expect(',', ",");
        continue;
      }
      parser.expect('}', "',' or '}'");
      break;
    }
  }
  parser.skip_space();
  if (!parser.at_end()) parser.invalid("the end of the line after the object");

  const std::string_view bytes = scratch_;
  auto key_of = [&](const Member& m) { return bytes.substr(m.key_at, m.key_size); };
  if (!out_.has_header()) {
    if (members_.empty()) {
      out_.fail(line_, "an empty object; the first line's keys name the columns");
    }
    for (std::size_t i = 0; i < members_.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (key_of(members_[j]) == key_of(members_[i])) {
          out_.fail(line_,
                    fmt::format("the key '{}' appears twice", printable(key_of(members_[i]))));
        }
      }
      out_.add_column(std::string(key_of(members_[i])), line_);
    }
  }
  const DataSet& set = out_.set();
  slot_of_column_.assign(set.columns(), kNone);
  for (std::size_t i = 0; i < members_.size(); ++i) {
    const std::string_view key = key_of(members_[i]);
    std::size_t column = kNone;
    if (i < set.columns() && set.column_names()[i] == key) {
      column = i;  // the usual case: the first line's order
    } else if (const auto found = set.column(key)) {
      column = *found;
    } else {
      out_.fail(line_, fmt::format("the key '{}' is not a column; the first object's keys are the "
                                   "columns: {}",
                                   printable(key), set.column_list()));
    }
    if (slot_of_column_[column] != kNone) {
      out_.fail(line_, fmt::format("the key '{}' appears twice", printable(key)));
    }
    slot_of_column_[column] = i;
  }
  for (std::size_t column = 0; column < set.columns(); ++column) {
    if (slot_of_column_[column] == kNone) {
      out_.fail(line_, fmt::format("the key '{}' is missing; every line has the first object's "
                                   "keys: {}",
                                   printable(set.column_names()[column]), set.column_list()));
    }
  }
  for (const std::size_t slot : slot_of_column_) {
    const Member& m = members_[slot];
    out_.append(bytes.substr(m.value_at, m.value_size));
    out_.end_value();
  }
  out_.end_row(line_);
}

DataSet JsonlReader::finish() {
  if (!line_text_.empty()) {
    parse_line(line_text_);
    line_text_.clear();
  }
  return out_.finish(!any_input_);
}

}  // namespace ccload::request
