#include "http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "domain/assert.h"

namespace payledger::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const std::string* Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

std::string_view to_string(Cut cut) {
  switch (cut) {
    case Cut::too_many_connections:
      return "too_many_connections";
    case Cut::too_many_from_peer:
      return "too_many_from_peer";
    case Cut::idle:
      return "idle";
    case Cut::header_timeout:
      return "header_timeout";
    case Cut::body_timeout:
      return "body_timeout";
    case Cut::write_timeout:
      return "write_timeout";
    case Cut::header_too_large:
      return "header_too_large";
    case Cut::body_too_large:
      return "body_too_large";
    case Cut::malformed:
      return "malformed";
    case Cut::overloaded:
      return "overloaded";
  }
  return "unknown";
}

struct Server::Impl {
  Impl(Options o, Handler h, Observer* obs)
      : options(std::move(o)),
        handler(std::move(h)),
        observer(obs != nullptr ? obs : &quiet),
        ioc(std::max(1, options.loop_threads)),
        acceptor(net::make_strand(ioc)),
        accept_retry(acceptor.get_executor()),
        workers(static_cast<std::size_t>(std::max(1, options.worker_threads))) {}

  // The order matters on destruction (the reverse): the workers' pending tasks and then the
  // loop's pending handlers hold sessions, whose end gives their slot back to the counters
  // and the map, and whose TLS streams came from `tls`: those are declared first.
  Options options;
  Handler handler;
  Observer quiet;
  Observer* observer;
  std::atomic<std::size_t> connections{0};
  // Requests handed to the workers and not yet answered: running or waiting for a thread.
  std::atomic<std::size_t> in_flight{0};
  std::mutex peers_mutex;
  std::unordered_map<std::string, std::size_t> connections_by_peer;
  std::optional<net::ssl::context> tls;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  net::thread_pool workers;

  // Why it cannot listen as `options` say; nullopt once it does.
  std::optional<std::string> open();
  std::optional<std::string> load_tls();
  void accept();
  void on_accept(tcp::socket socket);
  // Takes a connection slot for `peer`, or says which cap refuses it.
  std::optional<Cut> admit(const std::string& peer);
  void release(const std::string& peer);
};

namespace {

// A connection's place under the caps, given back when the connection ends.
class Slot {
 public:
  Slot(Server::Impl& server, std::string peer) : server_(&server), peer_(std::move(peer)) {}
  ~Slot() {
    if (server_ != nullptr) server_->release(peer_);
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  const std::string& peer() const { return peer_; }

 private:
  Server::Impl* server_;
  std::string peer_;
};

Request to_request(bhttp::request<bhttp::string_body>& message, const std::string& peer, bool tls) {
  Request r;
  r.method = std::string(message.method_string());
  if (message.method() == bhttp::verb::head) {
    r.method = "GET";
    r.head = true;
  }
  r.target = std::string(message.target());
  const auto query_at = r.target.find('?');
  r.path = r.target.substr(0, query_at);
  if (query_at != std::string::npos) r.query = r.target.substr(query_at + 1);
  for (const auto& field : message) {
    r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  r.body = std::move(message.body());
  r.peer = peer;
  r.tls = tls;
  return r;
}

Response plain_text(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  r.body = std::string(message) + "\n";
  r.close = true;
  return r;
}

// Runs the handler; what escapes it is a 500, never a lost connection or a dead process.
Response run(const Handler& handler, Request& request, const Options& options) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    spdlog::error("unhandled exception on {} {}: {}", request.method, request.path, e.what());
  } catch (...) {
    spdlog::error("unhandled exception on {} {}", request.method, request.path);
  }
  Response r =
      options.refusal ? options.refusal(500, "internal error") : plain_text(500, "internal error");
  r.close = false;
  return r;
}

// One connection, plain (beast::tcp_stream) or TLS (beast::ssl_stream over one). Every step
// runs on the connection's strand; the handler runs on a worker, which posts its answer back.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(Server::Impl& server, std::string peer, Args&&... stream_args)
      : server_(server),
        slot_(server, std::move(peer)),
        stream_(std::forward<Args>(stream_args)...) {}
  ~Session() { server_.observer->connection_closed(); }

