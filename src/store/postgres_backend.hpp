#pragma once
// The PostgreSQL backend (DATABASE_URL=postgresql://...): the same tables as SQLite, created and
// migrated by ccload, rows written with COPY.

#include <memory>
#include <string>

#include "store/backend.hpp"
#include "store/postgres.hpp"

namespace ccload::store {

std::unique_ptr<Backend> make_postgres_backend(const std::string& url);

}  // namespace ccload::store
