#include "api/server.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <httplib.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "api/params.h"
#include "api/process.h"

namespace payledger::api {
namespace {

namespace d = domain;
using Json = nlohmann::ordered_json;
constexpr std::size_t kMaxIdChars = 100;

Reply error_reply(const ApiError& e) {
  return Reply{e.http_status, e.body(), {}};
}
Reply outcome_reply(Outcome o) {
  return Reply{o.http_status, std::move(o.body), o.position};
}

ApiError auth_error(std::string code, std::string message) {
  ApiError e;
  e.http_status = 401;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

ApiError not_found(const std::string& object, const std::string& id) {
  ApiError e;
  e.http_status = 404;
  e.code = "resource_missing";
  e.param = "id";
  e.message = "No such " + object + ": '" + id + "'";  // id is checked or replaced on output
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

Expected<Params, ApiError> body_params(const httplib::Request& req) {
  const std::string type = req.get_header_value("Content-Type");
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

// Ids are generated as prefix + base62; anything else cannot name an object.
bool valid_id(const std::string& id, std::string_view prefix) {
  return id.size() <= kMaxIdChars && id.starts_with(prefix) &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
         });
}

std::string list_json(const projections::ListPage& page, const std::string& url, bool backward) {
  std::string out = R"({"object":"list","data":[)";
  for (std::size_t i = 0; i < page.objects.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += page.objects[i];  // already-rendered JSON objects
  }
  Json cursor = nullptr;
  if (page.has_more && !page.ids.empty()) cursor = backward ? page.ids.front() : page.ids.back();
  out += "],\"has_more\":" + Json(page.has_more).dump() + ",\"url\":" + Json(url).dump() +
         ",\"next_cursor\":" + cursor.dump() + "}";
  return out;
}

}  // namespace

ApiServer::ApiServer(eventstore::Database& db, const projections::ReadSide& read_side,
                     CommandService* commands, Metrics& metrics, const Clock& clock,
                     ServerOptions options)
    : db_(db),
      read_side_(read_side),
      queries_(db),
      commands_(commands),
      metrics_(metrics),
      clock_(clock),
      options_(std::move(options)),
      http_(std::make_unique<httplib::Server>()) {
  const int threads = options_.http_threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_tcp_nodelay(true);
  http_->set_keep_alive_timeout(options_.keep_alive_seconds);
  http_->set_keep_alive_max_count(options_.keep_alive_max_requests);
  http_->set_payload_max_length(options_.max_body_bytes);
  http_->set_read_timeout(5, 0);
  http_->set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req,
                                                                   httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    ApiError e;
    e.http_status = res.status;
    e.code = res.status == 404 ? "resource_missing" : "invalid_request";
    e.message = res.status == 404
                    ? "Unrecognized request URL (" + req.method + " " + req.path + ")."
                    : "The request could not be read (HTTP " + std::to_string(res.status) + ").";
    res.set_content(e.body(), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  http_->set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, const std::exception_ptr& ep) {
        std::string what = "unknown";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& ex) {
          what = ex.what();
        } catch (...) {
        }
        spdlog::error("unhandled exception on {} {}: {}", req.method, req.path, what);
        ApiError e;
        e.http_status = 500;
        e.type = "api_error";
        e.code = "internal_error";
        e.message = "An internal error occurred; nothing was changed unless a retrieve says so.";
        res.status = 500;
        res.set_content(e.body(), "application/json");
      });
  install_routes();
}

ApiServer::~ApiServer() {
  stop();
}

Expected<int, std::string> ApiServer::bind(const std::string& host, int port) {
  constexpr int kListenBacklog = 4096;
  if (port == 0) {
    const int bound = http_->bind_to_any_port(host);
    if (bound <= 0) return Unexpected{"cannot bind " + host + " on any port"};
    if (!raise_listen_backlog(bound, kListenBacklog)) {
      spdlog::warn("cannot raise the listen backlog of port {}", bound);
    }
    return bound;
  }
  if (!http_->bind_to_port(host, port)) {
    return Unexpected{"cannot bind " + host + ":" + std::to_string(port) + " (in use?)"};
  }
  if (!raise_listen_backlog(port, kListenBacklog)) {
    spdlog::warn("cannot raise the listen backlog of port {}", port);
  }
  return port;
}

void ApiServer::serve() {
  http_->listen_after_bind();
}
void ApiServer::stop() {
  http_->stop();
}

void ApiServer::route_post(const std::string& pattern, const std::string& label, Handler h) {
  http_->Post(pattern,
              [this, label, h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
                handle(req, res, label, true, h);
              });
}

