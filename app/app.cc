#include "app/app.h"

#include "api/idempotency.h"
#include "app/openapi.h"
#include "projections/queries.h"
#include "projections/view_store.h"
#include "resources/merchants/module.h"
#include "resources/webhook_endpoints/source.h"
#include "webhooks/store.h"

namespace payledger::api {

Expected<std::unique_ptr<App>, std::string> App::open(const AppOptions& options,
                                                      std::unique_ptr<Clock> clock) {
  std::unique_ptr<App> app(new App());
  app->clock_ = clock ? std::move(clock) : std::make_unique<SystemClock>();
  app->metrics_ = std::make_unique<Metrics>();
  // The families payledgerd keeps beside the log, each named by the layer that keeps it.
  const std::vector<std::string> families = {
      std::string(projections::kViewsFamily), std::string(api::kIdempotencyFamily),
      std::string(kafka::kRelayFamily), std::string(webhooks::kWebhooksFamily)};
  auto db = eventstore::Database::open(options.data_dir, options.env, families);
  if (!db) return Unexpected{db.error().to_string()};
  app->db_ = std::move(*db);
  if (auto s = projections::ensure_view_format(*app->db_); !s.is_ok()) {
    return Unexpected{"preparing the views: " + s.to_string()};
  }
  app->store_ = std::make_unique<eventstore::EventStore>(*app->db_, &app->metrics_->store());
  app->runner_ = std::make_unique<projections::Runner>(*app->store_, *app->db_, app->registry_,
                                                       &app->metrics_->projection());
  const std::string secret_path =
      options.secret_path.empty() ? options.data_dir + "/fingerprint.key" : options.secret_path;
  auto secrets = Secrets::load_or_create(secret_path);
  if (!secrets) return Unexpected{"the keyed-hash secret: " + secrets.error()};
  app->secrets_ = std::make_unique<Secrets>(std::move(*secrets));
  if (std::string wrong = check_settings(app->registry_, options.settings); !wrong.empty()) {
    return Unexpected{"settings: " + wrong};
  }
  app->commands_ = std::make_unique<CommandService>(*app->store_, app->registry_, app->ids_,
                                                    *app->clock_, *app->secrets_, options.settings);
  app->sweeper_ = std::make_unique<Sweeper>(*app->db_, app->registry_, resources::apis(),
                                            *app->commands_, *app->clock_);
  if (options.sweep_interval_ms > 0) {
    app->sweeper_->start(options.sweep_interval_ms, app->runner_.get());
  }
  if (!options.kafka.brokers.empty()) {
    app->relay_ = std::make_unique<kafka::Relay>(*app->store_, *app->db_, app->registry_,
                                                 options.kafka, &app->metrics_->relay());
    app->relay_->start();
  }
  ServerOptions server = options.server;
  server.openapi_json = std::string(openapi_json());
  if (options.webhooks) {
    app->delivery_probe_ = std::make_unique<webhooks::DeliveryProbe>(app->metrics_->registry());
    app->delivery_ =
        std::make_unique<webhooks::Delivery>(*app->store_, *app->db_, *app->runner_, *app->secrets_,
                                             webhook_endpoints::endpoint_source(), *app->clock_,
                                             options.delivery, app->delivery_probe_.get());
    server.extra_routes.push_back([d = app->delivery_.get()](Routes& r) { d->routes(r); });
    app->delivery_->start();
  }
  app->server_ = std::make_unique<ApiServer>(*app->db_, app->registry_, resources::apis(),
                                             *app->runner_, app->commands_.get(), *app->metrics_,
                                             *app->clock_, std::move(server));
  return app;
}

App::~App() {
  // Stop taking requests first, then the time-driven writes, then the read and write sides.
  if (server_) server_->stop();
  server_.reset();
  sweeper_.reset();
  delivery_.reset();
  relay_.reset();
  runner_.reset();
  store_.reset();
}

bool App::wait_for_views() {
  return runner_->wait_for(store_->last_position(), std::chrono::seconds(30));
}

Expected<domain::MerchantId, std::string> App::ensure_key(const std::string& secret_key) {
  if (!secret_key.starts_with("sk_test_") || secret_key.size() < 16 || secret_key.size() > 128) {
    return Unexpected{
        std::string("a bootstrap key looks like sk_test_ and 8 to 120 more characters")};
  }
  if (!wait_for_views()) return Unexpected{std::string("views did not catch up with the log")};
  const std::string hash = sha256_hex(secret_key);
  auto owner = projections::Queries(*db_).merchant_for_key(hash);
  if (!owner) return Unexpected{owner.error().to_string()};
  if (*owner) return domain::MerchantId{**owner};
  auto created = merchants::create(*commands_, "Test merchant", hash,
                                   secret_key.substr(secret_key.size() - 4));
  if (!created) return Unexpected{created.error().to_string()};
  if (!runner_->wait_for(created->position, std::chrono::seconds(30))) {
    return Unexpected{std::string("views did not catch up with the new merchant")};
  }
  return created->id;
}

Expected<std::string, std::string> App::create_test_merchant() {
  std::string key = "sk_test_" + ids_.next("k").substr(2) + ids_.next("k").substr(2, 8);
  auto merchant = ensure_key(key);
  if (!merchant) return Unexpected{merchant.error()};
  return key;
}

}  // namespace payledger::api
