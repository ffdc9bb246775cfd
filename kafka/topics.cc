#include "kafka/topics.h"

namespace payledger::kafka {

std::optional<std::string> topic_for(const contract::Registry& registry, std::string_view stream_id,
                                     std::string_view prefix) {
  const contract::Aggregate* aggregate = registry.for_stream(stream_id);
  if (aggregate == nullptr) return std::nullopt;
  return std::string(prefix) + std::string(aggregate->topic());
}

}  // namespace payledger::kafka
