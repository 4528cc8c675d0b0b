#include "script/lua_script.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <lua.hpp>

#include "net/listen_address.hpp"
#include "request/request_text.hpp"
#include "script/lua_data.hpp"

namespace ccload::script {

namespace {

// The parts of the `wrk` table written in Lua: wrk.format() as wrk builds a request (the Host
// field from wrk.headers when the given fields have none, Content-Length from the body), and the
// step after init() that makes wrk.request() give the request built from the table once.
constexpr const char* kPrelude = R"lua(
local wrk = ...
function wrk.format(method, path, headers, body)
  method = method or wrk.method
  path = path or wrk.path
  headers = headers or wrk.headers
  body = body or wrk.body
  local lines = { method .. " " .. path .. " HTTP/1.1" }
  local has_host = false
  for name, value in pairs(headers) do
    local lower = string.lower(name)
    if lower == "host" then has_host = true end
    if lower ~= "content-length" then lines[#lines + 1] = name .. ": " .. tostring(value) end
  end
  if not has_host and wrk.headers["Host"] then
    table.insert(lines, 2, "Host: " .. wrk.headers["Host"])
  end
  if body then lines[#lines + 1] = "Content-Length: " .. #body end
  lines[#lines + 1] = ""
  lines[#lines + 1] = body or ""
  return table.concat(lines, "\r\n")
end
function wrk.__after_init()
  local built = wrk.format()
  wrk.request = function() return built end
  return built
end
)lua";

constexpr const char* kThreadMeta = "ccload.thread";
constexpr int kMaxCopyDepth = 16;

std::string pop_error(lua_State* L) {
  const char* message = lua_tostring(L, -1);
  std::string text = message != nullptr ? message : "an error that is not a string";
  lua_pop(L, 1);
  return text;
}

bool is_function(lua_State* L, const char* name) {
  lua_getglobal(L, name);
  const bool yes = lua_isfunction(L, -1);
  lua_pop(L, 1);
  return yes;
}

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

}  // namespace

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

namespace {

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

void push_thread(lua_State* L, Thread& t) {
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

// wrk.lookup(host, service): the addresses as "ip:port" strings.
int wrk_lookup(lua_State* L) {
  const char* host = luaL_checkstring(L, 1);
  const char* service = luaL_optstring(L, 2, "http");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host, service, &hints, &found) != 0) {
    lua_newtable(L);
    return 1;
  }
  lua_newtable(L);
  int n = 0;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char ip[INET6_ADDRSTRLEN] = {};
    int port = 0;
    if (a->ai_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
      inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
      port = ntohs(in->sin_port);
    } else if (a->ai_family == AF_INET6) {
      const auto* in = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
      inet_ntop(AF_INET6, &in->sin6_addr, ip, sizeof ip);
      port = ntohs(in->sin6_port);
    } else {
      continue;
    }
    // fmt, not operator+: GCC 12 at -O3 reports a false -Wrestrict for "literal" + string.
    const std::string text = a->ai_family == AF_INET6 ? fmt::format("[{}]:{}", ip, port)
                                                      : fmt::format("{}:{}", ip, port);
    lua_pushlstring(L, text.data(), text.size());
    lua_rawseti(L, -2, ++n);
  }
  freeaddrinfo(found);
  return 1;
}

// wrk.connect(addr): whether a TCP connection to "ip:port" can be made.
int wrk_connect(lua_State* L) {
  const auto endpoint = net::numeric_endpoint(luaL_checkstring(L, 1));
  bool ok = false;
  if (endpoint) {
    const int fd = socket(endpoint->protocol().family(), SOCK_STREAM, 0);
    ok = fd >= 0 && ::connect(fd, endpoint->data(), endpoint->size()) == 0;
    if (fd >= 0) close(fd);
  }
  lua_pushboolean(L, ok ? 1 : 0);
  return 1;
}

// A fresh state with the standard libraries and the `wrk` table of `source`, then the script
// run. Empty, or the error.
std::string prepare(lua_State* L, const ScriptSource& source) {
  if (L == nullptr) return "cannot create a Lua state (out of memory)";
  luaL_openlibs(L);
  lua_newtable(L);
  auto field = [&](const char* name, const std::string& value) {
    lua_pushlstring(L, value.data(), value.size());
    lua_setfield(L, -2, name);
  };
  field("scheme", source.scheme);
  field("host", source.host);
  if (!source.port.empty()) field("port", source.port);
  field("method", source.method);
  field("path", source.request_path);
  if (!source.body.empty()) field("body", source.body);
  lua_newtable(L);
  bool has_host = false;
  for (const auto& [name, value] : source.headers) {
    has_host = has_host ||
               (name.size() == 4 && std::tolower(name[0]) == 'h' && std::tolower(name[1]) == 'o' &&
                std::tolower(name[2]) == 's' && std::tolower(name[3]) == 't');
    lua_pushlstring(L, value.data(), value.size());
    lua_setfield(L, -2, name.c_str());
  }
  if (!has_host) {
    const bool v6 = source.host.find(':') != std::string::npos;
    std::string host = v6 ? fmt::format("[{}]", source.host) : source.host;
    if (!source.port.empty()) host += fmt::format(":{}", source.port);
    lua_pushlstring(L, host.data(), host.size());
    lua_setfield(L, -2, "Host");
  }
  lua_setfield(L, -2, "headers");
  lua_pushcfunction(L, wrk_lookup);
  lua_setfield(L, -2, "lookup");
  lua_pushcfunction(L, wrk_connect);
  lua_setfield(L, -2, "connect");
  lua_pushvalue(L, -1);
  lua_setglobal(L, "wrk");
  install_ccload_table(L, source.data.get());
  if (luaL_loadbuffer(L, kPrelude, std::char_traits<char>::length(kPrelude), "=wrk") != 0) {
    return pop_error(L);
  }
  lua_insert(L, -2);  // the prelude, then the wrk table as its argument
  if (lua_pcall(L, 1, 0, 0) != 0) return pop_error(L);
  if (luaL_loadfile(L, source.path.c_str()) != 0) return pop_error(L);
  if (lua_pcall(L, 0, 0, 0) != 0) return pop_error(L);
  return {};
}

// The engine's view of one thread's state.
class ThreadScript final : public core::WorkerScript {
 public:
  explicit ThreadScript(Thread& thread) : t_(thread) {}

  bool builds_requests() const override { return true; }
  bool next_request(std::string_view& text) override {
    if (!t_.has_request) {
      text = t_.static_text;
      return true;
    }
    lua_State* L = t_.state.L;
    lua_getglobal(L, "request");
    if (lua_pcall(L, 0, 1, 0) != 0) {
      t_.last_error = pop_error(L);
      return false;
    }
    std::size_t size = 0;
    const char* bytes = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &size) : nullptr;
    if (bytes == nullptr) {
      lua_pop(L, 1);
      t_.last_error = "request() returned something that is not a string";
      return false;
    }
    t_.text.assign(bytes, size);
    lua_pop(L, 1);
    text = t_.text;
    return true;
  }
  bool wants_response() const override { return t_.has_response; }
  std::string address() const override { return t_.addr; }
  bool on_response(const core::ServerResponse& response, bool& script_error) override {
    script_error = false;
    lua_State* L = t_.state.L;
    lua_getglobal(L, "response");
    lua_pushinteger(L, response.status);
    lua_newtable(L);
    for (const core::ResponseField& field : response.headers) {
      lua_pushlstring(L, field.name.data(), field.name.size());
      lua_pushlstring(L, field.value.data(), field.value.size());
      lua_settable(L, -3);
    }
    push_case_blind_lookup(L);
    lua_pushlstring(L, response.body.data(), response.body.size());
    if (lua_pcall(L, 3, 1, 0) != 0) {
      t_.last_error = pop_error(L);
      script_error = true;
      return false;
    }
    const bool rejected = lua_type(L, -1) == LUA_TBOOLEAN && lua_toboolean(L, -1) == 0;
    lua_pop(L, 1);
    return !rejected;
  }
  bool has_delay() const override { return t_.has_delay; }
  double delay_ms() override {
    lua_State* L = t_.state.L;
    lua_getglobal(L, "delay");
    if (lua_pcall(L, 0, 1, 0) != 0) {
      t_.last_error = pop_error(L);
      return 0;
    }
    const double ms = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return ms > 0 ? ms : 0;
  }
  bool stopped() const override { return t_.stopped.load(std::memory_order_relaxed); }

 private:
  // The headers table answers any spelling of a name (the fields are kept lowercased; wrk's
  // scripts ask for "X-Token").
  static void push_case_blind_lookup(lua_State* L) {
    lua_newtable(L);
    lua_pushcfunction(L, [](lua_State* S) -> int {
      std::size_t size = 0;
      const char* key = lua_tolstring(S, 2, &size);
      if (key == nullptr) {
        lua_pushnil(S);
        return 1;
      }
      std::string lower(key, size);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      lua_pushlstring(S, lower.data(), lower.size());
      lua_rawget(S, 1);
      return 1;
    });
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
  }

  Thread& t_;
};

int distribution_percentile(lua_State* L) {
  const auto* d =
      static_cast<const DoneFigures::Distribution*>(lua_touserdata(L, lua_upvalueindex(1)));
  const double p = luaL_checknumber(L, 2);
  lua_pushnumber(L, d->percentile ? d->percentile(p) : 0);
  return 1;
}

void push_distribution(lua_State* L, const DoneFigures::Distribution& d) {
  lua_newtable(L);
  lua_pushnumber(L, d.min);
  lua_setfield(L, -2, "min");
  lua_pushnumber(L, d.max);
  lua_setfield(L, -2, "max");
  lua_pushnumber(L, d.mean);
  lua_setfield(L, -2, "mean");
  lua_pushnumber(L, d.stdev);
  lua_setfield(L, -2, "stdev");
  lua_pushlightuserdata(L, const_cast<DoneFigures::Distribution*>(&d));
  lua_pushcclosure(L, distribution_percentile, 1);
  lua_setfield(L, -2, "percentile");
}

}  // namespace

LuaRunScript::~LuaRunScript() = default;

std::unique_ptr<LuaRunScript> LuaRunScript::load(const ScriptSource& source, std::string& error) {
  std::unique_ptr<LuaRunScript> run(new LuaRunScript());
  run->main_ = std::make_unique<State>();
  if (std::string e = prepare(run->main_->L, source); !e.empty()) {
    error = e;
    return nullptr;
  }
  lua_State* M = run->main_->L;
  const bool has_setup = is_function(M, "setup");
  for (unsigned i = 0; i < source.threads; ++i) {
    auto thread = std::make_unique<Thread>();
    thread->id = i + 1;
    if (std::string e = prepare(thread->state.L, source); !e.empty()) {
      error = e;
      return nullptr;
    }
    push_thread(thread->state.L, *thread);  // wrk.thread in the thread's own state
    lua_getglobal(thread->state.L, "wrk");
    lua_insert(thread->state.L, -2);
    lua_setfield(thread->state.L, -2, "thread");
    lua_pop(thread->state.L, 1);
    if (has_setup) {
      lua_getglobal(M, "setup");
      push_thread(M, *thread);
      if (lua_pcall(M, 1, 0, 0) != 0) {
        error = fmt::format("setup(): {}", pop_error(M));
        return nullptr;
      }
    }
    if (!thread->addr.empty() && !net::numeric_endpoint(thread->addr)) {
      error = fmt::format(
          "setup(): thread.addr '{}' is not an address: give IP:PORT, as wrk.lookup() returns",
          thread->addr);
      return nullptr;
    }
    run->threads_.push_back(std::move(thread));
  }
  for (auto& thread : run->threads_) {
    lua_State* L = thread->state.L;
    if (is_function(L, "init")) {
      lua_getglobal(L, "init");
      lua_newtable(L);
      lua_pushlstring(L, source.path.data(), source.path.size());
      lua_rawseti(L, -2, 0);
      for (std::size_t a = 0; a < source.args.size(); ++a) {
        lua_pushlstring(L, source.args[a].data(), source.args[a].size());
        lua_rawseti(L, -2, static_cast<int>(a + 1));
      }
      if (lua_pcall(L, 1, 0, 0) != 0) {
        error = fmt::format("init(): {}", pop_error(L));
        return nullptr;
      }
    }
    lua_getglobal(L, "wrk");
    lua_getfield(L, -1, "__after_init");
    if (lua_pcall(L, 0, 1, 0) != 0) {
      error = pop_error(L);
      return nullptr;
    }
    std::size_t size = 0;
    const char* built = lua_tolstring(L, -1, &size);
    thread->static_text.assign(built != nullptr ? built : "", size);
    lua_pop(L, 2);
    thread->has_request = is_function(L, "request");
    thread->has_response = is_function(L, "response");
    thread->has_delay = is_function(L, "delay");
  }
  // The first request, made once to check it (wrk does the same).
  if (!run->threads_.empty()) {
    ThreadScript first(*run->threads_.front());
    std::string_view text;
    if (!first.next_request(text)) {
      error = fmt::format("request(): {}", run->threads_.front()->last_error);
      return nullptr;
    }
    std::vector<request::RequestText> parts;
    std::string why;
    const std::size_t count = request::split_requests(text, parts, why);
    if (count == 0) {
      error = fmt::format("request() gave something that is not an HTTP request: {}", why);
      return nullptr;
    }
    run->requests_per_call_ = static_cast<unsigned>(count);
  }
  return run;
}

std::unique_ptr<core::WorkerScript> LuaRunScript::for_worker(unsigned index) {
  return std::make_unique<ThreadScript>(*threads_.at(index));
}

std::string LuaRunScript::thread_addr(unsigned index) const {
  return index < threads_.size() ? threads_[index]->addr : std::string();
}

bool LuaRunScript::wants_responses() const {
  return std::any_of(threads_.begin(), threads_.end(),
                     [](const auto& thread) { return thread->has_response; });
}

bool LuaRunScript::has_done() const { return is_function(main_->L, "done"); }

bool LuaRunScript::done(const DoneFigures& f, std::string& error) {
  lua_State* L = main_->L;
  lua_getglobal(L, "done");
  if (!lua_isfunction(L, -1)) {
    lua_pop(L, 1);
    return true;
  }
  lua_newtable(L);
  auto number = [&](const char* name, double value) {
    lua_pushnumber(L, value);
    lua_setfield(L, -2, name);
  };
  number("duration", static_cast<double>(f.duration_us));
  number("requests", static_cast<double>(f.requests));
  number("bytes", static_cast<double>(f.bytes));
  lua_newtable(L);
  number("connect", static_cast<double>(f.connect_errors));
  number("read", static_cast<double>(f.read_errors));
  number("write", static_cast<double>(f.write_errors));
  number("status", static_cast<double>(f.status_errors));
  number("timeout", static_cast<double>(f.timeout_errors));
  lua_setfield(L, -2, "errors");
  push_distribution(L, f.latency);
  push_distribution(L, f.requests_per_second);
  if (lua_pcall(L, 3, 0, 0) != 0) {
    error = fmt::format("done(): {}", pop_error(L));
    return false;
  }
  return true;
}

}  // namespace ccload::script
