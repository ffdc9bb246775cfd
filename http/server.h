#pragma once
// payledger's HTTP/1.1 server: Boost.Beast on Asio event loops. A few loop threads accept,
// read and write every connection; handlers run on a separate pool of worker threads, where they
// may block (an append's group commit, a wait for the views), and their answers are posted back
// to the connection. So a client that is idle or sends a byte at a time holds a socket and a
// timer, never a thread, and never delays anyone else (docs/architecture.md, "The front").
//
// What a hostile client can cost is bounded by Limits: a deadline for a whole request head, a
// minimum body rate, an idle keep-alive timeout, header and body caps, caps on connections in all
// and per peer address, and a bounded number of requests waiting for a worker (503 beyond it).
//
// This header includes nothing of Boost: the server is behind a pointer to its implementation.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/expected.h"

namespace payledger::http {

// One request, read whole (head and body) before its handler runs.
struct Request {
  std::string method;  // "GET", "POST", ...; a HEAD request arrives as "GET" with `head` set
  bool head = false;   // the answer's body is not sent (its Content-Length is)
  std::string target;  // as sent: the path and the query
  std::string path;    // the target up to '?', still percent-encoded
  std::string query;   // what follows '?', "" when nothing does
  std::vector<std::pair<std::string, std::string>> headers;  // in the order received
  std::string body;
  std::string peer;  // the peer's address: "127.0.0.1", "::1"
  bool tls = false;  // came over TLS

  // The value of the first header `name` (compared case-insensitively); nullptr when absent.
  [[nodiscard]] const std::string* header(std::string_view name) const;
};

struct Response {
  int status = 200;
  // Sent as they are; Content-Length and Connection are the server's.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection once this answer is written
};

// Runs on a worker thread and may block. An exception it throws is logged and answered 500
// (Options::refusal).
using Handler = std::function<Response(Request&)>;

struct Limits {
  // From a request's first byte to the end of its head.
  std::chrono::milliseconds header_deadline{10'000};
  // A body must arrive at this rate at least, after a grace: a body of N bytes may take
  // body_grace + N / min_body_bytes_per_second.
  std::chrono::milliseconds body_grace{5'000};
  std::size_t min_body_bytes_per_second = 4'096;
  // A connection waiting for its next request (or its first) is closed after this long.
  std::chrono::milliseconds idle_timeout{5'000};
  // An answer the client does not take within this long closes the connection.
  std::chrono::milliseconds write_deadline{10'000};
  std::size_t max_header_bytes = 16 * 1024;  // 431 beyond it
  std::size_t max_body_bytes = 1 << 20;      // 413 beyond it, JSON and forms alike
  std::size_t max_connections = 10'000;      // a connection beyond either cap is closed at once
  std::size_t max_connections_per_peer = 1'000;
  // Requests accepted beyond those the workers are running; one more is answered 503 at once.
  std::size_t max_queued_requests = 1'024;
};

// Why a connection or a request was refused or closed early: what the metrics count.
enum class Cut {
  too_many_connections,
  too_many_from_peer,
  idle,            // no request within idle_timeout
  header_timeout,  // the head did not arrive within header_deadline
  body_timeout,    // the body came slower than the minimum rate
  write_timeout,   // the client did not take its answer
  header_too_large,
  body_too_large,
  malformed,
  overloaded,  // every worker busy and the queue full: 503
};
std::string_view to_string(Cut cut);

// What the server reports as it runs (a metrics probe; tests count). Called from loop threads:
// an implementation is thread-safe and quick.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void connection_opened() {}
  virtual void connection_closed() {}
  virtual void cut(Cut why) { (void)why; }
};

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  int loop_threads = 1;
  int worker_threads = 64;
  int listen_backlog = 4'096;
  Limits limits;
  // HTTPS with this certificate chain and private key (PEM files); both empty: plain HTTP.
  std::string tls_cert_path;
  std::string tls_key_path;
  // The answer to a request the server refuses itself (400, 413, 431, 503) or whose handler
  // threw (500), with `message`; empty: plain text. An API answers in its own error format.
  // Runs on a loop thread or a worker: quick, no blocking.
  std::function<Response(int status, std::string_view message)> refusal = {};
};

class Server {
 public:
  // Binds and listens; serving starts with serve(). `observer` may be null; it and `handler`
  // must outlive the server. Returns why it failed: the address, the port, the TLS files.
  [[nodiscard]] static Expected<std::unique_ptr<Server>, std::string> listen(Options options,
                                                                             Handler handler,
                                                                             Observer* observer);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port it listens on.
  [[nodiscard]] int port() const;
  // Runs the loop threads (this one among them) until stop(); returns once they have stopped
  // and every worker has finished its handler.
  void serve();
  // Stops accepting and closes every connection. Thread-safe; serve() returns soon after.
  void stop();

  // The implementation, defined in server.cc only (named here so that its connections can).
  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace payledger::http
