// payledgerd: the payledger server on the embedded default (RocksDB in --data-dir).
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <simdjson.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "api/process.h"
#include "app/app.h"
#include "json/text.h"
#include "json/writer.h"

namespace {

using payledger::api::App;

// Without --bootstrap-key: an empty data dir gets one generated test merchant, whose key is
// kept in DIR/dev-keys.json so that later starts can print it again.
std::optional<std::string> dev_key(App& app, const std::string& data_dir) {
  const std::filesystem::path file = std::filesystem::path(data_dir) / "dev-keys.json";
  if (std::filesystem::exists(file)) {
    simdjson::dom::parser parser;
    std::string_view key;
    if (parser.load(file.string())["secret_key"].get(key) != simdjson::SUCCESS) return std::nullopt;
    return std::string(key);
  }
  if (app.store().last_position().value != 0) return std::nullopt;
  auto key = app.create_test_merchant();
  if (!key) {
    spdlog::error("cannot create the test merchant: {}", key.error());
    return std::nullopt;
  }
  payledger::json::Writer w;
  w.begin_object();
  w.text("secret_key", *key);
  w.end_object();
  std::ofstream(file) << payledger::json::pretty(w.take()).value() << "\n";
  return *key;
}

// The HTTP server's limits (http::Limits) as flags, in milliseconds and bytes.
class HttpLimitFlags {
 public:
  explicit HttpLimitFlags(const payledger::http::Limits& defaults)
      : limits_(defaults),
        header_ms_(defaults.header_deadline.count()),
        idle_ms_(defaults.idle_timeout.count()),
        body_grace_ms_(defaults.body_grace.count()),
        write_ms_(defaults.write_deadline.count()) {}

