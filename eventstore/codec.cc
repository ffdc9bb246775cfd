#include "eventstore/codec.h"

#include "json/reader.h"

namespace payledger::eventstore {

Status EnvelopeParser::parse(std::string_view payload, EventHeader* header, json::Value* data) {
  json::Value root;
  if (!parser_.parse(payload, &root)) {
    return Status::corruption("event is not JSON");
  }
  json::ReadError error;
  const json::Reader envelope(root, error);
  header->meta.id = domain::EventId{envelope.str("id")};
  header->type = envelope.str("type");
  header->schema_version = static_cast<int>(envelope.i64("schema_version"));
  header->meta.stream_id = envelope.str("stream_id");
  const std::int64_t version = envelope.i64("stream_version");
  header->meta.version = domain::StreamVersion{static_cast<std::uint64_t>(version)};
  header->meta.merchant = domain::MerchantId{envelope.str("merchant_id")};
  header->meta.occurred_at = domain::UnixSeconds{envelope.i64("occurred_at")};
  *data = envelope.object("data");
  if (error.failed()) return Status::corruption("event field " + error.what());
  if (version < 1) return Status::corruption("event field stream_version");
  return Status::ok();
}

}  // namespace payledger::eventstore
