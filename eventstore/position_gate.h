#pragma once
// A position that only grows, and threads waiting for it to reach theirs. advance() wakes only
// the waiters whose position has been reached: with one shared condition variable every advance
// would wake every waiting request thread (dozens under load) to find most still short.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>

namespace payledger::eventstore {

class PositionGate {
 public:
  explicit PositionGate(std::uint64_t start = 0) : reached_(start) {}
  PositionGate(const PositionGate&) = delete;
  PositionGate& operator=(const PositionGate&) = delete;

  std::uint64_t reached() const { return reached_.load(std::memory_order_acquire); }

  // Moves the position to `position` (a smaller one is ignored) and wakes the waiters it reaches.
  void advance(std::uint64_t position);

  // Blocks until reached() >= position, the timeout passes, or wake_all() is called; returns
  // whether the position was reached.
  bool wait_for(std::uint64_t position, std::chrono::milliseconds timeout) const;

  // Wakes every waiter now (shutdown); each returns whether its position was reached.
  void wake_all() const;

 private:
  struct Waiter {
    std::condition_variable cv;
    bool woken = false;
  };
  mutable std::mutex mu_;
  std::atomic<std::uint64_t> reached_;
  mutable std::multimap<std::uint64_t, Waiter*> waiters_;  // by the position each waits for
};

}  // namespace payledger::eventstore
