#pragma once
// Local time is UTC while a LocalTimeIsUtc lives (TZ set, then restored as it was), so that a test
// can compute calendar periods and the report's local times by hand.

#include <time.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace ccload::test {

class LocalTimeIsUtc {
 public:
  LocalTimeIsUtc() {
    const char* tz = std::getenv("TZ");
    if (tz != nullptr) saved_ = tz;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  ~LocalTimeIsUtc() {
    if (saved_) {
      ::setenv("TZ", saved_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  LocalTimeIsUtc(const LocalTimeIsUtc&) = delete;
  LocalTimeIsUtc& operator=(const LocalTimeIsUtc&) = delete;

 private:
  std::optional<std::string> saved_;
};

}  // namespace ccload::test
