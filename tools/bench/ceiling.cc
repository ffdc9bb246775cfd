// The ceiling: a trivial cpp-httplib handler configured like payledgerd (same thread pool,
// TCP_NODELAY, keep-alive), so that the bench can say how close payledgerd comes to the most
// this HTTP stack does on this machine.
#include <httplib.h>

#include <cstdio>

#include <CLI/CLI.hpp>

#include "api/process.h"

int main(int argc, char** argv) {
  CLI::App cli{"bench_ceiling: a trivial HTTP server configured like payledgerd"};
  int threads = 256;
  cli.add_option("--http-threads", threads)->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  httplib::Server server;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_timeout(5);
  server.set_keep_alive_max_count(100'000);  // as payledgerd (api/server.h)
  const auto answer = [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"id":"pi_ceiling","object":"payment_intent"})", "application/json");
  };
  server.Get(".*", answer);
  server.Post(".*", answer);
  const int port = server.bind_to_any_port("127.0.0.1");
  payledger::api::raise_listen_backlog(port, 4096);  // as payledgerd (api/server.cc)
  std::printf("bench_ceiling listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);
  server.listen_after_bind();
}
