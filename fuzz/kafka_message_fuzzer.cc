// libFuzzer target: a Kafka message as the projector node reads one, its payledger-position
// header and its payload, then the envelope and the declaring aggregate's decoder. Input: the
// header's bytes, a NUL, the payload. A message that is not payledger's is skipped, never fatal.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract/aggregate.h"
#include "eventstore/codec.h"
#include "fuzz/apply_judged.h"
#include "kafka/projector_node.h"
#include "resources/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static payledger::eventstore::EnvelopeParser parser;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = in.find('\0');
  std::optional<std::string_view> header;
  std::string_view payload = in;
  if (nul != std::string_view::npos) {
    header = in.substr(0, nul);
    payload = in.substr(nul + 1);
  }
  auto event = payledger::kafka::event_of_message(header, payload);
  if (!event) return 0;
  payledger::eventstore::EventHeader meta;
  payledger::json::Value body;
  if (!parser.parse(event->payload, &meta, &body).is_ok()) return 0;
  const auto* aggregate = payledger::resources::registry().for_event_type(meta.type);
  if (aggregate == nullptr) return 0;
  auto state = aggregate->initial();
  (void)payledger::fuzz::apply_judged(*aggregate, *state, meta, body);
  return 0;
}
