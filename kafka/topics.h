#pragma once
// One topic per aggregate type, after a prefix: "payledger." + "payment_intents" | "customers" |
// ... (contract::Aggregate::topic). Messages are keyed by the stream id, so every event of one
// aggregate (a payment's refunds included) is in one partition, in order.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/registry.h"

namespace payledger::kafka {

inline constexpr std::string_view kDefaultTopicPrefix = "payledger.";

// The topic of a stream's events; nullopt when no aggregate owns the stream.
std::optional<std::string> topic_for(const contract::Registry& registry, std::string_view stream_id,
                                     std::string_view prefix);

// Every topic the relay writes: each aggregate's, and the quarantine topic.
std::vector<std::string> all_topics(const contract::Registry& registry, std::string_view prefix);

// Where the relay puts a marker for an event it could not publish: value = why, headers as any
// message (type kQuarantinedType). A projector node quarantines the position when it reads one.
std::string quarantine_topic(std::string_view prefix);
inline constexpr std::string_view kQuarantinedType = "payledger.quarantined";

// Header names of every published message.
inline constexpr const char* kHeaderEventId = "payledger-event-id";
inline constexpr const char* kHeaderType = "payledger-type";
inline constexpr const char* kHeaderPosition = "payledger-position";
inline constexpr const char* kHeaderSchema = "payledger-schema-version";

}  // namespace payledger::kafka
