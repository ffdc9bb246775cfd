#include "api/metrics.h"

#include <prometheus/text_serializer.h>

namespace payledger::api {
namespace {

prometheus::Histogram::BucketBoundaries latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};
}

}  // namespace

HttpProbe::HttpProbe(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("payledger_http_requests_total")
                    .Help("HTTP requests by route, method and status")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("payledger_http_request_duration_seconds")
                   .Help("HTTP request latency by route")
                   .Register(registry)),
      ryw_timeouts_(prometheus::BuildCounter()
                        .Name("payledger_read_your_writes_timeouts_total")
                        .Help("Writes answered before the views caught up with them")
                        .Register(registry)
                        .Add({})),
      connections_open_(prometheus::BuildGauge()
                            .Name("payledger_http_connections_open")
                            .Help("HTTP connections open")
                            .Register(registry)
                            .Add({})),
      cuts_(prometheus::BuildCounter()
                .Name("payledger_http_cuts_total")
                .Help("Connections closed or requests refused by a limit, by reason (a deadline, "
                      "a cap, a full worker queue)")
                .Register(registry)) {}

void HttpProbe::cut(http::Cut why) {
  cuts_.Add({{"reason", std::string(http::to_string(why))}}).Increment();
}

void HttpProbe::request(const std::string& route, const std::string& method, int status,
                        double seconds) {
  requests_.Add({{"route", route}, {"method", method}, {"status", std::to_string(status)}})
      .Increment();
  latency_.Add({{"route", route}, {"method", method}}, latency_buckets()).Observe(seconds);
}

StoreProbe::StoreProbe(prometheus::Registry& registry)
    : events_appended_(prometheus::BuildCounter()
                           .Name("payledger_events_appended_total")
                           .Help("Events appended to the log")
                           .Register(registry)
                           .Add({})),
      appends_(prometheus::BuildCounter()
                   .Name("payledger_appends_total")
                   .Help("Append requests committed (accepted or rejected)")
                   .Register(registry)
                   .Add({})),
      group_size_(prometheus::BuildHistogram()
                      .Name("payledger_group_commit_appends")
                      .Help("Appends made durable by one WAL sync")
                      .Register(registry)
                      .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128,
                                                                       256, 1024})),
      commit_seconds_(prometheus::BuildHistogram()
                          .Name("payledger_group_commit_seconds")
                          .Help("Time of one WAL sync (covering one or more written groups)")
                          .Register(registry)
                          .Add({}, latency_buckets())) {}

void StoreProbe::group_committed(std::size_t appends, std::size_t events, double sync_seconds) {
  events_appended_.Increment(static_cast<double>(events));
  appends_.Increment(static_cast<double>(appends));
  group_size_.Observe(static_cast<double>(appends));
  commit_seconds_.Observe(sync_seconds);
}

ProjectionProbe::ProjectionProbe(prometheus::Registry& registry)
    : events_projected_(prometheus::BuildCounter()
                            .Name("payledger_events_projected_total")
                            .Help("Events applied to the views")
                            .Register(registry)
                            .Add({})),
      quarantined_(prometheus::BuildCounter()
                       .Name("payledger_projection_quarantined_total")
                       .Help("Events or messages the views skipped: undecodable, unknown, or out "
                             "of their stream's order (see the quarantine records)")
                       .Register(registry)
                       .Add({})),
      lag_events_(prometheus::BuildGauge()
                      .Name("payledger_projection_lag_events")
                      .Help("Events in the log not yet in the views")
                      .Register(registry)
                      .Add({})) {}

void ProjectionProbe::projected(std::size_t events, std::uint64_t lag_events) {
  events_projected_.Increment(static_cast<double>(events));
  lag_events_.Set(static_cast<double>(lag_events));
}

RelayProbe::RelayProbe(prometheus::Registry& registry)
    : quarantined_(prometheus::BuildCounter()
                       .Name("payledger_relay_quarantined_total")
                       .Help("Events the Kafka relay did not publish: undecodable, or of no "
                             "registered aggregate")
                       .Register(registry)
                       .Add({})),
      lag_events_(prometheus::BuildGauge()
                      .Name("payledger_relay_lag_events")
                      .Help("Events in the log not yet acknowledged by Kafka")
                      .Register(registry)
                      .Add({})),
      lag_seconds_(prometheus::BuildGauge()
                       .Name("payledger_relay_lag_seconds")
                       .Help("Age of the oldest event waiting for Kafka's acknowledgement")
                       .Register(registry)
                       .Add({})),
      published_(prometheus::BuildGauge()
                     .Name("payledger_relay_published_position")
                     .Help("Every event up to this log position is on Kafka")
                     .Register(registry)
                     .Add({})),
      errors_(prometheus::BuildCounter()
                  .Name("payledger_relay_errors_total")
                  .Help("Failed deliveries and failed attempts to reach the broker")
                  .Register(registry)
                  .Add({})) {}

void RelayProbe::relay_progress(std::uint64_t lag_events, double lag_seconds,
                                std::uint64_t published) {
  lag_events_.Set(static_cast<double>(lag_events));
  lag_seconds_.Set(lag_seconds);
  published_.Set(static_cast<double>(published));
}

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      http_(*registry_),
      store_(*registry_),
      projection_(*registry_),
      relay_(*registry_) {}

std::string Metrics::render() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace payledger::api
