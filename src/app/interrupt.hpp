#pragma once
// Stopping a run by signal. SIGINT, SIGTERM and SIGHUP all ask for the same graceful stop: the
// first one sets the stop flag the engine watches (no new request; requests in flight get up to
// one second; then everything measured is printed, stored and written). Signals within 1 s of the
// first are the same request (a terminal and `timeout` both forward one Ctrl-C); a signal later
// than that exits at once with 128 + its number, writing nothing more.
//
// The handler is async-signal-safe: lock-free atomics, clock_gettime and write(2) only.

#include <termios.h>

#include <atomic>
#include <string>

namespace ccload::app {

// Installs the handlers (once per process) and returns the flag they set.
const std::atomic<bool>& install_interrupt_handler();

// The first stop signal's number, 0 while none came.
int stop_signal_number();

// The same graceful stop without a signal (the live view's `q`): the exit code stays the run's.
void request_stop();

// While the live view holds the terminal: the settings to put back on `fd` when a second signal
// quits at once (null: nothing to restore any more).
void restore_terminal_on_quit(int fd, const termios* saved);

// "SIGINT", "SIGTERM" or "SIGHUP" for those numbers; empty for anything else (0 included).
std::string signal_name(int signal);

// The exit code of a run stopped by `signal`: 128 + its number (130, 143, 129).
inline int exit_code_of_signal(int signal) { return 128 + signal; }

}  // namespace ccload::app
