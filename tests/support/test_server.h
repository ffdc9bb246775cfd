#pragma once
// A real payledgerd (in-process App, real RocksDB in a temp dir, real HTTP server on an
// ephemeral port, a manual clock) and a client for it: what the HTTP test suites share.
#include <doctest/doctest.h>
#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "tests/support/temp_dir.h"

namespace payledger::testing {

using Json = nlohmann::json;

inline constexpr std::int64_t kT0 = 1'742'025'600;
inline const std::string kKeyA = "sk_test_merchant_a_0001";
inline const std::string kKeyB = "sk_test_merchant_b_0002";

struct Reply {
  int status = 0;
  Json body;
  std::string raw;
  httplib::Headers headers;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// How a test's server differs from the default (plain HTTP on 127.0.0.1).
struct ServerConfig {
  std::string bind_host = "127.0.0.1";
  std::string tls_cert_path;  // with tls_key_path: HTTPS
  std::string tls_key_path;
  std::int64_t customer_action_timeout_seconds = 15 * 60;
  std::string data_dir = {};    // empty: a temporary one, removed with the server
  rocksdb::Env* env = nullptr;  // RocksDB's file access (power-loss tests); null: the default
};

class Server {
 public:
  explicit Server(const ServerConfig& config = {}) : tls_(!config.tls_cert_path.empty()) {
    api::AppOptions options;
    options.data_dir = config.data_dir.empty() ? dir_.path() : config.data_dir;
    options.env = config.env;
    options.sweep_interval_ms = 0;
    options.server.read_your_writes_timeout = std::chrono::milliseconds(300);
    options.server.tls_cert_path = config.tls_cert_path;
    options.server.tls_key_path = config.tls_key_path;
    options.settings["three-d-secure-timeout"] = config.customer_action_timeout_seconds;
    auto clock = std::make_unique<api::ManualClock>(kT0);
    clock_ = clock.get();
    auto app = api::App::open(options, std::move(clock));
    REQUIRE(app.has_value());
    app_ = std::move(*app);
    REQUIRE(app_->ensure_key(kKeyA).has_value());
    REQUIRE(app_->ensure_key(kKeyB).has_value());
    auto port = app_->bind(config.bind_host, 0);
    REQUIRE(port.has_value());
    port_ = *port;
    serving_ = std::thread([this] { app_->serve(); });
  }
  ~Server() {
    app_->stop();
    serving_.join();
  }

  Reply send(const std::string& method, const std::string& path, const std::string& body = "",
             const std::string& type = "application/json", httplib::Headers headers = {},
             const std::string& key = kKeyA) const {
    httplib::Client cli((tls_ ? "https://" : "http://") + client_host_ + ":" +
                        std::to_string(port_));
    cli.enable_server_certificate_verification(false);  // the tests' self-signed certificate
    cli.set_read_timeout(30, 0);
    if (!key.empty()) cli.set_basic_auth(key.c_str(), "");
    httplib::Result r = method == "GET"      ? cli.Get(path.c_str(), headers)
                        : method == "DELETE" ? cli.Delete(path.c_str(), headers)
                                             : cli.Post(path.c_str(), headers, body, type.c_str());
    REQUIRE_MESSAGE(r, "request failed: " << httplib::to_string(r.error()));
    Reply out{r->status, Json::parse(r->body, nullptr, false), r->body, r->headers};
    return out;
  }
  Reply post(const std::string& path, const Json& body, httplib::Headers headers = {},
             const std::string& key = kKeyA) const {
    return send("POST", path, body.is_null() ? "" : body.dump(), "application/json",
                std::move(headers), key);
  }
  Reply form(const std::string& path, const std::string& body,
             const std::string& key = kKeyA) const {
    return send("POST", path, body, "application/x-www-form-urlencoded", {}, key);
  }
  Reply get(const std::string& path, const std::string& key = kKeyA) const {
    return send("GET", path, "", "", {}, key);
  }
  Reply del(const std::string& path, const std::string& key = kKeyA) const {
    return send("DELETE", path, "", "", {}, key);
  }

  // Requests go to this address of the server's (default 127.0.0.1).
  void connect_via(std::string host) { client_host_ = std::move(host); }
  // Runs the due work (payment processing, expiries) as the sweeper thread would.
  // Waits until the views show what it wrote, as reads after a write's answer would.
  std::size_t sweep() {
    const std::size_t done = app_->sweeper().sweep_once();
    REQUIRE(app_->runner().wait_for(app_->store().last_position(), std::chrono::seconds(10)));
    return done;
  }

  api::App& app() { return *app_; }
  api::ManualClock& clock() { return *clock_; }
  int port() const { return port_; }

 private:
  TempDir dir_;
  bool tls_ = false;
  std::string client_host_ = "127.0.0.1";
  api::ManualClock* clock_ = nullptr;
  std::unique_ptr<api::App> app_;
  int port_ = 0;
  std::thread serving_;
};

inline void check_error(const Reply& r, int status, const std::string& param) {
  CAPTURE(r.raw);
  CHECK(r.status == status);
  REQUIRE(r.body.is_object());
  REQUIRE(r.body.contains("error"));
  const Json& e = r.body["error"];
  CHECK(e["type"].is_string());
  CHECK(e["code"].is_string());
  CHECK_FALSE(e["message"].get<std::string>().empty());
  if (param.empty()) {
    CHECK(e["param"].is_null());
  } else {
    CHECK(e["param"] == param);
  }
}

}  // namespace payledger::testing
