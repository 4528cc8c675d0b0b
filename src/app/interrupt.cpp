#include "app/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

namespace ccload::app {

namespace {

std::atomic<bool> stop_requested{false};

void on_interrupt(int) {
  if (stop_requested.exchange(true)) _exit(130);
  constexpr char message[] =
      "\nccload: stopping: waiting up to 1s for requests in flight (Ctrl-C again quits now)\n";
  ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
  (void)ignored;
}

}  // namespace

const std::atomic<bool>& install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return stop_requested;
}

}  // namespace ccload::app
