#pragma once
// Every resource payledgerd serves. Adding a resource is one line in registry.cc.
#include "contract/registry.h"

namespace payledger::resources {

// The registry of every resource, built once.
const contract::Registry& registry();

}  // namespace payledger::resources
