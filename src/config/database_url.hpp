#pragma once
// DATABASE_URL: a file path, sqlite:///absolute/path or sqlite://relative/path (SQLite), or
// postgresql://user:password@host:port/db (also postgres://; PostgreSQL). Other schemes are
// refused.

#include <stdexcept>
#include <string>
#include <string_view>

namespace ccload::config {

// The SQLite file path named by `url`, or the PostgreSQL URL itself. Throws std::invalid_argument
// with the reason and the fix (without repeating the URL, which may hold credentials) when it is
// empty or of another scheme.
std::string database_path_from_url(std::string_view url);

}  // namespace ccload::config
