#pragma once
// Memory for one worker thread's small, short-lived blocks: nghttp2's streams, frames and header
// buffers, a few dozen allocations per HTTP/2 request. Freed blocks are kept in free lists by size
// class and handed out again, so once a run is warm nothing reaches malloc: glibc's per-thread
// cache holds 7 blocks a size, and the 10 streams of a connection ending together overflow it
// into the slower bins. One thread only (the worker's), no locks.
//
// Blocks up to kLargest bytes come from the pool, larger ones from malloc. Every block is 16-byte
// aligned and carries its class in a header before it, so free() needs no size. Memory the pool
// took is returned when the pool is destroyed, which must be after everything that uses it.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ccload::engine {

class BlockPool {
 public:
  static constexpr std::size_t kLargest = 4096;

  BlockPool() = default;
  ~BlockPool();
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  // malloc, free, calloc and realloc's contracts (null for size 0 is not promised; free(null)
  // does nothing).
  void* allocate(std::size_t size);
  void release(void* block);
  void* allocate_zeroed(std::size_t count, std::size_t size);
  void* reallocate(void* block, std::size_t size);

 private:
  static constexpr std::size_t kClasses = 8;  // 32, 64, ..., 4096 bytes
  static constexpr std::uint32_t kFromMalloc = 0xffffffffu;
  struct Free {
    Free* next;
  };
  // Before every block: its class (or kFromMalloc), and for malloc's its size; 16 bytes, so the
  // block after it keeps malloc's alignment.
  struct alignas(16) Header {
    std::uint32_t size_class;
    std::size_t size;
  };
  static std::size_t class_of(std::size_t size);
  static std::size_t class_size(std::size_t size_class) { return std::size_t{32} << size_class; }
  static Header* header_of(void* block) { return static_cast<Header*>(block) - 1; }

  Free* free_[kClasses] = {};
  std::vector<void*> chunks_;  // what the pool took from malloc, in kChunk pieces
  char* carve_ = nullptr;      // the unused rest of the newest chunk
  std::size_t carve_left_ = 0;
};

}  // namespace ccload::engine
