#pragma once
// The HTTP/1.1 request of a run, serialized once and sent unchanged on every request.

#include <string>

#include "engine/engine.hpp"

namespace ccload::engine {

std::string build_request(const EngineConfig& config);

}  // namespace ccload::engine
