// payledger-projector: a read replica fed by Kafka. Builds the same views as payledgerd's
// embedded projections into its own RocksDB and serves the API's GET endpoints.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "api/clock.h"
#include "api/ids.h"
#include "api/metrics.h"
#include "api/process.h"
#include "api/server.h"
#include "kafka/projector_node.h"
#include "projections/runner.h"
#include "projections/view_store.h"
#include "resources/registry.h"

namespace {

// Each node consumes in a consumer group of its own, named once and kept in its data dir.
std::string node_group(const std::string& data_dir) {
  const std::filesystem::path file = std::filesystem::path(data_dir) / "node-id";
  std::string id;
  if (std::ifstream in(file); in >> id && !id.empty()) return id;
  id = payledger::api::RandomIds().next("payledger-projector");
  std::ofstream(file) << id << "\n";
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"payledger-projector: a read replica of payledger fed by Kafka"};
  std::string data_dir = "./projector-data";
  std::string listen = "127.0.0.1:8081";
  payledger::kafka::NodeOptions node_options;
  payledger::api::ServerOptions server_options;
  cli.add_option("--kafka-brokers", node_options.brokers, "Kafka brokers (HOST:PORT[,...])")
      ->required();
  cli.add_option("--data-dir", data_dir, "RocksDB directory of this replica")
      ->capture_default_str();
  cli.add_option("--listen", listen, "HOST:PORT to serve on (port 0: any free port)")
      ->capture_default_str();
  cli.add_option("--kafka-topic-prefix", node_options.topic_prefix, "prefix of the topic names")
      ->capture_default_str();
  cli.add_option("--group", node_options.group_id, "consumer group (default: one of its own)");
  cli.add_option("--http-threads", server_options.http_threads, "HTTP worker threads")
      ->capture_default_str()
      ->check(CLI::Range(4, 4096));
  CLI11_PARSE(cli, argc, argv);

  auto where = payledger::api::parse_listen(listen);
  if (!where) {
    spdlog::error("--listen must be HOST:PORT, not '{}'", listen);
    return 2;
  }
  payledger::api::block_shutdown_signals();

  std::filesystem::create_directories(data_dir);
  if (node_options.group_id.empty()) node_options.group_id = node_group(data_dir);
  auto db = payledger::eventstore::Database::open(
      data_dir, nullptr, {std::string(payledger::projections::kViewsFamily)});
  if (!db) {
    spdlog::error("cannot open {}: {}", data_dir, db.error().to_string());
    return 1;
  }
  if (auto s = payledger::projections::ensure_view_format(**db); !s.is_ok()) {
    spdlog::error("preparing the views: {}", s.to_string());
    return 1;
  }
  const auto& registry = payledger::resources::registry();
  payledger::api::Metrics metrics;
  payledger::api::SystemClock clock;
  payledger::kafka::ProjectorNode node(**db, registry, node_options, &metrics.projection());
  node.start();
  payledger::api::ApiServer server(**db, registry, payledger::resources::apis(), node, nullptr,
                                   metrics, clock, server_options);
  auto port = server.bind(where->host, where->port);
  if (!port) {
    spdlog::error("{}", port.error());
    return 1;
  }
  std::printf("payledger-projector listening on %s:%d\n", where->host.c_str(), *port);
  std::fflush(stdout);
  payledger::api::serve_until_signal([&] { server.serve(); }, [&] { server.stop(); });
  return 0;
}
