#pragma once
// Metrics in small probe classes: the code calls probe.request(...), the probe owns the
// Prometheus families. GET /metrics renders the registry in the text format.
#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "eventstore/event_store.h"
#include "http/server.h"
#include "kafka/relay.h"
#include "projections/runner.h"

namespace payledger::api {

// Requests by route, and the server's connections and cuts (http::Observer).
class HttpProbe final : public http::Observer {
 public:
  explicit HttpProbe(prometheus::Registry& registry);
  void request(const std::string& route, const std::string& method, int status, double seconds);
  void read_your_writes_timeout() { ryw_timeouts_.Increment(); }
  void connection_opened() override { connections_open_.Increment(); }
  void connection_closed() override { connections_open_.Decrement(); }
  void cut(http::Cut why) override;

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Counter& ryw_timeouts_;
  prometheus::Gauge& connections_open_;
  prometheus::Family<prometheus::Counter>& cuts_;
};

class StoreProbe final : public eventstore::StoreObserver {
 public:
  explicit StoreProbe(prometheus::Registry& registry);
  void group_committed(std::size_t appends, std::size_t events, double sync_seconds) override;

 private:
  prometheus::Counter& events_appended_;
  prometheus::Counter& appends_;
  prometheus::Histogram& group_size_;
  prometheus::Histogram& commit_seconds_;
};

class ProjectionProbe final : public projections::ProjectionObserver {
 public:
  explicit ProjectionProbe(prometheus::Registry& registry);
  void projected(std::size_t events, std::uint64_t lag_events) override;
  void quarantined() override { quarantined_.Increment(); }

 private:
  prometheus::Counter& events_projected_;
  prometheus::Counter& quarantined_;
  prometheus::Gauge& lag_events_;
};

class RelayProbe final : public kafka::RelayObserver {
 public:
  explicit RelayProbe(prometheus::Registry& registry);
  void relay_progress(std::uint64_t lag_events, double lag_seconds,
                      std::uint64_t published) override;
  void relay_error() override { errors_.Increment(); }
  void relay_quarantined() override { quarantined_.Increment(); }

 private:
  prometheus::Counter& quarantined_;
  prometheus::Gauge& lag_events_;
  prometheus::Gauge& lag_seconds_;
  prometheus::Gauge& published_;
  prometheus::Counter& errors_;
};

// All probes of one process, sharing a registry.
class Metrics {
 public:
  Metrics();
  std::string render() const;  // Prometheus text exposition format
  HttpProbe& http() { return http_; }
  StoreProbe& store() { return store_; }
  ProjectionProbe& projection() { return projection_; }
  RelayProbe& relay() { return relay_; }
  // For probes of components that api/ does not know (webhook delivery).
  prometheus::Registry& registry() { return *registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  HttpProbe http_;
  StoreProbe store_;
  ProjectionProbe projection_;
  RelayProbe relay_;
};

}  // namespace payledger::api
