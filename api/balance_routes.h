#pragma once
// The balance (Stripe's): GET /v1/balance, GET /v1/balance_transactions and
// GET /v1/balance_transactions/{id}, over the ledger the projector books from every module's
// movements (projections/ledger.h). Names no resource.
#include "api/routes.h"

namespace payledger::api {

// Adds the three routes. The list takes limit, starting_after, ending_before, `created` (an
// integer, or created[gt|gte|lt|lte]), `type`, `currency` and `source`; a parameter it cannot use
// is refused naming it.
void add_balance_routes(Routes& routes);

}  // namespace payledger::api
