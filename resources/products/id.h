#pragma once
// The id of a product (prod_...): a type of its own, so that it cannot be passed where another
// resource's id is expected (domain/types.h's Strong).
#include <string>

#include "domain/types.h"

namespace payledger::products {

struct ProductIdTag {};
using ProductId = domain::Strong<ProductIdTag, std::string>;

}  // namespace payledger::products
