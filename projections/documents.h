#pragma once
// Encodings of the views' own records (docs/storage-format.md): a stream's projection record
// and a document's list position with its index values.
#include <string>
#include <string_view>

#include "contract/aggregate.h"
#include "domain/expected.h"
#include "eventstore/event_store.h"
#include "eventstore/status.h"
#include "projections/projector.h"

namespace payledger::projections {

// {"version","merchant","due_at","documents":[...],"state":{...}}
std::string write_record(const StreamBook& book, const contract::Aggregate& aggregate,
                         const contract::State& state);
eventstore::Status read_record(std::string_view record, const contract::Aggregate& aggregate,
                               StreamBook* book, contract::State& state);

// be64(position) then each index entry as name NUL value NUL.
std::string encode_document_meta(eventstore::Position position, const domain::Metadata& index);
struct DocumentMeta {
  eventstore::Position position;
  domain::Metadata index;
};
Expected<DocumentMeta, eventstore::Status> decode_document_meta(std::string_view value);

}  // namespace payledger::projections
