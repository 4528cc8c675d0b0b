#include "app/interrupt.hpp"

#include <signal.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <mutex>

namespace ccload::app {

namespace {

// Signals closer together than this to the first are the same request to stop.
constexpr std::int64_t kSameStopNs = 1'000'000'000;

std::atomic<bool> stop_requested{false};
std::atomic<int> first_signal{0};
std::atomic<std::int64_t> first_signal_ns{0};  // CLOCK_MONOTONIC; 0 until the first is noted
// The terminal settings the live view changed (restored on a quit by signal too).
termios saved_terminal{};
std::atomic<int> terminal_to_restore{-1};
static_assert(std::atomic<int>::is_always_lock_free &&
                  std::atomic<std::int64_t>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

void say(const char* text, std::size_t length) {
  ssize_t ignored = write(STDERR_FILENO, text, length);
  (void)ignored;
}

template <std::size_t N>
void say(const char (&text)[N]) {
  say(text, N - 1);
}

// Async-signal-safe: no allocation, no stdio, no locks.
void say_signal(int signal) {
  switch (signal) {
    case SIGINT:
      return say("SIGINT");
    case SIGTERM:
      return say("SIGTERM");
    case SIGHUP:
      return say("SIGHUP");
    default:
      return say("a signal");
  }
}

std::int64_t monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  // Never 0, which means "not noted yet".
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec + 1;
}

void on_stop_signal(int signal) {
  const int saved_errno = errno;
  const std::int64_t now = monotonic_ns();
  int expected = 0;
  if (first_signal.compare_exchange_strong(expected, signal)) {
    first_signal_ns.store(now);
    stop_requested.store(true);
    say("\nccload: ");
    say_signal(signal);
    say(": stopping: requests in flight get up to 1 s, then everything measured is reported and "
        "stored (another signal more than 1 s from now quits at once)\n");
    errno = saved_errno;
    return;
  }
  // 0: the first handler (on another thread) has not noted its time yet, so this is within 1 s.
  const std::int64_t first = first_signal_ns.load();
  if (first == 0 || now - first <= kSameStopNs) {
    errno = saved_errno;
    return;
  }
  if (const int fd = terminal_to_restore.load(); fd >= 0) {
    tcsetattr(fd, TCSANOW, &saved_terminal);  // async-signal-safe
    say("\033[?25h\033[?1049l");              // the cursor back, the normal screen back
  }
  say("\nccload: ");
  say_signal(signal);
  say(" again: quitting now\n");
  _exit(exit_code_of_signal(signal));
}

}  // namespace

const std::atomic<bool>& install_interrupt_handler() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    // One handler at a time on a thread; other threads may still run it at the same moment.
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGTERM);
    sigaddset(&action.sa_mask, SIGHUP);
    action.sa_flags = SA_RESTART;
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &action, nullptr);
  });
  return stop_requested;
}

int stop_signal_number() { return first_signal.load(); }

void request_stop() { stop_requested.store(true); }

void restore_terminal_on_quit(int fd, const termios* saved) {
  if (saved == nullptr) {
    terminal_to_restore.store(-1);
    return;
  }
  saved_terminal = *saved;
  terminal_to_restore.store(fd);
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "";
  }
}

}  // namespace ccload::app
