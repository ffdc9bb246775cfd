#include "kafka/topics.h"

namespace payledger::kafka {

std::optional<std::string> topic_for(const contract::Registry& registry, std::string_view stream_id,
                                     std::string_view prefix) {
  const contract::Aggregate* aggregate = registry.for_stream(stream_id);
  if (aggregate == nullptr) return std::nullopt;
  return std::string(prefix) + std::string(aggregate->topic());
}

std::vector<std::string> all_topics(const contract::Registry& registry, std::string_view prefix) {
  std::vector<std::string> topics = registry.topics(prefix);
  topics.push_back(quarantine_topic(prefix));
  return topics;
}

std::string quarantine_topic(std::string_view prefix) {
  return std::string(prefix) + "quarantined";
}

}  // namespace payledger::kafka
