#pragma once
// Topics per aggregate type: PREFIX + "payment_intents" | "refunds" | "merchants".
#include <string>
#include <string_view>
#include <vector>

namespace payledger::kafka {

inline constexpr std::string_view kDefaultTopicPrefix = "payledger.";

// The topic of an event type ("payment_intent.created" -> "payledger.payment_intents").
std::string topic_for(std::string_view event_type, std::string_view prefix);
std::vector<std::string> all_topics(std::string_view prefix);

// Header names of every published message.
inline constexpr const char* kHeaderEventId = "payledger-event-id";
inline constexpr const char* kHeaderType = "payledger-type";
inline constexpr const char* kHeaderPosition = "payledger-position";
inline constexpr const char* kHeaderSchema = "payledger-schema-version";

}  // namespace payledger::kafka
