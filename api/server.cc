#include "api/server.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <thread>

#include <openssl/evp.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "api/balance_routes.h"
#include "api/events_routes.h"
#include "api/lists.h"
#include "api/params.h"
#include "http/query.h"
#include "json/writer.h"

namespace payledger::api {
namespace {

namespace d = domain;

Reply error_reply(const ApiError& e) {
  return Reply{e.http_status, e.body(), {}};
}
Reply outcome_reply(Outcome o) {
  return Reply{o.http_status, std::move(o.body), o.position};
}

// Stripe's libraries retry what this says they may: a conflict, or a failure that wrote nothing.
bool should_retry(int status) {
  return status == 409 || status == 429 || status >= 500;
}

ApiError auth_error(std::string code, std::string message) {
  ApiError e;
  e.http_status = 401;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

std::optional<std::string> decode_base64(const std::string& in) {
  if (in.empty() || in.size() % 4 != 0 || in.size() > 4096) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  if (in.ends_with("=="))
    len -= 2;
  else if (in.ends_with("="))
    len -= 1;
  out.resize(len);
  return out;
}

// The secret key from "Authorization: Basic base64(key:)" or "Authorization: Bearer key".
std::optional<std::string> presented_key(const std::string& header) {
  if (header.starts_with("Bearer ")) return header.substr(7);
  if (!header.starts_with("Basic ")) return std::nullopt;
  auto decoded = decode_base64(header.substr(6));
  if (!decoded) return std::nullopt;
  return decoded->substr(0, decoded->find(':'));
}

// A header's value, "" when absent.
std::string header_of(const http::Request& req, std::string_view name) {
  const std::string* v = req.header(name);
  return v != nullptr ? *v : std::string();
}

// An error answered as JSON, with the headers every answer of the API carries.
http::Response json_error(const ApiError& e, bool retry) {
  http::Response res;
  res.status = e.http_status;
  res.headers = {{"Request-Id", RandomIds().next("req")},
                 {"Stripe-Should-Retry", retry ? "true" : "false"},
                 {"Content-Type", "application/json"}};
  res.body = e.body();
  return res;
}

Expected<Params, ApiError> body_params(const http::Request& req) {
  const std::string type = header_of(req, "Content-Type");
  if (req.body.empty()) return Params::empty();
  if (type.starts_with("application/json")) return Params::from_json(req.body);
  if (type.empty() || type.starts_with("application/x-www-form-urlencoded")) {
    return Params::from_form(req.body);
  }
  return Unexpected{invalid_param("", "parameter_invalid_body",
                                  "Content-Type must be application/json or "
                                  "application/x-www-form-urlencoded, not " +
                                      type + ".")};
}

bool is_loopback(const std::string& addr) {
  return addr.starts_with("127.") || addr == "::1" || addr.starts_with("::ffff:127.");
}

// A Host header fit to put in a URL: letters, digits and . - : [ ] only.
bool plain_host(const std::string& host) {
  return !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

}  // namespace

ApiServer::ApiServer(eventstore::Database& db, const contract::Registry& registry,
                     const Resources& resources, const projections::ReadSide& read_side,
                     CommandService* commands, Metrics& metrics, const Clock& clock,
                     ServerOptions options)
    : db_(db),
      registry_(registry),
      resources_(resources),
      read_side_(read_side),
      queries_(db),
      commands_(commands),
      metrics_(metrics),
      clock_(clock),
      options_(std::move(options)) {
  install_routes();
}

ApiServer::~ApiServer() {
  stop();
}

Expected<int, std::string> ApiServer::bind(const std::string& host, int port) {
  http::Options o;
  o.host = host;
  o.port = port;
  o.loop_threads = options_.loop_threads > 0
                       ? options_.loop_threads
                       : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  o.worker_threads = options_.http_threads;
  o.limits = options_.limits;
  o.tls_cert_path = options_.tls_cert_path;
  o.tls_key_path = options_.tls_key_path;
  o.refusal = [](int status, std::string_view message) {
    ApiError e;
    e.http_status = status;
    e.type = status >= 500 ? "api_error" : "invalid_request_error";
    e.code = status == 500   ? "internal_error"
             : status == 503 ? "server_busy"
             : status == 413 ? "body_too_large"
             : status == 431 ? "headers_too_large"
                             : "request_malformed";
    e.message =
        status == 500
            ? "An internal error occurred; nothing was changed unless a retrieve says so."
            : "The request was refused before it was read whole: " + std::string(message) + ".";
    return json_error(e, status >= 500);
  };
  auto server = http::Server::listen(
      std::move(o), [this](http::Request& req) { return dispatch(req); }, &metrics_.http());
  if (!server) return Unexpected{server.error()};
  http_ = std::move(*server);
  bound_authority_ = host + ":" + std::to_string(http_->port());
  return http_->port();
}

void ApiServer::serve() {
  PL_ASSERT(http_ != nullptr, "serve() after a successful bind()");
  http_->serve();
}
void ApiServer::stop() {
  if (http_ != nullptr) http_->stop();
}

void ApiServer::route(const std::string& method, const std::string& pattern,
                      const std::string& label, Handler h) {
  auto serve = [this, label, h = std::move(h)](const Incoming& in, http::Response& res) {
    handle(in, res, label, h);
  };
  add_http(method, pattern, label, true, std::move(serve));
}

void ApiServer::add_http(const std::string& method, const std::string& pattern,
                         const std::string& label, bool needs_key, Serve serve) {
  PL_ASSERT(method == "GET" || method == "POST" || method == "DELETE",
            "routes are GET, POST or DELETE");
  route_table_.push_back(RouteInfo{method, label, needs_key});
  routes_.push_back(HttpRoute{method, std::regex(pattern), std::move(serve)});
}

http::Response ApiServer::dispatch(http::Request& req) {
  if (commands_ == nullptr && (req.method == "POST" || req.method == "DELETE")) {
    ApiError e;  // a read replica: writes go to payledgerd, which owns the log
    e.http_status = 405;
    e.code = "read_only_replica";
    e.message = "This server is a read replica (payledger-projector); send writes to payledgerd.";
    return json_error(e, false);
  }
  const std::string path = http::percent_decode(req.path, false);
  std::set<std::string> methods;  // of the routes whose pattern the path matches
  for (const HttpRoute& r : routes_) {
    std::smatch m;
    if (!std::regex_match(path, m, r.pattern)) continue;
    if (r.method != req.method) {
      methods.insert(r.method);
      if (r.method == "GET") methods.insert("HEAD");
      continue;
    }
    Incoming in{req, {}, http::parse_form(req.query)};
    for (std::size_t i = 1; i < m.size(); ++i) in.captures.push_back(m[i]);
    http::Response res;
    r.serve(in, res);
    return res;
  }
  std::string allowed;
  for (const std::string& m : methods) allowed += (allowed.empty() ? "" : ", ") + m;
  ApiError e;
  e.http_status = allowed.empty() ? 404 : 405;
  e.code = allowed.empty() ? "resource_missing" : "method_not_allowed";
  e.message = allowed.empty()
                  ? "Unrecognized request URL (" + req.method + " " + path + ")."
                  : req.method + " is not allowed on " + path + "; it takes " + allowed + ".";
  http::Response res = json_error(e, false);
  if (!allowed.empty()) res.headers.emplace_back("Allow", allowed);
  return res;
}

void ApiServer::add(Write w) {
  if (commands_ == nullptr) return;  // a read replica serves no writes
  writes_.emplace_back(std::regex(w.pattern), w);
  const std::string method = w.method;
  const std::string pattern = w.pattern;
  const std::string label = w.label;
  route(method, pattern, label,
        [this, w = std::move(w)](const Incoming& in, const d::MerchantId& merchant) {
          return write(in, merchant, w);
        });
  // The static analyzer's shallow mode (tools/lint.sh) does not follow the std::function into
  // the route table, so it sees the handler's allocation leak at the end of this function.
}  // NOLINT(clang-analyzer-cplusplus.NewDeleteLeaks)

Outcome ApiServer::call(const std::string& method, const std::string& path,
                        const d::MerchantId& merchant, const std::string& json_body) {
  for (const auto& [pattern, w] : writes_) {
    std::smatch m;
    if (w.method != method || !std::regex_match(path, m, pattern)) continue;
    std::vector<std::string> captured;
    for (std::size_t i = 1; i < m.size(); ++i) captured.push_back(m[i]);
    if (!w.id_prefix.empty() && !valid_id(captured.at(0), w.id_prefix)) {
      return error_outcome(not_found(w.object, captured.at(0)));
    }
    auto params = json_body.empty() ? Expected<Params, ApiError>(Params::empty())
                                    : Params::from_json(json_body);
    if (!params) return error_outcome(params.error());
    const Transport in_process{false, /*loopback=*/true, "http://" + bound_authority_};
    Call c{merchant, *params, captured, nullptr, *commands_, in_process};
    return w.handler(c);
  }
  return error_outcome(not_found("route", method + " " + path));
}

void ApiServer::handle(const Incoming& in, http::Response& res, const std::string& label,
                       const Handler& h) {
  const http::Request& req = in.http;
  const auto started = std::chrono::steady_clock::now();
  const std::string version = header_of(req, "Stripe-Version").empty()
                                  ? header_of(req, "X-API-Version")
                                  : header_of(req, "Stripe-Version");
  Reply reply;
  if (version.size() > 64) {
    reply = error_reply(invalid_param("Stripe-Version", "parameter_invalid",
                                      "Stripe-Version must be at most 64 bytes."));
  } else {
    reply = authenticated(in, h);
  }
  if (reply.position.value > 0) {
    res.headers.emplace_back("Payledger-Position", std::to_string(reply.position.value));
    // Read-your-writes: answer once the views show this write.
    if (!read_side_.wait_for(reply.position, options_.read_your_writes_timeout)) {
      metrics_.http().read_your_writes_timeout();
      spdlog::warn("views did not reach position {} in time", reply.position.value);
    }
  }
  if (reply.replayed) res.headers.emplace_back("Idempotent-Replayed", "true");
  if (reply.status >= 400) {
    res.headers.emplace_back("Stripe-Should-Retry", should_retry(reply.status) ? "true" : "false");
  }
  res.status = reply.status;
  const std::string answered_version =
      version.empty() || version.size() > 64 ? options_.api_version : version;
  res.headers.emplace_back("Request-Id", request_ids_.next("req"));
  res.headers.emplace_back("Stripe-Version", answered_version);
  res.headers.emplace_back("X-API-Version", answered_version);
  res.headers.emplace_back("Content-Type", "application/json");
  res.body = std::move(reply.body);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  metrics_.http().request(label, req.method, reply.status, took.count());
}

// Authentication comes first: nothing else, not even waiting for views, is done for a request
// that has no valid key.
Reply ApiServer::authenticated(const Incoming& in, const Handler& h) {
  const http::Request& req = in.http;
  auto merchant = authenticate(req);
  // A key the views do not know yet, on a replica behind the write that made it: retry soon
  // (without waiting here). A request with no key at all is simply refused.
  const bool unknown_key = !merchant && merchant.error().code == "api_key_invalid";
  if (req.method == "GET" && (merchant || unknown_key)) {
    if (auto behind = wait_for_requested_position(req, merchant.has_value())) {
      return error_reply(*behind);
    }
  }
  if (!merchant) return error_reply(merchant.error());
  return h(in, *merchant);
}

// A read that carries "Payledger-Position: N" (from a write's answer) waits until the views
// have reached N, so that a read on any replica sees that write. The wait is bounded; an
// unauthenticated read never waits (on a replica behind, it is told to retry).
std::optional<ApiError> ApiServer::wait_for_requested_position(const http::Request& req,
                                                               bool authenticated) {
  const std::string header = header_of(req, "Payledger-Position");
  if (header.empty()) return std::nullopt;
  std::uint64_t position = 0;
  auto [ptr, ec] = std::from_chars(header.data(), header.data() + header.size(), position);
  if (ec != std::errc() || ptr != header.data() + header.size()) {
    return invalid_param("Payledger-Position", "parameter_invalid_integer",
                         "Payledger-Position must be a log position (an unsigned integer).");
  }
  const eventstore::Position wanted{position};
  if (read_side_.reached() >= wanted) return std::nullopt;
  if (authenticated) {
    const auto wait = std::min(options_.position_wait_max, options_.read_your_writes_timeout);
    if (read_side_.wait_for(wanted, wait)) return std::nullopt;
  }
  ApiError e;
  e.http_status = 503;
  e.type = "api_error";
  e.code = "views_behind";
  e.param = "Payledger-Position";
  e.message = "The views have not reached position " + header + " yet (they are at " +
              std::to_string(read_side_.reached().value) + "); retry shortly.";
  return e;
}

Reply ApiServer::write(const Incoming& in, const d::MerchantId& merchant, const Write& route) {
  const http::Request& req = in.http;
  const std::vector<std::string>& path = in.captures;
  if (!route.id_prefix.empty() && (path.empty() || !valid_id(path[0], route.id_prefix))) {
    return error_reply(not_found(route.object, path.empty() ? "" : path[0]));
  }
  auto params = body_params(req);
  if (!params) return error_reply(params.error());
  const Transport via = transport(req);
  if (auto refused = needs_tls(via, route, *params)) return error_reply(*refused);
  const std::string key = header_of(req, "Idempotency-Key");
  if (key.empty()) return run(merchant, *params, path, nullptr, route, via);
  if (key.size() > kMaxIdempotencyKeyChars) {
    return error_reply(invalid_param("Idempotency-Key", "idempotency_key_invalid",
                                     "Idempotency-Key must be at most 255 characters."));
  }
  return with_idempotency(req, merchant, key, *params, path, route, via);
}

Reply ApiServer::run(const d::MerchantId& merchant, Params& params,
                     const std::vector<std::string>& path, const IdempotencyWrite* idem,
                     const Write& route, const Transport& transport) {
  Call call{merchant, params, path, idem, *commands_, transport};
  return outcome_reply(route.handler(call));
}

std::optional<ApiError> ApiServer::needs_tls(const Transport& t, const Write& route,
                                             Params& params) const {
  if (route.needs_tls_param.empty() || !params.has(route.needs_tls_param)) return std::nullopt;
  if (t.tls || t.loopback) return std::nullopt;
  ApiError e;
  e.http_status = 403;
  e.code = "tls_required";
  e.param = route.needs_tls_param;
  e.message = route.needs_tls_param +
              " must be sent over HTTPS. Start payledgerd with --tls-cert and --tls-key, or call "
              "it from this machine.";
  return e;
}

Transport ApiServer::transport(const http::Request& req) const {
  Transport t;
  t.tls = !options_.tls_cert_path.empty();
  t.loopback = is_loopback(req.peer);
  if (!options_.public_url.empty()) {
    t.base_url = options_.public_url;
  } else {
    const std::string host = header_of(req, "Host");
    t.base_url =
        std::string(t.tls ? "https://" : "http://") + (plain_host(host) ? host : bound_authority_);
  }
  return t;
}

void ApiServer::add_read(Read r) {
  const std::string pattern = r.pattern;
  const std::string label = r.label;
  route("GET", pattern, label,
        [this, r = std::move(r)](const Incoming& in, const d::MerchantId& merchant) {
          const std::vector<std::string>& path = in.captures;
          if (!r.id_prefix.empty() && (path.empty() || !valid_id(path[0], r.id_prefix))) {
            return error_reply(not_found(r.object, path.empty() ? "" : path[0]));
          }
          const std::multimap<std::string, std::string> query(in.query.begin(), in.query.end());
          ReadCall call{merchant, path, query, queries_};
          return outcome_reply(r.handler(call));
        });
  // As in add_write: a false leak of the shallow analyzer.
}  // NOLINT(clang-analyzer-cplusplus.NewDeleteLeaks)

void ApiServer::add_page(Page p) {
  if (commands_ == nullptr) return;  // pages write: a read replica has none
  add_http(p.method, p.pattern, p.label, false,
           [this, p](const Incoming& in, http::Response& res) { page(in, res, p); });
}

// Pages are for a customer's browser: no API key, nothing cached, framed only when the page is
// meant to be embedded, scripts only from this server.
void ApiServer::page(const Incoming& in, http::Response& res, const Page& p) {
  const http::Request& req = in.http;
  const auto started = std::chrono::steady_clock::now();
  // The query's and a form body's parameters (the first of a repeated name), and the query's
  // alone (what a page must not take from a URL is looked for there).
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> query;
  for (const auto& [name, value] : in.query) {
    params.emplace(name, value);
    query.emplace(name, value);
  }
  if (req.method == "POST" &&
      header_of(req, "Content-Type").starts_with("application/x-www-form-urlencoded")) {
    for (const auto& [name, value] : http::parse_form(req.body)) params.emplace(name, value);
  }
  const std::vector<std::string>& path = in.captures;
  const Transport t = transport(req);
  PageRequest pr{path, params, query, *commands_, t};
  const PageReply reply = p.handler(pr);
  if (reply.position.value > 0 &&
      !read_side_.wait_for(reply.position, options_.read_your_writes_timeout)) {
    metrics_.http().read_your_writes_timeout();
    spdlog::warn("views did not reach position {} in time", reply.position.value);
  }
  res.status = reply.status;
  res.headers.emplace_back("Cache-Control", "no-store");
  if (!p.embeddable) res.headers.emplace_back("X-Frame-Options", "DENY");
  if (p.cross_origin) res.headers.emplace_back("Access-Control-Allow-Origin", "*");
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back(
      "Content-Security-Policy",
      std::string("default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; "
                  "img-src data:; frame-ancestors ") +
          (p.embeddable ? "*" : "'none'"));
  if (!reply.location.empty()) res.headers.emplace_back("Location", reply.location);
  res.headers.emplace_back("Content-Type", reply.content_type);
  res.body = reply.html;
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  metrics_.http().request(p.label, req.method, reply.status, took.count());
}

// Same key and same request: the stored answer. Same key, other request: 400. The same key
// still running: 409. An answer is stored when its request wrote events, in the same batch.
// Requests are the same when their method, path and parsed parameters are (not their bytes).
Reply ApiServer::with_idempotency(const http::Request& req, const d::MerchantId& merchant,
                                  const std::string& key, Params& params,
                                  const std::vector<std::string>& path, const Write& route,
                                  const Transport& via) {
  const std::string store_key = idempotency_store_key(merchant.value, key);
  if (!in_flight_.try_begin(store_key)) {
    ApiError e;
    e.http_status = 409;
    e.type = "idempotency_error";
    e.code = "idempotency_key_in_use";
    e.param = "Idempotency-Key";
    e.message = "A request with this Idempotency-Key is still being processed; retry later.";
    return error_reply(e);
  }
  struct EndInFlight {
    InFlightKeys& keys;
    const std::string& k;
    ~EndInFlight() { keys.end(k); }
  } guard{in_flight_, store_key};

  // Keyed: the parameters may hold a card number, whose unkeyed hash could be brute-forced.
  // The path decoded, as records stored before http::Server were made.
  const std::string request_text =
      req.method + "\n" + http::percent_decode(req.path, false) + "\n" + params.canonical_form();
  const IdempotencyWrite write{store_key, commands_->fingerprint("idempotency", request_text)};
  auto stored = find_record(db_, store_key, clock_.now().value);
  if (!stored) return error_reply(storage_error(stored.error().to_string()));
  if (!*stored) return run(merchant, params, path, &write, route, via);
  const std::string& presented =
      (*stored)->legacy_sha256 ? sha256_hex(request_text) : write.request_hmac;
  if ((*stored)->request_hmac != presented) {
    ApiError e;
    e.type = "idempotency_error";
    e.code = "idempotency_key_reused";
    e.param = "Idempotency-Key";
    e.message =
        "Keys for idempotent requests can only be used with the same parameters they "
        "were first used with.";
    return error_reply(e);
  }
  std::string body = (*stored)->body;
  if (route.replay && (*stored)->http_status == 200) body = route.replay(body, *commands_);
  return Reply{(*stored)->http_status, std::move(body), {}, true};
}

Expected<d::MerchantId, ApiError> ApiServer::authenticate(const http::Request& req) {
  const std::string header = header_of(req, "Authorization");
  if (header.empty()) {
    return Unexpected{auth_error("api_key_missing",
                                 "You did not provide an API key. Send your secret key in the "
                                 "Authorization header, as HTTP Basic username or Bearer token.")};
  }
  auto key = presented_key(header);
  if (!key || key->empty()) {
    return Unexpected{auth_error("api_key_invalid",
                                 "The Authorization header must be 'Basic <base64 key:>' or "
                                 "'Bearer <key>'.")};
  }
  const std::string hash = sha256_hex(*key);
  const auto now = std::chrono::steady_clock::now();
  if (auto cached = key_cache_.find(hash, now)) return d::MerchantId{*cached};
  auto merchant = queries_.merchant_for_key(hash);
  if (!merchant || !*merchant) {
    const std::string tail = key->size() > 4 ? key->substr(key->size() - 4) : "";
    return Unexpected{auth_error("api_key_invalid", "Invalid API Key provided: ****" + tail)};
  }
  key_cache_.remember(hash, **merchant, now);
  return d::MerchantId{**merchant};
}

void ApiServer::install_routes() {
  add_http("GET", "/healthz", "/healthz", false, [this](const Incoming&, http::Response& res) {
    json::Writer w;
    w.begin_object();
    w.text("status", "ok");
    w.number("projected_position", static_cast<std::int64_t>(read_side_.reached().value));
    w.end_object();
    res.headers.emplace_back("Content-Type", "application/json");
    res.body = w.take();
  });
  add_http("GET", "/metrics", "/metrics", false, [this](const Incoming&, http::Response& res) {
    res.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
    res.body = metrics_.render();
  });
  if (!options_.openapi_json.empty()) {
    // The description is public, as Stripe's is: no key, and any site's script may read it.
    add_http("GET", "/v1/openapi.json", "/v1/openapi.json", false,
             [this](const Incoming&, http::Response& res) {
               res.headers.emplace_back("Access-Control-Allow-Origin", "*");
               res.headers.emplace_back("Content-Type", "application/json");
               res.body = options_.openapi_json;
             });
  }
  // On a read replica, add() and add_page() keep nothing: a module's own reads remain.
  for (const Resource* r : resources_.all()) r->routes(*this);
  add_event_routes(*this);
  add_balance_routes(*this);
  for (const auto& add_routes : options_.extra_routes) add_routes(*this);
  install_read_routes();
}

void ApiServer::install_read_routes() {
  for (const contract::Aggregate* a : registry_.aggregates()) {
    for (const contract::ObjectSpec& spec : a->objects()) {
      if (spec.path.empty()) continue;
      const std::string path(spec.path);
      route("GET", path, path, [this, &spec](const Incoming& in, const d::MerchantId& m) {
        return list(in, m, spec);
      });
      route("GET", path + "/([^/]+)", path + "/:id",
            [this, &spec](const Incoming& in, const d::MerchantId& m) {
              return retrieve(in, m, spec);
            });
    }
  }
}

Reply ApiServer::retrieve(const Incoming& in, const d::MerchantId& m,
                          const contract::ObjectSpec& spec) {
  const std::string& id = in.captures.at(0);
  const std::string object(spec.object);
  if (!valid_id(id, spec.id_prefix)) return error_reply(not_found(object, id));
  auto found = queries_.object(object, m.value, id);
  if (!found) return error_reply(storage_error(found.error().to_string()));
  if (!*found) return error_reply(not_found(object, id));
  auto shown = expanded(std::move(**found), in, m, spec);
  if (!shown) return error_reply(shown.error());
  return Reply{200, std::move(*shown), {}};
}

namespace {

// The fields a request's expand[] names: expand[]=a, expand[0]=a, expand=a.
std::vector<std::string> expand_params(const http::Pairs& query) {
  std::vector<std::string> out;
  for (const auto& [name, value] : query) {
    if (name == "expand" || (name.starts_with("expand[") && name.ends_with("]"))) {
      out.push_back(value);
    }
  }
  return out;
}

ApiError not_expandable(const contract::ObjectSpec& spec, const std::string& field) {
  std::string names;
  for (const auto& e : spec.expandable) names += (names.empty() ? "" : ", ") + std::string(e.field);
  return invalid_param("expand", "parameter_invalid",
                       "expand: " + field + " cannot be expanded on " + std::string(spec.object) +
                           (names.empty() ? " (nothing can)." : "; it can expand " + names + "."));
}

// `object` with each member named in `members` given that member's JSON text instead (added at
// the end when `object` has no such member), keys otherwise in their order.
std::string with_members(simdjson::dom::object object,
                         const std::vector<std::pair<std::string, std::string>>& members) {
  const auto member = [&](std::string_view key) {
    return std::find_if(members.begin(), members.end(),
                        [&](const auto& m) { return m.first == key; });
  };
  json::Writer w;
  w.begin_object();
  for (const auto field : object) {
    w.key(field.key);
    const auto m = member(field.key);
    w.raw_value(m != members.end() ? m->second : simdjson::minify(field.value));
  }
  for (const auto& [key, value] : members) {
    simdjson::dom::element present;
    if (object[key].get(present) == simdjson::SUCCESS) continue;
    w.key(key);
    w.raw_value(value);
  }
  w.end_object();
  return w.take();
}

}  // namespace

Expected<std::string, ApiError> ApiServer::expanded(std::string json, const Incoming& in,
                                                    const d::MerchantId& m,
                                                    const contract::ObjectSpec& spec) const {
  const std::vector<std::string> fields = expand_params(in.query);
  if (fields.empty()) return json;
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json).get(object) != simdjson::SUCCESS) {
    return Unexpected{storage_error("an object read for expansion is not JSON")};
  }
  std::vector<std::pair<std::string, std::string>> members;  // field -> the expanded object
  for (const std::string& field : fields) {
    const auto e = std::find_if(spec.expandable.begin(), spec.expandable.end(),
                                [&](const contract::Expansion& x) { return x.field == field; });
    if (e == spec.expandable.end()) return Unexpected{not_expandable(spec, field)};
    const auto named = [&](const auto& member) { return member.first == field; };
    if (std::any_of(members.begin(), members.end(), named)) continue;  // expand[] named it twice
    std::string_view id;  // stays empty for a null or absent field: null stays null
    if (object[e->by_own_id ? std::string_view("id") : std::string_view(field)].get(id) !=
        simdjson::SUCCESS) {
      continue;
    }
    auto found = queries_.object(std::string(e->object), m.value, std::string(id));
    if (!found) return Unexpected{storage_error(found.error().to_string())};
    if (*found) members.emplace_back(field, **found);
  }
  return with_members(object, members);
}

namespace {

// The value of a list filter as the views index it, or why it is not one.
Expected<std::string, ApiError> filter_value(const contract::FilterSpec& f,
                                             const std::string& value) {
  if (f.kind == contract::FilterKind::boolean) {
    if (value == "true" || value == "false") return value;
    return Unexpected{invalid_param(std::string(f.name), "parameter_invalid_boolean",
                                    std::string(f.name) + " must be true or false.")};
  }
  if (!f.values.empty() && std::find(f.values.begin(), f.values.end(), value) == f.values.end()) {
    std::string names;
    for (std::string_view v : f.values) names += (names.empty() ? "" : ", ") + std::string(v);
    return Unexpected{invalid_param(std::string(f.name), "parameter_invalid",
                                    std::string(f.name) + " must be one of: " + names + ".")};
  }
  if (value.size() > 512 || value.find('\0') != std::string::npos) {
    return Unexpected{
        invalid_param(std::string(f.name), "parameter_invalid_string",
                      std::string(f.name) + " must be at most 512 bytes, without NUL.")};
  }
  return value;
}

}  // namespace

Reply ApiServer::list(const Incoming& in, const d::MerchantId& m,
                      const contract::ObjectSpec& spec) {
  projections::ListRequest lr;
  lr.object = std::string(spec.object);
  lr.merchant = m.value;
  for (const auto& param : in.query) {
    const std::string& name = param.first;
    const std::string& value = param.second;
    const auto filter = std::find_if(spec.filters.begin(), spec.filters.end(),
                                     [&](const contract::FilterSpec& f) { return f.name == name; });
    if (name == "limit") {
      auto limit = parse_limit(value);
      if (!limit) return error_reply(limit.error());
      lr.limit = *limit;
    } else if (name == "starting_after" || name == "ending_before") {
      if (!value.empty()) (name == "starting_after" ? lr.starting_after : lr.ending_before) = value;
    } else if (filter != spec.filters.end()) {
      auto v = filter_value(*filter, value);
      if (!v) return error_reply(v.error());
      lr.filters[name] = *v;
    } else {
      return error_reply(
          invalid_param(name, "parameter_unknown", "Received unknown parameter: " + name + "."));
    }
  }
  if (lr.starting_after && lr.ending_before) {
    return error_reply(invalid_param("ending_before", "parameter_invalid",
                                     "Pass starting_after or ending_before, not both."));
  }
  auto page = queries_.list(lr);
  if (!page) return error_reply(list_error(page.error()));
  return Reply{200, list_json(*page, std::string(spec.path), lr.ending_before.has_value()), {}};
}

}  // namespace payledger::api
