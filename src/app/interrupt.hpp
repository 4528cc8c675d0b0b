#pragma once
// Ctrl-C during a run: the first SIGINT (or SIGTERM) sets the stop flag the engine watches; a
// second one exits at once with 130.

#include <atomic>

namespace ccload::app {

// Installs the handlers and returns the flag they set.
const std::atomic<bool>& install_interrupt_handler();

}  // namespace ccload::app
