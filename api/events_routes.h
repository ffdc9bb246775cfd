#pragma once
// The Events API (Stripe's): GET /v1/events and GET /v1/events/{id}, over the public events the
// projector writes (projections/public_events.h). Names no resource: every module's
// announcements are served alike.
#include "api/routes.h"

namespace payledger::api {

// Adds both routes. The list takes limit, starting_after, ending_before, `type` (a type, or a
// "prefix.*" wildcard, or "*"), `types[]` (up to 20 of them; not with `type`), and `created` (an
// integer, or created[gt|gte|lt|lte]). A parameter it cannot use is refused naming it.
void add_event_routes(Routes& routes);

}  // namespace payledger::api
