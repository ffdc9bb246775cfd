#pragma once
// The due-time sweep: asks each stream whose time-driven work has come (the due index of the
// views) to run it through its aggregate (authorizations expire after 7 days; asynchronous
// payments settle), and purges idempotency records past their 24 hours. Time comes from the Clock,
// so tests drive it with a ManualClock. Streams on a test clock wait in that clock's own index:
// their work runs when the clock is advanced (docs/api.md, "Test clocks").
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/clock.h"
#include "api/command_service.h"
#include "api/resource.h"
#include "eventstore/database.h"
#include "projections/queries.h"
#include "projections/read_side.h"

namespace payledger::api {

class Sweeper {
 public:
  // REQUIRES: every reference outlives the sweeper.
  Sweeper(eventstore::Database& db, const contract::Registry& registry, const Resources& resources,
          CommandService& commands, const Clock& clock)
      : db_(db),
        registry_(registry),
        resources_(resources),
        queries_(db),
        commands_(commands),
        clock_(clock) {}
  ~Sweeper() { stop(); }

  // One pass: every due stream runs its due work. Returns how many commands succeeded.
  std::size_t sweep_once();
  // Runs sweep_once() on a thread of its own until stop(): every `interval_ms`, and as soon as
  // the views move on when `views` is given (work a new event made due now, such as a payment
  // to process, runs within milliseconds of its event). REQUIRES: `views` outlives the sweeper.
  void start(int interval_ms, const projections::ReadSide* views = nullptr);
  void stop();

 private:
  // For a due stream that is a clock being advanced: runs the work due on that clock up to the
  // time it advances to, pass after pass, until a pass writes nothing (work may make more work
  // due). Returns whether the clock may now finish its advance; false leaves it for a later
  // sweep (the views had not caught up, or the index could not be read).
  bool catch_up_clock(const projections::DueStream& clock);

  const projections::ReadSide* views_ = nullptr;
  eventstore::Database& db_;
  const contract::Registry& registry_;
  const Resources& resources_;
  projections::Queries queries_;
  CommandService& commands_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::int64_t last_purge_ = 0;
  std::thread thread_;
};

}  // namespace payledger::api
