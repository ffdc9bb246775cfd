#include "eventstore/log_follower.h"

#include <spdlog/spdlog.h>

namespace payledger::eventstore {

LogFollower::LogFollower(EventStore& store, LogConsumer& consumer, FollowerOptions options)
    : store_(store), consumer_(consumer), options_(std::move(options)) {
  consumed_ = consumer_.checkpoint().value;
}

LogFollower::~LogFollower() {
  stop();
}

void LogFollower::start() {
  thread_ = std::thread([this] { run(); });
}

void LogFollower::stop() {
  stopping_ = true;
  store_.wake_all();
  if (thread_.joinable()) thread_.join();
}

void LogFollower::pause(std::chrono::milliseconds d) const {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!stopping_ && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void LogFollower::run() {
  std::vector<StoredEvent> events;
  while (!stopping_) {
    if (step(events)) continue;
    // A failure: from the durable checkpoint again, after a pause.
    consumed_ = consumer_.checkpoint().value;
    pause(options_.retry_after);
  }
}

// One batch (or one idle poll). Returns false on a failure.
bool LogFollower::step(std::vector<StoredEvent>& events) {
  const Position next{consumed_.load() + 1};
  if (!store_.wait_for(next, options_.poll)) {
    const Status s = consumer_.idle();
    if (!s.is_ok()) spdlog::error("{}: {}", options_.name, s.to_string());
    return s.is_ok();
  }
  Status s = store_.read_all(next, options_.batch_events, &events);
  if (s.is_ok() && !events.empty()) s = consumer_.consume(events);
  if (!s.is_ok()) {
    spdlog::error("{}: at position {}: {}", options_.name, next.value, s.to_string());
    return false;
  }
  if (!events.empty()) consumed_ = events.back().position.value;
  return true;
}

}  // namespace payledger::eventstore
