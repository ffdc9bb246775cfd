#pragma once
// The REST API over http::Server (http/: Beast event loops, handlers on a worker pool): routes,
// authentication, idempotency, read-your-writes, metrics. Handlers only translate between HTTP
// and the command service or the queries.
#include <chrono>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/command_service.h"
#include "api/idempotency.h"
#include "api/key_cache.h"
#include "api/metrics.h"
#include "api/resource.h"
#include "api/routes.h"
#include "contract/registry.h"
#include "eventstore/database.h"
#include "http/server.h"
#include "projections/queries.h"
#include "projections/read_side.h"

namespace payledger::api {

struct ServerOptions {
  // Worker threads: each runs one request's handler at a time, blocking on its append and on
  // the views; connections, idle or slow, hold none (http/server.h).
  int http_threads = 64;
  // Event-loop threads that read and write every connection; 0: one per core.
  int loop_threads = 0;
  // What a client may cost: deadlines, caps, the workers' queue (http::Limits).
  http::Limits limits = {};
  std::chrono::milliseconds read_your_writes_timeout{5000};
  // The longest a read waits for a Payledger-Position it carries.
  std::chrono::milliseconds position_wait_max{5000};
  std::string api_version = std::string(contract::kApiVersion);
  // HTTPS with this certificate chain and private key (PEM files); both empty: plain HTTP.
  std::string tls_cert_path;
  std::string tls_key_path;
  // The scheme and authority of URLs this server hands out for browsers (3-D Secure pages),
  // e.g. "https://pay.example.com"; empty: the request's own scheme and Host.
  std::string public_url;
  // Routes a process serves besides its modules' (webhook delivery's attempts and retry),
  // added after them.
  std::vector<std::function<void(Routes&)>> extra_routes = {};
  // The OpenAPI description of what this server serves (JSON), answered at GET
  // /v1/openapi.json to anyone, without a key; empty: that route is not served.
  std::string openapi_json = {};
};

// One route of the server's table: its method and its label, the path with ":name" for each
// segment the route captures ("/v1/customers/:id"), as metrics name it.
struct RouteInfo {
  std::string method;  // "GET", "POST" or "DELETE" (a GET answers HEAD too)
  std::string label;
  bool needs_key = true;  // false: a page for a customer's browser, /healthz, /metrics...
  bool operator==(const RouteInfo&) const = default;
};

// What a handler answers.
struct Reply {
  int status = 200;
  std::string body;
  eventstore::Position position;  // the write's last event, for read-your-writes
  bool replayed = false;          // answered from an idempotency record
};

class ApiServer final : private Routes {
 public:
  // REQUIRES: every reference outlives the server. Without `commands` (a read replica) the
  // server answers reads only.
  ApiServer(eventstore::Database& db, const contract::Registry& registry,
            const Resources& resources, const projections::ReadSide& read_side,
            CommandService* commands, Metrics& metrics, const Clock& clock, ServerOptions options);
  ~ApiServer() override;
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds `host:port` (port 0: an ephemeral port). Returns the port, or why it failed.
  Expected<int, std::string> bind(const std::string& host, int port);
  // Serves until stop(). REQUIRES: bind() succeeded.
  void serve();
  // Thread-safe; serve() returns soon after.
  void stop();

  // Runs a write route in-process, without HTTP or idempotency (tests, benchmarks): the route
  // whose method and pattern match, with `json_body` as its parameters.
  Outcome call(const std::string& method, const std::string& path,
               const domain::MerchantId& merchant, const std::string& json_body);

  // Every route the server answers, once each, in the order they were added: the modules'
  // writes, reads and pages, the Events, Balance and extra routes, the generic list and
  // retrieve of every ObjectSpec with a path, /healthz, /metrics and /v1/openapi.json (when
  // ServerOptions::openapi_json is set). A read replica's table has no writes and no pages (it
  // refuses every POST and DELETE, a refusal that is not a route). Complete once constructed;
  // never changes afterwards. What docs/openapi.yaml must describe, operation for operation.
  const std::vector<RouteInfo>& route_table() const { return route_table_; }

 private:
  // A request routed: the HTTP request, the pattern's captures, the query's parameters.
  struct Incoming {
    const http::Request& http;
    std::vector<std::string> captures;
    std::vector<std::pair<std::string, std::string>> query;
  };
  using Handler = std::function<Reply(const Incoming&, const domain::MerchantId&)>;
  using Serve = std::function<void(const Incoming&, http::Response&)>;
  struct HttpRoute {
    std::string method;
    std::regex pattern;
    Serve serve;
  };
  void add(Write route) override;
  void add_page(Page page) override;
  void add_read(Read read) override;
  void add_http(const std::string& method, const std::string& pattern, const std::string& label,
                bool needs_key, Serve serve);
  // Every request: its route, else 404 (no route has its path) or 405 (one has, for another
  // method). What a handler throws, http::Server answers 500 (ServerOptions' refusal).
  http::Response dispatch(http::Request& req);
  Transport transport(const http::Request& req) const;
  std::optional<ApiError> needs_tls(const Transport& t, const Write& route, Params& params) const;
  void route(const std::string& method, const std::string& pattern, const std::string& label,
             Handler h);
  void handle(const Incoming& in, http::Response& res, const std::string& label, const Handler& h);
  Reply authenticated(const Incoming& in, const Handler& h);
  Reply write(const Incoming& in, const domain::MerchantId& merchant, const Write& route);
  void page(const Incoming& in, http::Response& res, const Page& page);
  std::optional<ApiError> wait_for_requested_position(const http::Request& req, bool authenticated);
  Reply with_idempotency(const http::Request& req, const domain::MerchantId& merchant,
                         const std::string& key, Params& params,
                         const std::vector<std::string>& path, const Write& route,
                         const Transport& via);
  Reply run(const domain::MerchantId& merchant, Params& params,
            const std::vector<std::string>& path, const IdempotencyWrite* idem, const Write& route,
            const Transport& transport);
  Expected<domain::MerchantId, ApiError> authenticate(const http::Request& req);
  void install_routes();
  void install_read_routes();
  Reply retrieve(const Incoming& in, const domain::MerchantId& m, const contract::ObjectSpec& spec);
  Reply list(const Incoming& in, const domain::MerchantId& m, const contract::ObjectSpec& spec);
  // `json` (an object of `spec`) with the fields the request's expand[] names replaced by the
  // objects they name.
  Expected<std::string, ApiError> expanded(std::string json, const Incoming& in,
                                           const domain::MerchantId& m,
                                           const contract::ObjectSpec& spec) const;

  eventstore::Database& db_;
  const contract::Registry& registry_;
  const Resources& resources_;
  const projections::ReadSide& read_side_;
  projections::Queries queries_;
  CommandService* commands_;
  Metrics& metrics_;
  const Clock& clock_;
  ServerOptions options_;
  InFlightKeys in_flight_;
  RandomIds request_ids_;
  KeyCache key_cache_;
  std::vector<std::pair<std::regex, Write>> writes_;
  std::vector<RouteInfo> route_table_;
  std::vector<HttpRoute> routes_;
  std::string bound_authority_;  // "127.0.0.1:8080", for URLs of requests without a Host
  // Last: destroyed first, so that no handler runs on a server half destroyed.
  std::unique_ptr<http::Server> http_;
};

}  // namespace payledger::api
