// BlockPool (engine/block_pool.hpp): malloc's contracts, blocks kept and handed out again.

#include "engine/block_pool.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

namespace ccload::engine {
namespace {

bool aligned16(const void* block) { return reinterpret_cast<std::uintptr_t>(block) % 16 == 0; }

TEST(BlockPool, EveryBlockIsAlignedAndHoldsWhatWasAskedFor) {
  BlockPool pool;
  std::vector<void*> blocks;
  for (std::size_t size : {1u, 16u, 32u, 33u, 100u, 1000u, 4096u, 4097u, 100000u}) {
    void* block = pool.allocate(size);
    ASSERT_NE(block, nullptr);
    EXPECT_TRUE(aligned16(block)) << size;
    std::memset(block, 0xab, size);  // ASan: every byte asked for is there
    blocks.push_back(block);
  }
  EXPECT_EQ(std::set<void*>(blocks.begin(), blocks.end()).size(), blocks.size());
  for (void* block : blocks) pool.release(block);
}

TEST(BlockPool, AFreedBlockIsHandedOutAgainForTheSameClass) {
  BlockPool pool;
  void* first = pool.allocate(200);
  pool.release(first);
  EXPECT_EQ(pool.allocate(180), first) << "same class (256): the freed block again";
  void* other = pool.allocate(200);
  EXPECT_NE(other, first);
  pool.release(other);
  pool.release(first);
}

TEST(BlockPool, ZeroedBlocksAreZeroAndOverflowIsRefused) {
  BlockPool pool;
  void* dirty = pool.allocate(64);
  std::memset(dirty, 0xff, 64);
  pool.release(dirty);
  auto* zeroed = static_cast<unsigned char*>(pool.allocate_zeroed(8, 8));
  ASSERT_NE(zeroed, nullptr);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(zeroed[i], 0) << i;
  pool.release(zeroed);
  EXPECT_EQ(pool.allocate_zeroed(SIZE_MAX / 2, 4), nullptr);
}

TEST(BlockPool, ReallocateKeepsTheBytesAcrossClassesAndIntoMalloc) {
  BlockPool pool;
  auto* block = static_cast<char*>(pool.reallocate(nullptr, 20));
  std::memcpy(block, "0123456789abcdefghi", 20);
  EXPECT_EQ(pool.reallocate(block, 30), block) << "still fits its class (32)";
  block = static_cast<char*>(pool.reallocate(block, 3000));
  EXPECT_STREQ(block, "0123456789abcdefghi");
  block[2999] = 'z';
  block = static_cast<char*>(pool.reallocate(block, 10000));  // beyond kLargest: malloc's
  EXPECT_STREQ(block, "0123456789abcdefghi");
  EXPECT_EQ(block[2999], 'z');
  block = static_cast<char*>(pool.reallocate(block, 50000));
  EXPECT_STREQ(block, "0123456789abcdefghi");
  block = static_cast<char*>(pool.reallocate(block, 10));  // shrinking into a class
  EXPECT_EQ(std::memcmp(block, "0123456789", 10), 0);
  pool.release(block);
  pool.release(nullptr);
}

TEST(BlockPool, ManyBlocksOfEveryClassSurviveEachOther) {
  BlockPool pool;
  std::vector<std::pair<unsigned char*, std::size_t>> blocks;
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < 3000; ++i) {
      const std::size_t size = 1 + (i * 37) % 5000;
      auto* block = static_cast<unsigned char*>(pool.allocate(size));
      std::memset(block, static_cast<int>(i & 0xff), size);
      blocks.emplace_back(block, size);
    }
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      const auto [block, size] = blocks[i];
      EXPECT_EQ(block[0], i & 0xff);
      EXPECT_EQ(block[size - 1], i & 0xff);
      pool.release(block);
    }
    blocks.clear();
  }
}

}  // namespace
}  // namespace ccload::engine
