// payledger-projector: a read replica fed by Kafka. Builds the same views as payledgerd's
// embedded projections into its own RocksDB and serves the API's GET endpoints.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "api/clock.h"
#include "api/ids.h"
#include "api/metrics.h"
#include "api/server.h"
#include "kafka/projector_node.h"

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

  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    spdlog::error("--listen must be HOST:PORT, not '{}'", listen);
    return 2;
  }
  // A closed stdout or a peer that went away must not kill the server.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::filesystem::create_directories(data_dir);
  if (node_options.group_id.empty()) node_options.group_id = node_group(data_dir);
  auto db = payledger::eventstore::Database::open(data_dir);
  if (!db) {
    spdlog::error("cannot open {}: {}", data_dir, db.error().to_string());
    return 1;
  }
  payledger::api::Metrics metrics;
  payledger::api::SystemClock clock;
  payledger::kafka::ProjectorNode node(**db, node_options, &metrics.projection());
  node.start();
  payledger::api::ApiServer server(**db, node, nullptr, metrics, clock, server_options);
  auto port = server.bind(listen.substr(0, colon), std::stoi(listen.substr(colon + 1)));
  if (!port) {
    spdlog::error("{}", port.error());
    return 1;
  }
  std::printf("payledger-projector listening on %s:%d\n", listen.substr(0, colon).c_str(), *port);
  std::fflush(stdout);
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: shutting down", sig);
    server.stop();
  });
  server.serve();
  stopper.join();
  return 0;
}
