#pragma once
// What lua_script.cpp shares with the two files that build its Lua states: the states
// (LuaRunScript::State, LuaRunScript::Thread), the `wrk` table's setup (lua_wrk_table.cpp) and
// the thread userdata (lua_thread.cpp).

#include <atomic>
#include <lua.hpp>
#include <string>

#include "script/lua_script.hpp"

namespace ccload::script {

struct LuaRunScript::State {
  lua_State* L = luaL_newstate();
  ~State() {
    if (L != nullptr) lua_close(L);
  }
};

struct LuaRunScript::Thread {
  State state;
  unsigned id = 0;  // 1-based
  std::string addr;
  std::atomic<bool> stopped{false};
  bool has_request = false, has_response = false, has_delay = false;
  std::string static_text;  // wrk.request()'s, for a script without request()
  std::string text;         // the last request() text
  std::string last_error;
};

namespace detail {

inline std::string pop_error(lua_State* L) {
  const char* message = lua_tostring(L, -1);
  std::string text = message != nullptr ? message : "an error that is not a string";
  lua_pop(L, 1);
  return text;
}

// A fresh state with the standard libraries and the `wrk` table of `source`, then the script
// run. Empty, or the error (lua_wrk_table.cpp).
std::string prepare(lua_State* L, const ScriptSource& source);

// Pushes `t` as the thread userdata setup() and wrk.thread see: thread:get(name),
// thread:set(name, value), thread:stop(), thread.addr, thread.id (lua_thread.cpp).
void push_thread(lua_State* L, LuaRunScript::Thread& t);

}  // namespace detail

}  // namespace ccload::script