void ApiServer::route_get(const std::string& pattern, const std::string& label, Handler h) {
  http_->Get(pattern,
             [this, label, h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
               handle(req, res, label, false, h);
             });
}

void ApiServer::handle(const httplib::Request& req, httplib::Response& res,
                       const std::string& label, bool is_post, const Handler& h) {
  const auto started = std::chrono::steady_clock::now();
  const std::string version = req.get_header_value("X-API-Version");
  Reply reply;
  if (version.size() > 64) {
    reply = error_reply(invalid_param("X-API-Version", "parameter_invalid",
                                      "X-API-Version must be at most 64 characters."));
  } else if (auto behind = is_post ? std::nullopt : wait_for_requested_position(req)) {
    // Waits before authenticating: on a replica, the key itself may be in the awaited events.
    reply = error_reply(*behind);
  } else if (auto merchant = authenticate(req); !merchant) {
    reply = error_reply(merchant.error());
  } else {
    reply = dispatch(req, *merchant, is_post, h);
  }
  if (reply.position.value > 0) {
    res.set_header("Payledger-Position", std::to_string(reply.position.value));
    // Read-your-writes: answer once the views show this write.
    if (!read_side_.wait_for(reply.position, options_.read_your_writes_timeout)) {
      metrics_.http().read_your_writes_timeout();
      spdlog::warn("views did not reach position {} in time", reply.position.value);
    }
  }
  if (reply.replayed) res.set_header("Idempotent-Replayed", "true");
  res.status = reply.status;
  res.set_header("X-API-Version",
                 version.empty() || version.size() > 64 ? options_.api_version : version);
  res.set_content(reply.body, "application/json");
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  metrics_.http().request(label, req.method, reply.status, took.count());
}

Reply ApiServer::dispatch(const httplib::Request& req, const d::MerchantId& merchant, bool is_post,
                          const Handler& h) {
  if (!is_post) return h(req, merchant, nullptr);
  const std::string key = req.get_header_value("Idempotency-Key");
  if (key.empty()) return h(req, merchant, nullptr);
  if (key.size() > kMaxIdempotencyKeyChars) {
    return error_reply(invalid_param("Idempotency-Key", "idempotency_key_invalid",
                                     "Idempotency-Key must be at most 255 characters."));
  }
  return with_idempotency(req, merchant, key, h);
}

// A read that carries "Payledger-Position: N" (from a write's answer) waits until the views
// have reached N, so that a read on any replica sees that write.
std::optional<ApiError> ApiServer::wait_for_requested_position(const httplib::Request& req) {
  const std::string header = req.get_header_value("Payledger-Position");
  if (header.empty()) return std::nullopt;
  std::uint64_t position = 0;
  auto [ptr, ec] = std::from_chars(header.data(), header.data() + header.size(), position);
  if (ec != std::errc() || ptr != header.data() + header.size()) {
    return invalid_param("Payledger-Position", "parameter_invalid_integer",
                         "Payledger-Position must be a log position (an unsigned integer).");
  }
  if (read_side_.wait_for(eventstore::Position{position}, options_.read_your_writes_timeout)) {
    return std::nullopt;
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

// Same key and same request: the stored answer. Same key, other request: 400. The same key
// still running: 409. Only 2xx answers are stored, in the batch of the events they made.
Reply ApiServer::with_idempotency(const httplib::Request& req, const d::MerchantId& merchant,
                                  const std::string& key, const Handler& h) {
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

  const IdempotencyWrite write{store_key,
                               sha256_hex(req.method + "\n" + req.path + "\n" + req.body)};
  auto stored = find_record(db_, store_key, clock_.now().value);
  if (!stored) return error_reply(storage_error(stored.error().to_string()));
  if (!*stored) return h(req, merchant, &write);
  if ((*stored)->request_sha256 != write.request_sha256) {
    ApiError e;
    e.type = "idempotency_error";
    e.code = "idempotency_key_reused";
    e.param = "Idempotency-Key";
    e.message =
        "Keys for idempotent requests can only be used with the same parameters they "
        "were first used with.";
    return error_reply(e);
  }
  return Reply{(*stored)->http_status, (*stored)->body, {}, true};
}

Expected<d::MerchantId, ApiError> ApiServer::authenticate(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
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
  {
    std::lock_guard lock(key_cache_mu_);
    if (auto it = key_cache_.find(hash); it != key_cache_.end()) return d::MerchantId{it->second};
  }
  auto merchant = queries_.merchant_for_key(hash);
  if (!merchant || !*merchant) {
    const std::string tail = key->size() > 4 ? key->substr(key->size() - 4) : "";
    return Unexpected{auth_error("api_key_invalid", "Invalid API Key provided: ****" + tail)};
  }
  std::lock_guard lock(key_cache_mu_);
  key_cache_.emplace(hash, **merchant);
  return d::MerchantId{**merchant};
}

void ApiServer::install_routes() {
  using projections::ListKind;
  http_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        Json{{"status", "ok"}, {"projected_position", read_side_.reached().value}}.dump(),
        "application/json");
  });
  http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.render(), "text/plain; version=0.0.4");
  });
  auto bind_post = [this](auto method) {
    return [this, method](const httplib::Request& r, const d::MerchantId& m,
                          const IdempotencyWrite* i) { return (this->*method)(r, m, i); };
  };
  if (commands_ == nullptr) {
    // A read replica: writes go to payledgerd, which owns the log.
    http_->Post(".*", [](const httplib::Request&, httplib::Response& res) {
      ApiError e;
      e.http_status = 405;
      e.code = "read_only_replica";
      e.message = "This server is a read replica (payledger-projector); send writes to payledgerd.";
      res.status = 405;
      res.set_content(e.body(), "application/json");
    });
    install_read_routes();
    return;
  }
  route_post("/v1/payment_intents", "/v1/payment_intents", bind_post(&ApiServer::create_intent));
  route_post(R"(/v1/payment_intents/([^/]+)/confirm)", "/v1/payment_intents/:id/confirm",
             bind_post(&ApiServer::confirm_intent));
  route_post(R"(/v1/payment_intents/([^/]+)/capture)", "/v1/payment_intents/:id/capture",
             bind_post(&ApiServer::capture_intent));
  route_post(R"(/v1/payment_intents/([^/]+)/cancel)", "/v1/payment_intents/:id/cancel",
             bind_post(&ApiServer::cancel_intent));
  route_post("/v1/refunds", "/v1/refunds", bind_post(&ApiServer::create_refund));
  install_read_routes();
}

