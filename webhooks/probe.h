#pragma once
// Webhook delivery's metrics: attempts by outcome, their latency, and per endpoint the age of
// the oldest event still waiting.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "webhooks/options.h"

namespace payledger::webhooks {

class DeliveryProbe final : public DeliveryObserver {
 public:
  explicit DeliveryProbe(prometheus::Registry& registry);
  void attempted(const std::string& outcome, double seconds) override;
  void oldest_pending(const std::string& endpoint, double seconds) override;

 private:
  prometheus::Family<prometheus::Counter>& attempts_;
  prometheus::Histogram& latency_;
  prometheus::Family<prometheus::Gauge>& oldest_;
};

}  // namespace payledger::webhooks
