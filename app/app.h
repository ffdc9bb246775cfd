#pragma once
// One payledgerd process, wired: database, event store, embedded projections, command
// service, due-time sweeper, HTTP server. Used by payledgerd and by the in-process tests.
#include <memory>
#include <string>

#include "api/clock.h"
#include "api/command_service.h"
#include "api/ids.h"
#include "api/metrics.h"
#include "api/server.h"
#include "api/sweeper.h"
#include "eventstore/database.h"
#include "eventstore/event_store.h"
#include "kafka/relay.h"
#include "projections/runner.h"
#include "resources/registry.h"
#include "webhooks/delivery.h"
#include "webhooks/probe.h"

namespace payledger::api {

struct AppOptions {
  std::string data_dir = "./data";
  ServerOptions server;
  // The keyed-hash secret (api/secrets.h); empty: DATA_DIR/fingerprint.key, made on first start.
  std::string secret_path;
  Settings settings;  // the modules' settings the operator set (the others keep their defaults)
  int sweep_interval_ms = 1000;  // 0: no sweeper thread (tests call sweep_once themselves)
  kafka::RelayOptions kafka;     // brokers empty: no relay
  bool webhooks = true;          // deliver webhooks (docs/webhooks.md)
  webhooks::DeliveryOptions delivery;
  // RocksDB's file access; null: the default. Tests simulate power loss with their own.
  rocksdb::Env* env = nullptr;
};

class App {
 public:
  // Opens the data directory and starts the write and read sides (not the HTTP server).
  static Expected<std::unique_ptr<App>, std::string> open(const AppOptions& options,
                                                          std::unique_ptr<Clock> clock = nullptr);
  ~App();

  // Makes sure a merchant owns `secret_key` (creating one if none does), and waits until the
  // views know the key. Returns the merchant.
  Expected<domain::MerchantId, std::string> ensure_key(const std::string& secret_key);
  // A new test merchant with a generated key. Returns the key.
  Expected<std::string, std::string> create_test_merchant();

  Expected<int, std::string> bind(const std::string& host, int port) {
    return server_->bind(host, port);
  }
  void serve() { server_->serve(); }
  void stop() { server_->stop(); }
  // A write route run in-process (ApiServer::call).
  Outcome call(const std::string& method, const std::string& path,
               const domain::MerchantId& merchant, const std::string& json_body = "") {
    return server_->call(method, path, merchant, json_body);
  }

  // Every route the server answers (ApiServer::route_table).
  const std::vector<RouteInfo>& route_table() const { return server_->route_table(); }

  eventstore::Database& db() { return *db_; }
  eventstore::EventStore& store() { return *store_; }
  projections::Runner& runner() { return *runner_; }
  CommandService& commands() { return *commands_; }
  const contract::Registry& registry() const { return registry_; }
  Sweeper& sweeper() { return *sweeper_; }
  // nullptr when webhooks are off.
  webhooks::Delivery* delivery() { return delivery_.get(); }
  const Clock& clock() const { return *clock_; }

 private:
  App() = default;
  bool wait_for_views();

  const contract::Registry& registry_ = resources::registry();
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<eventstore::Database> db_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<projections::Runner> runner_;
  RandomIds ids_;
  std::unique_ptr<Secrets> secrets_;
  std::unique_ptr<CommandService> commands_;
  std::unique_ptr<Sweeper> sweeper_;
  std::unique_ptr<kafka::Relay> relay_;
  std::unique_ptr<webhooks::DeliveryProbe> delivery_probe_;
  std::unique_ptr<webhooks::Delivery> delivery_;
  std::unique_ptr<ApiServer> server_;
};

}  // namespace payledger::api
