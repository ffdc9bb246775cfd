#pragma once
// What the log adds to every fact, whatever the resource: the envelope's metadata, and an event
// of one aggregate's variant with it. Each resource declares its own events in its folder.
#include <string>

#include "domain/types.h"

namespace payledger::domain {

// What the log adds to every fact: who, which stream, where in it, and when.
struct EventMeta {
  EventId id;
  std::string stream_id;  // the aggregate's id: pi_..., cus_..., mer_...
  StreamVersion version;
  MerchantId merchant;
  UnixSeconds occurred_at;
};

// An event of one aggregate's variant `E`, with what the log added.
template <class E>
struct RecordedOf {
  EventMeta meta;
  E body;
};

}  // namespace payledger::domain
