#include "cli/server_runner.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "api/app.h"
#include "api/server.h"
#include "scrape/maintenance.h"
#include "scrape/scheduler.h"
#include "scrape/simulated_source.h"

namespace goatherd::cli {

Result<std::pair<std::string, std::uint16_t>> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Error(400, "invalid_params", "--listen must be HOST:PORT, got '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (host.empty() || port < 0 || port > 65535) {
    return Error(400, "invalid_params",
                 "--listen must be HOST:PORT with a port of 0..65535, got '" + listen + "'");
  }
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

int RunServer(Store& store, const Clock& clock, const ServeOptions& o,
              const OnListening& on_listening) {
  auto address = ParseListen(o.listen);
  if (!address) return Fail(address.error().message, 2);
  const auto& [host, port] = *address;
  if (auto synced = store.SyncDeferredWork(); synced && *synced > 0) {
    spdlog::info("completed the running aggregates of {} videos an interrupted import left",
                 *synced);
  }
  auto secret = store.ServerSecret("cursor");
  if (!secret) return Fail("cannot read the server secret from the database");

  std::unique_ptr<scrape::Source> source;
  if (o.source == "simulated") {
    source = std::make_unique<scrape::SimulatedSource>(o.seed);
  } else {
    spdlog::warn("no scrape source (--source none): nothing is scraped, data comes from imports");
  }
  if (o.no_rate_limits) spdlog::info("rate limits disabled (--no-rate-limits)");

  api::AppOptions app_options;
  app_options.requests_per_minute = o.no_rate_limits ? 0 : o.requests_per_minute;
  app_options.daily_quota = !o.no_rate_limits;
  api::App app(store, clock, *secret, app_options);
  api::ServerOptions options;
  options.host = host;
  options.port = static_cast<std::uint16_t>(port);
  options.worker_threads = o.threads;
  api::HttpServer server(app, options);
  auto bound = server.Listen();
  if (!bound) return Fail(bound.error().message);
  std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string base_url = "http://" + shown_host + ":" + std::to_string(*bound);
  // The first stdout line tells scripts (and the black-box tests) where to connect.
  std::printf("goatherd listening on %s\n", base_url.c_str());
  std::fflush(stdout);
  if (on_listening) on_listening(base_url);
  spdlog::info("serving {} on {} with {} worker threads", o.db.db, base_url, o.threads);

  std::unique_ptr<scrape::Scheduler> scheduler;
  if (source) {
    scrape::SchedulerOptions sched;
    sched.threads = o.scrape_threads;
    scheduler = std::make_unique<scrape::Scheduler>(store, *source, clock, sched);
    scheduler->Start();
  }
  scrape::MaintenanceRunner maintenance(store, clock);
  maintenance.Start();
  server.Run();
  maintenance.Stop();
  if (scheduler) scheduler->Stop();
  return 0;
}

}  // namespace goatherd::cli
