#include "script/lua_script_detail.hpp"

#include <atomic>
#include <lua.hpp>
#include <string>

namespace ccload::script {

namespace {

constexpr const char* kThreadMeta = "ccload.thread";
constexpr int kMaxCopyDepth = 16;

// Copies the value at `index` of `from` onto the top of `to` (nil for what cannot be copied).
void copy_value(lua_State* from, int index, lua_State* to, int depth = 0) {
  index = index < 0 ? lua_gettop(from) + index + 1 : index;
  switch (lua_type(from, index)) {
    case LUA_TBOOLEAN:
      lua_pushboolean(to, lua_toboolean(from, index));
      return;
    case LUA_TNUMBER:
      lua_pushnumber(to, lua_tonumber(from, index));
      return;
    case LUA_TSTRING: {
      std::size_t size = 0;
      const char* text = lua_tolstring(from, index, &size);
      lua_pushlstring(to, text, size);
      return;
    }
    case LUA_TTABLE:
      if (depth < kMaxCopyDepth) {
        lua_newtable(to);
        lua_pushnil(from);
        while (lua_next(from, index) != 0) {
          copy_value(from, -2, to, depth + 1);
          copy_value(from, -1, to, depth + 1);
          lua_settable(to, -3);
          lua_pop(from, 1);
        }
        return;
      }
      break;
    default:
      break;
  }
  lua_pushnil(to);
}

using Thread = LuaRunScript::Thread;

Thread& thread_of(lua_State* L, int index) {
  return **static_cast<Thread**>(luaL_checkudata(L, index, kThreadMeta));
}

int thread_get(lua_State* L) {
  Thread& t = thread_of(L, 1);
  const char* name = luaL_checkstring(L, 2);
  lua_getglobal(t.state.L, name);
  copy_value(t.state.L, -1, L);
  lua_pop(t.state.L, 1);
  return 1;
}

int thread_set(lua_State* L) {
  Thread& t = thread_of(L, 1);
  const char* name = luaL_checkstring(L, 2);
  copy_value(L, 3, t.state.L);
  lua_setglobal(t.state.L, name);
  return 0;
}

int thread_stop(lua_State* L) {
  thread_of(L, 1).stopped.store(true, std::memory_order_relaxed);
  return 0;
}

int thread_index(lua_State* L) {
  Thread& t = thread_of(L, 1);
  const std::string key = luaL_checkstring(L, 2);
  if (key == "get") {
    lua_pushcfunction(L, thread_get);
  } else if (key == "set") {
    lua_pushcfunction(L, thread_set);
  } else if (key == "stop") {
    lua_pushcfunction(L, thread_stop);
  } else if (key == "addr") {
    if (t.addr.empty()) {
      lua_pushnil(L);
    } else {
      lua_pushlstring(L, t.addr.data(), t.addr.size());
    }
  } else if (key == "id") {
    lua_pushnumber(L, t.id);
  } else {
    lua_pushnil(L);
  }
  return 1;
}

int thread_newindex(lua_State* L) {
  Thread& t = thread_of(L, 1);
  const std::string key = luaL_checkstring(L, 2);
  if (key != "addr")
    return luaL_error(L, "a thread has no field %s to set (only addr)", key.c_str());
  const char* addr = lua_tostring(L, 3);
  t.addr = addr != nullptr ? addr : "";
  return 0;
}

}  // namespace

void detail::push_thread(lua_State* L, Thread& t) {
  auto** slot = static_cast<Thread**>(lua_newuserdata(L, sizeof(Thread*)));
  *slot = &t;
  if (luaL_newmetatable(L, kThreadMeta) != 0) {
    lua_pushcfunction(L, thread_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, thread_newindex);
    lua_setfield(L, -2, "__newindex");
  }
  lua_setmetatable(L, -2);
}

}  // namespace ccload::script
