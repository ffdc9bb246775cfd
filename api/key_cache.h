#pragma once
// Which merchant owns an API key, remembered for a bounded time: the views stay the truth, so a
// key that the views no longer grant stops working within `ttl` on every server.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace payledger::api {

class KeyCache {
 public:
  explicit KeyCache(std::chrono::seconds ttl = std::chrono::seconds(30),
                    std::size_t max_entries = 10'000)
      : ttl_(ttl), max_entries_(max_entries) {}

  // The merchant of the key with this hash, if remembered and younger than the TTL.
  std::optional<std::string> find(const std::string& key_sha256,
                                  std::chrono::steady_clock::time_point now);
  // Remembers an answer of the views; a full cache starts over rather than grow.
  void remember(const std::string& key_sha256, std::string merchant,
                std::chrono::steady_clock::time_point now);

 private:
  struct Entry {
    std::string merchant;
    std::chrono::steady_clock::time_point at;
  };
  std::chrono::seconds ttl_;
  std::size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace payledger::api
