#include "script/lua_script.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <lua.hpp>

#include "net/listen_address.hpp"
#include "request/request_text.hpp"
#include "script/lua_script_detail.hpp"

namespace ccload::script {

namespace {

bool is_function(lua_State* L, const char* name) {
  lua_getglobal(L, name);
  const bool yes = lua_isfunction(L, -1);
  lua_pop(L, 1);
  return yes;
}

using Thread = LuaRunScript::Thread;
using detail::pop_error;
using detail::prepare;
using detail::push_thread;

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
