#include "api/process.h"

#include <pthread.h>

#include <charconv>
#include <csignal>
#include <thread>

#include <spdlog/spdlog.h>

namespace payledger::api {
namespace {

sigset_t shutdown_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

std::optional<ListenAddress> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  int port = -1;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || port < 0 || port > 65535) return std::nullopt;
  return ListenAddress{text.substr(0, colon), port};
}

void block_shutdown_signals() {
  std::signal(SIGPIPE, SIG_IGN);
  const sigset_t set = shutdown_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void serve_until_signal(const std::function<void()>& serve, const std::function<void()>& stop) {
  std::thread waiter([&stop] {
    const sigset_t set = shutdown_set();
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("signal {}: shutting down", sig);
    stop();
  });
  serve();
  waiter.join();
}

}  // namespace payledger::api
