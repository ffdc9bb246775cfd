#include "eventstore/position_gate.h"

namespace payledger::eventstore {

void PositionGate::advance(std::uint64_t position) {
  std::lock_guard lock(mu_);
  if (position <= reached_.load(std::memory_order_relaxed)) return;
  reached_.store(position, std::memory_order_release);
  const auto end = waiters_.upper_bound(position);
  for (auto it = waiters_.begin(); it != end; ++it) {
    it->second->woken = true;
    it->second->cv.notify_one();
  }
  waiters_.erase(waiters_.begin(), end);
}

bool PositionGate::wait_for(std::uint64_t position, std::chrono::milliseconds timeout) const {
  if (reached() >= position) return true;
  std::unique_lock lock(mu_);
  if (reached_.load(std::memory_order_relaxed) >= position) return true;
  Waiter self;
  const auto entry = waiters_.emplace(position, &self);
  const bool woken = self.cv.wait_for(lock, timeout, [&] { return self.woken; });
  if (!woken) waiters_.erase(entry);  // timed out: still registered
  return reached_.load(std::memory_order_relaxed) >= position;
}

void PositionGate::wake_all() const {
  std::lock_guard lock(mu_);
  for (auto& [position, waiter] : waiters_) {
    waiter->woken = true;
    waiter->cv.notify_one();
  }
  waiters_.clear();
}

}  // namespace payledger::eventstore
