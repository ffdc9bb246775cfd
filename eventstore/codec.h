#pragma once
// The JSON envelope of an event, as stored in the log and published to analysts
// (docs/events.md):
//   {"id","type","schema_version","stream_id","stream_version","merchant_id","occurred_at","data"}
#include <string>
#include <string_view>

#include "domain/events.h"
#include "domain/expected.h"
#include "eventstore/status.h"

namespace payledger::eventstore {

std::string encode_event(const domain::EventMeta& meta, const domain::Event& body);

// Returns Status::corruption for anything that is not an envelope this version understands.
Expected<domain::Recorded, Status> decode_event(std::string_view payload);

}  // namespace payledger::eventstore