  void start() {
    server_.observer->connection_opened();
    if constexpr (kTls) {
      lowest().expires_after(server_.options.limits.header_deadline);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->cut_if_timeout(ec, Cut::header_timeout);
                                self->wait_for_request();
                              });
    } else {
      wait_for_request();
    }
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  using Message = bhttp::request<bhttp::string_body>;

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const Limits& limits() const { return server_.options.limits; }
  // The server's own answer to a request it refuses.
  Response plain(int status, std::string_view message) const {
    const auto& refusal = server_.options.refusal;
    Response r = refusal ? refusal(status, message) : plain_text(status, message);
    r.close = true;
    return r;
  }

  // Waits for a request's first byte, at most idle_timeout (pipelined bytes already read count).
  void wait_for_request() {
    if (buffer_.size() > 0) return read_header();
    lowest().expires_after(limits().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->cut_if_timeout(ec, Cut::idle);
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits().max_header_bytes));
    parser_->body_limit(limits().max_body_bytes);
    lowest().expires_after(limits().header_deadline);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_header(ec);
                             });
  }

  void on_header(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return refuse(Cut::header_too_large, 431, "request header fields too large");
    }
    if (ec) return fail_read(ec, Cut::header_timeout);
    const auto length = parser_->content_length();
    if (length && *length > limits().max_body_bytes) {
      return refuse(Cut::body_too_large, 413, "request body too large");
    }
    const auto& head = parser_->get();
    if (iequals(head[bhttp::field::expect], "100-continue") && !parser_->is_done()) {
      return send_continue();
    }
    read_body();
  }

  void send_continue() {
    continue_.emplace(bhttp::status::continue_, parser_->get().version());
    lowest().expires_after(limits().write_deadline);
    bhttp::async_write(stream_, *continue_,
                       [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec) return self->cut_if_timeout(ec, Cut::write_timeout);
                         self->read_body();
                       });
  }

  void read_body() {
    if (parser_->is_done()) return dispatch();
    const std::size_t expected = parser_->content_length().value_or(limits().max_body_bytes);
    const auto per_second = std::max<std::size_t>(1, limits().min_body_bytes_per_second);
    lowest().expires_after(limits().body_grace +
                           std::chrono::milliseconds(expected * 1000 / per_second));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->fail_read(ec, Cut::body_timeout);
                        self->dispatch();
                      });
  }

  // Hands the request to a worker, or answers 503 at once when too many wait already.
  void dispatch() {
    lowest().expires_never();
    Message& message = parser_->get();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    head_ = message.method() == bhttp::verb::head;
    const std::size_t cap = static_cast<std::size_t>(std::max(1, server_.options.worker_threads)) +
                            limits().max_queued_requests;
    if (server_.in_flight.fetch_add(1) >= cap) {
      server_.in_flight.fetch_sub(1);
      server_.observer->cut(Cut::overloaded);
      Response busy = plain(503, "server busy, retry shortly");
      busy.headers.emplace_back("Retry-After", "1");
      busy.close = false;
      return respond(std::move(busy));
    }
    auto request = std::make_shared<Request>(to_request(message, slot_.peer(), kTls));
    parser_.reset();
    net::post(server_.workers, [self = this->shared_from_this(), request] {
      Response response = run(self->server_.handler, *request, self->server_.options);
      self->server_.in_flight.fetch_sub(1);
      net::post(self->lowest().get_executor(),
                [self, r = std::move(response)]() mutable { self->respond(std::move(r)); });
    });
  }

  void respond(Response r) {
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(r.status));
    for (auto& [name, value] : r.headers) response_.insert(name, value);
    const bool keep = keep_alive_ && !r.close;
    response_.keep_alive(keep);
    if (head_) {
      response_.content_length(r.body.size());  // what a GET would send, and no body
    } else {
      response_.body() = std::move(r.body);
      response_.prepare_payload();
    }
    lowest().expires_after(limits().write_deadline);
    bhttp::async_write(stream_, response_,
                       [self = this->shared_from_this(), keep](beast::error_code ec, std::size_t) {
                         if (ec) return self->cut_if_timeout(ec, Cut::write_timeout);
                         if (!keep) return self->close();
                         self->wait_for_request();
                       });
  }

  // A request the server answers itself (too large, malformed), then closes the connection.
  void refuse(Cut why, int status, std::string_view message) {
    server_.observer->cut(why);
    keep_alive_ = false;
    version_ = parser_ ? parser_->get().version() : 11;
    head_ = false;
    parser_.reset();
    respond(plain(status, message));
  }

  // A read of a request failed: a deadline passed, the peer left, the request broke a cap (the
  // parser finds a chunked body's excess, or a Content-Length's, as it reads), or it is not
  // HTTP.
  void fail_read(beast::error_code ec, Cut on_timeout) {
    if (ec == beast::error::timeout) return cut_if_timeout(ec, on_timeout);
    if (ec == bhttp::error::body_limit) {
      return refuse(Cut::body_too_large, 413, "request body too large");
    }
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted ||
        ec == net::ssl::error::stream_truncated) {
      return lowest().close();
    }
    refuse(Cut::malformed, 400, "malformed request");
  }

  // A step failed (a deadline passed, the peer left): the connection ends at once.
  void cut_if_timeout(beast::error_code ec, Cut why) {
    if (ec == beast::error::timeout) server_.observer->cut(why);
    lowest().close();
  }

  // Ends the connection: no more answers, then whatever the client still sends is read and
  // dropped for a moment before the socket closes, so that closing with unread bytes (a
  // refused body) does not reset the connection before the client has read the answer.
  void close() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(kLinger);
    drain();
  }

  void drain() {
    lowest().async_read_some(net::buffer(scratch_),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->lowest().close();
                               self->drain();
                             });
  }

  static constexpr std::chrono::milliseconds kLinger{1'000};

  Server::Impl& server_;
  Slot slot_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  bhttp::response<bhttp::string_body> response_;
  std::array<char, 4096> scratch_{};
  bool keep_alive_ = false;
  bool head_ = false;
  unsigned version_ = 11;
};

}  // namespace

