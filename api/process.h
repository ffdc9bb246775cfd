#pragma once
// What both servers (payledgerd, payledger-projector) do as processes: parse --listen, and shut
// down cleanly on SIGTERM or SIGINT.
#include <functional>
#include <optional>
#include <string>

namespace payledger::api {

struct ListenAddress {
  std::string host;
  int port = 0;  // 0: any free port
};

// "HOST:PORT" with a port of 0..65535; nullopt otherwise.
std::optional<ListenAddress> parse_listen(const std::string& text);

// Blocks SIGTERM and SIGINT (they are taken by serve_until_signal's waiting thread, so no
// handler ever runs inside a request) and ignores SIGPIPE (a closed stdout or a peer that went
// away must not kill the server).
// REQUIRES: called before any other thread starts, so that every thread inherits the mask.
void block_shutdown_signals();

// Runs `serve` until SIGTERM or SIGINT arrives, then calls `stop` and returns once `serve` has.
// REQUIRES: block_shutdown_signals() was called.
void serve_until_signal(const std::function<void()>& serve, const std::function<void()>& stop);

// cpp-httplib (Debian's build) listens with a backlog of 5: a burst of new connections then
// loses SYNs and waits 1 s for the retransmit. Linux lets listen() on a listening socket raise
// the backlog, so this finds the process's listening socket on `port` and raises it.
// Returns whether it found and raised one.
bool raise_listen_backlog(int port, int backlog);

}  // namespace payledger::api
