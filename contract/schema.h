#pragma once
// docs/schemas/events.schema.json and the table of event types in docs/events.md, made from the
// aggregates' declarations (`payledger schemas` writes them; a test checks the committed files
// are current), so the documents cannot drift from the code.
#include <string>

#include "contract/registry.h"

namespace payledger::contract {

// The JSON Schema (draft 2020-12) of an event envelope of any declared type, with each type's
// data schema under $defs. Compact JSON.
std::string events_schema(const Registry& registry);

// A Markdown table: type, schema version, stream prefix, Kafka topic, data fields, summary.
std::string events_table(const Registry& registry);

}  // namespace payledger::contract
