#include "check/check.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

#include <charconv>

#include "check/regex.hpp"

namespace ccload::check {

namespace {

bool fail(std::string& error, std::string_view expr, std::string_view why) {
  error = fmt::format("--check '{}': {}; the forms are {}", expr, why, kForms);
  return false;
}

bool parse_number(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool lower_token(std::string_view name, std::string& out) {
  if (name.empty()) return false;
  out.clear();
  for (const char c : name) {
    const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string_view("!#$%&'*+-.^_`|").find(c) != std::string_view::npos;
    if (!token) return false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  }
  return true;
}

bool compile_into(Check& check, std::string_view pattern, std::string& error) {
  if (pattern.empty()) return fail(error, check.expr, "the regex is empty");
  std::string why;
  check.regex = Regex::compile(pattern, why);
  if (!check.regex) return fail(error, check.expr, why);
  return true;
}

bool parse_into(Check& check, std::string_view expr, std::string& error) {
  const auto starts = [&](std::string_view prefix) {
    return expr.substr(0, prefix.size()) == prefix;
  };
  if (starts("status==") || starts("status!=")) {
    check.kind = expr[6] == '=' ? Kind::status_eq : Kind::status_ne;
    std::uint64_t status = 0;
    if (!parse_number(expr.substr(8), status) || status < 100 || status > 999) {
      return fail(error, expr, "the status must be a number from 100 to 999");
    }
    check.status = static_cast<int>(status);
    return true;
  }
  if (starts("body!~")) {
    check.kind = Kind::body_no_match;
    return compile_into(check, expr.substr(6), error);
  }
  if (starts("body~")) {
    check.kind = Kind::body_match;
    return compile_into(check, expr.substr(5), error);
  }
  if (starts("header.")) {
    const std::string_view rest = expr.substr(7);
    const std::size_t tilde = rest.find('~');
    if (tilde == std::string_view::npos) return fail(error, expr, "header.NAME needs ~REGEX");
    if (!lower_token(rest.substr(0, tilde), check.header)) {
      return fail(error, expr, "the header name is not a field name");
    }
    check.kind = Kind::header_match;
    return compile_into(check, rest.substr(tilde + 1), error);
  }
  if (starts("json.")) {
    std::string_view rest = expr.substr(5);
    std::string_view path, value;
    static constexpr std::string_view kExists = " exists";
    if (rest.size() >= kExists.size() && rest.substr(rest.size() - kExists.size()) == kExists) {
      check.kind = Kind::json_exists;
      path = rest.substr(0, rest.size() - kExists.size());
    } else {
      const std::size_t eq = rest.find("==");
      if (eq == std::string_view::npos) {
        return fail(error, expr, "json.PATH needs ==VALUE or ' exists'");
      }
      check.kind = Kind::json_eq;
      path = rest.substr(0, eq);
      value = rest.substr(eq + 2);
    }
    try {
      check.pointer = nlohmann::json::json_pointer(std::string(path));
    } catch (const nlohmann::json::exception&) {
      return fail(error, expr,
                  fmt::format("'{}' is not a JSON Pointer (RFC 6901: /key/0/key, ~0 for ~, ~1 "
                              "for /)",
                              path));
    }
    if (check.kind == Kind::json_eq) {
      // A JSON literal (42, true, null, "text", [..], {..}); anything else is a bare string.
      check.value = nlohmann::json::parse(value, nullptr, false);
      if (check.value.is_discarded()) check.value = std::string(value);
    }
    return true;
  }
  if (starts("size")) {
    std::string_view rest = expr.substr(4);
    std::size_t op = 1;
    if (rest.substr(0, 2) == "<=") {
      check.compare = Compare::le, op = 2;
    } else if (rest.substr(0, 2) == ">=") {
      check.compare = Compare::ge, op = 2;
    } else if (rest.substr(0, 2) == "==") {
      check.compare = Compare::eq, op = 2;
    } else if (rest.substr(0, 1) == "<") {
      check.compare = Compare::lt;
    } else if (rest.substr(0, 1) == ">") {
      check.compare = Compare::gt;
    } else {
      return fail(error, expr, "size needs <, <=, >, >= or == and a number of bytes");
    }
    check.kind = Kind::size;
    if (!parse_number(rest.substr(op), check.size)) {
      return fail(error, expr, "the size must be a whole number of bytes");
    }
    return true;
  }
  return fail(error, expr, "not a check");
}

bool needs_body(Kind kind) {
  return kind == Kind::body_match || kind == Kind::body_no_match || kind == Kind::json_eq ||
         kind == Kind::json_exists;
}

}  // namespace

std::optional<Check> parse_check(std::string_view expr, std::string& error) {
  Check check;
  check.expr = std::string(expr);
  if (!parse_into(check, expr, error)) return std::nullopt;
  return check;
}

core::ResponseNeeds needs_of(const std::vector<Check>& checks, core::ResponseNeeds base) {
  for (const Check& check : checks) {
    if (check.kind == Kind::header_match) base.headers = true;
    if (needs_body(check.kind)) base.body = true;
  }
  return base;
}

Matcher::Matcher() : data_(pcre2_match_data_create(1, nullptr)) {}
Matcher::~Matcher() { pcre2_match_data_free(static_cast<pcre2_match_data*>(data_)); }

bool Matcher::matches(const Regex& regex, std::string_view subject) {
  auto* code = static_cast<pcre2_code*>(regex.code());
  auto* data = static_cast<pcre2_match_data*>(data_);
  const auto* text = reinterpret_cast<PCRE2_SPTR>(subject.data());
  // rc 0: matched, with more groups than the one-pair ovector holds.
  const int rc = regex.jit() ? pcre2_jit_match(code, text, subject.size(), 0, 0, data, nullptr)
                             : pcre2_match(code, text, subject.size(), 0, 0, data, nullptr);
  return rc >= 0;
}

bool evaluate(const Check& check, const core::ServerResponse& response, Matcher& matcher) {
  if (needs_body(check.kind) && response.body_truncated) return false;
  switch (check.kind) {
    case Kind::status_eq:
      return response.status == check.status;
    case Kind::status_ne:
      return response.status != check.status;
    case Kind::body_match:
      return matcher.matches(*check.regex, response.body);
    case Kind::body_no_match:
      return !matcher.matches(*check.regex, response.body);
    case Kind::header_match:
      for (const core::ResponseField& field : response.headers) {
        if (field.name == check.header && matcher.matches(*check.regex, field.value)) return true;
      }
      return false;
    case Kind::json_eq:
    case Kind::json_exists: {
      const nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
      if (doc.is_discarded() || !doc.contains(check.pointer)) return false;
      return check.kind == Kind::json_exists || doc.at(check.pointer) == check.value;
    }
    case Kind::size: {
      const std::uint64_t size = response.body_size;
      switch (check.compare) {
        case Compare::lt:
          return size < check.size;
        case Compare::le:
          return size <= check.size;
        case Compare::gt:
          return size > check.size;
        case Compare::ge:
          return size >= check.size;
        case Compare::eq:
          return size == check.size;
      }
      return false;
    }
  }
  return false;
}

}  // namespace ccload::check
