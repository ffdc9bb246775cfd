#pragma once
// The id of a test clock (clock_...): a type of its own, so that it cannot be passed where another
// resource's id is expected (domain/types.h's Strong).
#include <string>

#include "domain/types.h"

namespace payledger::test_clocks {

struct TestClockIdTag {};
using TestClockId = domain::Strong<TestClockIdTag, std::string>;

}  // namespace payledger::test_clocks
