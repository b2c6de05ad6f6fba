// HttpServer: the network side of the API on Boost.Beast: HTTP/1.1 with keep-alive and
// pipelining. `worker_threads` threads share the sockets (one event loop, a strand per
// connection): the thread that reads a request also runs its handler and writes the answer, so a
// request costs no thread switch, and a handler blocked on the database holds up its own
// connection only while the other threads serve the rest. Every failure the network layer
// sees itself — an over-long body (413), malformed HTTP, oversized headers — is answered in the
// envelope before the connection closes. A slow client holds a socket, never a worker, and is
// cut off after the read timeout. Stop() drains: it stops accepting, closes idle connections
// and lets in-flight requests finish.
// Thread-safety: Run blocks the calling thread; Stop may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/app.h"

namespace goatherd::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = pick a free port
  int worker_threads = 2;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  int read_timeout_seconds = 15;   // a request, or an idle keep-alive connection, must arrive in
  int drain_timeout_seconds = 15;  // how long Stop waits for in-flight requests
};

class HttpServer {
 public:
  HttpServer(App& app, ServerOptions options);
  ~HttpServer();

  // Binds the listening socket; returns the port actually bound (for port 0), or an error.
  Result<std::uint16_t> Listen();
  // Serves until Stop() or SIGINT/SIGTERM; returns when in-flight requests have finished.
  void Run();
  void Stop();

  struct Impl;  // public only so the connection class in server.cpp can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace goatherd::api
