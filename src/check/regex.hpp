#pragma once
// A PCRE2 pattern compiled (and JIT-compiled where the platform has it) once, then matched by
// many threads at once (each with its own Matcher).

#include <memory>
#include <string>
#include <string_view>

namespace ccload::check {

class Regex {
 public:
  // The compiled `pattern`, or null with `error` set (PCRE2's message and the offset).
  static std::shared_ptr<const Regex> compile(std::string_view pattern, std::string& error);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  void* code() const { return code_; }  // pcre2_code_8*
  bool jit() const { return jit_; }

 private:
  Regex(void* code, bool jit) : code_(code), jit_(jit) {}
  void* code_;
  bool jit_;
};

}  // namespace ccload::check
