#pragma once
// The only place payledger reads the time. Tests drive a ManualClock instead.
#include <atomic>
#include <chrono>

#include "domain/types.h"

namespace payledger::api {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual domain::UnixSeconds now() const = 0;
};

class SystemClock final : public Clock {
 public:
  domain::UnixSeconds now() const override {
    return domain::UnixSeconds{std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count()};
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start) : now_(start) {}
  domain::UnixSeconds now() const override { return domain::UnixSeconds{now_.load()}; }
  void advance(std::int64_t seconds) { now_ += seconds; }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace payledger::api
