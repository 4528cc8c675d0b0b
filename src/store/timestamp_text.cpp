#include "store/timestamp_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace ccload::store {

bool timestamp_is_text(sql::Connection& db) {
  if (db.dialect() != sql::Dialect::sqlite) return false;
  auto columns = db.prepare("PRAGMA table_info(LOADTEST)");
  while (columns.step()) {
    std::string name = columns.column_text(1), type = columns.column_text(2);
    for (std::string* text : {&name, &type}) {
      std::transform(text->begin(), text->end(), text->begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    }
    if (name != "TIMESTAMP") continue;
    return type.find("CHAR") != std::string::npos || type.find("CLOB") != std::string::npos ||
           type.find("TEXT") != std::string::npos;
  }
  return false;
}

std::string_view timestamp_text(std::int64_t unix_ns, char (&buffer)[kTimestampTextSize]) {
  // Microseconds, rounded half up (towards plus infinity), then split without a sign error.
  std::int64_t us = (unix_ns + 500) / 1000 - ((unix_ns + 500) % 1000 < 0 ? 1 : 0);
  const bool negative = us < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(us + 1)) + 1 : static_cast<std::uint64_t>(us);
  const auto end = fmt::format_to_n(buffer, kTimestampTextSize, "{}{}.{:06}", negative ? "-" : "",
                                    magnitude / 1'000'000, magnitude % 1'000'000);
  return {buffer, end.size};
}

}  // namespace ccload::store
