#pragma once
// The id of a price (price_...): a type of its own, so that it cannot be passed where another
// resource's id is expected (domain/types.h's Strong).
#include <string>

#include "domain/types.h"

namespace payledger::prices {

struct PriceIdTag {};
using PriceId = domain::Strong<PriceIdTag, std::string>;

}  // namespace payledger::prices