std::optional<std::string> Server::Impl::load_tls() {
  if (options.tls_cert_path.empty() && options.tls_key_path.empty()) return std::nullopt;
  if (options.tls_cert_path.empty() || options.tls_key_path.empty()) {
    return "TLS needs both a certificate and a key";
  }
  tls.emplace(net::ssl::context::tls_server);
  tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                   net::ssl::context::no_tlsv1_1);
  beast::error_code ec;
  (void)tls->use_certificate_chain_file(options.tls_cert_path, ec);
  if (ec) return "cannot read the TLS certificate " + options.tls_cert_path + ": " + ec.message();
  (void)tls->use_private_key_file(options.tls_key_path, net::ssl::context::pem, ec);
  if (ec) return "cannot read the TLS key " + options.tls_key_path + ": " + ec.message();
  return std::nullopt;
}

std::optional<std::string> Server::Impl::open() {
  if (auto why = load_tls()) return why;
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  const auto found = resolver.resolve(options.host, std::to_string(options.port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || found.empty()) return "cannot resolve " + options.host + ": " + ec.message();
  const tcp::endpoint endpoint = found.begin()->endpoint();
  if (acceptor.open(endpoint.protocol(), ec); ec) return "socket: " + ec.message();
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) {
    return "SO_REUSEADDR: " + ec.message();
  }
  if (acceptor.bind(endpoint, ec); ec) {
    return "cannot bind " + options.host + ":" + std::to_string(options.port) + ": " + ec.message();
  }
  if (acceptor.listen(options.listen_backlog, ec); ec) return "listen: " + ec.message();
  return std::nullopt;
}

std::optional<Cut> Server::Impl::admit(const std::string& peer) {
  if (connections.fetch_add(1) >= options.limits.max_connections) {
    connections.fetch_sub(1);
    return Cut::too_many_connections;
  }
  const std::lock_guard lock(peers_mutex);
  std::size_t& n = connections_by_peer[peer];
  if (n >= options.limits.max_connections_per_peer) {
    connections.fetch_sub(1);
    if (n == 0) connections_by_peer.erase(peer);
    return Cut::too_many_from_peer;
  }
  ++n;
  return std::nullopt;
}

void Server::Impl::release(const std::string& peer) {
  connections.fetch_sub(1);
  const std::lock_guard lock(peers_mutex);
  auto it = connections_by_peer.find(peer);
  PL_ASSERT(it != connections_by_peer.end() && it->second > 0,
            "a connection ends that was never admitted");
  if (--it->second == 0) connections_by_peer.erase(it);
}

void Server::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors, most likely: wait instead of spinning; the caps should prevent it.
      spdlog::warn("accept: {}", ec.message());
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](beast::error_code) { accept(); });
      return;
    }
    on_accept(std::move(socket));
    accept();
  });
}

void Server::Impl::on_accept(tcp::socket socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  std::string peer = remote.address().to_string();
  if (auto refused = admit(peer)) {
    observer->cut(*refused);
    (void)socket.close(ec);
    return;
  }
  (void)socket.set_option(tcp::no_delay(true), ec);
  if (tls) {
    using TlsStream = beast::ssl_stream<beast::tcp_stream>;
    std::make_shared<Session<TlsStream>>(*this, std::move(peer), std::move(socket), *tls)->start();
  } else {
    std::make_shared<Session<beast::tcp_stream>>(*this, std::move(peer), std::move(socket))
        ->start();
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  stop();
  impl_->workers.join();
}

Expected<std::unique_ptr<Server>, std::string> Server::listen(Options options, Handler handler,
                                                              Observer* observer) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler), observer);
  if (auto why = impl->open()) return Unexpected{*why};
  impl->accept();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

int Server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void Server::serve() {
  auto guard = net::make_work_guard(impl_->ioc);
  std::vector<std::thread> loops;
  for (int i = 1; i < impl_->options.loop_threads; ++i) {
    loops.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->ioc.run();
  for (auto& t : loops) t.join();
}

void Server::stop() {
  net::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
    beast::error_code ignored;
    (void)impl->acceptor.close(ignored);
  });
  impl_->ioc.stop();
}

}  // namespace payledger::http
