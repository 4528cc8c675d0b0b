#pragma once
// DATABASE_URL: a file path, sqlite:///absolute/path or sqlite://relative/path. Other schemes
// (postgresql://, mysql://, ...) are not supported yet.

#include <stdexcept>
#include <string>
#include <string_view>

namespace ccload::config {

// The SQLite file path named by `url`. Throws std::invalid_argument with the reason and the fix
// (without repeating the URL, which may hold credentials) when it is empty or not SQLite.
std::string database_path_from_url(std::string_view url);

}  // namespace ccload::config
