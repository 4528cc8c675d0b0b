#include "check/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

namespace ccload::check {

std::shared_ptr<const Regex> Regex::compile(std::string_view pattern, std::string& error) {
  int code_error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0,
                                   &code_error, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(code_error, message, sizeof message);
    error = fmt::format("regex '{}' does not compile: {} (at offset {})", pattern,
                        reinterpret_cast<const char*>(message), offset);
    return nullptr;
  }
  const bool jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  return std::shared_ptr<const Regex>(new Regex(code, jit));
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code*>(code_)); }

}  // namespace ccload::check
