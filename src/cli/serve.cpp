// `goatherd serve` and `goatherd migrate`.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <thread>

#include "api/app.h"
#include "api/server.h"
#include "cli/commands.h"
#include "cli/open.h"
#include "core/time.h"

namespace goatherd::cli {
namespace {

struct ServeOptions {
  DbOptions db;
  std::string listen = "127.0.0.1:8080";
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string source = "none";
  bool no_rate_limits = false;
  int requests_per_minute = 60;
  std::string fake_now;
};

int Serve(const ServeOptions& o) {
  auto colon = o.listen.rfind(':');
  if (colon == std::string::npos)
    return Fail("--listen must be HOST:PORT, got '" + o.listen + "'", 2);
  std::string host = o.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(o.listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535)
    return Fail("--listen port must be 0..65535, got '" + o.listen + "'", 2);
  if (o.source != "none") {
    return Fail("--source '" + o.source + "' is not available in this build; use 'none'", 2);
  }
  auto clock = MakeClock(o.fake_now);
  if (!clock) return Fail(clock.error().message, 2);
  auto store = OpenMigrated(o.db.db, o.threads + 2);
  if (!store) return Fail(store.error().message);
  auto secret = (*store)->ServerSecret("cursor");
  if (!secret) return Fail("cannot read the server secret from the database");
  spdlog::warn("no scrape source (--source none): nothing is scraped, data comes from imports");
  if (o.no_rate_limits) spdlog::info("rate limits disabled (--no-rate-limits)");

  api::AppOptions app_options;
  app_options.requests_per_minute = o.no_rate_limits ? 0 : o.requests_per_minute;
  app_options.daily_quota = !o.no_rate_limits;
  api::App app(**store, **clock, *secret, app_options);
  api::ServerOptions options;
  options.host = host;
  options.port = static_cast<std::uint16_t>(port);
  options.worker_threads = o.threads;
  api::HttpServer server(app, options);
  auto bound = server.Listen();
  if (!bound) return Fail(bound.error().message);
  // The first stdout line tells scripts (and the black-box tests) where to connect.
  std::printf("goatherd listening on http://%s:%u\n", host.c_str(), *bound);
  std::fflush(stdout);
  spdlog::info("serving {} on {}:{} with {} worker threads", o.db.db, host, *bound, o.threads);
  server.Run();
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, Run* run) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Run the HTTP API (migrates the database first)");
  AddDbOption(*cmd, o->db);
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0 picks a free one)")
      ->envname("GOATHERD_LISTEN")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "worker threads for requests (default: cores)")
      ->envname("GOATHERD_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--source", o->source, "where scrapes come from: none")
      ->envname("GOATHERD_SOURCE")
      ->capture_default_str();
  cmd->add_flag("--no-rate-limits", o->no_rate_limits,
                "disable the per-key window and the plans' daily request quotas")
      ->envname("GOATHERD_NO_RATE_LIMITS");
  cmd->add_option("--rate-limit-per-minute", o->requests_per_minute,
                  "requests each API key may make in any 60 s (0: no per-key limit)")
      ->envname("GOATHERD_RATE_LIMIT_PER_MINUTE")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--fake-now", o->fake_now,
                  "testing: start the clock at this RFC 3339 instant (it then advances)")
      ->envname("GOATHERD_FAKE_NOW")
      ->group("Testing");
  cmd->callback([o, run] { *run = [o] { return Serve(*o); }; });
}

void AddMigrateCommand(CLI::App& app, Run* run) {
  auto o = std::make_shared<DbOptions>();
  auto* cmd = app.add_subcommand("migrate", "Bring the database schema to the current version");
  AddDbOption(*cmd, *o);
  cmd->callback([o, run] {
    *run = [o] {
      auto store = OpenStore(o->db, 1);
      if (!store) return Fail(store.error().message);
      auto version = (*store)->Migrate();
      if (!version) return Fail("migration failed (see the log above)");
      std::printf("schema at version %d\n", *version);
      return 0;
    };
  });
}

}  // namespace goatherd::cli
