#pragma once
// Child processes for tests: payledger's binaries and the Kafka broker of tools/kafka.
#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/support/temp_dir.h"

namespace payledger::testing {

// A child process; killed (SIGKILL) when it goes out of scope still running, so that a failed
// test leaves no server behind.
class Child {
 public:
  Child() = default;
  Child(pid_t pid, int port) : pid_(pid), port_(port) {}
  Child(Child&& other) noexcept { *this = std::move(other); }
  Child& operator=(Child&& other) noexcept;
  ~Child();
  int port() const { return port_; }
  // Sends `sig`, reaps the child and returns its wait status.
  int stop(int sig);

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// Runs `argv` (argv[0] is the path) with stdout and stderr in `log_file`, and waits until it
// prints "... listening on HOST:PORT".
Child spawn_server(const std::vector<std::string>& argv, const std::string& log_file);

// A single-node Kafka broker started by tools/kafka/broker.sh in a fresh directory.
class Broker {
 public:
  Broker();
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;
  const std::string& bootstrap() const { return bootstrap_; }
  void stop();
  void restart();  // same ports, same log dir

 private:
  TempDir dir_;
  std::string bootstrap_;
};

}  // namespace payledger::testing
