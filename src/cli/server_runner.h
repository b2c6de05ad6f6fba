// Running the server, shared by `serve` and `demo`: the HTTP API on its worker pool plus, when a
// source is chosen, the scrape scheduler; both stop on SIGINT/SIGTERM, in-flight work finished.
// Thread-safety: used from main only.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "core/clock.h"
#include "store/store.h"

namespace goatherd::cli {

struct ServeOptions {
  DbOptions db;
  std::string listen = "127.0.0.1:8080";
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string source = "none";
  std::uint64_t seed = 42;
  int scrape_threads = 2;
  bool no_rate_limits = false;
  int requests_per_minute = 60;
  std::string fake_now;
  // Network sources (--source apify | tiktok-web) and the HTTP client they share.
  std::string apify_token;
  std::string apify_actor = "clockworks~tiktok-scraper";
  std::string apify_base_url = "https://api.apify.com";
  std::string tiktok_base_url = "https://www.tiktok.com";
  std::string http_proxy;
  double http_timeout_seconds = 0;  // 0: the source's own default
  int http_max_per_host = 4;
};

// The values --source accepts.
std::vector<std::string> SourceNames();
// Registers the flags of the network sources and their HTTP client (part of AddServeOptions).
void AddSourceOptions(CLI::App& cmd, ServeOptions& options);

// Registers the flags of ServeOptions on a command (serve, demo).
void AddServeOptions(CLI::App& cmd, ServeOptions& options);

// Splits --listen into host and port; the error message says what is wrong.
Result<std::pair<std::string, std::uint16_t>> ParseListen(const std::string& listen);

// Database connections a server needs so that no thread ever waits for one: each HTTP thread
// holds its request's shared read and may write meanwhile (an API key's last use), each scrape
// thread holds one, and two spare for the background work.
inline int StorePoolSize(const ServeOptions& o) { return 2 * o.threads + o.scrape_threads + 2; }

// Called once the socket is bound, with the address clients should use.
using OnListening = std::function<void(const std::string& base_url)>;

int RunServer(Store& store, const Clock& clock, const ServeOptions& options,
              const OnListening& on_listening);

}  // namespace goatherd::cli