void ApiServer::install_read_routes() {
  using projections::ListKind;
  auto bind_get = [this](auto method, ListKind kind) {
    return [this, method, kind](const httplib::Request& r, const d::MerchantId& m,
                                const IdempotencyWrite*) { return (this->*method)(r, m, kind); };
  };
  route_get("/v1/payment_intents", "/v1/payment_intents",
            bind_get(&ApiServer::list, ListKind::payment_intents));
  route_get(R"(/v1/payment_intents/([^/]+))", "/v1/payment_intents/:id",
            bind_get(&ApiServer::retrieve, ListKind::payment_intents));
  route_get("/v1/refunds", "/v1/refunds", bind_get(&ApiServer::list, ListKind::refunds));
  route_get(R"(/v1/refunds/([^/]+))", "/v1/refunds/:id",
            bind_get(&ApiServer::retrieve, ListKind::refunds));
}

Reply ApiServer::create_intent(const httplib::Request& req, const d::MerchantId& m,
                               const IdempotencyWrite* idem) {
  auto params = body_params(req);
  if (!params) return error_reply(params.error());
  CreateIntentParams p;
  p.amount_minor = params->required_integer("amount");
  p.currency = params->required_string("currency", 3);
  p.capture_method = params->string("capture_method", 32).value_or("automatic");
  p.customer = params->string("customer", 255).value_or("");
  // Seed 003 sends customer_id; seed 000 (which wins) calls it customer. Both are accepted.
  if (auto alias = params->string("customer_id", 255); alias && p.customer.empty()) {
    p.customer = *alias;
  }
  p.description = params->string("description", 1000).value_or("");
  p.metadata = params->metadata("metadata");
  p.payment_method = params->string("payment_method", 255);
  p.confirm = params->boolean("confirm").value_or(false);
  p.return_url = params->string("return_url", 2048).value_or("");
  if (auto e = params->finish()) return error_reply(*e);
  if (p.confirm && !p.payment_method) {
    return error_reply(invalid_param("payment_method", "parameter_missing",
                                     "confirm=true needs a payment_method."));
  }
  return outcome_reply(commands_->create_intent(m, p, idem));
}

Reply ApiServer::confirm_intent(const httplib::Request& req, const d::MerchantId& m,
                                const IdempotencyWrite* idem) {
  const std::string id = req.matches[1];
  if (!valid_id(id, "pi_")) return error_reply(not_found("payment_intent", id));
  auto params = body_params(req);
  if (!params) return error_reply(params.error());
  auto pm = params->string("payment_method", 255);
  auto return_url = params->string("return_url", 2048).value_or("");
  if (auto e = params->finish()) return error_reply(*e);
  return outcome_reply(commands_->confirm(m, id, pm, return_url, idem));
}

