#pragma once
// Part of RequestLane (request_lane.hpp), which includes it: --pipeline, batches of due slots
// written together (add_to_batch, run_pipelined).

#include "engine/request_lane.hpp"

namespace ccload::engine {

template <class Env>
bool RequestLane<Env>::add_to_batch(const DueSlot& slot, Clock::time_point ready) {
  Record& record = records_[batch_size_];
  record = record_for(slot, ready);
  RequestRef request;
  const request::FillFailure fill = request_for(slot, record, request);
  if (fill == request::FillFailure::no_row) return false;
  env_.on_request_started();
  if (fill != request::FillFailure::none) {  // never sent malformed
    record.error =
        fill == request::FillFailure::script ? ErrorCategory::script : ErrorCategory::client;
    record.total_ns = nanoseconds(ready - slot.due);
    env_.on_record(std::move(record), ready);
    return true;
  }
  // A filled or scripted request lives in the lane's buffers until the next one: the batch keeps
  // a copy.
  fill_spans_[batch_size_] = {0, 0};
  if (lane_owned_) {
    fill_spans_[batch_size_] = {batch_bytes_.size(), request.http1.size()};
    batch_bytes_.append(request.http1);
  }
  entries_[batch_size_].request = request;
  entries_[batch_size_].record = &record;
  slots_[batch_size_] = slot;
  ++batch_size_;
  return true;
}

template <class Env>
bool RequestLane<Env>::gather_batch(const DueSlot& first, Clock::time_point ready,
                                    std::size_t depth, std::optional<DueSlot>& held) {
  SharedRun& run = env_.shared();
  batch_size_ = 0;
  batch_bytes_.clear();
  bool ended = !add_to_batch(first, ready);
  while (!ended && batch_size_ < depth) {
    std::optional<DueSlot> next = run.take_slot(env_.origin(), env_.dropped(), ready);
    if (!next) break;
    if (next->due > ready) {  // the rate's next request: it goes when it is due
      held = next;
      break;
    }
    ended = !add_to_batch(*next, ready);
  }
  for (std::size_t i = 0; i < batch_size_; ++i) {
    BatchEntry& entry = entries_[i];
    if (fill_spans_[i].second > 0) {  // batch_bytes_ grows no more: its views stay valid
      entry.request.http1 =
          std::string_view(batch_bytes_).substr(fill_spans_[i].first, fill_spans_[i].second);
    }
    entry.times = ExchangeTimes{};
    entry.outcome = ExchangeOutcome::failed;
    entry.location.clear();
  }
  return !ended;
}

template <class Env>
bool RequestLane<Env>::resend_unanswered(std::span<BatchEntry>& pending, int& retries) {
  std::size_t from = 0;
  while (from < pending.size() && pending[from].outcome != ExchangeOutcome::retryable) ++from;
  if (from == pending.size()) return false;
  const bool answered = pending.front().outcome == ExchangeOutcome::complete;
  if (!answered && retries++ > 0) return false;
  pending = pending.subspan(from);
  for (BatchEntry& entry : pending) {
    entry.record->error = ErrorCategory::none;
    entry.times = ExchangeTimes{};
  }
  return true;
}

template <class Env>
Task<void> RequestLane<Env>::run_pipelined() {
  SharedRun& run = env_.shared();
  const std::size_t depth = run.config.pipeline;
  entries_.resize(depth);
  records_.resize(depth);
  slots_.resize(depth);
  fill_spans_.resize(depth);
  const double timeout_s = run.config.timeout_s;
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(timeout_s > 0 ? timeout_s : 0));
  std::optional<DueSlot> held;  // taken, but not due when the last batch went out
  bool ended = false;
  script_ = env_.script();
  while (!ended) {
    if (script_ != nullptr && !co_await script_turn()) break;
    const Clock::time_point now = env_.now();
    std::optional<DueSlot> first = held ? held : run.take_slot(env_.origin(), env_.dropped(), now);
    held.reset();
    if (!first) break;
    Clock::time_point ready = now;
    if (first->due > ready) {  // paced, and not due yet
      if (!co_await env_.pace_until(first->due)) break;
      ready = env_.now();
    }
    ended = !gather_batch(*first, ready, depth, held);
    if (batch_size_ == 0) continue;
    deadline_ = timeout_s > 0 ? ready + timeout : Clock::time_point::max();
    timed_out_ = false;
    in_flight_ = true;
    // Sent, and again what the connection lost unprocessed (a suffix of the batch): after a
    // round that got answers (the server ended the connection after some, as nginx does after
    // keepalive_requests), the rest goes on a new connection; after a round that got none, once
    // more only, as the keep-alive retry does. Each round answers one or ends, so this ends.
    std::span<BatchEntry> pending(entries_.data(), batch_size_);
    int retries = 0;
    do {
      if (!env_.ready()) {
        const ErrorCategory error = co_await env_.open(*pending.front().record);
        if (error != ErrorCategory::none) {
          const Clock::time_point failed_at = env_.now();
          for (BatchEntry& entry : pending) {
            entry.record->error = error;
            entry.times.finished = failed_at;
            entry.outcome = ExchangeOutcome::failed;
          }
          break;
        }
      }
      co_await env_.exchange_batch(pending);
    } while (!timed_out_ && resend_unanswered(pending, retries));
    for (std::size_t i = 0; i < batch_size_; ++i) {
      BatchEntry& entry = entries_[i];
      Record& record = *entry.record;
      away_ = false;
      bool followed = false;  // the response judged is then the last hop's, not the batch's
      if (entry.outcome != ExchangeOutcome::complete) {
        record.error = classify(record.error);
      } else if (is_followed_redirect(record.status) && run.config.max_redirects > 0 &&
                 !entry.location.empty()) {
        // A templated hop carries the slot's fill: filled again (a fill depends only on the slot).
        RequestRef refilled;
        if (filler_) request_for(slots_[i], record, refilled);
        co_await follow_redirects(slots_[i], record, entry.times, std::move(entry.location));
        followed = true;
      }
      if (record.error == ErrorCategory::none) {
        judge_response(record, followed || !run.config.needs.any() ? nullptr : &entry.response,
                       !followed);
      }
      record.total_ns = nanoseconds(entry.times.finished - slots_[i].due);
      env_.on_record(std::move(record), entry.times.finished);
    }
    in_flight_ = false;
  }
}

}  // namespace ccload::engine
