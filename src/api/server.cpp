#include "api/server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/pct_string_view.hpp>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/envelope.h"
#include "core/uuid.h"

namespace goatherd::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

std::int64_t RealNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

class Session;

struct HttpServer::Impl {
  Impl(App& app, ServerOptions opt)
      : app(app),
        options(std::move(opt)),
        threads(options.worker_threads < 1 ? 1 : options.worker_threads),
        ioc(threads) {}

  App& app;
  ServerOptions options;
  int threads;
  // Declared before the io_context: handlers it still holds at destruction end sessions, whose
  // destructors need the registry alive.
  std::mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  net::io_context ioc;
  // Several threads run the io_context: the listener's objects are only touched on this strand.
  net::strand<net::io_context::executor_type> control{ioc.get_executor()};
  tcp::acceptor acceptor{control};
  net::signal_set signals{control, SIGINT, SIGTERM};
  net::steady_timer drain_timer{control};
  std::atomic<bool> stopping{false};

  void Accept();
  void BeginStop();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  ~Session() {
    bool last = false;
    {
      std::lock_guard lock(server_.sessions_mu);
      server_.sessions.erase(this);
      last = server_.sessions.empty();
    }
    // The drain ends with the last connection; the timer is only the upper bound. The timer
    // belongs to the listener's strand.
    if (last && server_.stopping && !server_.ioc.stopped()) {
      HttpServer::Impl* impl = &server_;
      net::post(server_.control, [impl] { impl->drain_timer.cancel(); });
    }
  }

  void Start() {
    {
      std::lock_guard lock(server_.sessions_mu);
      server_.sessions.emplace(this, weak_from_this());
    }
    Read();
  }

  // Called during shutdown from the listener's strand: an idle connection is closed now, a busy
  // one after its response.
  void CloseSoonIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->Close();
    });
  }

 private:
  void Read() {
    if (server_.stopping) return Close();
    busy_ = false;
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    stream_.expires_after(std::chrono::seconds(server_.options.read_timeout_seconds));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof || ec == net::error::bad_descriptor) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Reply(ErrorResponse({413, "payload_too_large", "Request body exceeds 1 MiB"}),
                   NewRequestId(), false);
    }
    if (ec == http::error::header_limit) {
      // 400, not 431: clients branch on the statuses of api-conventions.md, which has no 431.
      return Reply(ErrorResponse({400, "invalid_query", "Request headers exceed 16 KiB"}),
                   NewRequestId(), false);
    }
    if (ec) {
      return Reply(ErrorResponse({400, "invalid_query", "Malformed HTTP request: " + ec.message()}),
                   NewRequestId(), false);
    }
    busy_ = true;
    auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    auto q = req.target.find('?');
    auto decoded = boost::urls::make_pct_string_view(boost::core::string_view(
        req.target.data(), q == std::string::npos ? req.target.size() : q));
    if (!decoded) {
      return Reply(ErrorResponse({400, "invalid_query",
                                  "Malformed HTTP request: invalid percent-encoding in the path"}),
                   NewRequestId(), false);
    }
    req.path = decoded->decode();
    if (q != std::string::npos) req.raw_query = req.target.substr(q + 1);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace(std::move(name), std::string(field.value()));
    }
    const std::string* incoming_id = req.Header("x-request-id");
    req.request_id = incoming_id && IsValidRequestId(*incoming_id) ? *incoming_id : NewRequestId();
    req.body = std::move(msg.body());
    req.peer = peer_;
    bool keep_alive = msg.keep_alive();
    // HEAD is GET without the content (RFC 9110, 9.3.2): every client that sends it expects
    // the headers of the GET answer and no bytes after them.
    bool head = msg.method() == http::verb::head;
    if (head) req.method = "GET";
    if (req.path.empty() || req.path[0] != '/') {
      return Reply(ErrorResponse(
                       {400, "invalid_query", "Malformed HTTP request: the target must be a path"}),
                   req.request_id, false);
    }
    // Answered on this thread: every thread that runs the io_context is a worker, and a
    // connection is served by one of them at a time (its strand), so a blocking database call
    // holds up this connection only while the other threads go on serving the rest. Handing
    // each request to a separate pool and back cost two thread switches per request.
    auto started = std::chrono::steady_clock::now();
    Response resp = server_.app.Handle(req);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
    spdlog::info("{} {} {} {}us id={}", req.method, req.path, resp.status, micros, req.request_id);
    Reply(std::move(resp), req.request_id, keep_alive, head);
  }

  // An answer as it goes on the wire: the header, written here, and the body, sent from where it
  // lies. Beast's serializer cost about a tenth of an uncached stats answer's instructions for
  // these few fixed fields.
  struct Outgoing {
    std::string head;
    std::string body;
    bool keep_alive = false;
  };

  void Reply(Response resp, const std::string& request_id, bool keep_alive, bool head = false) {
    busy_ = true;
    auto out = std::make_shared<Outgoing>();
    out->keep_alive = keep_alive && !resp.close_connection && !server_.stopping;
    std::string& h = out->head;
    h.reserve(192);
    h.append("HTTP/1.1 ").append(std::to_string(resp.status)).append(" ");
    h.append(http::obsolete_reason(static_cast<http::status>(resp.status))).append("\r\n");
    h.append("Server: goatherd\r\nContent-Type: ").append(resp.content_type).append("\r\n");
    h.append("X-Request-Id: ").append(request_id).append("\r\n");
    for (const auto& [name, value] : resp.headers)
      h.append(name).append(": ").append(value).append("\r\n");
    if (!out->keep_alive) h.append("Connection: close\r\n");
    // HEAD is answered with the Content-Length of the GET answer and no content (RFC 9110, 9.3.2).
    h.append("Content-Length: ").append(std::to_string(resp.body.size())).append("\r\n\r\n");
    if (!head) out->body = std::move(resp.body);
    Write(std::move(out));
  }

  void Write(std::shared_ptr<Outgoing> out) {
    stream_.expires_after(std::chrono::seconds(server_.options.read_timeout_seconds));
    std::array<net::const_buffer, 2> buffers{net::buffer(out->head), net::buffer(out->body)};
    net::async_write(stream_, buffers,
                     [self = shared_from_this(), out](beast::error_code ec, std::size_t) {
                       if (ec) return self->Close();
                       if (!out->keep_alive) return self->Linger();
                       self->Read();
                     });
  }

  // Ends a connection after a final answer without losing it: closing a socket with unread input
  // (the rest of a refused 2 MiB body) makes the kernel send a reset, which can destroy the
  // answer in flight. So: stop sending, drain what the client still sends for a moment, close.
  void Linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    Drain();
  }
  void Drain() {
    auto buf = std::make_shared<std::array<char, 16384>>();
    stream_.async_read_some(net::buffer(*buf),
                            [self = shared_from_this(), buf](beast::error_code ec, std::size_t) {
                              if (ec || ++self->drained_reads_ > 256) return self->Close();
                              self->Drain();
                            });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  static std::string NewRequestId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return UuidV7FromBits(RealNowMs(), rng(), rng());
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpServer::Impl& server_;
  std::string peer_;
  bool busy_ = false;
  int drained_reads_ = 0;
};

