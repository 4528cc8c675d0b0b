#include "engine/second_handoff.hpp"

#include <thread>

namespace ccload::engine {

namespace {
constexpr std::size_t kInitialBuffers = 3;  // filling, handed over, being merged
}

SecondHandoff::SecondHandoff(std::size_t targets) : targets_(targets) {
  current_ = make();
  for (std::size_t i = 1; i < kInitialBuffers; ++i) spare_.push(make());
}

void SecondHandoff::begin(bool record_waits, bool latency_includes_failures) {
  record_waits_ = record_waits;
  latency_includes_failures_ = latency_includes_failures;
  for (auto& second : owned_) set_flags(*second);
}

void SecondHandoff::set_flags(stats::RunSecond& second) const {
  const auto set = [this](stats::RunStats& s) {
    s.record_waits = record_waits_;
    s.latency_includes_failures = latency_includes_failures_;
  };
  set(second.all.stats);
  for (auto& target : second.targets) set(target.stats);
}

SecondHandoff::~SecondHandoff() = default;

stats::RunSecond* SecondHandoff::make() {
  auto second = std::make_unique<stats::RunSecond>();
  second->targets.resize(targets_);
  set_flags(*second);
  owned_.push_back(std::move(second));
  return owned_.back().get();
}

void SecondHandoff::hand_over() {
  // Past kCapacity seconds behind, the oldest waiting second is not dropped: the worker waits
  // for room (the engine's thread drains every 10 ms; it cannot fall 64 s behind while it runs).
  while (!ready_.push(current_)) std::this_thread::yield();
}

void SecondHandoff::roll(std::uint64_t next) {
  hand_over();
  stats::RunSecond* fresh = nullptr;
  current_ = spare_.pop(fresh) ? fresh : make();
  current_->second = next;
  watermark_.store(next, std::memory_order_release);
}

void SecondHandoff::finish() {
  hand_over();
  current_ = nullptr;
  watermark_.store(kFinished, std::memory_order_release);
}

}  // namespace ccload::engine
