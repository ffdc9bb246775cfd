#include "kafka/topics.h"

namespace payledger::kafka {

std::string topic_for(std::string_view event_type, std::string_view prefix) {
  std::string topic(prefix);
  if (event_type.starts_with("refund.")) return topic + "refunds";
  if (event_type.starts_with("payment_intent.")) return topic + "payment_intents";
  return topic + "merchants";  // merchant.created, api_key.created
}

std::vector<std::string> all_topics(std::string_view prefix) {
  const std::string p(prefix);
  return {p + "payment_intents", p + "refunds", p + "merchants"};
}

}  // namespace payledger::kafka