  void add_to(CLI::App& cli, int& loop_threads) {
    cli.add_option("--http-loop-threads", loop_threads, "HTTP event-loop threads (0: one per core)")
        ->capture_default_str()
        ->check(CLI::Range(0, 64));
    cli.add_option("--http-header-timeout-ms", header_ms_,
                   "a request's head must arrive within this, from its first byte")
        ->capture_default_str()
        ->check(CLI::Range(100, 600'000));
    cli.add_option("--http-idle-timeout-ms", idle_ms_,
                   "a connection waiting for its next request is closed after this")
        ->capture_default_str()
        ->check(CLI::Range(100, 3'600'000));
    cli.add_option("--http-body-grace-ms", body_grace_ms_,
                   "a body may take this long plus its size at the minimum rate")
        ->capture_default_str()
        ->check(CLI::Range(100, 600'000));
    cli.add_option("--http-write-timeout-ms", write_ms_,
                   "an answer the client does not take within this closes the connection")
        ->capture_default_str()
        ->check(CLI::Range(100, 600'000));
    cli.add_option("--http-min-body-rate", limits_.min_body_bytes_per_second,
                   "the slowest a request body may arrive, bytes a second")
        ->capture_default_str()
        ->check(CLI::Range(1, 1 << 30));
    cli.add_option("--http-max-body-bytes", limits_.max_body_bytes,
                   "the largest request body (JSON or form); larger: 413")
        ->capture_default_str()
        ->check(CLI::Range(1024, 64 << 20));
    cli.add_option("--http-max-header-bytes", limits_.max_header_bytes,
                   "the largest request head; larger: 431")
        ->capture_default_str()
        ->check(CLI::Range(1024, 1 << 20));
    cli.add_option("--http-max-connections", limits_.max_connections,
                   "open connections in all; more are closed at once")
        ->capture_default_str()
        ->check(CLI::Range(1, 1'000'000));
    cli.add_option("--http-max-connections-per-peer", limits_.max_connections_per_peer,
                   "open connections from one address; more are closed at once")
        ->capture_default_str()
        ->check(CLI::Range(1, 1'000'000));
    cli.add_option("--http-max-queued", limits_.max_queued_requests,
                   "requests waiting for a worker; one more is answered 503")
        ->capture_default_str()
        ->check(CLI::Range(0, 1'000'000));
  }

  // The limits as given. REQUIRES: the command line was parsed.
  void apply(payledger::http::Limits& out) const {
    out = limits_;
    out.header_deadline = std::chrono::milliseconds(header_ms_);
    out.idle_timeout = std::chrono::milliseconds(idle_ms_);
    out.body_grace = std::chrono::milliseconds(body_grace_ms_);
    out.write_deadline = std::chrono::milliseconds(write_ms_);
  }

 private:
  payledger::http::Limits limits_;
  std::int64_t header_ms_;
  std::int64_t idle_ms_;
  std::int64_t body_grace_ms_;
  std::int64_t write_ms_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"payledgerd: the payledger payments API server"};
  std::string data_dir = "./data";
  std::string listen = "127.0.0.1:8080";
  std::vector<std::string> bootstrap_keys;
  payledger::api::AppOptions options;
  cli.add_option("--data-dir", data_dir, "RocksDB data directory")->capture_default_str();
  cli.add_option("--listen", listen, "HOST:PORT to serve on (port 0: any free port)")
      ->capture_default_str();
  cli.add_option("--bootstrap-key", bootstrap_keys,
                 "make sure a test merchant owns this sk_test_ key (repeatable)");
  cli.add_option("--http-threads", options.server.http_threads,
                 "HTTP worker threads (each runs one request's handler at a time)")
      ->capture_default_str()
      ->check(CLI::Range(4, 4096));
  HttpLimitFlags limits(options.server.limits);
  limits.add_to(cli, options.server.loop_threads);
  cli.add_option("--kafka-brokers", options.kafka.brokers,
                 "publish every event to these Kafka brokers (HOST:PORT[,...])");
  cli.add_option("--kafka-topic-prefix", options.kafka.topic_prefix, "prefix of the topic names")
      ->capture_default_str();
  cli.add_option("--kafka-partitions", options.kafka.partitions,
                 "partitions of the topics the relay creates")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cli.add_option("--tls-cert", options.server.tls_cert_path,
                 "serve HTTPS with this certificate chain (PEM); needs --tls-key")
      ->check(CLI::ExistingFile);
  cli.add_option("--tls-key", options.server.tls_key_path, "the private key (PEM) of --tls-cert")
      ->check(CLI::ExistingFile);
  cli.add_option("--public-url", options.server.public_url,
                 "scheme and host of the URLs handed to browsers (3-D Secure pages), e.g. "
                 "https://pay.example.com; default: the request's own");
  cli.add_option("--secret-file", options.secret_path,
                 "the keyed-hash secret (card and idempotency fingerprints), created when "
                 "missing; default DATA_DIR/fingerprint.key");
  // Each module's own settings (contract::SettingSpec): --<name>, at its default.
  for (const payledger::contract::Aggregate* a : payledger::resources::registry().aggregates()) {
    for (const payledger::contract::SettingSpec& s : a->settings()) {
      std::int64_t& value = options.settings[std::string(s.name)] = s.default_value;
      cli.add_option("--" + std::string(s.name), value, std::string(s.help))
          ->capture_default_str()
          ->check(CLI::Range(s.min, s.max));
    }
  }
  cli.add_flag("!--no-webhooks", options.webhooks, "do not deliver webhooks");
  cli.add_option("--webhook-retry-after", options.delivery.retry_after_seconds,
                 "seconds before each retry of a failed webhook delivery, comma-separated "
                 "(default Stripe's: 0,5,300,1800,7200,18000,36000,36000)")
      ->delimiter(',')
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{7 * 24 * 3600}));
  cli.add_option("--webhook-connections", options.delivery.max_in_flight_per_endpoint,
                 "connections (attempts in flight) per webhook endpoint")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  bool allow_core_dumps = false;
  cli.add_flag("--allow-core-dumps", allow_core_dumps,
               "keep core dumps on (they would hold card numbers of requests in flight)");
  CLI11_PARSE(cli, argc, argv);
  limits.apply(options.server.limits);
  if (options.server.tls_cert_path.empty() != options.server.tls_key_path.empty()) {
    spdlog::error("--tls-cert and --tls-key go together");
    return 2;
  }
  if (!allow_core_dumps) {
    // Request bodies carry card numbers in memory: a core dump would write them to disk.
    const rlimit none{0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0) spdlog::warn("cannot turn core dumps off");
  }

  auto where = payledger::api::parse_listen(listen);
  if (!where) {
    spdlog::error("--listen must be HOST:PORT, not '{}'", listen);
    return 2;
  }
  payledger::api::block_shutdown_signals();

  std::filesystem::create_directories(data_dir);
  options.data_dir = data_dir;
  auto app = App::open(options);
  if (!app) {
    spdlog::error("cannot open {}: {}", data_dir, app.error());
    return 1;
  }
  std::optional<std::string> show_key;
  for (const auto& key : bootstrap_keys) {
    auto merchant = (*app)->ensure_key(key);
    if (!merchant) {
      spdlog::error("--bootstrap-key: {}", merchant.error());
      return 2;
    }
    spdlog::info("key ****{} belongs to merchant {}", key.substr(key.size() - 4), merchant->value);
  }
  if (bootstrap_keys.empty()) show_key = dev_key(**app, data_dir);

  auto port = (*app)->bind(where->host, where->port);
  if (!port) {
    spdlog::error("{}", port.error());
    return 1;
  }
  const char* scheme = options.server.tls_cert_path.empty() ? "http" : "https";
  std::printf("payledgerd listening on %s:%d (%s)\n", where->host.c_str(), *port, scheme);
  if (show_key) {
    std::printf(
        "test secret key: %s\ntry: curl -s %s://%s:%d/v1/payment_intents -u %s: "
        "-d amount=2000 -d currency=usd\n",
        show_key->c_str(), scheme, where->host.c_str(), *port, show_key->c_str());
  }
  std::fflush(stdout);
  payledger::api::serve_until_signal([&] { (*app)->serve(); }, [&] { (*app)->stop(); });
  app->reset();  // drains the append queue and closes RocksDB cleanly
  spdlog::info("stopped");
  return 0;
}
