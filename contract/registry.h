#pragma once
// The resources payledgerd serves: every aggregate, looked up by stream id, event type or API
// object. Generic layers take a Registry and never name a resource; it is generated from each
// resource folder's payledger_resource() call (resources/CMakeLists.txt).
#include <string>
#include <string_view>
#include <vector>

#include "contract/aggregate.h"

namespace payledger::contract {

class Registry {
 public:
  // REQUIRES: the aggregates outlive the registry; stream prefixes, event types and object
  // names and setting names are unique, and no stream prefix is a prefix of another (asserted).
  explicit Registry(std::vector<const Aggregate*> aggregates);

  std::span<const Aggregate* const> aggregates() const { return aggregates_; }
  // The aggregate whose streams start like `stream_id`; nullptr when none does.
  const Aggregate* for_stream(std::string_view stream_id) const;
  // The aggregate that declares `event_type`; nullptr when none does.
  const Aggregate* for_event_type(std::string_view event_type) const;
  // The object spec named `object` ("customer"); nullptr when none is.
  const ObjectSpec* object(std::string_view object) const;
  // The setting named `name` ("three-d-secure-timeout"); nullptr when no aggregate declares it.
  const SettingSpec* setting(std::string_view name) const;
  // Every Kafka topic, each after `prefix`.
  std::vector<std::string> topics(std::string_view prefix) const;

 private:
  std::vector<const Aggregate*> aggregates_;
};

}  // namespace payledger::contract
