#pragma once
// A request script in wrk's Lua API (-s FILE), on LuaJIT: the run's main state (wrk's setup()
// and done()) and one state per worker thread (init(), request(), response(), delay()), never
// shared. It is the engine's core::RunScript; the engine sees nothing of Lua.
//
// The `wrk` table is wrk's: scheme, host, port, method, path, headers, body, thread, and
// wrk.format(method, path, headers, body), wrk.request() (the request wrk.format() builds once
// after init()), wrk.lookup(host, service) and wrk.connect(addr). thread:set(name, value) and
// thread:get(name) copy nil, booleans, numbers, strings and tables between states;
// thread:stop() stops that thread; thread.addr may be set in setup() (ip:port). Beside it, the
// `ccload` table holds --data's rows (script/lua_data.hpp).
//
// Errors are sentences ("FILE:LINE: Lua's message"): before the run from load(), during it as
// values (a failed request() or response() is that request's failure; the run goes on).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/request_script.hpp"
#include "request/data_set.hpp"

namespace ccload::script {

// What the script starts from: the file, the words after `--` (init's args), the target the
// `wrk` table describes, and how many worker threads there are (setup() runs once for each).
struct ScriptSource {
  std::string path;
  std::vector<std::string> args;
  std::string scheme = "http", host = "localhost", port, method = "GET", request_path = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  unsigned threads = 1;
  // --data's rows, for the `ccload` table (script/lua_data.hpp); null without --data.
  std::shared_ptr<const request::DataSet> data;
};

// ccload's figures for done(summary, latency, requests), in wrk's units (microseconds; counts).
struct DoneFigures {
  std::uint64_t duration_us = 0, requests = 0, bytes = 0;
  std::uint64_t connect_errors = 0, read_errors = 0, write_errors = 0, status_errors = 0,
                timeout_errors = 0;
  struct Distribution {
    double min = 0, max = 0, mean = 0, stdev = 0;
    std::function<double(double)> percentile;  // p in [0, 100] -> value
  };
  Distribution latency, requests_per_second;
};

class LuaRunScript final : public core::RunScript {
 public:
  // Loads the script into the main state and every thread's, runs setup() for each thread,
  // init(args) in each thread state, and calls request() once in the first to check that it
  // gives HTTP/1.1 requests. Null with `error` set (one line) when any of that fails.
  static std::unique_ptr<LuaRunScript> load(const ScriptSource& source, std::string& error);
  ~LuaRunScript() override;

  // The thread state of worker `index`, as the engine's script (owned here: the states outlive
  // the run, so done() can read them through thread:get()).
  std::unique_ptr<core::WorkerScript> for_worker(unsigned index) override;

  // How many requests the script's request() text holds (> 1 for pipeline.lua: the run
  // pipelines at that depth).
  unsigned requests_per_call() const { return requests_per_call_; }
  // The address setup() gave thread `index` (thread.addr, "ip:port"), or empty.
  std::string thread_addr(unsigned index) const;
  bool has_done() const;
  // Whether the script defines response(): the run then captures each response's fields and body
  // for it (core::RunPlan::needs).
  bool wants_responses() const;
  // Runs done() in the main state; false with `error` set when it fails.
  bool done(const DoneFigures& figures, std::string& error);

  struct Thread;  // a worker's state (lua_script_detail.hpp)

 private:
  LuaRunScript() = default;
  struct State;
  std::unique_ptr<State> main_;
  std::vector<std::unique_ptr<Thread>> threads_;
  unsigned requests_per_call_ = 1;
};

}  // namespace ccload::script