Reply ApiServer::capture_intent(const httplib::Request& req, const d::MerchantId& m,
                                const IdempotencyWrite* idem) {
  const std::string id = req.matches[1];
  if (!valid_id(id, "pi_")) return error_reply(not_found("payment_intent", id));
  auto params = body_params(req);
  if (!params) return error_reply(params.error());
  auto amount = params->integer("amount_to_capture");
  if (auto e = params->finish()) return error_reply(*e);
  return outcome_reply(commands_->capture(m, id, amount, idem));
}

Reply ApiServer::cancel_intent(const httplib::Request& req, const d::MerchantId& m,
                               const IdempotencyWrite* idem) {
  const std::string id = req.matches[1];
  if (!valid_id(id, "pi_")) return error_reply(not_found("payment_intent", id));
  auto params = body_params(req);
  if (!params) return error_reply(params.error());
  auto reason = params->string("cancellation_reason", 64);
  if (auto e = params->finish()) return error_reply(*e);
  return outcome_reply(commands_->cancel(m, id, reason, idem));
}

Reply ApiServer::create_refund(const httplib::Request& req, const d::MerchantId& m,
                               const IdempotencyWrite* idem) {
  auto params = body_params(req);
  if (!params) return error_reply(params.error());
  const std::string intent = params->required_string("payment_intent", kMaxIdChars);
  auto amount = params->integer("amount");
  auto reason = params->string("reason", 64);
  auto metadata = params->metadata("metadata");
  if (auto e = params->finish()) return error_reply(*e);
  if (!valid_id(intent, "pi_")) {
    ApiError e = not_found("payment_intent", intent);
    e.param = "payment_intent";
    return error_reply(e);
  }
  if (amount && !d::Amount::chargeable(*amount)) {
    return error_reply(from_rejection(d::Rejection::refund_amount_invalid));
  }
  Outcome o = commands_->refund(m, intent, amount, reason, std::move(metadata), idem);
  if (o.http_status == 404) {
    ApiError e = not_found("payment_intent", intent);
    e.param = "payment_intent";
    return error_reply(e);
  }
  return outcome_reply(std::move(o));
}

Reply ApiServer::retrieve(const httplib::Request& req, const d::MerchantId& m,
                          projections::ListKind kind) {
  const bool intents = kind == projections::ListKind::payment_intents;
  const std::string id = req.matches[1];
  const char* object = intents ? "payment_intent" : "refund";
  if (!valid_id(id, intents ? "pi_" : "re_")) return error_reply(not_found(object, id));
  auto found = intents ? queries_.intent(m.value, id) : queries_.refund(m.value, id);
  if (!found) return error_reply(storage_error(found.error().to_string()));
  if (!*found) return error_reply(not_found(object, id));
  return Reply{200, std::move(**found), {}};
}

Reply ApiServer::list(const httplib::Request& req, const d::MerchantId& m,
                      projections::ListKind kind) {
  projections::ListRequest lr;
  lr.kind = kind;
  lr.merchant = m.value;
  for (const auto& [name, value] : req.params) {
    if (name == "limit") {
      int limit = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || ptr != value.data() + value.size() || limit < 1 || limit > 100) {
        return error_reply(invalid_param("limit", "parameter_invalid_integer",
                                         "limit must be an integer from 1 to 100."));
      }
      lr.limit = limit;
    } else if (name == "starting_after" && !value.empty()) {
      lr.starting_after = value;
    } else if (name == "ending_before" && !value.empty()) {
      lr.ending_before = value;
    } else if (name != "starting_after" && name != "ending_before") {
      return error_reply(
          invalid_param(name, "parameter_unknown", "Received unknown parameter: " + name + "."));
    }
  }
  if (lr.starting_after && lr.ending_before) {
    return error_reply(invalid_param("ending_before", "parameter_invalid",
                                     "Pass starting_after or ending_before, not both."));
  }
  auto page = queries_.list(lr);
  if (!page) {
    if (page.error().code() == eventstore::Status::Code::not_found) {
      const std::string param = page.error().message();
      return error_reply(invalid_param(param, "resource_missing",
                                       param + " names an object this account does not have."));
    }
    return error_reply(storage_error(page.error().to_string()));
  }
  const std::string url =
      kind == projections::ListKind::payment_intents ? "/v1/payment_intents" : "/v1/refunds";
  return Reply{200, list_json(*page, url, lr.ending_before.has_value()), {}};
}

}  // namespace payledger::api
