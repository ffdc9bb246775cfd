#include "resources/registry.h"

#include "resources/merchants/module.h"
#include "resources/payment_intents/module.h"

namespace payledger::resources {

const contract::Registry& registry() {
  static const contract::Registry instance({
      &merchants::aggregate(),
      &payment_intents::aggregate(),
  });
  return instance;
}

}  // namespace payledger::resources
