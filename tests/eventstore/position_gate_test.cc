#include "eventstore/position_gate.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace payledger::eventstore {
namespace {

using std::chrono::milliseconds;

TEST_CASE("a gate answers at once for a position it has reached, and times out short of one") {
  PositionGate gate(5);
  CHECK(gate.wait_for(5, milliseconds(0)));
  CHECK(gate.wait_for(3, milliseconds(0)));
  CHECK_FALSE(gate.wait_for(6, milliseconds(20)));
  gate.advance(4);  // smaller: ignored
  CHECK(gate.reached() == 5);
}

TEST_CASE("advance wakes exactly the waiters whose position it reaches") {
  PositionGate gate;
  std::atomic<int> woken{0};
  std::vector<std::thread> waiters;
  for (std::uint64_t p = 1; p <= 4; ++p) {
    waiters.emplace_back([&, p] {
      if (gate.wait_for(p, milliseconds(10'000))) ++woken;
    });
  }
  std::this_thread::sleep_for(milliseconds(50));  // let them all register
  gate.advance(2);
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(5'000);
  while (woken.load() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  std::this_thread::sleep_for(milliseconds(50));
  CHECK(woken.load() == 2);  // positions 1 and 2, not 3 and 4
  gate.advance(4);
  for (auto& t : waiters) t.join();
  CHECK(woken.load() == 4);
}

TEST_CASE("wake_all releases waiters that were not reached, and they say so") {
  PositionGate gate;
  bool reached = true;
  std::thread waiter([&] { reached = gate.wait_for(10, milliseconds(10'000)); });
  std::this_thread::sleep_for(milliseconds(50));
  const auto started = std::chrono::steady_clock::now();
  gate.wake_all();
  waiter.join();
  CHECK_FALSE(reached);
  CHECK(std::chrono::steady_clock::now() - started < milliseconds(5'000));
}

}  // namespace
}  // namespace payledger::eventstore
