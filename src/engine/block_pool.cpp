#include "engine/block_pool.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

// Under AddressSanitizer a block in a free list is poisoned: a use after free() is still caught.
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define CCLOAD_POISON(block, size) ASAN_POISON_MEMORY_REGION(block, size)
#define CCLOAD_UNPOISON(block, size) ASAN_UNPOISON_MEMORY_REGION(block, size)
#else
#define CCLOAD_POISON(block, size) ((void)(block), (void)(size))
#define CCLOAD_UNPOISON(block, size) ((void)(block), (void)(size))
#endif

namespace ccload::engine {

namespace {

// The pool takes memory from malloc this much at a time.
constexpr std::size_t kChunk = 64 * 1024;

}  // namespace

BlockPool::~BlockPool() {
  for (void* chunk : chunks_) std::free(chunk);
}

std::size_t BlockPool::class_of(std::size_t size) {
  // The smallest class that holds `size`: 32 << class >= size.
  return size <= 32 ? 0 : static_cast<std::size_t>(std::bit_width(size - 1)) - 5;
}

void* BlockPool::allocate(std::size_t size) {
  if (size > kLargest) {
    auto* header = static_cast<Header*>(std::malloc(sizeof(Header) + size));
    if (header == nullptr) return nullptr;
    header->size_class = kFromMalloc;
    header->size = size;
    return header + 1;
  }
  const std::size_t size_class = class_of(size);
  if (Free* block = free_[size_class]) {
    CCLOAD_UNPOISON(block, class_size(size_class));
    free_[size_class] = block->next;
    return block;
  }
  const std::size_t whole = sizeof(Header) + class_size(size_class);
  if (carve_left_ < whole) {
    void* chunk = std::malloc(kChunk);
    if (chunk == nullptr) return nullptr;
    chunks_.push_back(chunk);
    carve_ = static_cast<char*>(chunk);
    carve_left_ = kChunk;
  }
  auto* header = new (carve_) Header{static_cast<std::uint32_t>(size_class), 0};
  carve_ += whole;
  carve_left_ -= whole;
  return header + 1;
}

void BlockPool::release(void* block) {
  if (block == nullptr) return;
  Header* header = header_of(block);
  if (header->size_class == kFromMalloc) {
    std::free(header);
    return;
  }
  auto* freed = static_cast<Free*>(block);
  freed->next = free_[header->size_class];
  free_[header->size_class] = freed;
  CCLOAD_POISON(block, class_size(header->size_class));
}

void* BlockPool::allocate_zeroed(std::size_t count, std::size_t size) {
  if (size != 0 && count > SIZE_MAX / size) return nullptr;
  void* block = allocate(count * size);
  if (block != nullptr) std::memset(block, 0, count * size);
  return block;
}

void* BlockPool::reallocate(void* block, std::size_t size) {
  if (block == nullptr) return allocate(size);
  Header* header = header_of(block);
  const std::size_t room =
      header->size_class == kFromMalloc ? header->size : class_size(header->size_class);
  if (size <= room && header->size_class != kFromMalloc) return block;
  void* moved = allocate(size);
  if (moved == nullptr) return nullptr;
  std::memcpy(moved, block, std::min(room, size));
  release(block);
  return moved;
}

}  // namespace ccload::engine
