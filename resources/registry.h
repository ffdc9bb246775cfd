#pragma once
// Every resource payledgerd serves, in two halves: the data contract each aggregate states
// (contract::Registry) and the API half (api::Resources: write routes, due work). Both are
// generated from each folder's payledger_resource() call (resources/CMakeLists.txt).
#include "api/resource.h"
#include "contract/registry.h"

namespace payledger::resources {

// The registry of every resource's aggregate, built once.
const contract::Registry& registry();
// Every resource's API half, in the registry's order, built once.
const api::Resources& apis();

}  // namespace payledger::resources
