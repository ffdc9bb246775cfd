#include "tests/support/process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace payledger::testing {
namespace {

std::string run_script(const std::string& command) {
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  if (pclose(p) != 0) throw std::runtime_error(command + " failed: " + out);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  const auto last_line = out.rfind('\n');
  return last_line == std::string::npos ? out : out.substr(last_line + 1);
}

const std::string kBrokerScript = std::string(PAYLEDGER_SOURCE_DIR) + "/tools/kafka/broker.sh";

}  // namespace

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) (void)stop(SIGKILL);
    pid_ = std::exchange(other.pid_, -1);
    port_ = other.port_;
  }
  return *this;
}

Child::~Child() {
  if (pid_ > 0) (void)stop(SIGKILL);
}

int Child::stop(int sig) {
  int status = 0;
  if (pid_ <= 0) return status;
  kill(pid_, sig);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

Child spawn_server(const std::vector<std::string>& argv, const std::string& log_file) {
  // Only what this start writes counts: the log may hold an earlier start's lines.
  std::size_t from = 0;
  if (std::ifstream old(log_file, std::ios::ate); old) from = static_cast<std::size_t>(old.tellg());
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    const int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    std::_Exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(log_file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find(" listening on ", from);
    const auto end = at == std::string::npos ? std::string::npos : text.find('\n', at);
    if (end != std::string::npos) {
      const std::string line = text.substr(at, end - at);
      return Child(pid, std::stoi(line.substr(line.rfind(':') + 1)));
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      throw std::runtime_error(argv[0] + " exited before listening; see " + log_file);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  throw std::runtime_error(argv[0] + " did not start in 60 s; see " + log_file);
}

Broker::Broker() {
  bootstrap_ = run_script(kBrokerScript + " start " + dir_.path() + " 2>&1");
}
Broker::~Broker() {
  try {
    stop();
  } catch (const std::exception&) {
  }
}
void Broker::stop() {
  (void)run_script(kBrokerScript + " stop " + dir_.path() + " 2>&1");
}
void Broker::restart() {
  bootstrap_ = run_script(kBrokerScript + " restart " + dir_.path() + " 2>&1");
}

}  // namespace payledger::testing
