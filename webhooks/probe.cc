#include "webhooks/probe.h"

namespace payledger::webhooks {

DeliveryProbe::DeliveryProbe(prometheus::Registry& registry)
    : attempts_(prometheus::BuildCounter()
                    .Name("payledger_webhook_attempts_total")
                    .Help("Webhook delivery attempts by outcome (succeeded, retrying, failed)")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("payledger_webhook_attempt_seconds")
                   .Help("Time from sending a webhook to the receiver's answer")
                   .Register(registry)
                   .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01,
                                                                    0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                                    2.5, 5, 10})),
      oldest_(prometheus::BuildGauge()
                  .Name("payledger_webhook_oldest_pending_seconds")
                  .Help("Age of the oldest event waiting for delivery, per endpoint")
                  .Register(registry)) {}

void DeliveryProbe::attempted(const std::string& outcome, double seconds) {
  attempts_.Add({{"outcome", outcome}}).Increment();
  latency_.Observe(seconds);
}

void DeliveryProbe::oldest_pending(const std::string& endpoint, double seconds) {
  oldest_.Add({{"endpoint", endpoint}}).Set(seconds);
}

}  // namespace payledger::webhooks