void HttpServer::Impl::Accept() {
  // Each connection gets its own strand: its reads, handler and writes run one at a time, on
  // whichever thread is free.
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!stopping && ec != net::error::operation_aborted) {
        spdlog::warn("accept failed: {}", ec.message());
        Accept();
      }
      return;
    }
    std::make_shared<Session>(std::move(socket), *this)->Start();
    Accept();
  });
}

void HttpServer::Impl::BeginStop() {
  if (stopping.exchange(true)) return;
  spdlog::info("shutting down: finishing in-flight requests");
  beast::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mu);
    for (auto& [ptr, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->CloseSoonIfIdle();
  live.clear();
  drain_timer.expires_after(std::chrono::seconds(options.drain_timeout_seconds));
  drain_timer.async_wait([this](beast::error_code ec) {
    if (!ec) {
      spdlog::warn("drain timeout: closing remaining connections");
      ioc.stop();
    }
  });
  // Without connections there is nothing to wait for (sessions closed above cancel the timer
  // when they go).
  std::lock_guard lock(sessions_mu);
  if (sessions.empty()) drain_timer.cancel();
}

HttpServer::HttpServer(App& app, ServerOptions options)
    : impl_(std::make_unique<Impl>(app, std::move(options))) {}

HttpServer::~HttpServer() = default;

Result<std::uint16_t> HttpServer::Listen() {
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->options.host, ec);
  if (ec)
    return Error(400, "invalid_params", "invalid listen address '" + impl_->options.host + "'");
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error(500, "internal_error",
                 "cannot listen on " + impl_->options.host + ":" +
                     std::to_string(impl_->options.port) + ": " + ec.message());
  }
  return acc.local_endpoint().port();
}

void HttpServer::Run() {
  auto& impl = *impl_;
  impl.signals.async_wait([&impl](beast::error_code ec, int) {
    if (!ec) impl.BeginStop();
  });
  net::dispatch(impl.control, [&impl] { impl.Accept(); });
  std::vector<std::thread> others;
  for (int i = 1; i < impl.threads; ++i) others.emplace_back([&impl] { impl.ioc.run(); });
  impl.ioc.run();
  // Requests still running after a drain timeout finish before we return; their replies have
  // nowhere to go.
  for (auto& t : others) t.join();
  spdlog::info("stopped");
}

void HttpServer::Stop() {
  net::post(impl_->control, [this] { impl_->BeginStop(); });
}

}  // namespace goatherd::api
