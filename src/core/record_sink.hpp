#pragma once
// Where workers hand their records, in batches. Implementations (the SQLite writer, the failure
// shippers) queue the batch for their own thread: submit() is called from worker threads, is
// thread-safe, and must never wait on disk or network.

#include <vector>

#include "core/record.hpp"

namespace ccload {

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void submit(std::vector<Record>&& batch) = 0;
};

}  // namespace ccload
