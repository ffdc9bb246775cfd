#pragma once
// The endpoints as webhook delivery reads them (webhooks/endpoint_source.h): this resource's
// aggregate, and an endpoint's URL, events, status and sealed secret from its state.
#include "webhooks/endpoint_source.h"

namespace payledger::webhook_endpoints {

// The one EndpointSource of this resource; lives as long as the process.
const webhooks::EndpointSource& endpoint_source();

}  // namespace payledger::webhook_endpoints
