#pragma once
// The seam between the engine and a request script (-s FILE, wrk's Lua API; src/script/): the
// engine sees a script only through these two interfaces, so it does not depend on Lua. A
// RunScript is the script's main state (setup, done); each worker thread gets its own
// WorkerScript (its own Lua state, never shared), used only on that worker's thread.

#include <memory>
#include <string>
#include <string_view>

#include "core/server_response.hpp"

namespace ccload::core {

class WorkerScript {
 public:
  virtual ~WorkerScript() = default;

  // Whether the script builds each request (it defines request()); otherwise the run's targets
  // are sent as built from the script's `wrk` table.
  virtual bool builds_requests() const = 0;
  // The next request text: one or several HTTP/1.1 requests (wrk.format's), valid until the next
  // call. False when request() failed (the request fails as `script`; the run goes on).
  virtual bool next_request(std::string_view& text) = 0;

  // Whether the script wants each response (it defines response(); wrk calls it only then).
  virtual bool wants_response() const = 0;
  // False when the script marks the response failed (`return false, "reason"`: category `check`)
  // or its response() failed (`script`, `script_error` true).
  virtual bool on_response(const ServerResponse& response, bool& script_error) = 0;

  // Whether the script defines delay(); then delay_ms() is called before each request: how long
  // to wait before sending it, in milliseconds (>= 0).
  virtual bool has_delay() const = 0;
  virtual double delay_ms() = 0;

  // thread:stop() was called: the worker takes no new request.
  virtual bool stopped() const = 0;

  // Where this worker's connections go instead of the URL's host ("ip:port" or "[ip6]:port",
  // thread.addr set in setup()), empty for the URL's host. The Host field stays the URL's.
  virtual std::string address() const { return {}; }
};

class RunScript {
 public:
  virtual ~RunScript() = default;
  // The script of worker `index` (0-based; thread.id is index + 1), created once per worker on
  // that worker's thread before its first request.
  virtual std::unique_ptr<WorkerScript> for_worker(unsigned index) = 0;
};

}  // namespace ccload::core
