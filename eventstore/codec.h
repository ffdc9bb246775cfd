#pragma once
// The JSON envelope of an event, as stored in the log and published to analysts
// (docs/events.md):
//   {"id","type","schema_version","stream_id","stream_version","merchant_id","occurred_at","data"}
// This layer knows the envelope only; what "data" holds is the business of the aggregate that
// declares the type (contract/events.h).
#include <string>
#include <string_view>

#include "domain/events.h"
#include "eventstore/status.h"
#include "json/value.h"
#include "json/writer.h"

namespace payledger::eventstore {

struct EventHeader {
  domain::EventMeta meta;
  std::string type;  // "payment_intent.created"
  int schema_version = 0;
};

// The envelope of `header`, with `write_data(json::Writer&)` writing the members of "data".
template <class WriteData>
std::string encode_envelope(const EventHeader& header, WriteData&& write_data) {
  json::Writer w;
  w.begin_object();
  w.text("id", header.meta.id.value);
  w.text("type", header.type);
  w.number("schema_version", header.schema_version);
  w.text("stream_id", header.meta.stream_id);
  w.number("stream_version", static_cast<std::int64_t>(header.meta.version.value));
  w.text("merchant_id", header.meta.merchant.value);
  w.number("occurred_at", header.meta.occurred_at.value);
  w.key("data");
  w.begin_object();
  write_data(w);
  w.end_object();
  w.end_object();
  return w.take();
}

// Parses envelopes. One parser per thread; what parse() returns stays valid until its next call.
class EnvelopeParser {
 public:
  // Returns Status::corruption for anything that is not an envelope, saying why. On success
  // `data` is the envelope's "data" object.
  Status parse(std::string_view payload, EventHeader* header, json::Value* data);

 private:
  json::Parser parser_;
};

}  // namespace payledger::eventstore
