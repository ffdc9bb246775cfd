// libFuzzer target: a stored event's bytes through the envelope parser and the declaring
// aggregate's decoder and evolve, as the projector and `payledger verify` read the log. Bytes
// that are not an event come back as Status::corruption, and an event that breaks an invariant
// of its stream as InvariantBroken; never a crash, and an event that does not decode leaves the
// state as it was. The event is applied to a fresh stream (tests/projections covers the
// projector's rebuild of a stream's state after a broken invariant).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract/aggregate.h"
#include "eventstore/codec.h"
#include "fuzz/apply_judged.h"
#include "resources/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static payledger::eventstore::EnvelopeParser parser;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  payledger::eventstore::EventHeader header;
  payledger::json::Value body;
  if (!parser.parse(payload, &header, &body).is_ok()) return 0;
  const auto* aggregate = payledger::resources::registry().for_event_type(header.type);
  if (aggregate == nullptr) return 0;
  auto state = aggregate->initial();
  (void)payledger::fuzz::apply_judged(*aggregate, *state, header, body);
  return 0;
}
