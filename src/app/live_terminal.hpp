#pragma once
// The live view on the terminal (--live): the run drawn on the alternate screen at most 10 times a
// second, sized to the terminal on every frame (so a resize redraws within 100 ms), from its own
// thread. `q` asks for the same graceful stop as Ctrl-C. Closing it restores the terminal and
// leaves the alternate screen, so what is printed after it (the report) is what stays on screen.

#include <termios.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "report/live_view.hpp"
#include "stats/snapshot.hpp"

namespace ccload::app {

class LiveTerminal {
 public:
  // Draws on stdout (a terminal); reads keys from stdin when it is one.
  LiveTerminal(report::LiveRun run, report::Charset charset);
  ~LiveTerminal();  // close()
  LiveTerminal(const LiveTerminal&) = delete;
  LiveTerminal& operator=(const LiveTerminal&) = delete;

  // Any thread; never waits for the terminal.
  void on_second(std::shared_ptr<const stats::Snapshot> snapshot);
  // Stops drawing, restores the terminal, leaves the alternate screen. Idempotent.
  void close();

 private:
  void run_thread();
  void draw();
  void read_keys();

  report::LiveRun run_;
  report::Charset charset_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point latest_at_{};  // when latest_ came
  std::mutex mutex_;                                   // guards latest_, history_, closing_
  std::condition_variable wake_;
  std::shared_ptr<const stats::Snapshot> latest_;
  std::vector<report::LivePoint> history_;
  bool closing_ = false;
  bool keys_ = false;  // stdin is a terminal, set to deliver single keys
  termios saved_{};
  std::thread thread_;
};

}  // namespace ccload::app
