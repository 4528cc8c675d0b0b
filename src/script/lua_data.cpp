#include "script/lua_data.hpp"

#include <cmath>

namespace ccload::script {

namespace {

int data_row(lua_State* L) {
  const auto* data = static_cast<const request::DataSet*>(lua_touserdata(L, lua_upvalueindex(1)));
  if (data == nullptr) {
    return luaL_error(L, "ccload.data: the run has no data file: give --data FILE.csv or .jsonl");
  }
  const lua_Number index = luaL_checknumber(L, 1);
  if (index < 1 || std::floor(index) != index) {
    return luaL_error(L, "ccload.data(%f): a row is a whole number from 1 to ccload.rows", index);
  }
  const auto row = static_cast<std::size_t>(index) - 1;
  if (row >= data->rows()) {
    lua_pushnil(L);
    return 1;
  }
  lua_createtable(L, 0, static_cast<int>(data->columns()));
  for (std::size_t c = 0; c < data->columns(); ++c) {
    const std::string_view value = data->cell(row, c);
    lua_pushlstring(L, value.data(), value.size());
    lua_setfield(L, -2, data->column_names()[c].c_str());
  }
  return 1;
}

}  // namespace

void install_ccload_table(lua_State* L, const request::DataSet* data) {
  lua_newtable(L);
  lua_pushnumber(L, data != nullptr ? static_cast<lua_Number>(data->rows()) : 0);
  lua_setfield(L, -2, "rows");
  lua_newtable(L);
  if (data != nullptr) {
    for (std::size_t c = 0; c < data->columns(); ++c) {
      lua_pushstring(L, data->column_names()[c].c_str());
      lua_rawseti(L, -2, static_cast<int>(c + 1));
    }
  }
  lua_setfield(L, -2, "columns");
  lua_pushlightuserdata(L, const_cast<request::DataSet*>(data));
  lua_pushcclosure(L, data_row, 1);
  lua_setfield(L, -2, "data");
  lua_setglobal(L, "ccload");
}

}  // namespace ccload::script
