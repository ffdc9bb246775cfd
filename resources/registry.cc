#include "resources/registry.h"

#include "resources/checkout_sessions/module.h"
#include "resources/customers/module.h"
#include "resources/merchants/module.h"
#include "resources/orders/module.h"
#include "resources/payment_intents/module.h"
#include "resources/payments/module.h"
#include "resources/prices/module.h"
#include "resources/products/module.h"
#include "resources/test_clocks/module.h"
#include "resources/webhook_endpoints/module.h"

namespace payledger::resources {

const contract::Registry& registry() {
  static const contract::Registry instance({
      &merchants::aggregate(),
      &payment_intents::aggregate(),
      &customers::aggregate(),
      &products::aggregate(),
      &prices::aggregate(),
      &payments::aggregate(),
      &orders::aggregate(),
      &checkout::aggregate(),
      &webhooks::aggregate(),
      &test_clocks::aggregate(),
  });
  return instance;
}

}  // namespace payledger::resources
