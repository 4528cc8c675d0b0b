#pragma once
// The database a reading command (history, report, compare) uses: --db, else DATABASE_URL from
// the configuration, else load.db.

#include <optional>
#include <string>

namespace ccload::app {

// Prints configuration warnings; nothing when the configuration is bad (one error line printed:
// exit 2).
std::optional<std::string> choose_database(const std::optional<std::string>& flag);

}  // namespace ccload::app
