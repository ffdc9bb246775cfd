// Fills a data directory with N payment intents through the command service (the real write
// path, without HTTP), for the replay and growth scenarios. Each intent is created, confirmed
// with pm_card_visa and captured: four events.
#include <atomic>
#include <chrono>
#include <thread>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "app/app.h"

int main(int argc, char** argv) {
  CLI::App cli{"bench_fill: a data directory with N succeeded payment intents"};
  std::string dir;
  std::string key = "sk_test_bench_key_0001";
  std::uint64_t intents = 10'000;
  int writers = 64;
  cli.add_option("--data-dir", dir)->required();
  cli.add_option("--key", key)->capture_default_str();
  cli.add_option("--intents", intents)->capture_default_str();
  cli.add_option("--writers", writers)->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  payledger::api::AppOptions options;
  options.data_dir = dir;
  options.sweep_interval_ms = 0;
  auto app = payledger::api::App::open(options);
  if (!app) {
    fmt::print(stderr, "{}\n", app.error());
    return 1;
  }
  auto merchant = (*app)->ensure_key(key);
  if (!merchant) {
    fmt::print(stderr, "{}\n", merchant.error());
    return 1;
  }
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> failed{0};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(writers));
  const auto start = std::chrono::steady_clock::now();
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&] {
      const std::string body =
          R"({"amount":2000,"currency":"usd","payment_method":"pm_card_visa","confirm":true})";
      while (next++ < intents) {
        if ((*app)->call("POST", "/v1/payment_intents", *merchant, body).http_status != 200) {
          ++failed;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  (void)(*app)->runner().wait_for((*app)->store().last_position(), std::chrono::minutes(30));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("{{\"intents\":{},\"events\":{},\"failed\":{},\"seconds\":{:.1f}}}\n", intents,
             (*app)->store().last_position().value, failed.load(), seconds);
  return failed == 0 ? 0 : 1;
}
