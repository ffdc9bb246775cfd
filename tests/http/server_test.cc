// http/: the Beast server against real sockets: keep-alive and pipelining, bodyless POSTs,
// Expect: 100-continue, HEAD, the caps (header, body, connections, the worker queue), and the
// deadlines that cut idle and slow clients while others are answered. Timing bounds here are
// generous correctness bounds (a cut happens, an answer comes); speed lives in tools/bench.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"

using namespace payledger;
using namespace std::chrono_literals;

namespace {

class Counting final : public http::Observer {
 public:
  void connection_opened() override { ++opened; }
  void connection_closed() override { ++closed; }
  void cut(http::Cut why) override { ++cuts[static_cast<std::size_t>(why)]; }
  int count(http::Cut why) const { return cuts[static_cast<std::size_t>(why)].load(); }

  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
  std::array<std::atomic<int>, 16> cuts{};
};

// A server on an ephemeral port, served by a thread of its own until the end of the scope.
class Running {
 public:
  Running(http::Options options, http::Handler handler) {
    auto server = http::Server::listen(std::move(options), std::move(handler), &observer);
    REQUIRE_MESSAGE(server.has_value(), (server ? "" : server.error()));
    server_ = std::move(*server);
    thread_ = std::thread([this] { server_->serve(); });
  }
  ~Running() {
    server_->stop();
    thread_.join();
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
  int port() const { return server_->port(); }

  Counting observer;

 private:
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

// A blocking client socket whose reads give up after `timeout`.
class Client {
 public:
  explicit Client(int port, std::chrono::milliseconds timeout = 5s) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends everything; false once the server has closed the connection.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One response: its head and a body of its Content-Length; "" when the connection ended or
  // the read timed out first.
  std::string response() {
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return "";
    }
    const std::string head = buffer_.substr(0, head_end + 4);
    std::size_t length = 0;
    if (auto at = lower(head).find("content-length:"); at != std::string::npos) {
      length = std::stoul(head.substr(at + 15));
    }
    const bool bodyless = head.find(" 100 Continue") != std::string::npos || head_only_;
    const std::size_t total = head.size() + (bodyless ? 0 : length);
    while (buffer_.size() < total) {
      if (!fill()) return "";
    }
    std::string out = buffer_.substr(0, total);
    buffer_.erase(0, total);
    return out;
  }

  // Whether the server closes the connection (a read ends) within the read timeout.
  bool closed_by_server() {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  void expect_head_only(bool v) { head_only_ = v; }

 private:
  static std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  bool fill() {
    std::array<char, 4096> chunk{};
    const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (n <= 0) return false;
    buffer_.append(chunk.data(), static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
  bool head_only_ = false;
};

// Echoes the method, the path, the query and the body.
http::Response echo(http::Request& r) {
  http::Response out;
  out.headers.emplace_back("Content-Type", "text/plain");
  out.body = r.method + " " + r.path + " ?" + r.query + " [" + r.body + "]";
  if (r.head) out.body += " head";
  return out;
}

// Whether `done` holds within two seconds.
template <class Predicate>
bool soon(Predicate done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

std::string body_of(const std::string& response) {
  const auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

}  // namespace

TEST_CASE("keep-alive and pipelined requests are answered in order") {
  Running server({}, echo);
  Client c(server.port());
  REQUIRE(
      c.send("GET /a?x=1 HTTP/1.1\r\nHost: t\r\n\r\n"
             "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
             "GET /c HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string first = c.response();
  CHECK(first.starts_with("HTTP/1.1 200 OK"));
  CHECK(body_of(first) == "GET /a ?x=1 []");
  CHECK(body_of(c.response()) == "POST /b ? [abc]");
  CHECK(body_of(c.response()) == "GET /c ? []");
  // The same connection serves a later request too.
  REQUIRE(c.send("GET /d HTTP/1.1\r\nHost: t\r\n\r\n"));
  CHECK(body_of(c.response()) == "GET /d ? []");
  CHECK(server.observer.opened == 1);
}

TEST_CASE("a POST with no body and no Content-Length is an empty body") {
  Running server({}, echo);
  Client c(server.port());
  REQUIRE(c.send("POST /v1/payment_intents/pi_1/cancel HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string r = c.response();
  CHECK(r.starts_with("HTTP/1.1 200"));
  CHECK(body_of(r) == "POST /v1/payment_intents/pi_1/cancel ? []");
}

TEST_CASE("Expect: 100-continue is answered before the body is read") {
  Running server({}, echo);
  Client c(server.port());
  REQUIRE(
      c.send("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  CHECK(c.response().starts_with("HTTP/1.1 100 Continue"));
  REQUIRE(c.send("hello"));
  CHECK(body_of(c.response()) == "POST /e ? [hello]");
}

TEST_CASE("HEAD is a GET whose answer has no body but its length") {
  Running server({}, echo);
  Client c(server.port());
  c.expect_head_only(true);
  REQUIRE(c.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string r = c.response();
  CHECK(r.starts_with("HTTP/1.1 200"));
  CHECK(r.find("Content-Length: 16\r\n") != std::string::npos);  // "GET /h ? [] head"
  c.expect_head_only(false);
  REQUIRE(c.send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n"));
  CHECK(body_of(c.response()) == "GET /next ? []");  // nothing of a body came between
}

TEST_CASE("the caps: a large body 413, a large head 431, a malformed request 400") {
  http::Options options;
  options.limits.max_body_bytes = 1000;
  options.limits.max_header_bytes = 2000;
  Running server(options, echo);
  {
    Client c(server.port());
    REQUIRE(c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n"));
    CHECK(c.response().starts_with("HTTP/1.1 413"));
    CHECK(c.closed_by_server());
  }
  {
    Client c(server.port());  // no Content-Length: the cap holds while the chunks come
    REQUIRE(c.send("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
    REQUIRE(c.send("3e8\r\n" + std::string(1000, 'a') + "\r\n"));
    REQUIRE(c.send("1\r\nb\r\n0\r\n\r\n"));
    CHECK(c.response().starts_with("HTTP/1.1 413"));
  }
  {
    Client c(server.port());
    REQUIRE(c.send("GET /x HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(3000, 'b') + "\r\n\r\n"));
    CHECK(c.response().starts_with("HTTP/1.1 431"));
  }
  {
    Client c(server.port());
    REQUIRE(c.send("NOT HTTP AT ALL\r\n\r\n"));
    CHECK(c.response().starts_with("HTTP/1.1 400"));
  }
  {
    Client c(server.port());  // a body at the cap is taken
    REQUIRE(c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" +
                   std::string(1000, 'c')));
    CHECK(c.response().starts_with("HTTP/1.1 200"));
  }
  CHECK(server.observer.count(http::Cut::body_too_large) == 2);
  CHECK(server.observer.count(http::Cut::header_too_large) == 1);
  CHECK(server.observer.count(http::Cut::malformed) == 1);
}

TEST_CASE("idle, slow-header and slow-body clients are cut; others are answered meanwhile") {
  http::Options options;
  options.limits.idle_timeout = 300ms;
  options.limits.header_deadline = 300ms;
  options.limits.body_grace = 300ms;
  options.limits.min_body_bytes_per_second = 1000;
  Running server(options, echo);

  Client idle(server.port());
  Client slow_body(server.port());
  REQUIRE(slow_body.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n0123456789"));
  // A slowloris client: the request line one byte at a time, 100 ms apart, never finished.
  std::atomic<bool> slow_cut{false};
  std::thread slowloris([&] {
    Client c(server.port());
    const std::string line = "GET /slow-and-never-finished HTTP/1.1\r\nHost: t\r\n";
    for (char ch : line) {
      if (!c.send(std::string_view(&ch, 1))) break;
      std::this_thread::sleep_for(100ms);
    }
    slow_cut = c.closed_by_server();
  });
  // Meanwhile a well-behaved client is answered, request after request.
  for (int i = 0; i < 20; ++i) {
    Client c(server.port());
    REQUIRE(c.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(body_of(c.response()) == "GET /ok ? []");
  }
  CHECK(idle.closed_by_server());
  CHECK(slow_body.closed_by_server());
  slowloris.join();
  CHECK(slow_cut);
  // The stream closes the socket when a deadline passes and completes the read after: the
  // count may come a moment after the client saw the close.
  CHECK(soon([&] { return server.observer.count(http::Cut::idle) >= 1; }));
  CHECK(soon([&] { return server.observer.count(http::Cut::header_timeout) == 1; }));
  CHECK(soon([&] { return server.observer.count(http::Cut::body_timeout) == 1; }));
}

TEST_CASE("connections beyond a peer's cap are closed at once; a freed slot is reused") {
  http::Options options;
  options.limits.max_connections_per_peer = 2;
  Running server(options, echo);
  auto a = std::make_unique<Client>(server.port());
  Client b(server.port());
  REQUIRE(a->send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n"));
  REQUIRE(!a->response().empty());  // both are admitted before the third connects
  REQUIRE(b.send("GET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
  REQUIRE(!b.response().empty());
  {
    Client third(server.port());
    CHECK(third.closed_by_server());
  }
  CHECK(soon([&] { return server.observer.count(http::Cut::too_many_from_peer) == 1; }));
  a.reset();
  // The slot comes back once the server has seen the close.
  bool answered = false;
  for (int i = 0; i < 50 && !answered; ++i) {
    Client again(server.port(), 500ms);
    answered = again.send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n") && !again.response().empty();
    if (!answered) std::this_thread::sleep_for(20ms);
  }
  CHECK(answered);
}

TEST_CASE("with every worker busy and the queue full, a request is answered 503 at once") {
  http::Options options;
  options.worker_threads = 1;
  options.limits.max_queued_requests = 0;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> blocking{false};
  Running server(options, [&](http::Request& r) {
    if (r.path == "/block") {
      blocking = true;
      released.wait();
    }
    return echo(r);
  });
  Client a(server.port());
  REQUIRE(a.send("GET /block HTTP/1.1\r\nHost: t\r\n\r\n"));
  while (!blocking) std::this_thread::sleep_for(1ms);
  Client b(server.port());
  REQUIRE(b.send("GET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string busy = b.response();
  CHECK(busy.starts_with("HTTP/1.1 503"));
  CHECK(busy.find("Retry-After: 1") != std::string::npos);
  release.set_value();
  CHECK(body_of(a.response()) == "GET /block ? []");
  REQUIRE(b.send("GET /b HTTP/1.1\r\nHost: t\r\n\r\n"));  // the 503 kept the connection
  CHECK(body_of(b.response()) == "GET /b ? []");
  CHECK(server.observer.count(http::Cut::overloaded) == 1);
}

TEST_CASE("a handler's exception is a 500 and the connection and the server live on") {
  Running server({}, [](http::Request& r) -> http::Response {
    if (r.path == "/throw") throw std::runtime_error("boom");
    return echo(r);
  });
  Client c(server.port());
  REQUIRE(c.send("GET /throw HTTP/1.1\r\nHost: t\r\n\r\n"));
  CHECK(c.response().starts_with("HTTP/1.1 500"));
  REQUIRE(c.send("GET /fine HTTP/1.1\r\nHost: t\r\n\r\n"));
  CHECK(body_of(c.response()) == "GET /fine ? []");
}

TEST_CASE("headers are found whatever their case; a bad address is an error, not a crash") {
  http::Request r;
  r.headers = {{"Content-Type", "a"}, {"X-Two", "b"}, {"content-type", "c"}};
  REQUIRE(r.header("content-TYPE") != nullptr);
  CHECK(*r.header("content-TYPE") == "a");
  CHECK(r.header("missing") == nullptr);
  http::Options options;
  options.host = "no-such-host.invalid";
  auto server = http::Server::listen(options, echo, nullptr);
  REQUIRE_FALSE(server.has_value());
  CHECK(server.error().find("no-such-host.invalid") != std::string::npos);
  options.host = "127.0.0.1";
  options.tls_cert_path = "/nonexistent/cert.pem";
  options.tls_key_path = "/nonexistent/key.pem";
  server = http::Server::listen(options, echo, nullptr);
  REQUIRE_FALSE(server.has_value());
  CHECK(server.error().find("/nonexistent/cert.pem") != std::string::npos);
}

TEST_CASE("the server's own refusals and a handler's 500 take the refusal hook's shape") {
  http::Options options;
  options.limits.max_body_bytes = 10;
  options.refusal = [](int status, std::string_view message) {
    http::Response r;
    r.status = status;
    r.body = "{\"refused\":\"" + std::string(message) + "\"}";
    return r;
  };
  Running server(options, [](http::Request&) -> http::Response { throw std::logic_error("x"); });
  Client c(server.port());
  REQUIRE(c.send("GET /throws HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string thrown = c.response();
  CHECK(thrown.starts_with("HTTP/1.1 500"));
  CHECK(body_of(thrown) == R"({"refused":"internal error"})");
  REQUIRE(c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n"));
  const std::string large = c.response();
  CHECK(large.starts_with("HTTP/1.1 413"));
  CHECK(body_of(large) == R"({"refused":"request body too large"})");
  CHECK(c.closed_by_server());
}
