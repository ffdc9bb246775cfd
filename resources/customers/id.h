#pragma once
// The id of a customer (cus_...): a type of its own, so that it cannot be passed where another
// resource's id is expected (domain/types.h's Strong).
#include <string>

#include "domain/types.h"

namespace payledger::customers {

struct CustomerIdTag {};
using CustomerId = domain::Strong<CustomerIdTag, std::string>;

}  // namespace payledger::customers
