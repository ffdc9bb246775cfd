#include "projections/documents.h"

#include "contract/field_codec.h"

namespace payledger::projections {

using eventstore::Status;

std::string write_record(const StreamBook& book, const contract::Aggregate& aggregate,
                         const contract::State& state) {
  json::Writer w;
  w.begin_object();
  contract::write_fields(w, book);
  w.key("state");
  aggregate.write_state(w, state);
  w.end_object();
  return w.take();
}

Status read_record(std::string_view record, const contract::Aggregate& aggregate, StreamBook* book,
                   contract::State& state) {
  thread_local json::Parser parser;
  json::Value root;
  if (!parser.parse(record, &root)) {
    return Status::corruption("a stream record is not JSON");
  }
  json::ReadError error;
  contract::read_fields(root, *book, error);
  const json::Value state_json = json::Reader(root, error).field("state");
  if (error.failed()) return Status::corruption("stream record " + error.what());
  return aggregate.read_state(state_json, state);
}

std::string encode_document_meta(eventstore::Position position, const domain::Metadata& index) {
  std::string out;
  eventstore::put_be64(out, position.value);
  for (const auto& [name, value] : index) {
    out.append(name);
    out.push_back('\0');
    out.append(value);
    out.push_back('\0');
  }
  return out;
}

Expected<DocumentMeta, Status> decode_document_meta(std::string_view value) {
  if (value.size() < 8) return Unexpected{Status::corruption("document meta")};
  DocumentMeta meta{eventstore::Position{eventstore::get_be64(value.data())}, {}};
  value.remove_prefix(8);
  while (!value.empty()) {
    const auto name_end = value.find('\0');
    const auto value_end =
        name_end == std::string_view::npos ? name_end : value.find('\0', name_end + 1);
    if (value_end == std::string_view::npos) {
      return Unexpected{Status::corruption("document meta index")};
    }
    meta.index.emplace(std::string(value.substr(0, name_end)),
                       std::string(value.substr(name_end + 1, value_end - name_end - 1)));
    value.remove_prefix(value_end + 1);
  }
  return meta;
}

}  // namespace payledger::projections
