#include "api/key_cache.h"

namespace payledger::api {

std::optional<std::string> KeyCache::find(const std::string& key_sha256,
                                          std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key_sha256);
  if (it == entries_.end()) return std::nullopt;
  if (now - it->second.at >= ttl_) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.merchant;
}

void KeyCache::remember(const std::string& key_sha256, std::string merchant,
                        std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[key_sha256] = Entry{std::move(merchant), now};
}

}  // namespace payledger::api
