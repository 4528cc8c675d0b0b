#pragma once
// Which transport errors come from the load generator's own machine rather than the server.

#include <boost/system/error_code.hpp>
#include <cerrno>

#include "core/record.hpp"

namespace ccload::engine {

// True for errors that say this machine ran out of something: descriptors (EMFILE, ENFILE),
// ephemeral ports (EADDRNOTAVAIL), kernel buffers or memory (ENOBUFS, ENOMEM).
inline bool is_local_failure(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category()) return false;
  switch (ec.value()) {
    case EMFILE:
    case ENFILE:
    case EADDRNOTAVAIL:
    case ENOBUFS:
    case ENOMEM:
      return true;
    default:
      return false;
  }
}

// `otherwise`, unless `ec` is a local failure (ErrorCategory::client).
inline ErrorCategory local_or(const boost::system::error_code& ec, ErrorCategory otherwise) {
  return is_local_failure(ec) ? ErrorCategory::client : otherwise;
}

}  // namespace ccload::engine
