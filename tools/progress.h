#pragma once
// A one-line progress bar on stderr for the CLI's long runs, redrawn at most ten times a second.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include <fmt/core.h>

namespace payledger::cli {

class ProgressBar {
 public:
  // `unit` names what is counted ("events").
  explicit ProgressBar(std::uint64_t total, std::string unit = "events")
      : total_(total), unit_(std::move(unit)) {}
  void update(std::uint64_t done, bool force = false) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double fraction =
        total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
    const int filled = static_cast<int>(fraction * 40);
    fmt::print(stderr, "\r[{:=<{}}{: <{}}] {:>5.1f}% {}/{} {}", "", filled, "", 40 - filled,
               fraction * 100, done, total_, unit_);
    std::fflush(stderr);
  }
  void finish(std::uint64_t done) {
    update(done, true);
    fmt::print(stderr, "\n");
  }

 private:
  std::uint64_t total_;
  std::string unit_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace payledger::cli
