#pragma once
// The `ccload` table a script sees beside wrk's (what wrk lacks): the rows of the run's data file
// (--data), read-only and shared by every state (a DataSet is immutable).
//
//   ccload.rows            the number of rows (0 without --data)
//   ccload.columns         the column names, in the file's order
//   ccload.data(i)         row i (1-based) as a table {column = value, ...}; nil past the last
//                          row; an error without --data or for an index that is not a whole
//                          number of 1 or more

#include <lua.hpp>

#include <memory>

#include "request/data_set.hpp"

namespace ccload::script {

// Sets the global `ccload` in `L`. `data` may be null (no --data); it must outlive `L`.
void install_ccload_table(lua_State* L, const request::DataSet* data);

}  // namespace ccload::script
